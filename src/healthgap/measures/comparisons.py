r"""Compare each area's value with a comparator (e.g. its region or England): absolute and
relative differences with confidence limits, and the Fingertips benchmark category with
its GOV.UK colour and a text label.

Formula
-------
For an area value :math:`v_1` with limits :math:`(l_1, u_1)` and a comparator :math:`v_2`
with limits :math:`(l_2, u_2)` (taken as exact, :math:`l_2 = u_2 = v_2`, when it has none),
the difference :math:`d = v_1 - v_2` gets MOVER limits (method of variance estimates
recovery), which use each side of each CI, so asymmetric CIs (Byar, Wilson) are respected:

.. math::

    d_L = d - \sqrt{(v_1 - l_1)^2 + (u_2 - v_2)^2}, \qquad
    d_U = d + \sqrt{(u_1 - v_1)^2 + (v_2 - l_2)^2}

The relative difference :math:`v_1 / v_2 - 1` gets the same construction on the log scale
(positive values and limits only; otherwise it is missing):

.. math::

    \ln r_{L,U} = \ln\frac{v_1}{v_2} \mp \sqrt{(\ln v_1 - \ln l_1)^2 + (\ln u_2 - \ln v_2)^2}
    \quad(\text{sides swapped for } U)

**Benchmark** ("confidence intervals overlapping reference value", as Fingertips assigns
it): the area's CI at the chosen level (95% or 99.8%) is compared with the comparator's
*point value*. Entirely above it is "higher", entirely below it is "lower", touching or
containing it is "similar". With polarity "high_is_good" higher is "better" and lower is
"worse"; with "low_is_good" the reverse; with "no_judgement" the outcome stays
lower/similar/higher. Without a value, a CI or a comparator value it is "not compared".

References
----------
1. Zou GY, Donner A. Construction of confidence limits about effect measures: a general
   approach. Stat Med 2008;27:1693-1702 (MOVER).
2. Newcombe RG. Interval estimation for the difference between independent proportions.
   Stat Med 1998;17:873-890.
3. OHID Fingertips / FingertipsNext: benchmarking methods and GOV.UK outcome colours
   (``docs`` of the design: ecosystem.md section 2.3).

Notes
-----
Colour is never the only cue: every row also carries ``benchmark_label``, e.g.
"Worse than England (95%)". "Similar" uses dark text (``benchmark_text_colour``).

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame({"area_code": ["A", "B", "C"], "value": [70.0, 75.0, 80.0],
...                       "lowercl": [68.0, 74.0, 79.0], "uppercl": [72.0, 76.0, 81.0]})
>>> england = pd.DataFrame({"value": [75.5]})
>>> out = compare(areas, england, on=(), polarity="high_is_good")
>>> out["benchmark_label"].tolist()
['Worse than England (95%)', 'Similar to England (95%)', 'Better than England (95%)']
>>> out["benchmark_colour"].tolist()
['#D4351C', '#FFDD00', '#00703C']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.measures._validation import (
    ARGUMENT,
    missing_columns,
    numeric_columns,
    raise_if_any,
    row_problems,
)
from healthgap.measures.intervals import confidence_label, level_columns, normalise_confidence

__all__ = ["BENCHMARK_COLOURS", "BENCHMARK_TEXT_COLOURS", "POLARITIES", "compare"]

POLARITIES = ("high_is_good", "low_is_good", "no_judgement")
BENCHMARK_LEVELS = (0.95, 0.998)

#: FingertipsNext outcome colours (GOV.UK palette); "not compared" is drawn as an outline.
BENCHMARK_COLOURS: dict[str, str] = {
    "better": "#00703C",
    "similar": "#FFDD00",
    "worse": "#D4351C",
    "lower": "#5694CA",
    "higher": "#003078",
    "not compared": "transparent",
}
#: Text colour readable on each fill (GOV.UK black on yellow and light blue).
BENCHMARK_TEXT_COLOURS: dict[str, str] = {
    "better": "#FFFFFF",
    "similar": "#0B0C0C",
    "worse": "#FFFFFF",
    "lower": "#0B0C0C",
    "higher": "#FFFFFF",
    "not compared": "#0B0C0C",
}
_LABEL_TEMPLATES = {
    "better": "Better than {name} ({level})",
    "similar": "Similar to {name} ({level})",
    "worse": "Worse than {name} ({level})",
    "lower": "Lower than {name} ({level})",
    "higher": "Higher than {name} ({level})",
    "not compared": "Not compared with {name}",
}


def _limit_names(
    frame: pd.DataFrame, level: float, lowercl: str | None, uppercl: str | None
) -> tuple[str, str] | None:
    """The CI columns at ``level``: given, named for the level, or plain lowercl/uppercl."""
    if lowercl and uppercl:
        return lowercl, uppercl
    named = level_columns(level)  # as the measures name several levels
    if set(named) <= set(frame.columns):
        return named
    plain = ("lowercl", "uppercl")
    if set(plain) <= set(frame.columns):
        # Plain limits are at the level the ``confidence`` column states, or 95% (every
        # measure's default) when there is no such column.
        stated = set(frame["confidence"].dropna()) if "confidence" in frame else {"95%"}
        if stated == {confidence_label(level)}:
            return plain
    return None


def _categories(
    value: np.ndarray, lower: np.ndarray, upper: np.ndarray, reference: np.ndarray, polarity: str
) -> np.ndarray:
    higher, lower_than = lower > reference, upper < reference
    category = np.where(higher, "higher", np.where(lower_than, "lower", "similar")).astype(object)
    if polarity == "high_is_good":
        category = np.select([higher, lower_than], ["better", "worse"], "similar").astype(object)
    elif polarity == "low_is_good":
        category = np.select([higher, lower_than], ["worse", "better"], "similar").astype(object)
    missing = np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(reference)
    category[missing] = "not compared"
    return category


def _mover(
    v1: np.ndarray, l1: np.ndarray, u1: np.ndarray, v2: np.ndarray, l2: np.ndarray, u2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = v1 - v2
    return (
        d,
        d - np.sqrt((v1 - l1) ** 2 + (u2 - v2) ** 2),
        d + np.sqrt((u1 - v1) ** 2 + (v2 - l2) ** 2),
    )


def compare(
    data: pd.DataFrame,
    comparator: pd.DataFrame,
    *,
    on: Sequence[str] = ("sex", "period"),
    polarity: str = "high_is_good",
    confidence: float = 0.95,
    comparator_name: str = "England",
    value: str = "value",
    lowercl: str | None = None,
    uppercl: str | None = None,
    source: str = "data",
) -> pd.DataFrame:
    """Differences from a comparator and the Fingertips benchmark category of each row.

    Parameters
    ----------
    data : DataFrame
        Area values with their limits (``lowercl``/``uppercl``, or ``lower95_0cl``/... as
        written by the measures of this package).
    comparator : DataFrame
        The comparator's ``value`` (and limits if known), one row per ``on`` combination.
    on : sequence of str
        Columns matching rows of ``data`` to the comparator (empty: one comparator row).
    polarity : {"high_is_good", "low_is_good", "no_judgement"}
        Whether a higher value is better, worse, or neither.
    confidence : {0.95, 0.998}
        Level of the area CI used for the benchmark (the limits at that level must exist).
    comparator_name : str
        Name used in the label, e.g. "England" or "the region".
    value, lowercl, uppercl : str
        Value and limit columns of ``data`` (limits found by level when not given).
    source : str
        Name used for ``data`` in error messages.

    Returns
    -------
    DataFrame
        ``data`` with ``comparator_value``, ``difference`` (+ ``_lowercl``/``_uppercl``),
        ``relative_difference`` (+ limits), ``benchmark``, ``benchmark_colour``,
        ``benchmark_text_colour``, ``benchmark_label`` and ``benchmark_method``.
    """
    (level,) = normalise_confidence(confidence)
    on = list(on)

    def arg(column: str, rule: str, message: str) -> Problem:
        return Problem(ARGUMENT, None, column, rule, message)

    problems = []
    if polarity not in POLARITIES:
        problems.append(arg("polarity", "bad_polarity", f"must be one of {POLARITIES}"))
    if level not in BENCHMARK_LEVELS:
        problems.append(arg("confidence", "bad_benchmark_level", "benchmark at 0.95 or 0.998"))
    problems += missing_columns(data, [*on, value], source)
    problems += missing_columns(comparator, [*on, value], "comparator")
    raise_if_any(problems)
    names = _limit_names(data, level, lowercl, uppercl)
    if names is None:
        raise InputError(
            [Problem(source, None, "lowercl", "missing_limits",
                     f"no {confidence_label(level)} confidence limits found; name them with "
                     "lowercl= and uppercl=")]
        )  # fmt: skip
    raise_if_any(missing_columns(data, list(names), source))
    _, problems = numeric_columns(data, [value, *names], source, allow_missing=True)
    problems += numeric_columns(comparator, [value], "comparator", allow_missing=True)[1]
    if on:
        problems += row_problems(
            comparator.duplicated(on).to_numpy(), "comparator", on[0], "duplicate_comparator",
            "comparator row {value} is repeated", comparator[on[0]].to_numpy(),
        )  # fmt: skip
    elif len(comparator) != 1:
        problems.append(arg("comparator", "bad_comparator", "give one comparator row"))
    raise_if_any(problems)

    comparator_limits = _limit_names(comparator, level, None, None)
    kept = {value: "comparator_value"}
    if comparator_limits:
        low, high = comparator_limits
        kept.update({low: "comparator_lowercl", high: "comparator_uppercl"})
    reference = comparator[[*on, *kept]].rename(columns=kept)
    out = data.drop(columns=[c for c in kept.values() if c in data.columns])
    out = out.merge(reference, on=on, how="left") if on else out.assign(**reference.iloc[0])

    v1 = out[value].to_numpy(dtype=float)
    l1, u1 = (out[name].to_numpy(dtype=float) for name in names)
    v2 = out["comparator_value"].to_numpy(dtype=float)
    l2 = out["comparator_lowercl"].to_numpy(dtype=float) if comparator_limits else v2
    u2 = out["comparator_uppercl"].to_numpy(dtype=float) if comparator_limits else v2
    d, d_low, d_high = _mover(v1, l1, u1, v2, l2, u2)
    out["difference"], out["difference_lowercl"], out["difference_uppercl"] = d, d_low, d_high
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = (v1 > 0) & (l1 > 0) & (v2 > 0) & (l2 > 0)
        logs = [np.log(np.where(positive, x, np.nan)) for x in (v1, l1, u1, v2, l2, u2)]
        _, r_low, r_high = (np.exp(x) - 1.0 for x in _mover(*logs))
    out["relative_difference"] = np.where(v2 != 0, v1 / v2 - 1.0, np.nan)
    out["relative_difference_lowercl"], out["relative_difference_uppercl"] = r_low, r_high

    category = _categories(v1, l1, u1, v2, polarity)
    label = confidence_label(level)
    out["benchmark"] = category
    out["benchmark_colour"] = [BENCHMARK_COLOURS[c] for c in category]
    out["benchmark_text_colour"] = [BENCHMARK_TEXT_COLOURS[c] for c in category]
    out["benchmark_label"] = [
        _LABEL_TEMPLATES[c].format(name=comparator_name, level=label) for c in category
    ]
    out["benchmark_method"] = (
        f"Confidence intervals overlapping reference value ({level * 100:.1f})"
    )
    return out
