"""As-is vs to-be comparison; charts render to SVG/PNG without Vega warnings; accessible
HTML tables and the feedback sheet; exports."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import vl_convert

from healthgap.journeys import (
    Journey,
    apply_service_counts,
    build_feedback_summary,
    compare_journeys,
    funnel_table,
    journey_map_table,
    load_template,
    swimlane_grid,
    update_touchpoint,
)
from healthgap.reports.chart_style import OKABE_ITO
from healthgap.reports.journey_charts import (
    comparison_chart,
    emotion_curve_chart,
    funnel_chart,
    journey_charts,
    swimlane_chart,
)
from healthgap.reports.journey_outputs import export_journey, feedback_html, journey_map_html
from healthgap.reports.render import VEGA_LITE_VERSION, save_chart

STEPS = ["invited", "booked", "attended", "completed"]
ACTIVITY = pd.DataFrame({
    "area_code": ["E1"] * 4 + ["E2"] * 4, "service": "nhs_health_check", "stage": STEPS * 2,
    "count": [1000, 420, 380, 350, 800, 300, 250, 240],
})  # fmt: skip


def test_comparison_stage_by_stage(small: Journey) -> None:
    to_be = replace(
        update_touchpoint(small, "letter", emotion=1.0, pain_points=()),
        id="small-to-be", kind="to_be", based_on="small",
        stages=(replace(small.stages[0], count=200), replace(small.stages[1], count=120)),
    )  # fmt: skip
    result = compare_journeys(small, to_be)
    stages = result.stages.set_index("stage_id")
    assert stages.loc["invited", "mean_emotion_as_is"] == -0.5
    assert stages.loc["invited", "mean_emotion_to_be"] == 0.5
    assert stages.loc["invited", "emotion_change"] == 1.0
    assert (
        stages.loc["invited", "pain_points_as_is"] == 2
        and stages.loc["invited", "pain_points_to_be"] == 0
    )
    assert stages.loc["attended", "lowest_emotion_to_be"] == 1.5
    points = result.touchpoints.set_index("touchpoint")
    assert points.loc["letter", "status"] == "changed"
    assert points.loc["letter", "changed_fields"] == "emotion, pain_points"
    assert points.loc["call", "status"] == "kept"
    funnel = result.funnel.set_index("stage_id")
    assert funnel.loc["attended", "conversion_as_is"] == pytest.approx(0.45)
    assert funnel.loc["attended", "conversion_change"] == pytest.approx(0.15)
    assert result.summary["negative_touchpoints_as_is"] == 1
    assert result.summary["negative_touchpoints_to_be"] == 0


def test_comparison_finds_added_removed_and_moved(small: Journey) -> None:
    from healthgap.journeys import Touchpoint

    moved = update_touchpoint(small, "call", stage="attended")
    to_be = replace(moved, touchpoints=(*[t for t in moved.touchpoints if t.id != "visit"],
                                        Touchpoint("text", "attended", 9, "Text")),
                    improvements=())  # fmt: skip
    result = compare_journeys(small, replace(to_be, kind="to_be"))
    status = result.touchpoints.set_index("touchpoint")["status"].to_dict()
    assert status == {"letter": "kept", "call": "moved", "text": "added", "visit": "removed"}
    assert result.funnel.empty is False  # both versions carry counts


def _specs() -> dict[str, dict]:
    demo = apply_service_counts(load_template("demo_health_check"), ACTIVITY)
    by_area = funnel_table(ACTIVITY, service="nhs_health_check", steps=STEPS, by=["area_code"])
    specs = journey_charts(demo)
    specs["comparison"] = comparison_chart(demo, load_template("demo_health_check_to_be"))
    specs["funnel_by_area"] = funnel_chart(by_area, title="By area", group="area_code")
    specs["template_swimlane"] = swimlane_chart(load_template("antenatal_booking"))
    return specs


@pytest.mark.parametrize(
    "name", ["swimlane", "emotion", "funnel", "comparison", "funnel_by_area", "template_swimlane"]
)
def test_charts_render_without_vega_warnings(
    name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    spec = _specs()[name]
    capfd.readouterr()
    vl_convert.vegalite_to_vega(spec, VEGA_LITE_VERSION, show_warnings=True)
    assert "WARN" not in capfd.readouterr().err
    svg = save_chart(spec, tmp_path / f"{name}.svg").read_text(encoding="utf-8")
    assert ET.fromstring(svg).tag.endswith("svg") and len(svg) > 2_000
    png = save_chart(spec, tmp_path / f"{name}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24])[0] >= 300
    assert json.loads(save_chart(spec, tmp_path / f"{name}.json").read_text()) == spec


def test_charts_say_what_they_show() -> None:
    specs = _specs()
    assert "SYNTHETIC" in json.dumps(specs["swimlane"]["title"])
    assert "reconstructed template" in json.dumps(specs["template_swimlane"]["title"])
    assert "SYNTHETIC" not in json.dumps(specs["template_swimlane"]["title"])
    texts = [v["cell_text"] for v in specs["swimlane"]["data"]["values"]]
    assert any("moment of truth" in t for t in texts) and any("[very negative]" in t for t in texts)
    points = specs["emotion"]["data"]["values"]
    assert [p["marker"] for p in points][:2] == ["−1 ★", "−2 ★"]
    labels = [v["label"] for v in specs["funnel"]["data"]["values"]]
    assert labels[1] == "720 (40% of Invited, 38% to 42%); 1,080 lost"
    colours = json.dumps(specs["emotion"])
    assert OKABE_ITO[0] in colours and OKABE_ITO[4] in colours
    assert len(emotion_curve_chart(load_template("stop_smoking"))["data"]["values"]) == 10


def _structure(html: str) -> dict[str, list]:
    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: dict[str, list] = {"th": [], "caption": 0, "h": []}

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "th":
                self.found["th"].append(dict(attrs).get("scope"))
            if tag == "caption":
                self.found["caption"] += 1
            if tag in ("h2", "h3"):
                self.found["h"].append(tag)

    parser = Collector()
    parser.feed(html)
    return parser.found


def test_accessible_map_table_matches_the_chart() -> None:
    demo = load_template("demo_health_check")
    html = journey_map_html(demo)
    found = _structure(html)
    assert found["caption"] == 2 and set(found["th"]) == {"col", "row"}
    assert found["th"].count("row") == 5 + len(demo.touchpoints)  # five lanes, then touchpoints
    table = journey_map_table(demo)
    assert table["touchpoint"].tolist() == [t.name for t in demo.sequence()]
    assert (
        table.loc[1, "emotion_words"] == "very negative"
        and table.loc[1, "moment_of_truth"] == "yes"
    )
    grid = swimlane_grid(demo)
    assert "Phones to book: Rings at 8am" in grid.loc["The person", "Booked"]
    assert "SYNTHETIC" in html and "&lt;" not in demo.title


def test_feedback_sheet_is_plain_accessible_and_escaped(demo: Journey) -> None:
    summary = build_feedback_summary(journey=demo, prepared_on=date(2025, 4, 1),
                                     contact="<b>call us</b>")  # fmt: skip
    html = feedback_html(summary)
    assert _structure(html)["h"] == ["h2", "h3", "h3"]
    assert "Status: agreed and starting soon. Who: Public health team. By: 30 June 2025." in html
    assert "&lt;b&gt;call us&lt;/b&gt;" in html and "<b>call us</b>" not in html
    assert "@media print" in html and "Prepared on 1 April 2025" in html


def test_export_writes_every_file(tmp_path: Path) -> None:
    demo = apply_service_counts(load_template("demo_health_check"), ACTIVITY)
    written = export_journey(demo, tmp_path / "out", chart_formats=(".svg",))
    names = sorted(p.name for p in written)
    assert names == sorted([
        "journey.json", "journey-csv", "map.csv", "swimlanes.csv", "map.html", "funnel.csv",
        "swimlane.svg", "swimlane.json", "emotion.svg", "emotion.json", "funnel.svg", "funnel.json",
    ])  # fmt: skip
    assert pd.read_csv(tmp_path / "out" / "map.csv", encoding="utf-8-sig")["step"].tolist() == list(
        range(1, len(demo.touchpoints) + 1)
    )
