"""Check a gap target: is the gap of a comparison closing fast enough to meet its target?

:func:`check_gap_target` measures the gap in each period
(:func:`~healthgap.decomposition.populations.gaps_over_periods`), projects its trend to the
target year and gives the verdict (:func:`~healthgap.frameworks.targets.assess_gap_target`)
for each sex, with the trajectory table and a chart per sex. This is the only place the
pipeline from periods to verdict is written; the CLI and the web both call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.source import Source
from healthgap.decomposition.comparison import Comparison
from healthgap.decomposition.populations import gaps_over_periods
from healthgap.errors import InputError
from healthgap.frameworks.targets import assess_gap_target
from healthgap.measures.life_expectancy import MIN_PERSON_YEARS
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.chart_style import decorative_rules
from healthgap.reports.trend_charts import gap_trend_chart

__all__ = ["TRAJECTORY_COLUMNS", "check_gap_target", "target_periods", "uncertainty_reason"]

TRAJECTORY_COLUMNS = ("area_code", "area_name", "sex", "period", "year", "kind")
ROUNDED = ("value", "lowercl", "uppercl", "trend", "target")


def target_periods(source: Source, width: int = 3) -> list[Period]:
    """Non-overlapping pools of ``width`` years ending at the latest year, oldest first
    (overlapping pools share deaths and would overstate the trend's certainty)."""
    return Period.non_overlapping(source.periods("deaths"), width)


def _target_text(kind: str, reduction: float, target_year: int) -> str:
    if kind == "absolute":
        return f"gap narrowed by {reduction:g} years by {target_year}"
    return f"gap narrowed by {reduction * 100:g}% by {target_year}"


def check_gap_target(
    source: Source,
    *,
    area: str,
    comparison: Comparison | str = "england",
    target_year: int,
    reduction: float = 0.10,
    kind: Literal["relative", "absolute"] = "relative",
    periods: Sequence[str | Period] | None = None,
    baseline_period: str | Period | None = None,
    sexes: Sequence[str] = ("male", "female"),
) -> ResultBundle:
    """The gap's trend over ``periods`` (default: :func:`target_periods`) projected to
    ``target_year`` against a target of ``reduction`` (a fraction when relative, years when
    absolute) from ``baseline_period`` (default: the latest period).

    Returns a bundle with table ``trajectory`` (observed and projected gap with 95% limits,
    the trend and the target, every sex), charts ``trajectory_<sex>``, and in ``summary``
    the verdict, explanation and numbers of each sex.
    """
    chosen = Comparison.coerce(comparison, area=area)
    labels = [Period.parse(p) for p in periods] if periods else target_periods(source)
    if len(labels) < 3:
        raise InputError(
            f"a trend needs at least 3 periods, the data give {len(labels)} "
            f"({', '.join(map(str, labels)) or 'none'}): give more with --periods",
            rule="too_few_periods",
        )
    # The target is measured from the latest period unless another is chosen: a commissioner
    # asks "from where we are now", and an old baseline can make a met target look unmet.
    baseline = Period.parse(baseline_period) if baseline_period is not None else labels[-1]
    areas = source.areas()
    names = areas.set_index(areas["area_code"].astype(str)).get("area_name")
    area_name = str(names.get(area, area)) if names is not None else area
    frames, charts, verdicts = [], {}, {}
    with collect_warnings() as met:
        for sex in sexes:
            series, compared = gaps_over_periods(
                areas, source.read, chosen, periods=labels, sex=sex
            )
            # The rule of every page: no life expectancy, so no gap, on too few person-years.
            small = series["smallest_person_years"].to_numpy() <= MIN_PERSON_YEARS
            series.loc[small, ["value", "lowercl", "uppercl", "se"]] = np.nan
            _check_measured(series, baseline, sex, compared.base_label)
            result = assess_gap_target(
                series,
                baseline_period=baseline.label,
                target_year=target_year,
                reduction=reduction,
                kind=kind,
            )
            frames.append(result.trajectory.assign(sex=sex, area_code=area, area_name=area_name))
            charts[f"trajectory_{sex}"] = _described(
                gap_trend_chart(
                    result.trajectory,
                    base_label=f"{compared.base_label} ({sex})",
                    comparator_label=compared.comparator_label,
                    verdict=result.verdict,
                ),
                sex,
                result.verdict,
                result.explanation,
            )
            verdicts[sex] = {
                "verdict": result.verdict,
                "explanation": result.explanation,
                "reason": uncertainty_reason(result.verdict, result.numbers),
                "numbers": result.numbers,
            }
    trajectory = pd.concat(frames, ignore_index=True)
    order = [*TRAJECTORY_COLUMNS, *(c for c in trajectory.columns if c not in TRAJECTORY_COLUMNS)]
    target = _target_text(kind, reduction, target_year)
    metadata = {
        "area": f"{area_name} ({area})",
        "comparator": compared.comparator_label,
        "comparison": chosen.token,
        "target": target,
        "baseline": baseline.label,
        "periods": ", ".join(p.label for p in labels),
        "verdicts": "; ".join(f"{sex}: {v['verdict']}" for sex, v in verdicts.items()),
        "statistic": "gap in life expectancy at birth (years), observed and projected",
        "rounding": "values, limits, trend and target to 3 decimal places",
    }
    level = areas.loc[areas["area_code"].astype(str) == area, "level"]
    table = Table(
        trajectory,
        "observed and projected gap with its trend and the target",
        columns=order,
        decimals=dict.fromkeys(ROUNDED, 3),
        fingertips={
            "indicator_name": f"Gap in life expectancy at birth vs {compared.comparator_label}",
            "area_type": str(level.iloc[0]) if len(level) else "",
            "area_names": {area: area_name},
        },
    )
    return ResultBundle(
        question="check a gap target",
        provenance=provenance_of(source, "weighted least-squares trend, prediction interval"),
        tables={"trajectory": table},
        charts=charts,
        metadata=metadata,
        summary={
            "verdicts": verdicts,
            "base_label": compared.base_label,
            "comparator_label": compared.comparator_label,
            "target": target,
        },
        warnings=tuple(met),
    )


def _check_measured(series: pd.DataFrame, baseline: Period, sex: str, base: str) -> None:
    """Refuse, in words, a trend with fewer than three measured gaps or none at the baseline
    (a small area's life expectancy is not calculated on 5,000 person-years or fewer)."""
    measured = {str(p) for p in series.loc[series["value"].notna(), "period"]}
    why = "a life expectancy is not calculated there, as on 5,000 person-years or fewer"
    if len(measured) < 3:
        message = (
            f"No target trajectory for {sex}s: the gap of {base} can be measured in only "
            f"{len(measured)} of the {len(series)} periods ({why}), and a trend needs at "
            "least 3. Choose a larger area."
        )
    elif baseline.label not in measured:
        message = (
            f"No target trajectory for {sex}s: the gap of {base} cannot be measured in the "
            f"baseline period {baseline.label} ({why}). Choose another baseline period."
        )
    else:
        return
    raise InputError(message, rule="too_few_periods")


def uncertainty_reason(verdict: str, numbers: dict[str, Any]) -> str:
    """One sentence saying why a verdict is "too uncertain to say" (empty otherwise).

    >>> numbers = {"periods": 4, "dispersion_phi": 1.0, "projected_lowercl": 1.2,
    ...            "projected_uppercl": 4.0, "target_gap": 2.5, "target_year": 2030,
    ...            "projected_gap": 2.6}
    >>> uncertainty_reason("too uncertain to say", numbers)  # doctest: +ELLIPSIS
    'The trend rests on only 4 periods, so the gap in 2030 could be anywhere from 1.2 to 4.0...'
    """
    if verdict != "too uncertain to say":
        return ""
    low, high = numbers["projected_lowercl"], numbers["projected_uppercl"]
    span = (
        f"the gap in {numbers['target_year']} could be anywhere from {low:.1f} to {high:.1f} "
        f"years, above or below the target of {numbers['target_gap']:.1f} years"
    )
    if numbers["periods"] < 5:
        return f"The trend rests on only {numbers['periods']} periods, so {span}."
    if numbers["dispersion_phi"] > 2:
        return (
            f"The gap jumps about from one period to the next more than chance explains, so {span}."
        )
    return (
        f"The projected gap ({numbers['projected_gap']:.1f} years) is too close to the target "
        f"for the 95% range of the projection to say which side it falls: {span}."
    )


def _described(spec: dict[str, Any], sex: str, verdict: str, explanation: str) -> dict[str, Any]:
    """The trend chart with a text alternative (vega-embed labels its <svg> with the spec's
    description; without one the drawn chart has no accessible name)."""
    fallback = (
        f"Line chart of the gap in life expectancy for {sex}s over time with the target "
        f"line; verdict: {verdict}. {explanation}"
    )
    return {**decorative_rules(spec), "description": spec.get("description") or fallback}
