"""The sections of a report about why the gap is there and what to do: the age and cause
contributions, the flags of an area rule, and a plan scenario's effect, uncertainty and
cost; and the optional sections (self-assessment, equity audit, segments, practice), which
are omitted with a visible note when no use case of this version can supply them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from healthgap.analyses.classify import classify_areas
from healthgap.analyses.explain import explain_gap
from healthgap.analyses.plan import plan_baseline, plan_model, plan_scenario
from healthgap.analyses.provenance import collect_warnings
from healthgap.analyses.report_context import SECTION_HEADINGS, ReportContext, omitted
from healthgap.analyses.report_sections import interval
from healthgap.errors import InputError
from healthgap.frameworks.classification import load_rule
from healthgap.reports.formatting import number, percent, pounds
from healthgap.reports.labels import SEX_NAMES, cause_name, comparison_name, intervention_name
from healthgap.reports.report_document import ReportSection
from healthgap.reports.report_words import (
    contributions_sentence,
    flags_sentence,
    plan_cost_sentence,
    plan_sentence,
)
from healthgap.scenarios import ScenarioSpec, scenario_from_dict

__all__ = ["OPTIONAL_REASONS", "contributions_section", "flags_section", "plan_section"]

#: The interventions of the default plan: the most deprived fifth of the area, a year each.
DEFAULT_INTERVENTIONS = (
    {"intervention": "smoking_cessation", "volume": {"units_per_year": 60}, "ages": [35, 70]},
    {"intervention": "statins", "volume": {"units_per_year": 80}},
    {"intervention": "blood_pressure", "volume": {"units_per_year": 60}},
    {"intervention": "alcohol_brief_advice", "volume": {"units_per_year": 150}},
)
OPTIONAL_REASONS = {
    "assessment": "This version of healthgap has no self-assessment results a report can read.",
    "equity_audit": "This version of healthgap has no equity audit results a report can read.",
    "segments": "This version of healthgap has no segment profiles a report can read.",
    "practice": "This version of healthgap has no linked practice examples a report can read.",
}


def contributions_section(
    ctx: ReportContext, key: str, options: Mapping[str, Any]
) -> ReportSection:
    heading = SECTION_HEADINGS["contributions"]
    try:
        bundle = ctx.used(explain_gap(ctx.source, area=ctx.area, comparison=options["comparison"]))
    except InputError as exc:
        return omitted(key, "contributions", heading, f"The gap cannot be explained: {exc}")
    result = bundle.table("decomposition")
    base, other = str(bundle.summary["base_label"]), str(bundle.summary["comparator_label"])
    by_cause = result.groupby(["sex", "cause"], observed=True)["contribution"].sum().unstack(0)
    gaps = result.groupby("sex", observed=True)["gap"].first()
    sexes = [s for s in ("male", "female") if s in by_cause.columns]
    table = pd.DataFrame({"Cause": [cause_name(str(c)) for c in by_cause.index]})
    for sex in sexes:
        table[f"{SEX_NAMES[sex]} (years)"] = by_cause[sex].map(_two).to_numpy()
    total = {"Cause": "Whole gap", **{f"{SEX_NAMES[s]} (years)": _two(gaps[s]) for s in sexes}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    period = str(bundle.summary["period"])
    name = ctx.table(
        key, "by_cause", table, f"Contributions to the gap between {base} and {other}, {period}"
    )
    sentences, charts, tables = [], [], [name]
    for sex in sexes:
        parts = by_cause[sex].reindex(by_cause[sex].abs().sort_values(ascending=False).index)
        top = [(cause_name(str(c)), _two(v)) for c, v in parts.head(3).items()]
        sentences.append(
            contributions_sentence(
                sex=SEX_NAMES[sex], base=base, comparator=other, gap=_two(gaps[sex]), top=top
            )
        )
        if f"contributions_{sex}" in bundle.charts:
            rows = result[result["sex"] == sex]
            ages = rows.pivot_table(
                index=["age_start", "age_band"],
                columns="cause",
                values="contribution",
                aggfunc="sum",
                observed=True,
            )
            behind = pd.DataFrame({"Age band": ages.index.get_level_values("age_band")})
            for cause in ages.columns:
                behind[f"{cause_name(str(cause))} (years)"] = ages[cause].map(_two).to_numpy()
            age_table = ctx.table(
                key,
                f"by_age_{sex}",
                behind,
                f"Contributions by age band and cause, {SEX_NAMES[sex].lower()}",
            )
            tables.append(age_table)
            charts.append(
                ctx.chart(
                    key, f"contributions_{sex}", bundle.charts[f"contributions_{sex}"], age_table
                )
            )
    return ReportSection(
        key, "contributions", heading, tuple(sentences), tuple(tables), tuple(charts)
    )


def _two(value: object) -> str:
    return number(value, 2)  # type: ignore[arg-type]


def flags_section(ctx: ReportContext, key: str, options: Mapping[str, Any]) -> ReportSection:
    heading = SECTION_HEADINGS["flags"]
    try:
        rule = load_rule(options["rule"])
        bundle = ctx.used(
            ctx.shared(
                ("classify", str(options["rule"]), ctx.level),
                lambda: classify_areas(ctx.source, rule=options["rule"], level=ctx.level),
            )
        )
    except InputError as exc:
        return omitted(key, "flags", heading, f"The rule cannot be applied: {exc}")
    result = bundle.table("classification")
    row = result[result["area_code"].astype(str) == ctx.area]
    if row.empty:
        return omitted(key, "flags", heading, f"The rule gives no result for {ctx.area_name}.")
    found = row.iloc[0]
    total = len(result)
    table = pd.DataFrame(
        {
            "Indicator": [c.label for c in rule.criteria],
            "Value": [number(found.get(f"{c.id}_value"), 1) for c in rule.criteria],
            f"Rank of {total} areas (1 = worst)": [
                number(found.get(f"{c.id}_rank")) for c in rule.criteria
            ],
            "In the worst fifth": [
                "Yes" if bool(found.get(f"{c.id}_worst")) else "No" for c in rule.criteria
            ],
        }
    )
    summary = pd.DataFrame(
        {
            "Rule": [rule.title],
            "Indicators available": [number(found["criteria_available"])],
            "Indicators in the worst fifth": [number(found["criteria_met"])],
            "Needed to be flagged": [number(rule.min_criteria)],
            "Flagged": ["Yes" if bool(found["flagged"]) else "No"],
        }
    )
    names = [
        ctx.table(key, "rule", summary, rule.title),
        ctx.table(key, "indicators", table, f"{rule.title}: indicators"),
    ]
    sentence = flags_sentence(
        area=ctx.area_name,
        rule=rule.title,
        met=summary.iloc[0]["Indicators in the worst fifth"],
        available=summary.iloc[0]["Indicators available"],
        needed=summary.iloc[0]["Needed to be flagged"],
        flagged=bool(found["flagged"]),
    )
    return ReportSection(key, "flags", heading, (sentence,), tuple(names))


def default_scenario(ctx: ReportContext, options: Mapping[str, Any]) -> ScenarioSpec:
    """The template's interventions (or :data:`DEFAULT_INTERVENTIONS`) for the area's most
    deprived fifth, comparing it with its least deprived fifth."""
    chosen = options.get("interventions") or DEFAULT_INTERVENTIONS
    target = {"level": ctx.level, "areas": [ctx.area], "quintiles": [1]}
    interventions = [
        {
            "intervention": item["intervention"],
            "volume": item["volume"],
            "target": {**target, **({"ages": item["ages"]} if "ages" in item else {})},
        }
        for item in chosen
    ]
    return scenario_from_dict(
        {
            "name": f"Most deprived fifth of {ctx.area_name}",
            "horizon": 3,
            "comparison": {"type": "quintiles", "level": ctx.level, "area": ctx.area},
            "interventions": interventions,
        },
        where="report template plan section",
    )


def plan_section(
    ctx: ReportContext, key: str, options: Mapping[str, Any], scenario: ScenarioSpec | None
) -> ReportSection:
    heading = SECTION_HEADINGS["plan"]
    try:
        spec = scenario or default_scenario(ctx, options)
        # the national baseline is the same for every area's plan: built once per run, its
        # warnings first among the plan's, as when the plan builds it
        with collect_warnings() as met:
            baseline = ctx.shared(("plan_baseline",), lambda: plan_baseline(ctx.source))
            model = plan_model(baseline, spec)
        bundle = plan_scenario(
            ctx.source,
            spec,
            model=model,
            draws=int(options["draws"]),
            seed=int(options["seed"]),
            rank=False,
        )
        bundle = ctx.used(replace(bundle, warnings=tuple(dict.fromkeys([*met, *bundle.warnings]))))
    except InputError as exc:
        return omitted(key, "plan", heading, f"The plan cannot be modelled here: {exc}")
    gap = bundle.table("gap")
    first = str(gap["comparison"].iloc[0])
    names = {ctx.area: ctx.area_name}
    compared = comparison_name(first, names)
    wide = gap[gap["comparison"] == first].pivot_table(
        index="sex", columns="statistic", values=["value", "lowercl", "uppercl"], sort=False
    )
    draws = int(options["draws"]) > 0
    sexes = [s for s in ("male", "female") if s in wide.index]
    table = pd.DataFrame(
        {
            "Sex": [SEX_NAMES[s] for s in sexes],
            "Gap now (years)": [_two(wide.loc[s, ("value", "gap_base")]) for s in sexes],
            "Gap with the plan (years)": [_two(wide.loc[s, ("value", "gap_new")]) for s in sexes],
            "Narrower by (years)": [_two(wide.loc[s, ("value", "gap_reduction")]) for s in sexes],
            "95% uncertainty interval": [
                interval(
                    wide.loc[s, ("lowercl", "gap_reduction")],
                    wide.loc[s, ("uppercl", "gap_reduction")],
                    2,
                )
                if draws
                else "not modelled"
                for s in sexes
            ],
        }
    )
    gap_name = ctx.table(key, "gap", table, f"The gap with the plan ({compared})")
    horizon = str(spec.horizon)
    sentences = [
        plan_sentence(
            sex=r["Sex"],
            plan=spec.name,
            comparison=compared,
            reduction=r["Narrower by (years)"],
            interval=r["95% uncertainty interval"] if draws else None,
            base=r["Gap now (years)"],
            new=r["Gap with the plan (years)"],
            horizon=horizon,
        )
        for r in table.to_dict("records")
    ]
    costs = bundle.table("interventions")
    alone = costs["gap_reduction_alone"].clip(lower=0)
    share = alone / alone.sum() if alone.sum() > 0 else alone * 0
    cost_table = pd.DataFrame(
        {
            "Intervention": costs["intervention"].map(intervention_name),
            f"Cost over {horizon} years": costs["cost"].map(pounds),
            "Gap narrower alone (years)": costs["gap_reduction_alone"].map(_two),
            "Share of the reductions": share.map(percent),
        }
    )
    total = pounds(float(costs["cost"].sum()))
    cost_table = pd.concat(
        [
            cost_table,
            pd.DataFrame(
                [
                    {
                        "Intervention": "All interventions",
                        f"Cost over {horizon} years": total,
                        "Gap narrower alone (years)": "",
                        "Share of the reductions": "",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    cost_name = ctx.table(key, "interventions", cost_table, "Cost and effect of each intervention")
    if len(costs):
        best = int(share.to_numpy().argmax())
        sentences.append(
            plan_cost_sentence(
                cost=total,
                horizon=horizon,
                largest=cost_table.iloc[best]["Intervention"],
                largest_share=cost_table.iloc[best]["Share of the reductions"],
            )
        )
    steps = bundle.table("waterfall")
    steps = steps[steps["comparison"] == first]
    behind = steps.pivot_table(
        index=["step", "statistic"], columns="sex", values="value", sort=True
    ).reset_index()
    waterfall = pd.DataFrame(
        {
            "Step": behind["statistic"]
            .astype(str)
            .str.removeprefix("+ ")
            .map(lambda s: "Gap now" if s == "baseline" else intervention_name(s)),
            **{
                f"{SEX_NAMES[s]}: gap after the step (years)": behind[s].map(lambda v: number(v, 3))
                for s in sexes
                if s in behind.columns
            },
        }
    )
    step_name = ctx.table(key, "waterfall", waterfall, "The gap step by step")
    ctx.parameters.append(bundle.table("parameters"))
    chart = ctx.chart(key, "waterfall", bundle.charts["waterfall"], step_name)
    return ReportSection(
        key, "plan", heading, tuple(sentences), (gap_name, cost_name, step_name), (chart,)
    )


def optional_section(key: str, kind: str) -> ReportSection:
    """A section whose domain no use case of this version supplies: omitted with a note."""
    return omitted(key, kind, SECTION_HEADINGS[kind], OPTIONAL_REASONS[kind])
