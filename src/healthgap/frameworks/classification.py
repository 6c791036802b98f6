r"""Classify areas by a declarative rule, e.g. "worst fifth nationally on 3 of 5 indicators".

A rule (YAML file or dict) names criteria, each an indicator (optionally of one sex
and period) and which end is worse, plus the fraction of areas counted as "worst" and
the number of criteria an area must meet. It applies to any table in the
``indicators`` layout of the data model (``area_code, period, sex, indicator, value``),
whether computed by healthgap or imported. The Spearhead rule ships as
``frameworks/rules/spearhead.yaml``.

Rule
----
For criterion :math:`k` with :math:`N_k` areas holding a value, rank the areas from
worst (rank 1) to best, ties sharing the lowest rank. Area :math:`a` meets it when

.. math::

    r_{a,k} \le f \, N_k,

where :math:`f` is ``worst_fraction`` (0.2 = the worst fifth), and is flagged when it
meets at least ``min_criteria`` criteria. An area missing a value cannot meet that
criterion; ``criteria_available`` says how many it could be judged on.

References
----------
1. Department of Health. Tackling health inequalities: the Spearhead Group of local
   authorities and primary care trusts. London: DH, 2004.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from healthgap.errors import InputError, Problem

__all__ = [
    "ClassificationRule",
    "Criterion",
    "apply_rule",
    "load_rule",
    "wide_to_indicators",
]


@dataclass(frozen=True)
class Criterion:
    """One indicator of a rule and which end of it is worse (``"low"`` or ``"high"``)."""

    id: str
    label: str
    indicator: str
    worse: str
    sex: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class ClassificationRule:
    """A declarative classification rule; :meth:`to_dict` is what is saved with results."""

    name: str
    title: str
    description: str
    reference: str
    worst_fraction: float
    min_criteria: int
    criteria: tuple[Criterion, ...]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["criteria"] = [asdict(c) for c in self.criteria]
        return out

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, source: str = "<rule>") -> ClassificationRule:
        """Build and check a rule, reporting every problem in it at once."""
        problems: list[Problem] = []

        def problem(column: str, rule: str, message: str) -> None:
            problems.append(Problem(source, None, column, rule, message))

        for field in ("name", "worst_fraction", "min_criteria", "criteria"):
            if field not in spec:
                problem(field, "missing_field", f"the rule needs a {field!r} entry")
        if problems:
            raise InputError(problems)
        fraction = spec["worst_fraction"]
        if not isinstance(fraction, int | float) or not 0 < float(fraction) < 1:
            problem(
                "worst_fraction",
                "not_a_fraction",
                "worst_fraction must be between 0 and 1 (e.g. 0.2), got " + repr(fraction),
            )
        criteria = []
        for i, item in enumerate(spec["criteria"] or []):
            missing = [f for f in ("indicator", "worse") if f not in item]
            for f in missing:
                problem(f"criteria[{i}].{f}", "missing_field", f"criterion {i + 1} needs {f!r}")
            if item.get("worse", "low") not in ("low", "high"):
                problem(
                    f"criteria[{i}].worse",
                    "bad_polarity",
                    f"worse must be 'low' or 'high', got {item.get('worse')!r}",
                )
            if missing:
                continue
            indicator = str(item["indicator"])
            sex = item.get("sex")
            criteria.append(
                Criterion(
                    id=str(item.get("id") or (f"{indicator}_{sex}" if sex else indicator)),
                    label=str(item.get("label") or indicator),
                    indicator=indicator,
                    worse=str(item["worse"]),
                    sex=None if sex is None else str(sex),
                    period=None if item.get("period") is None else str(item["period"]),
                )
            )
        count = spec["min_criteria"]
        if not isinstance(count, int) or not 1 <= count <= max(len(criteria), 1):
            problem(
                "min_criteria",
                "bad_count",
                f"min_criteria must be a whole number from 1 to {len(criteria)}, got {count!r}",
            )
        ids = [c.id for c in criteria]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problem("criteria", "duplicate_id", f"criterion id {dup!r} is used twice")
        if problems:
            raise InputError(problems)
        return cls(
            name=str(spec["name"]),
            title=str(spec.get("title", spec["name"])),
            description=str(spec.get("description", "")),
            reference=str(spec.get("reference", "")),
            worst_fraction=float(fraction),
            min_criteria=int(count),
            criteria=tuple(criteria),
        )


def load_rule(rule: str | Path | Mapping[str, Any]) -> ClassificationRule:
    """A rule from a dict, a YAML file, or the name of a shipped rule (``"spearhead"``).

    >>> rule = load_rule("spearhead")
    >>> rule.min_criteria, rule.worst_fraction, [c.id for c in rule.criteria][:2]
    (3, 0.2, ['male_le', 'female_le'])
    """
    if isinstance(rule, Mapping):
        return ClassificationRule.from_dict(rule)
    text_rule = str(rule)
    if re.fullmatch(r"[a-z0-9_]+", text_rule):
        shipped = resources.files("healthgap.frameworks").joinpath("rules", f"{text_rule}.yaml")
        if shipped.is_file():
            return ClassificationRule.from_dict(
                yaml.safe_load(shipped.read_text(encoding="utf-8")), source=f"{text_rule}.yaml"
            )
    path = Path(rule)
    if not path.is_file():
        raise InputError(f"no rule file or shipped rule called {text_rule!r}", rule="no_rule")
    return ClassificationRule.from_dict(
        yaml.safe_load(path.read_text(encoding="utf-8")), source=path.name
    )


def _criterion_values(
    indicators: pd.DataFrame, rule: ClassificationRule, name: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Area x criterion table of values, and every problem met while selecting them."""
    problems = [
        Problem(name, None, c, "missing_column", f"the indicator table needs a column {c!r}")
        for c in ("area_code", "indicator", "value")
        if c not in indicators.columns
    ]
    if problems:
        return pd.DataFrame(), problems
    columns = {}
    for crit in rule.criteria:
        mask = indicators["indicator"].astype(str) == crit.indicator
        if crit.sex is not None and "sex" in indicators.columns:
            mask &= indicators["sex"].astype(str) == crit.sex
        if crit.period is not None and "period" in indicators.columns:
            mask &= indicators["period"].astype(str) == crit.period
        chosen = indicators[mask]
        if chosen.empty:
            problems.append(
                Problem(
                    name,
                    None,
                    "indicator",
                    "indicator_not_found",
                    f"no rows for criterion {crit.id!r} ({crit.label}): "
                    f"indicator {crit.indicator!r}, sex {crit.sex!r}",
                )
            )
            continue
        repeated = chosen["area_code"].duplicated(keep=False).to_numpy()
        if repeated.any():
            rows = np.flatnonzero(mask.to_numpy())[repeated][:3] + 2
            problems.append(
                Problem(
                    name,
                    int(rows[0]),
                    "period",
                    "several_values_per_area",
                    f"criterion {crit.id!r} has several rows per area (e.g. rows "
                    f"{', '.join(map(str, rows))}); give the criterion a period "
                    "or filter the table",
                )
            )
            continue
        values = pd.to_numeric(chosen["value"], errors="coerce")
        columns[crit.id] = pd.Series(values.to_numpy(), index=chosen["area_code"].to_numpy())
    return pd.DataFrame(columns), problems


