"""MECC training and staff health dashboards: staff trained by route, the change in their
capability scores, and each organisation's staff health against its targets (sickness
absence, staff survey, staff who quit smoking, frontline flu vaccination for CQUIN 1c, the
healthy-food checklist for CQUIN 1b).

Counts of people pass the shared disclosure policy in the core (counts of 1-7 suppressed,
others rounded to 5; percentages and means on fewer than 10 people withheld); the CQUIN 1a
survey table withholds a figure whenever the figure it came from was withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from healthgap.analyses.mecc_dashboards import POLICY, with_labels
from healthgap.analyses.mecc_source import read_mecc
from healthgap.engage.staff_health import (
    against_targets,
    healthy_food_checklist,
    load_staff_health_metrics,
    survey_improvement,
)
from healthgap.engage.training import capability_change, training_reach
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.chart_style import decorative_rules
from healthgap.reports.mecc_charts import staff_health_chart
from healthgap.reports.mecc_dashboard_charts import capability_chart, training_reach_chart
from healthgap.store import Database

__all__ = ["mecc_staff_health", "mecc_training"]

_TRAINING_METHOD = "training reach (Wilson) and paired t change in capability scores"
_HEALTH_METHOD = "staff health against targets (CQUIN 2016-19 indicator 1 parts a-c)"


def mecc_training(
    database: Database,
    *,
    organisations: Sequence[str] | None = None,
    end: date | None = None,
) -> ResultBundle:
    """Staff trained by each route and by any (count and % of staff in post, by organisation
    and overall; training completed by ``end`` when given) and the mean paired change in
    confidence, knowledge and competence by route."""
    data = read_mecc(database, organisations=organisations)
    reach = _any_route(with_labels(training_reach(data.training, data.directory, end=end), data))
    overall = _any_route(
        with_labels(training_reach(data.training, data.directory, by=(), end=end), data)
    )
    change = with_labels(capability_change(data.scores, by=("route",)), data)
    change["from_wave_label"] = change["from_wave"].map(data.vocabulary.labels("capability_waves"))
    change["to_wave_label"] = change["to_wave"].map(data.vocabulary.labels("capability_waves"))
    note = {"trained by": end.isoformat()} if end else {}
    percent = {"value": 1, "lowercl": 1, "uppercl": 1}
    any_route = overall[overall["route"] == "any"]
    tables = {
        "reach": Table(
            reach, "staff trained in MECC by route, as a % of staff in post", note, decimals=percent
        ),
        "reach-overall": Table(
            overall,
            "staff trained by route, all chosen organisations",
            note,
            decimals=percent,
        ),
        "capability": Table(
            change,
            "mean change in capability scores after training (paired)",
            {"scale": "self-rated, 1 to 10"},
            decimals={"mean_from": 2, "mean_to": 2, "value": 2, "lowercl": 2, "uppercl": 2},
        ),
    }
    charts = {"reach": training_reach_chart(reach, synthetic=data.synthetic)}
    if not change.empty:
        charts["capability"] = capability_chart(change, synthetic=data.synthetic)
    return ResultBundle(
        question="MECC training and capability",
        provenance=data.provenance(_TRAINING_METHOD),
        tables=tables,
        charts={name: decorative_rules(spec) for name, spec in charts.items()},
        metadata={"organisations": ", ".join(data.organisations), "disclosure": POLICY.note},
        summary={
            "organisations": {code: data.names[code] for code in data.organisations},
            "staff_in_post": int(any_route["staff_in_post"].sum()) if len(any_route) else 0,
            "staff_trained": _number(any_route["staff_trained"]),
            "trained_percent": _number(any_route["value"]),
            "disclosure": POLICY.note,
        },
    )


def _any_route(reach: pd.DataFrame) -> pd.DataFrame:
    """Training reach with "any route" named, and first within each organisation."""
    out = reach.assign(route_label=reach["route_label"].where(reach["route"] != "any", "Any route"))
    first = (out["route"] != "any").astype(int)
    keys = ["organisation"] if "organisation" in out.columns else []
    return (
        out.assign(_order=first)
        .sort_values([*keys, "_order", "route_label"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _number(values: pd.Series) -> float | None:
    if values.empty or values.isna().all():
        return None
    return float(values.iloc[0])


def _survey(series: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """CQUIN 1a per organisation and question, with the first and latest figures withheld
    where the controlled figures withheld them."""
    survey = survey_improvement(series)
    if survey.empty:
        return survey
    shown = figures.set_index(["organisation", "metric", "period"])["value"]
    for end in ("first", "last"):
        keys = pd.MultiIndex.from_arrays(
            [survey["organisation"], survey["metric"], survey[f"{end}_period"]]
        )
        withheld = shown.reindex(keys).isna().to_numpy()
        survey.loc[withheld, f"{end}_value"] = np.nan
    hidden = survey["first_value"].isna() | survey["last_value"].isna()
    survey.loc[hidden, ["change", "met"]] = np.nan
    survey["disclosure_note"] = np.where(hidden, "figure on fewer than 10 people not shown", "")
    return survey


def mecc_staff_health(
    database: Database, *, organisations: Sequence[str] | None = None
) -> ResultBundle:
    """Every stored staff health figure with its target and whether it is met, CQUIN 1a (two
    of three survey questions improved by 5 points), CQUIN 1b (the healthy-food checklist),
    and a chart per metric of each organisation over time against its target."""
    data = read_mecc(database, organisations=organisations)
    metrics = load_staff_health_metrics()
    figures = against_targets(data.staff_health, metrics=metrics)
    survey = _survey(data.staff_health, figures)
    food = with_labels(healthy_food_checklist(data.staff_health, metrics=metrics), data)
    food = food.rename(columns={"metric": "item", "label": "item_label"})
    labels = dict(zip(metrics.metrics["code"], metrics.metrics["label"], strict=True))
    labels |= dict(zip(metrics.checks["code"], metrics.checks["label"], strict=True))
    survey = with_labels(survey, data)
    if not survey.empty:
        survey.insert(3, "metric_label", survey["metric"].map(labels))
    charts = {
        f"metric-{code}": staff_health_chart(
            figures, metric=code, organisation_names=data.names, synthetic=data.synthetic
        )
        for code in metrics.metrics["code"]
        if (figures["metric"] == code).any()
    }
    # Whole rows (tail), not groupby.last(), which would fill a withheld latest value with
    # an earlier month's.
    latest = (
        figures.sort_values("period", kind="stable")
        .groupby(["organisation", "metric"])
        .tail(1)
        .sort_values(["organisation", "metric"])
        .reset_index(drop=True)
    )
    tables = {
        "figures": Table(
            with_labels(figures, data),
            "staff health figures against their targets",
            decimals={"value": 1, "lowercl": 1, "uppercl": 1, "target": 1},
        ),
        "latest": Table(
            with_labels(latest, data),
            "the latest figure of each metric against its target",
            decimals={"value": 1, "lowercl": 1, "uppercl": 1, "target": 1},
        ),
        "survey": Table(
            survey,
            "CQUIN 1a: staff survey questions, first and latest survey",
            {"rule": "met when at least two of the three questions changed by 5 points"},
            decimals={"first_value": 1, "last_value": 1, "target": 1, "change": 1},
        ),
        "food": Table(food, "CQUIN 1b: healthy food for staff, visitors and patients (checklist)"),
        "food-latest": Table(
            food[food["period"] == food.groupby("organisation")["period"].transform("max")],
            "CQUIN 1b: the latest healthy-food check of each organisation",
        ),
    }
    met_1a = survey.groupby("organisation")["cquin_1a_met"].first() if len(survey) else {}
    return ResultBundle(
        question="MECC staff health",
        provenance=data.provenance(_HEALTH_METHOD),
        tables=tables,
        charts={name: decorative_rules(spec) for name, spec in charts.items()},
        metadata={"organisations": ", ".join(data.organisations), "disclosure": POLICY.note},
        summary={
            "organisations": {code: data.names[code] for code in data.organisations},
            "metrics": {code: labels[code] for code in metrics.metrics["code"]},
            "cquin_1a": {str(k): bool(v) for k, v in dict(met_1a).items()},
            "periods": sorted(set(figures["period"])),
            "disclosure": POLICY.note,
        },
    )
