"""The sentences of a report, in the conventions of English public health.

Each function takes figures already formatted by :mod:`healthgap.reports.formatting` (the
very strings the report's tables show), so a sentence never holds a number its tables do
not. Significance is read from confidence intervals only, in the words of the Fingertips
benchmark ("significantly higher than", "not significantly different from"); every
estimate is given with its 95% interval.

>>> benchmark_phrase("worse", "England", higher_is_better=True)
'significantly lower than England'
>>> benchmark_phrase("similar", "England", higher_is_better=True)
'not significantly different from England'
>>> gap_significance("2.1", "0.3")
'a statistically significant gap (its 95% confidence interval excludes zero)'
"""

from __future__ import annotations

from collections.abc import Sequence

from healthgap.reports.formatting import MINUS

__all__ = [
    "benchmark_phrase",
    "contributions_sentence",
    "flags_sentence",
    "gap_significance",
    "headline_sentence",
    "omitted_note",
    "plan_cost_sentence",
    "plan_sentence",
    "projection_sentence",
    "sii_sentence",
    "trend_sentence",
    "within_area_sentence",
]

#: The benchmark categories of :func:`healthgap.measures.comparisons.compare` in words,
#: for an indicator where a higher value is better (life expectancy).
_HIGHER_BETTER = {
    "better": "significantly higher than {c}",
    "worse": "significantly lower than {c}",
    "similar": "not significantly different from {c}",
}
_LOWER_BETTER = {
    "better": "significantly lower than {c}",
    "worse": "significantly higher than {c}",
    "similar": "not significantly different from {c}",
}
_VERDICT_WORDS = {
    "on track": "on track to meet the target",
    "not on track": "not on track to meet the target",
    "too uncertain to say": "too uncertain to say whether the target will be met",
}


def benchmark_phrase(category: str, comparator: str, *, higher_is_better: bool) -> str:
    """How an area compares with ``comparator`` from the benchmark ``category`` (better,
    similar or worse, decided by the confidence intervals)."""
    words = _HIGHER_BETTER if higher_is_better else _LOWER_BETTER
    if category not in words:
        return f"not compared with {comparator}"
    return words[category].format(c=comparator)


def _negative(text: str) -> bool:
    return text.startswith((MINUS, "-"))


def gap_significance(lower: str, upper: str) -> str:
    """Whether a gap's 95% interval (its formatted limits) excludes zero."""
    if _negative(lower) == _negative(upper) and lower.strip("0.,") and upper.strip("0.,"):
        return "a statistically significant gap (its 95% confidence interval excludes zero)"
    return "not a statistically significant gap (its 95% confidence interval includes zero)"


def headline_sentence(
    *,
    measure: str,
    sex: str,
    area: str,
    period: str,
    value: str,
    interval: str,
    phrase: str | None,
    comparator_value: str | None,
) -> str:
    """ "In 2022-24, life expectancy at birth for males in X was 79.9 years (95%
    confidence interval 78.9 to 80.9), significantly lower than England, where it was 81.0
    years.\""""
    text = (
        f"In {period}, {measure} for {sex.lower()} in {area} was {value} years "
        f"(95% confidence interval {interval})"
    )
    if phrase and comparator_value:
        text += f", {phrase}, where it was {comparator_value} years"
    return text + "."


def within_area_sentence(
    *, sex: str, area: str, period: str, most: str, least: str, gap: str, interval: str
) -> str:
    lower, upper = interval.split(" to ")
    return (
        f"In {period}, {sex.lower()} living in the most deprived fifth of {area}'s "
        f"neighbourhoods could expect to live {most} years, against {least} years in the "
        f"least deprived fifth: a gap of {gap} years (95% confidence interval {interval}), "
        f"{gap_significance(lower, upper)}."
    )


def sii_sentence(*, sex: str, value: str, interval: str) -> str:
    return (
        f"Across the whole range of deprivation, the slope index of inequality for "
        f"{sex.lower()} was {value} years (95% confidence interval {interval})."
    )


def trend_sentence(
    *, sex: str, comparator: str, first: str, first_gap: str, last: str, last_gap: str
) -> str:
    return (
        f"The gap in life expectancy at birth for {sex.lower()} between {comparator} and the "
        f"area was {first_gap} years in {first} and {last_gap} years in {last} (a negative "
        "gap means the area lives longer)."
    )


def projection_sentence(
    *, year: str, projected: str, interval: str, target: str, verdict: str
) -> str:
    words = _VERDICT_WORDS.get(verdict, verdict)
    return (
        f"On its trend the gap would be {projected} years in {year} (95% prediction interval "
        f"{interval}) against a target of {target} years: {words}."
    )


def contributions_sentence(
    *, sex: str, base: str, comparator: str, gap: str, top: Sequence[tuple[str, str]]
) -> str:
    """The three largest contributions to a gap, in words."""
    named = [f"{cause.lower()} ({value} years)" for cause, value in top]
    listed = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else "".join(named)
    return (
        f"Of the gap of {gap} years in life expectancy for {sex.lower()} between {base} and "
        f"{comparator}, the largest contributions came from {listed}."
    )


def flags_sentence(
    *, area: str, rule: str, met: str, available: str, needed: str, flagged: bool
) -> str:
    outcome = "so it is flagged" if flagged else "so it is not flagged"
    return (
        f"{area} is in the worst fifth on {met} of the {available} indicators of the "
        f"{rule} rule, which flags areas on {needed} or more: {outcome}."
    )


def plan_sentence(
    *,
    sex: str,
    plan: str,
    comparison: str,
    reduction: str,
    interval: str | None,
    base: str,
    new: str,
    horizon: str,
) -> str:
    uncertainty = f" (95% uncertainty interval {interval})" if interval else ""
    return (
        f"The plan \u201c{plan}\u201d would narrow the gap for {sex.lower()} ({comparison}) by "
        f"{reduction} years{uncertainty} in year {horizon}, from {base} to {new} years."
    )


def plan_cost_sentence(*, cost: str, horizon: str, largest: str, largest_share: str) -> str:
    return (
        f"It would cost {cost} over {horizon} years; {largest.lower()} would do most to "
        f"narrow the gap on its own ({largest_share} of the reduction of all interventions "
        "taken one at a time)."
    )


def omitted_note(heading: str, reason: str) -> str:
    """The visible note of a section left out of a report."""
    return f"{heading}: omitted. {reason}"
