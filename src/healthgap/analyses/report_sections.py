"""The sections of a report about where an area stands: headline life expectancy and healthy
life expectancy against the country, the gap inside the area, and the gap's trend against a
target. Each builder takes the :class:`~healthgap.analyses.report_context.ReportContext` and
the section's options and returns a :class:`~healthgap.reports.report_document.ReportSection`
(omitted with a note when the workspace cannot answer it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from healthgap.analyses.measure import measure_healthy_life_expectancy
from healthgap.analyses.report_context import SECTION_HEADINGS, ReportContext, omitted
from healthgap.analyses.target import check_gap_target
from healthgap.errors import InputError
from healthgap.reports.formatting import disclosed_count, number
from healthgap.reports.labels import SEX_NAMES
from healthgap.reports.report_document import ReportSection
from healthgap.reports.report_words import (
    benchmark_phrase,
    headline_sentence,
    projection_sentence,
    sii_sentence,
    trend_sentence,
    within_area_sentence,
)

__all__ = ["headline_section", "trend_section", "within_area_section"]

CI = "95% confidence interval"
_BENCHMARK_WORDS = {"better": "Better", "similar": "Similar", "worse": "Worse"}


def interval(low: object, high: object, decimals: int = 1) -> str:
    """``"78.9 to 80.9"`` (both limits formatted as the tables show them)."""
    return f"{number(low, decimals)} to {number(high, decimals)}"  # type: ignore[arg-type]


def _sex(key: object) -> str:
    return SEX_NAMES.get(str(key), str(key))


def headline_section(ctx: ReportContext, key: str, _options: Mapping[str, Any]) -> ReportSection:
    heading = SECTION_HEADINGS["headline"]
    profile = ctx.profile()
    rows = profile.summary["headline"]
    if not rows:
        return omitted(key, "headline", heading, "The workspace has no deaths for this area.")
    comparator = profile.summary["comparator_name"] or ""
    period = str(profile.summary["latest"])
    frame = pd.DataFrame(rows)
    has_cmp = "cmp_benchmark" in frame.columns
    table = pd.DataFrame(
        {
            "Sex": frame["sex"].map(_sex),
            "Period": period,
            "Life expectancy at birth (years)": frame["value"].map(number_1),
            CI: [
                interval(lo, hi) for lo, hi in zip(frame["lowercl"], frame["uppercl"], strict=True)
            ],
            "Deaths": frame["deaths_used"].map(disclosed_count),
        }
    )
    if has_cmp:
        table[f"{comparator} (years)"] = frame["cmp_comparator_value"].map(number_1)
        table[f"Compared with {comparator}"] = frame["cmp_benchmark"].map(
            lambda b: _BENCHMARK_WORDS.get(str(b), "Not compared")
        )
    name = ctx.table(key, "life_expectancy", table, f"Life expectancy at birth, {period}")
    sentences = [
        headline_sentence(
            measure="life expectancy at birth",
            sex=row["Sex"],
            area=ctx.area_name,
            period=period,
            value=row["Life expectancy at birth (years)"],
            interval=row[CI],
            phrase=benchmark_phrase(
                str(raw.get("cmp_benchmark")), comparator, higher_is_better=True
            )
            if has_cmp
            else None,
            comparator_value=row.get(f"{comparator} (years)"),
        )
        for row, raw in zip(table.to_dict("records"), rows, strict=True)
    ]
    tables, charts = [name], []
    if "trend" in profile.charts and "benchmark" in profile.tables:
        trend = profile.table("benchmark").sort_values(["period", "sex"])
        behind = pd.DataFrame(
            {
                "Period": trend["period"].astype(str),
                "Sex": trend["sex"].map(_sex),
                "Life expectancy at birth (years)": trend["value"].map(number_1),
                CI: [
                    interval(lo, hi)
                    for lo, hi in zip(trend["lowercl"], trend["uppercl"], strict=True)
                ],
                f"{comparator} (years)": trend["comparator_value"].map(number_1),
            }
        )
        trend_name = ctx.table(key, "trend", behind, "Life expectancy at birth by period")
        charts.append(ctx.chart(key, "trend", profile.charts["trend"], trend_name))
        tables.append(trend_name)
    hle_sentences, note = _healthy_life_expectancy(ctx, key, tables)
    return ReportSection(
        key,
        "headline",
        heading,
        tuple(sentences + hle_sentences),
        tuple(tables),
        tuple(charts),
        note=note,
    )


def number_1(value: object) -> str:
    return number(value, 1)  # type: ignore[arg-type]


def _healthy_life_expectancy(
    ctx: ReportContext, key: str, tables: list[str]
) -> tuple[list[str], str]:
    if not ctx.source.has("good_health"):
        return [], (
            "Healthy life expectancy is not shown: the workspace has no good-health table "
            "(import the prevalence of good health by age band to add it)."
        )
    bundle = ctx.used(measure_healthy_life_expectancy(ctx.source, level=ctx.level))
    hle = bundle.table("healthy_life_expectancy")
    hle = hle[(hle["area_code"].astype(str) == ctx.area) & (hle["age_start"] == 0)]
    if hle.empty:
        return [], "Healthy life expectancy is not shown: no good-health rows for this area."
    table = pd.DataFrame(
        {
            "Sex": hle["sex"].map(_sex),
            "Period": hle["period"].astype(str),
            "Healthy life expectancy at birth (years)": hle["value"].map(number_1),
            CI: [interval(lo, hi) for lo, hi in zip(hle["lowercl"], hle["uppercl"], strict=True)],
        }
    )
    tables.append(ctx.table(key, "healthy_life_expectancy", table, "Healthy life expectancy"))
    sentences = [
        headline_sentence(
            measure="healthy life expectancy at birth",
            sex=r["Sex"],
            area=ctx.area_name,
            period=r["Period"],
            value=r["Healthy life expectancy at birth (years)"],
            interval=r[CI],
            phrase=None,
            comparator_value=None,
        )
        for r in table.to_dict("records")
    ]
    return sentences, ""


def within_area_section(ctx: ReportContext, key: str, _options: Mapping[str, Any]) -> ReportSection:
    heading = SECTION_HEADINGS["within_area"]
    profile = ctx.profile()
    if "inequality" not in profile.tables:
        return omitted(
            key,
            "within_area",
            heading,
            "The area has too few small areas with a "
            "deprivation score (at least 10 are needed for fifths).",
        )
    rows = profile.table("inequality")
    gap = rows[rows["statistic"].astype(str).str.startswith("gap")]
    sii = rows[rows["statistic"].astype(str).str.startswith("slope")]
    table = pd.DataFrame(
        {
            "Measure": ["Gap, least minus most deprived fifth"] * len(gap)
            + ["Slope index of inequality"] * len(sii),
            "Sex": pd.concat([gap["sex"], sii["sex"]]).map(_sex).to_numpy(),
            "Period": pd.concat([gap["period"], sii["period"]]).astype(str).to_numpy(),
            "Most deprived fifth (years)": [
                *gap["most_deprived_value"].map(number_1),
                *[""] * len(sii),
            ],
            "Least deprived fifth (years)": [
                *gap["least_deprived_value"].map(number_1),
                *[""] * len(sii),
            ],
            "Value (years)": pd.concat([gap["value"], sii["value"]]).map(number_1).to_numpy(),
            CI: [
                interval(lo, hi)
                for lo, hi in zip(
                    pd.concat([gap["lowercl"], sii["lowercl"]]),
                    pd.concat([gap["uppercl"], sii["uppercl"]]),
                    strict=True,
                )
            ],
        }
    )
    name = ctx.table(key, "inequality", table, "Inequality in life expectancy inside the area")
    sentences = [
        within_area_sentence(
            sex=r["Sex"],
            area=ctx.area_name,
            period=r["Period"],
            most=r["Most deprived fifth (years)"],
            least=r["Least deprived fifth (years)"],
            gap=r["Value (years)"],
            interval=r[CI],
        )
        for r in table.to_dict("records")
        if r["Measure"].startswith("Gap")
    ] + [
        sii_sentence(sex=r["Sex"], value=r["Value (years)"], interval=r[CI])
        for r in table.to_dict("records")
        if r["Measure"].startswith("Slope")
    ]
    return ReportSection(key, "within_area", heading, tuple(sentences), (name,))


def trend_section(ctx: ReportContext, key: str, options: Mapping[str, Any]) -> ReportSection:
    heading = SECTION_HEADINGS["trend"]
    try:
        bundle = ctx.used(
            check_gap_target(
                ctx.source,
                area=ctx.area,
                comparison="england",
                target_year=int(options["target_year"]),
                reduction=float(options["reduction"]),
                kind=options["kind"],
            )
        )
    except InputError as exc:
        return omitted(key, "trend", heading, f"The workspace cannot give a trend: {exc}")
    frame = bundle.table("trajectory")
    comparator = str(bundle.summary["comparator_label"])
    table = pd.DataFrame(
        {
            "Sex": frame["sex"].map(_sex),
            "Period": frame["period"].astype(str),
            "Observed or projected": frame["kind"].astype(str).str.capitalize(),
            "Gap (years)": frame["value"].map(number_1),
            "95% interval": [
                interval(lo, hi) for lo, hi in zip(frame["lowercl"], frame["uppercl"], strict=True)
            ],
            "Target (years)": frame["target"].map(number_1),
        }
    )
    name = ctx.table(key, "trajectory", table, f"Gap in life expectancy to {comparator}")
    sentences, charts = [], []
    for sex, verdict in bundle.summary["verdicts"].items():
        rows = table[frame["sex"].to_numpy() == sex]
        observed = rows[rows["Observed or projected"] == "Observed"]
        projected = rows[rows["Observed or projected"] == "Projected"]
        if observed.empty or projected.empty:
            continue
        first, last, ahead = observed.iloc[0], observed.iloc[-1], projected.iloc[-1]
        sentences.append(
            trend_sentence(
                sex=first["Sex"],
                comparator=comparator,
                first=first["Period"],
                first_gap=first["Gap (years)"],
                last=last["Period"],
                last_gap=last["Gap (years)"],
            )
        )
        sentences.append(
            projection_sentence(
                year=ahead["Period"],
                projected=ahead["Gap (years)"],
                interval=ahead["95% interval"],
                target=ahead["Target (years)"],
                verdict=verdict["verdict"],
            )
        )
        if f"trajectory_{sex}" in bundle.charts:
            charts.append(
                ctx.chart(key, f"trajectory_{sex}", bundle.charts[f"trajectory_{sex}"], name)
            )
    return ReportSection(key, "trend", heading, tuple(sentences), (name,), tuple(charts))
