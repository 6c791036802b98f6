"""Every chart the product makes, built from the SYNTHETIC demo data of each domain.

:func:`every_chart` returns ``{name: Vega-Lite spec}``. The charts of the profile, explain,
target and plan pages come from the use cases themselves (over the small demo workspace),
so what is checked is what a page shows; the other domains' charts are built from their
demo generators. :data:`FACTORIES` names the chart function behind each entry, so that
``test_every_chart.py`` can fail when a chart function of ``healthgap.reports`` is missing
here. Used by the vl-convert test and by the browser test that draws every chart.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Module-qualified chart functions each catalogue entry exercises.
FACTORIES: dict[str, str] = {}


def _add(out: dict[str, Any], name: str, factory: str, spec: dict[str, Any]) -> None:
    FACTORIES[name] = factory
    out[name] = spec


#: A small scenario grid over the demo's local authorities, with a budget sweep.
_GRID = """
name: Catalogue grid
seed: 2
draws: 20
areas: {level: la}
scenarios:
  - name: statins
    interventions:
      - intervention: statins
        volume: {coverage: {from: 0, to: 10}}
        target: {quintiles: [1], ages: [40, 70]}
budgets: [20000, 40000]
"""


def _core(out: dict[str, Any]) -> None:
    from healthgap.analyses import (
        WorkspaceSource,
        check_gap_target,
        explain_gap,
        plan_budget,
        plan_grid,
        plan_scenario,
        plan_sensitivity,
        profile_area,
    )
    from healthgap.datasets import build_demo_workspace
    from healthgap.reports.trend_charts import sii_chart
    from healthgap.scenarios import grid_from_text, scenario_from_dict

    folder = Path(tempfile.mkdtemp(prefix="charts-")) / "demo"
    build_demo_workspace(folder, size="small")
    source = WorkspaceSource.open(folder)
    areas = source.areas()
    la = str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile = profile_area(source, la)
        _add(
            out, "profile_trend", "trend_charts.life_expectancy_trend_chart", profile.chart("trend")
        )
        country = str(areas.loc[areas["level"] == "country", "area_code"].iloc[0])
        lone = profile_area(source, country).chart("trend")  # one series: no comparator
        _add(out, "profile_trend_country", "trend_charts.life_expectancy_trend_chart", lone)
        for comparison in ("england", "quintiles"):
            bundle = explain_gap(source, area=la, comparison=comparison)
            for name in bundle.charts:
                spec = bundle.chart(name)
                kind = "contributions_chart" if "contributions" in name else "scarf_chart"
                _add(out, f"explain_{comparison}_{name}", f"decomposition_charts.{kind}", spec)
        target = check_gap_target(source, area=la, comparison="quintiles", target_year=2030)
        for name in target.charts:
            _add(out, f"target_{name}", "trend_charts.gap_trend_chart", target.chart(name))
        scenario = scenario_from_dict(
            {
                "name": "catalogue",
                "horizon": 5,
                "comparison": {"type": "quintiles", "level": "la", "area": la},
                "interventions": [
                    {
                        "intervention": key,
                        "volume": {"units_per_year": volume},
                        "target": {"level": "la", "areas": [la]},
                    }
                    for key, volume in (
                        ("statins", 400),
                        ("smoking_cessation", 60),
                        ("blood_pressure", 200),
                        ("alcohol_brief_advice", 300),
                    )
                ],
            }
        )
        plan = plan_scenario(source, scenario, rank=False)
        plan_budget(source, scenario, 500_000)  # has no chart, but must not break
        sensitivity = plan_sensitivity(source, scenario, draws=100)
        grid = plan_grid(source, grid_from_text(_GRID, "catalogue.yaml"), folder.parent / "grid")
    for name, factory in (("tornado", "tornado_chart"), ("voi", "voi_chart")):
        _add(out, f"plan_{name}", f"voi_charts.{factory}", sensitivity.chart(name))
    for name, factory in (("spread", "grid_spread_chart"), ("budget_sweep", "budget_sweep_chart")):
        key = "grid_spread" if name == "spread" else name
        _add(out, f"grid_{name}", f"grid_charts.{factory}", grid.chart(key))
    for name, factory in (
        ("waterfall", "waterfall_chart"),
        ("deaths_postponed", "dpp_chart"),
        ("frontier", "frontier_chart"),
    ):
        _add(out, f"plan_{name}", f"plan_charts.{factory}", plan.chart(name))
    groups = pd.DataFrame(
        {
            "quantile": [1, 2, 3, 4, 5],
            "value": [76.0, 77.5, 79, 80, 81.2],
            "lowercl": [75.5, 77, 78.5, 79.5, 80.7],
            "uppercl": [76.5, 78, 79.5, 80.5, 81.7],
        }
    )
    _add(
        out,
        "sii",
        "trend_charts.sii_chart",
        sii_chart(
            groups,
            pd.DataFrame({"sii": [5.3], "intercept": [75.9]}),
            measure_label="Male life expectancy",
            area_label="Area A",
        ),
    )


def _assessment(out: dict[str, Any]) -> None:
    from tests.reports.test_assessment_charts import _specs

    for name, (spec, _) in _specs().items():
        _add(out, f"assessment_{name}", f"assessment_charts.{name}_chart", spec)


def _journeys(out: dict[str, Any]) -> None:
    from tests.journeys.test_journey_compare_and_outputs import _specs

    factories = {
        "swimlane": "swimlane_chart",
        "emotion": "emotion_curve_chart",
        "funnel": "funnel_chart",
        "comparison": "comparison_chart",
        "funnel_by_area": "funnel_chart",
        "template_swimlane": "swimlane_chart",
    }
    for name, spec in _specs().items():
        _add(out, f"journey_{name}", f"journey_charts.{factories[name]}", spec)


def _pledges(out: dict[str, Any]) -> None:
    from tests.engage.test_pledge_reports import _inputs

    from healthgap.reports import engage_charts as charts
    from healthgap.reports.engage_tables import district_map_table, pledge_report_tables

    tables = {t.name: t.publishable() for t in pledge_report_tables(*_inputs())}
    title = "Small changes"
    _add(
        out,
        "pledges_by_day",
        "engage_charts.pledges_by_day_chart",
        charts.pledges_by_day_chart(tables["pledges_by_day"][0], campaign_title=title),
    )
    _add(
        out,
        "pledges_by_theme",
        "engage_charts.pledges_by_theme_chart",
        charts.pledges_by_theme_chart(
            tables["pledges_by_theme"][0], campaign_title=title, synthetic=True
        ),
    )
    _add(
        out,
        "pledge_followup",
        "engage_charts.followup_chart",
        charts.followup_chart(tables["followup_by_week"][0], campaign_title=title),
    )
    _add(
        out,
        "pledge_conversion",
        "engage_charts.conversion_chart",
        charts.conversion_chart(tables["conversion_by_day"][0], campaign_title=title),
    )
    _add(
        out,
        "pledge_districts",
        "engage_charts.district_chart",
        charts.district_chart(*district_map_table(_inputs()[0]), campaign_title=title),
    )
    from healthgap.reports.pledge_map import district_map_chart, map_extent, nearby_outlines

    districts, notes = district_map_table(_inputs()[0])
    _add(
        out,
        "pledge_district_map",
        "pledge_map.district_map_chart",
        district_map_chart(districts, notes, campaign_title=title, synthetic=True),
    )
    extent = map_extent(districts)
    square = {"type": "Polygon", "coordinates": [[[-1.5, 54.5], [-1.5, 54.8], [-1.1, 54.8],
                                                  [-1.1, 54.5], [-1.5, 54.5]]]}  # fmt: skip
    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "E06999001", "name": "Synthetic Town"},
         "geometry": square}]}  # fmt: skip
    outlines = nearby_outlines(
        shapes, code_property="code", name_property="name", extent=extent, home_code="E06999001"
    )
    _add(
        out,
        "pledge_district_map_outlined",
        "pledge_map.district_map_chart",
        district_map_chart(
            districts, notes, campaign_title=title, outlines=outlines, extent=extent,
            synthetic=True,
        ),
    )  # fmt: skip
    from healthgap.reports.pledge_share_card import share_card_spec

    _add(
        out,
        "pledge_share_card",
        "pledge_share_card.share_card_spec",
        share_card_spec(
            campaign_title=title, pledge_text="Walk to work twice a week", display_name="Sam"
        ),
    )


def _mecc(out: dict[str, Any]) -> None:
    from healthgap.datasets.mecc import generate_mecc_demo
    from healthgap.engage.mecc_dashboards import referrals_by_destination, weekly_conversations
    from healthgap.engage.mecc_run_charts import run_chart
    from healthgap.engage.staff_health import against_targets
    from healthgap.reports.mecc_charts import referrals_chart, run_chart_spec, staff_health_chart

    demo = generate_mecc_demo()
    weekly = weekly_conversations(
        demo.logs, by=["organisation"], start=demo.start, end=demo.end, policy=None
    )
    council = run_chart(
        weekly[weekly["organisation"] == "council"], value="conversations", period="week_start"
    )
    _add(
        out,
        "mecc_run",
        "mecc_charts.run_chart_spec",
        run_chart_spec(
            council,
            value="conversations",
            period="week_start",
            title="Council conversations per week",
            synthetic=True,
        ),
    )
    _add(
        out,
        "mecc_referrals",
        "mecc_charts.referrals_chart",
        referrals_chart(referrals_by_destination(demo.logs, by=[]), synthetic=True),
    )
    names = dict(
        zip(
            demo.directory.organisations["organisation"],
            demo.directory.organisations["name"],
            strict=True,
        )
    )
    figures = against_targets(demo.staff_health)
    for metric in ("flu_vaccination_frontline", "sickness_absence_rate"):
        _add(
            out,
            f"mecc_staff_{metric}",
            "mecc_charts.staff_health_chart",
            staff_health_chart(figures, metric=metric, organisation_names=names, synthetic=True),
        )
    _mecc_dashboards(out)


def _mecc_dashboards(out: dict[str, Any]) -> None:
    """The MECC dashboards' own charts, through their use cases over the demo database."""
    from datetime import date

    from healthgap.analyses import load_mecc_demo, mecc_referrals, mecc_training
    from healthgap.store import Database

    database = Database("sqlite://")
    load_mecc_demo(database, today=date(2025, 3, 31), scale=0.5)
    referrals = mecc_referrals(database)
    training = mecc_training(database)
    for name, factory, spec in (
        ("mecc_attribution", "attribution_chart", referrals.chart("attribution")),
        ("mecc_training_reach", "training_reach_chart", training.chart("reach")),
        ("mecc_capability", "capability_chart", training.chart("capability")),
    ):
        _add(out, name, f"mecc_dashboard_charts.{factory}", spec)
    database.dispose()


