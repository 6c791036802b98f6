"""Assessment charts render to SVG with no Vega-Lite warnings, and read as tables too."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import vl_convert

from healthgap.assessment import (
    Assessment,
    Consensus,
    Rating,
    Scope,
    heatmap_table,
    profile_table,
    shipped_catalogue,
    triangle_table,
)
from healthgap.reports.assessment_charts import (
    heatmap_chart,
    heatmap_readable,
    radar_chart,
    radar_readable,
    text_colour,
    triangle_chart,
    triangle_readable,
)
from healthgap.reports.render import VEGA_LITE_VERSION, save_chart

CATALOGUE = shipped_catalogue()
HINST, PIT = CATALOGUE.get("hinst_cbo"), CATALOGUE.get("pit")
SCOPE = Scope("E06000001", "CVD", "2025", place_name="Hartlepool")


def _hinst(topic: str, shift: int) -> Assessment:
    items = [i.id for i in HINST.top_items()]
    ratings = tuple(Rating(p, item, str((k + shift + j) % 5)) for j, p in enumerate("abc")
                    for k, item in enumerate(items))  # fmt: skip
    agreed = tuple(
        Consensus(item, str((k + shift) % 5), "agreed", target="3")
        for k, item in enumerate(items[:-1])
    )  # the last one is still open
    return Assessment("hinst_cbo", "1.0", Scope("E06000001", topic, "2025"), "quick",
                      ratings=ratings, consensus=agreed)  # fmt: skip


def _specs() -> dict[str, tuple[dict[str, Any], Any]]:
    current, previous = _hinst("CVD", 0), _hinst("CVD", 3)
    profile = profile_table(HINST, current, previous)
    heat = heatmap_table(HINST, [current, _hinst("Tobacco", 2), _hinst("Cancer", 4)])
    pit = Assessment("pit", "1.0", SCOPE, "all", consensus=(
        Consensus("centre", "1", "no joint plan"), Consensus("civic", "3", "x"),
        Consensus("service_community", "2", "x")))  # fmt: skip
    triangle = triangle_table(PIT, pit)
    return {
        "radar": (radar_chart(profile, title="CVD in Hartlepool", synthetic=True),
                  radar_readable(profile)),
        "heatmap": (heatmap_chart(heat, title="Hartlepool: topics"), heatmap_readable(heat)),
        "triangle": (triangle_chart(triangle, title="PIT"), triangle_readable(triangle)),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["radar", "heatmap", "triangle"])
def test_chart_renders_to_svg_without_vega_warnings(
    name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    spec, _ = _specs()[name]
    path = save_chart(spec, tmp_path / f"{name}.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg") and float(root.get("width")) > 200
    capfd.readouterr()
    vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION, show_warnings=True)
    out, err = capfd.readouterr()
    assert "WARN" not in out + err, out + err


def test_warnings_would_be_seen(capfd: pytest.CaptureFixture[str]) -> None:
    """The check above can fail: a spec Vega-Lite warns about shows up in the capture."""
    spec = {"data": {"values": [{"x": "a"}]}, "mark": "bar",
            "encoding": {"x": {"field": "x", "type": "nominal"},
                         "color": {"field": "x", "type": "quantitative",
                                   "scale": {"type": "band"}}}}  # fmt: skip
    vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION, show_warnings=True)
    out, err = capfd.readouterr()
    assert "WARN" in out + err


def test_charts_read_as_tables() -> None:
    specs = _specs()
    radar = specs["radar"][1]
    assert list(radar.columns) == ["item_number", "item_name", "current", "target", "previous",
                                   "individual_ratings"]  # fmt: skip
    assert radar.loc[0, "individual_ratings"] == "Not in place to Developing"
    heat = specs["heatmap"][1]
    assert heat["row_label"].tolist() == ["CVD", "Tobacco", "Cancer"]  # as given, not ranked
    assert heat.iloc[0, -1] == "Not yet agreed"
    triangle = specs["triangle"][1]
    assert triangle.set_index("component").loc["Place-based planning", "agreed_level"] == "Early"


def test_radar_shows_three_profiles_told_apart_by_dash_and_the_spread() -> None:
    spec = _specs()["radar"][0]
    outline = spec["datasets"]["outline"]
    assert {row["profile"] for row in outline} == {"current", "target", "previous"}
    layer = next(lay for lay in spec["layer"] if lay["data"]["name"] == "outline")
    assert layer["encoding"]["strokeDash"]["field"] == "profile"
    assert spec["datasets"]["whiskers"] and "SYNTHETIC" in " ".join(spec["title"]["subtitle"])


def test_text_on_a_cell_contrasts_with_its_colour() -> None:
    assert text_colour("#942514") == "#FFFFFF" and text_colour("#FFBF47") == "#0B0C0C"
    assert text_colour("#B1B4B6") == "#0B0C0C"
