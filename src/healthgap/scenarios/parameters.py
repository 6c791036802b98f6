r"""Parameter registry: every number of the scenario model with its default, distribution,
source and evidence tag.

Each intervention declares scalar parameters (e.g. the 52-week abstinence rate ``p52``).
A :class:`Parameter` holds the point value used for deterministic runs and a
:class:`Distribution` used by the Monte Carlo; users override either from a scenario
file. Evidence tags follow ``interventions.md``: ``R`` checked against the source,
``V`` secondary (verify before relying on it), ``A`` a design assumption.

Distributions are sampled by inverse CDF of uniforms, so the same parameter gets the
same draws in every scenario run with the same seed (common random numbers):

.. math::

    \theta^{(d)} = F^{-1}_\theta\left(U^{(d)}_{\mathrm{hash}(\theta)}\right)

Log-normal distributions may be given from a published 95% interval, with
:math:`\sigma = (\ln U - \ln L) / 3.92`.

Examples
--------
>>> p = Parameter("p52", 0.252, Distribution.parse("beta(25, 75)"), "ferguson2005", "R")
>>> p.distribution.sample_uniforms([0.5]).round(4).tolist()
[0.2483]
>>> Distribution.parse({"type": "lognormal_ci", "value": 0.85, "lower": 0.8, "upper": 0.9}).kind
'lognormal'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.errors import InputError, Problem

__all__ = [
    "EVIDENCE_TAGS",
    "Distribution",
    "Parameter",
    "apply_overrides",
    "parameter_table",
    "stream_uniforms",
]

EVIDENCE_TAGS = {"R": "checked against the source", "V": "secondary; verify", "A": "assumption"}

_ARITY = {
    "fixed": ("value",),
    "beta": ("a", "b"),
    "lognormal": ("meanlog", "sdlog"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
}


@dataclass(frozen=True)
class Distribution:
    """A named distribution with its arguments, sampled by inverse CDF."""

    kind: str
    args: tuple[float, ...]

    @classmethod
    def fixed(cls, value: float) -> Distribution:
        return cls("fixed", (float(value),))

    @classmethod
    def parse(cls, spec: Any, *, where: str = "<argument>", column: str = "") -> Distribution:
        """Read ``"beta(25,75)"``, ``{"type": "beta", "a": 25, "b": 75}``, a number (fixed)
        or ``{"type": "lognormal_ci", "value": v, "lower": l, "upper": u}``."""
        if isinstance(spec, int | float) and not isinstance(spec, bool):
            return cls.fixed(float(spec))
        try:
            if isinstance(spec, str):
                name, _, rest = spec.strip().partition("(")
                values = [float(x) for x in rest.rstrip(")").split(",") if x.strip()]
                spec = {
                    "type": name.strip(),
                    **dict(zip(_ARITY.get(name.strip(), ()), values, strict=False)),
                }
            if not isinstance(spec, Mapping):
                raise TypeError("a distribution is a string, a number or a mapping")
            kind = str(spec["type"])
            if kind == "lognormal_ci":
                lower, upper = float(spec["lower"]), float(spec["upper"])
                centre = float(spec.get("value", np.sqrt(lower * upper)))
                sd = (np.log(upper) - np.log(lower)) / 3.92
                return cls("lognormal", (float(np.log(centre)), float(sd)))
            if kind not in _ARITY:
                raise KeyError(f"unknown distribution {kind!r}; use one of {sorted(_ARITY)}")
            args = tuple(float(spec[k]) for k in _ARITY[kind])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                [Problem(where, None, column, "bad_distribution", f"{spec!r}: {exc}")]
            ) from None
        dist = cls(kind, args)
        dist._check(where, column)
        return dist

    def _check(self, where: str, column: str) -> None:
        a = self.args
        bad = (
            (self.kind == "beta" and min(a) <= 0)
            or (self.kind in ("lognormal", "normal") and a[1] < 0)
            or (self.kind == "uniform" and a[0] > a[1])
            or (self.kind == "triangular" and not a[0] <= a[1] <= a[2])
        )
        if bad:
            raise InputError(
                [Problem(where, None, column, "bad_distribution", f"{self} has invalid args")]
            )

    def sample_uniforms(self, u: Sequence[float] | np.ndarray) -> np.ndarray:
        """Transform uniforms in (0, 1) to draws of this distribution."""
        u = np.asarray(u, dtype=float)
        a = self.args
        if self.kind == "fixed":
            return np.full(u.shape, a[0])
        if self.kind == "beta":
            return stats.beta.ppf(u, a[0], a[1])
        if self.kind == "lognormal":
            return np.exp(a[0] + a[1] * stats.norm.ppf(u))
        if self.kind == "uniform":
            return a[0] + (a[1] - a[0]) * u
        if self.kind == "normal":
            return a[0] + a[1] * stats.norm.ppf(u)
        low, mode, high = a
        width = high - low
        if width == 0:
            return np.full(u.shape, low)
        return stats.triang.ppf(u, (mode - low) / width, loc=low, scale=width)

    @property
    def centre(self) -> float:
        """The median of the distribution (used when a parameter has no point value)."""
        return float(self.sample_uniforms([0.5])[0])

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{x:g}' for x in self.args)})"


@dataclass(frozen=True)
class Parameter:
    """One scalar parameter of an intervention."""

    name: str
    value: float
    distribution: Distribution
    source: str
    evidence: str
    description: str = ""
    overridden: bool = field(default=False, compare=False)

    @property
    def is_assumption(self) -> bool:
        """True when the value is a design assumption [A] or unverified [V]."""
        return self.evidence in ("A", "V")


def stream_uniforms(seed: int, key: str, n: int, start: int = 0) -> np.ndarray:
    """``n`` uniforms for the stream ``key`` from draw ``start`` on, reproducible.

    The stream depends only on the seed and the key (e.g. ``"statins.adherence"``), so
    a parameter gets identical draws in every scenario: common random numbers.
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    draws = rng.random(start + n)
    return np.clip(draws[start:], 1e-12, 1 - 1e-12)


