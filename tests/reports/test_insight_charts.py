"""Insight charts render to SVG offline without Vega-Lite warnings; insight tables are
disclosure-controlled and state that segments are ecological."""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import vl_convert
from tests.conftest import shared_path

from healthgap.datasets.insight_demo import DEMO_DOMAINS, generate_insight_demo
from healthgap.errors import InputError, SmallNumbersWarning
from healthgap.insight import (
    ECOLOGICAL_NOTE,
    SmallAreaSegmenter,
    equity_audit,
    indicator_table,
    join_indicators,
    read_imd_domains,
    segment_profiles,
    segment_shares,
    stage_matrix,
    stage_shares,
    suggest_names,
)
from healthgap.reports.insight_charts import (
    funnel_chart,
    profile_index_chart,
    segment_map_chart,
    stage_heatmap_chart,
    uptake_need_chart,
)
from healthgap.reports.insight_tables import control, write_insight_table
from healthgap.reports.render import VEGA_LITE_VERSION


def _render(spec: dict[str, Any], capfd: pytest.CaptureFixture[str]) -> str:
    """SVG of ``spec``, failing on any Vega-Lite warning printed while compiling."""
    capfd.readouterr()
    svg = vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION, show_warnings=True)
    printed = capfd.readouterr()
    assert "WARN" not in printed.err + printed.out, printed.err
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    return svg


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    tables = generate_insight_demo("small")
    indicators = join_indicators(
        [indicator_table(tables["area_indicators"], columns=list(DEMO_DOMAINS))]
    )
    model = SmallAreaSegmenter(random_state=1, candidates=(4, 5), n_bootstrap=3).fit(indicators)
    profile = segment_profiles(model.labels_, indicators)
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
    return {"profile": profile, "names": suggest_names(profile), "shares": shares, "audit": audit}


def test_profile_chart(results, capfd) -> None:
    spec = profile_index_chart(results["profile"], names=results["names"], synthetic=True)
    svg = _render(spec, capfd)
    assert "index against the whole" in svg and "SYNTHETIC" in svg
    assert "income deprivation score" in svg  # bars are labelled in words


def test_stage_heatmap_says_stages_are_not_a_prediction(results, capfd) -> None:
    matrix = stage_matrix(results["shares"], "smoking")
    svg = _render(stage_heatmap_chart(matrix, names=results["names"], synthetic=True), capfd)
    assert "communication aid, not a prediction" in svg
    assert "precontemplation" in svg


def test_funnel_and_uptake_charts(results, capfd) -> None:
    audit = results["audit"]
    svg = _render(
        funnel_chart(
            audit.funnel,
            audit.funnel_limits,
            service="bowel_screening",
            area_label="LSOAs",
            synthetic=True,
        ),
        capfd,
    )
    assert "Funnel plot of LSOAs" in svg and "99.8% limits" in svg
    svg = _render(
        uptake_need_chart(
            audit.uptake, "ethnic_group_high_level", service="bowel_screening", synthetic=True
        ),
        capfd,
    )
    assert "share of need" in svg and "Asian, Asian British or Asian Welsh" in svg
    with pytest.raises(InputError, match="unknown_grouping"):
        uptake_need_chart(audit.uptake, "religion", service="x")


def _imd2019_shares() -> pd.DataFrame:
    path = shared_path("data", "imd", "imd2019_lsoa11_england.csv")
    ranks = join_indicators([read_imd_domains(path, measure="rank")])
    model = SmallAreaSegmenter(n_segments=5, n_bootstrap=0, random_state=2).fit(ranks)
    lad = pd.read_csv(path, usecols=["lsoa11_code", "lad19_code", "lad13_code"])
    return model.labels_, lad.set_index("lsoa11_code")


def test_map_of_segments_by_local_authority_from_the_shared_boundaries(capfd, tmp_path) -> None:
    labels, lad = _imd2019_shares()
    shares = segment_shares(labels, lad["lad19_code"])
    boundaries = shared_path("data", "boundaries", "lad_19_england.geojson")
    spec = segment_map_chart(shares, boundaries)
    svg = _render(spec, capfd)
    assert svg.count("<path") > 317  # every local authority is drawn
    assert "Largest segment" in svg
    # the boundary file is read, never copied into the package
    assert not list(Path(__file__).resolve().parents[2].joinpath("src").rglob("*.geojson"))
    # the 2013 TopoJSON works too (its code property is LAD13CD)
    shares13 = segment_shares(labels, lad["lad13_code"])
    topo = shared_path("data", "boundaries", "lad_13_england.topojson")
    _render(
        segment_map_chart(shares13, topo, code_property="LAD13CD", name_property="LAD13NM"), capfd
    )
    with pytest.raises(InputError, match="file_not_found"):
        segment_map_chart(shares, tmp_path / "none.geojson")


def test_stage_tables_suppress_small_cells_and_state_the_ecological_nature(results, tmp_path):
    shares = results["shares"]
    safe, notes = control(shares, "stages")
    small = shares["respondents"].between(1, 7)
    assert small.any()
    assert safe.loc[small, "respondents"].isna().all()
    assert safe.loc[shares["respondents"] < 10, "value"].isna().all()
    assert ECOLOGICAL_NOTE in notes
    path = write_insight_table(shares, tmp_path / "stages.xlsx", "stages", synthetic=True)
    metadata = pd.read_excel(path, sheet_name="metadata").set_index("item")["value"]
    assert "not the people" in metadata["ecological"]
    assert "suppressed" in metadata["disclosure"]
    written = pd.read_excel(path, sheet_name="data")
    assert written["respondents"].dropna().mod(5).eq(0).all()


def test_audit_tables_control_activity_counts(results, tmp_path) -> None:
    ratios = results["audit"].ratios
    path = write_insight_table(ratios, tmp_path / "ratios.csv", "ratios", synthetic=True)
    written = pd.read_csv(path)
    assert written["activity"].dropna().mod(5).eq(0).all()
    assert "ecological_note" not in written.columns
    assert (written["data_note"].str.contains("SYNTHETIC")).all()
    with pytest.raises(InputError, match="unknown_table_kind"):
        control(ratios, "mystery")
    profile_path = write_insight_table(results["profile"], tmp_path / "p.csv", "profile")
    assert (pd.read_csv(profile_path)["ecological_note"] == ECOLOGICAL_NOTE).all()
    assert json.loads(json.dumps(results["names"].to_dict("records")))  # JSON-ready names