def apply_rule(
    indicators: pd.DataFrame,
    rule: ClassificationRule | str | Path | Mapping[str, Any],
    *,
    name: str = "indicators",
) -> pd.DataFrame:
    """Flag the areas that meet a classification rule, with the criteria that flagged each.

    Parameters
    ----------
    indicators : DataFrame
        Columns ``area_code``, ``indicator``, ``value`` and, when the rule's criteria
        name them, ``sex`` and ``period`` (the data model's ``indicators`` layout).
    rule : ClassificationRule, dict, path or shipped rule name
        The rule; see :func:`load_rule`.
    name : str
        Name of the table in error messages.

    Returns
    -------
    DataFrame
        One row per area: ``area_code``, ``flagged``, ``criteria_met``,
        ``criteria_available``, ``flagged_by`` (labels of the criteria met), and for
        each criterion ``<id>_value``, ``<id>_rank`` (1 = worst) and ``<id>_worst``.
        Flagged areas come first. ``attrs["rule"]`` holds the rule as a dict.

    Notes
    -----
    Ties share the lowest (worst) rank, so a tie at the threshold flags every tied area.
    Missing values are never counted as worst.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"area_code": list("ABCDEABCDE"),
    ...                       "indicator": ["le"] * 5 + ["mort"] * 5,
    ...                       "value": [70, 80, 81, 82, 83, 500, 100, 90, 80, 70]})
    >>> rule = {"name": "demo", "worst_fraction": 0.2, "min_criteria": 2, "criteria": [
    ...     {"indicator": "le", "worse": "low"}, {"indicator": "mort", "worse": "high"}]}
    >>> out = apply_rule(table, rule)
    >>> out.loc[out["flagged"], ["area_code", "flagged_by"]].to_dict("records")
    [{'area_code': 'A', 'flagged_by': 'le; mort'}]
    """
    if not isinstance(rule, ClassificationRule):
        rule = load_rule(rule)
    values, problems = _criterion_values(indicators, rule, name)
    if problems:
        raise InputError(problems)
    values = values.sort_index()
    out = pd.DataFrame({"area_code": values.index.astype(str)})
    met = np.zeros(len(values), dtype=int)
    available = np.zeros(len(values), dtype=int)
    reasons = np.full(len(values), "", dtype=object)
    for crit in rule.criteria:
        column = values[crit.id]
        rank = column.rank(method="min", ascending=crit.worse == "low")
        worst = (rank <= rule.worst_fraction * column.notna().sum()).to_numpy()
        out[f"{crit.id}_value"] = column.to_numpy()
        out[f"{crit.id}_rank"] = rank.to_numpy()
        out[f"{crit.id}_worst"] = worst
        met += worst
        available += column.notna().to_numpy()
        reasons = np.where(
            worst, np.where(reasons == "", crit.label, reasons + "; " + crit.label), reasons
        )
    out.insert(1, "flagged", met >= rule.min_criteria)
    out.insert(2, "criteria_met", met)
    out.insert(3, "criteria_available", available)
    out.insert(4, "flagged_by", reasons)
    out = out.sort_values(["flagged", "criteria_met", "area_code"], ascending=[False, False, True])
    out = out.reset_index(drop=True)
    out.attrs["rule"] = rule.to_dict()
    return out


