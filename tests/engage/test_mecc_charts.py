"""MECC charts render to SVG with no Vega-Lite warning, say SYNTHETIC, describe themselves and
never plot a suppressed count."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
import vl_convert

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.mecc_dashboards import referrals_by_destination, weekly_conversations
from healthgap.engage.mecc_run_charts import run_chart
from healthgap.engage.staff_health import against_targets
from healthgap.reports.mecc_charts import referrals_chart, run_chart_spec, staff_health_chart
from healthgap.reports.render import VEGA_LITE_VERSION


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    demo = generate_mecc_demo()
    weekly = weekly_conversations(
        demo.logs, by=["organisation"], start=demo.start, end=demo.end, policy=None
    )
    council = run_chart(
        weekly[weekly["organisation"] == "council"], value="conversations", period="week_start"
    )
    community = run_chart(
        weekly[weekly["organisation"] == "community"], value="conversations", period="week_start"
    )
    figures = against_targets(demo.staff_health)
    names = dict(
        zip(
            demo.directory.organisations["organisation"],
            demo.directory.organisations["name"],
            strict=True,
        )
    )
    out = {
        "run_community": run_chart_spec(
            community,
            value="conversations",
            period="week_start",
            title="Conversations per week",
            synthetic=True,
        ),
        "run_council": run_chart_spec(
            council,
            value="conversations",
            period="week_start",
            title="Council conversations per week",
            synthetic=True,
        ),
        "referrals": referrals_chart(referrals_by_destination(demo.logs, by=[]), synthetic=True),
    }
    for metric in (
        "flu_vaccination_frontline",
        "sickness_absence_rate",
        "staff_quit_smoking",
        "survey_positive_action",
    ):
        out[metric] = staff_health_chart(
            figures, metric=metric, organisation_names=names, synthetic=True
        )
    return out


@pytest.mark.parametrize(
    "name",
    [
        "run_community",
        "run_council",
        "referrals",
        "flu_vaccination_frontline",
        "sickness_absence_rate",
        "staff_quit_smoking",
        "survey_positive_action",
    ],
)
def test_renders_to_svg_without_warnings(
    specs: dict[str, dict[str, Any]], name: str, capfd: pytest.CaptureFixture[str]
) -> None:
    svg = vl_convert.vegalite_to_svg(specs[name], VEGA_LITE_VERSION, show_warnings=True)
    captured = capfd.readouterr()
    assert "WARN" not in captured.err + captured.out
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "SYNTHETIC" in svg
    assert specs[name]["description"]


def test_warnings_would_be_caught(capfd: pytest.CaptureFixture[str]) -> None:
    """The check above can fail: a spec with a known problem does print a warning."""
    bad = {
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "shape": {"field": "x", "type": "quantitative"},
        },
    }
    vl_convert.vegalite_to_svg(bad, VEGA_LITE_VERSION, show_warnings=True)
    assert "WARN" in capfd.readouterr().err


def test_run_chart_marks_the_shift_and_the_median(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["run_community"]
    signals = {row["signal"] for row in spec["data"]["values"]}
    assert "Shift" in signals
    median = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert median and median[0]["encoding"]["y"]["datum"] > 0
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Shift: six or more" in subtitle and "Trend: five or more" in subtitle
    assert "too few" in subtitle


def test_no_chart_plots_a_count_between_1_and_7(specs: dict[str, dict[str, Any]]) -> None:
    for name in ("run_council", "referrals", "staff_quit_smoking"):
        field = {"referrals": "conversations"}.get(name, "value")
        values = [row[field] for row in specs[name]["data"]["values"] if row[field] is not None]
        assert not [v for v in values if 1 <= v <= 7], name
        assert all(v % 5 == 0 for v in values), name


def test_staff_health_chart_draws_the_target(specs: dict[str, dict[str, Any]]) -> None:
    flu = specs["flu_vaccination_frontline"]
    dashed = [layer for layer in flu["layer"] if layer["mark"].get("strokeDash")]
    assert dashed and dashed[0]["encoding"]["y"]["field"] == "target"
    assert {row["target"] for row in flu["data"]["values"]} == {75.0}
    assert "Synthetic Acute Hospitals NHS Trust" in flu["description"]
    quits = specs["staff_quit_smoking"]
    assert not [layer for layer in quits["layer"] if layer["mark"].get("strokeDash")]
