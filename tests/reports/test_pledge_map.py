"""The pledge map: only districts that pass disclosure control are drawn, a small district
changes nothing on the map (so nothing can be learnt by differencing), districts with no
position go to "Other or unknown district", and boundary outlines are cut to the view."""

from __future__ import annotations

import json

import pandas as pd
from shapely.geometry import shape

from healthgap.reports.engage_tables import district_map_table
from healthgap.reports.pledge_map import district_map_chart, map_extent, nearby_outlines
from healthgap.reports.render import chart_svg


def _pledges(**districts: int) -> pd.DataFrame:
    codes = [code for code, n in districts.items() for _ in range(n)]
    return pd.DataFrame(
        {"pledge_id": range(len(codes)), "postcode_district": codes, "status": "published"}
    )


def _map(pledges: pd.DataFrame) -> tuple[dict, str]:
    table, notes = district_map_table(pledges)
    spec = district_map_chart(table, notes, campaign_title="Small changes")
    return spec, chart_svg(spec)


def _circles(spec: dict) -> list[dict]:
    return spec["layer"][-1]["data"]["values"]


def test_a_district_with_two_pledges_is_neither_drawn_nor_named() -> None:
    spec, svg = _map(_pledges(TS24=23, TS25=2, TS26=9))
    assert [(c["postcode_district"], c["count"]) for c in _circles(spec)] == [
        ("TS24", 25.0),
        ("TS26", 10.0),
    ]
    assert "TS25" not in json.dumps(spec) and "TS25" not in svg
    assert ">TS24<" in svg and ">TS26<" in svg
    assert "1 district with 1-7 pledges not shown" in " ".join(spec["title"]["subtitle"])


def test_the_map_is_the_same_whatever_a_small_district_holds() -> None:
    """Nothing drawn or written depends on the suppressed count: the total on the page
    minus what the map shows cannot be pinned on one district."""
    maps = {n: _map(_pledges(TS24=23, TS26=9, TS25=n)) for n in (1, 2, 7)}
    assert maps[1][0] == maps[2][0] == maps[7][0]
    assert maps[1][1] == maps[2][1] == maps[7][1]
    # the drawn counts are rounded, so their sum is not the exact total either
    assert sum(c["count"] for c in _circles(maps[2][0])) % 5 == 0


def test_districts_with_no_position_are_summed_then_controlled() -> None:
    table, _ = district_map_table(_pledges(TS24=10, GY1=4, JE2=5))
    assert table[["postcode_district", "count"]].values.tolist() == [
        ["TS24", 10.0],
        ["Other or unknown district", 10.0],
    ]
    spec = district_map_chart(table, [], campaign_title="Small changes")
    assert [c["postcode_district"] for c in _circles(spec)] == ["TS24"]  # not drawn
    small, notes = district_map_table(_pledges(TS24=10, GY1=3))
    assert small["postcode_district"].tolist() == ["TS24"]  # 3 from elsewhere: suppressed
    assert notes[-1] == "1 district with 1-7 pledges not shown"


def test_one_district_is_not_drawn_at_street_scale() -> None:
    table, _ = district_map_table(_pledges(TS24=10))
    west, south, east, north = map_extent(table)
    assert north - south >= 0.2 - 1e-9 and east - west >= 0.4 - 1e-9


def test_outlines_are_cut_to_the_view_and_wound_for_vega() -> None:
    near = [[-1.5, 54.5], [-1.1, 54.5], [-1.1, 54.8], [-1.5, 54.8], [-1.5, 54.5]]  # anticlockwise
    far = [[-0.2, 51.4], [0.1, 51.4], [0.1, 51.6], [-0.2, 51.6], [-0.2, 51.4]]
    content = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"LAD24CD": code, "LAD24NM": name},
             "geometry": {"type": "Polygon", "coordinates": [ring]}}
            for code, name, ring in (("E06000001", "Hartlepool", near), ("E09000001", "City", far))
        ],
    }  # fmt: skip
    table, _ = district_map_table(_pledges(TS24=10))
    extent = map_extent(table)
    outlines = nearby_outlines(
        content,
        code_property="LAD24CD",
        name_property="LAD24NM",
        extent=extent,
        home_code="E06000001",
    )
    assert [f["properties"] for f in outlines["features"]] == [{"name": "Hartlepool", "home": True}]
    polygon = shape(outlines["features"][0]["geometry"]).geoms[0]
    assert not polygon.exterior.is_ccw  # d3 reads an anticlockwise ring as the whole globe
    spec = district_map_chart(
        table, [], campaign_title="Small changes", outlines=outlines, extent=extent
    )
    assert spec["layer"][0]["mark"]["type"] == "geoshape"
    assert "<path" in chart_svg(spec)