def wide_to_indicators(
    wide: pd.DataFrame,
    columns: Mapping[str, tuple[str, str]],
    *,
    period: str,
    area_column: str = "area_code",
) -> pd.DataFrame:
    """Turn a wide published table (one column per indicator) into the indicators layout.

    ``columns`` maps each source column to ``(indicator, sex)``.

    >>> import pandas as pd
    >>> wide = pd.DataFrame({"code": ["E1"], "LE males": [79.1]})
    >>> wide_to_indicators(wide, {"LE males": ("life_expectancy", "male")}, period="2015-19",
    ...                    area_column="code").iloc[0].tolist()[:4]
    ['E1', '2015-19', 'male', 'life_expectancy']
    """
    missing = [c for c in [area_column, *columns] if c not in wide.columns]
    if missing:
        raise InputError(
            [Problem("table", None, c, "missing_column", f"no column {c!r}") for c in missing]
        )
    parts = [
        pd.DataFrame(
            {
                "area_code": wide[area_column].astype(str).to_numpy(),
                "period": str(period),
                "sex": sex,
                "indicator": indicator,
                "value": pd.to_numeric(wide[source], errors="coerce").to_numpy(),
            }
        )
        for source, (indicator, sex) in columns.items()
    ]
    return pd.concat(parts, ignore_index=True)