def apply_overrides(
    params: Mapping[str, Parameter],
    overrides: Mapping[str, Any],
    *,
    where: str = "<argument>",
    path: str = "overrides",
) -> dict[str, Parameter]:
    """Return ``params`` with user values: a number fixes the parameter; a mapping may set
    ``value``, ``distribution``, ``source`` and ``evidence`` (default ``A``: local value).

    Every unknown name is reported at once.
    """
    out = dict(params)
    problems: list[Problem] = []
    for name, spec in overrides.items():
        column = f"{path}.{name}"
        if name not in params:
            problems.append(
                Problem(where, None, column, "unknown_parameter",
                        f"no parameter {name!r}; known: {', '.join(sorted(params))}")
            )  # fmt: skip
            continue
        old = params[name]
        try:
            if isinstance(spec, Mapping):
                dist = (
                    Distribution.parse(spec["distribution"], where=where, column=column)
                    if "distribution" in spec
                    else Distribution.fixed(float(spec.get("value", old.value)))
                )
                value = float(spec["value"]) if "value" in spec else dist.centre
                new = replace(
                    old,
                    value=value,
                    distribution=dist,
                    source=str(spec.get("source", "local override")),
                    evidence=str(spec.get("evidence", "A")),
                    overridden=True,
                )
            else:
                value = float(spec)
                new = replace(
                    old,
                    value=value,
                    distribution=Distribution.fixed(value),
                    source="local override",
                    evidence="A",
                    overridden=True,
                )
        except InputError as err:
            problems.extend(err.problems)
            continue
        except (TypeError, ValueError):
            problems.append(Problem(where, None, column, "not_a_number", f"{spec!r}"))
            continue
        out[name] = new
    if problems:
        raise InputError(problems)
    return out


def parameter_table(params_by_intervention: Mapping[str, Mapping[str, Parameter]]) -> pd.DataFrame:
    """Tidy table of every parameter value, distribution, source and evidence tag."""
    rows = [
        {
            "intervention": key,
            "parameter": p.name,
            "value": p.value,
            "distribution": str(p.distribution),
            "source": p.source,
            "evidence": p.evidence,
            "assumption": p.is_assumption,
            "overridden": p.overridden,
            "description": p.description,
        }
        for key, params in params_by_intervention.items()
        for p in params.values()
    ]
    return pd.DataFrame(rows)