def _insight(out: dict[str, Any]) -> None:
    from healthgap.datasets.insight_demo import DEMO_DOMAINS, generate_insight_demo
    from healthgap.errors import SmallNumbersWarning
    from healthgap.insight import (
        SmallAreaSegmenter,
        equity_audit,
        indicator_table,
        join_indicators,
        segment_profiles,
        segment_shares,
        stage_matrix,
        stage_shares,
        suggest_names,
    )
    from healthgap.reports import insight_charts as charts

    tables = generate_insight_demo("small")
    indicators = join_indicators(
        [indicator_table(tables["area_indicators"], columns=list(DEMO_DOMAINS))]
    )
    model = SmallAreaSegmenter(random_state=1, candidates=(4, 5), n_bootstrap=3).fit(indicators)
    profile = segment_profiles(model.labels_, indicators)
    names = suggest_names(profile)
    survey = tables["lifestyle_survey"].join(model.labels_, on="area_code")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        shares = stage_shares(
            survey, stages={"smoking": "smoking_stage"}, strata="stratum", psu="psu"
        )
    deciles = tables["area_deprivation"].set_index("area_code")["deprivation_decile"]
    need = tables["service_need"].query("service == 'bowel_screening'").drop(columns="service")
    activity = tables["service_activity"].query("service == 'bowel_screening'")
    audit = equity_audit(
        activity.drop(columns="service"), need, deprivation_decile=deciles, sii_repetitions=1000
    )
    _add(
        out,
        "insight_profile",
        "insight_charts.profile_index_chart",
        charts.profile_index_chart(profile, names=names, synthetic=True),
    )
    _add(
        out,
        "insight_stages",
        "insight_charts.stage_heatmap_chart",
        charts.stage_heatmap_chart(stage_matrix(shares, "smoking"), names=names, synthetic=True),
    )
    _add(
        out,
        "insight_funnel",
        "equity_charts.funnel_chart",
        charts.funnel_chart(
            audit.funnel,
            audit.funnel_limits,
            service="bowel_screening",
            area_label="LSOAs",
            synthetic=True,
        ),
    )
    _add(
        out,
        "insight_uptake",
        "equity_charts.uptake_need_chart",
        charts.uptake_need_chart(
            audit.uptake, "ethnic_group_high_level", service="bowel_screening", synthetic=True
        ),
    )
    parents = pd.Series(
        np.where(np.arange(len(model.labels_)) % 2 == 0, "E1", "E2"), index=model.labels_.index
    )
    _add(
        out,
        "insight_map",
        "insight_map.segment_map_chart",
        charts.segment_map_chart(
            segment_shares(model.labels_, parents), _two_squares(), names=names, synthetic=True
        ),
    )


def _two_squares() -> Path:
    """A GeoJSON file of two neighbouring square areas, E1 and E2."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[x, 52.0], [x + 0.5, 52.0], [x + 0.5, 52.5], [x, 52.5], [x, 52.0]]
                ],
            },
        }
        for code, name, x in (("E1", "Westby", -1.0), ("E2", "Eastby", -0.5))
    ]
    path = Path(tempfile.mkdtemp(prefix="map-")) / "two.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@cache
def every_chart() -> dict[str, dict[str, Any]]:
    """Every chart of the product by a descriptive name (built once per test run)."""
    out: dict[str, Any] = {}
    for build in (_core, _assessment, _journeys, _pledges, _mecc, _insight):
        build(out)
    return out
