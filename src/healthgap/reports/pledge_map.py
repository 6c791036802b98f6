"""The pledge map: pledges per postcode district as circles at the districts' centres.

The table is the controlled one (:func:`healthgap.reports.engage_tables.district_map_table`
or the campaign page's), so a district with 1-7 pledges has no count and is not drawn at
all, and the others are rounded to 5; "Other or unknown district" has no position and is
left to the table beside the map. The circles' area is proportional to the (rounded) count.

Under the circles: the outlines of the local authorities around them when the app was given
a boundary file (:func:`nearby_outlines`, the campaign's own authority shaded), otherwise the
centres of every postcode district in view as faint dots, so that the populated land shows;
either way a few town-centre districts (``TS1``, ``DL1``, ...) are labelled for orientation.
No map tiles, no script: vl-convert draws it to SVG on the server.

>>> import pandas as pd
>>> table = pd.DataFrame({"postcode_district": ["TS24", "TS25", "Other or unknown district"],
...     "count": [40.0, 10.0, 10.0], "latitude": [54.69, 54.66, None],
...     "longitude": [-1.21, -1.22, None]})
>>> spec = district_map_chart(table, [], campaign_title="Small changes")
>>> [row["postcode_district"] for row in spec["layer"][-1]["data"]["values"]]
['TS24', 'TS25']
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from shapely import make_valid
from shapely.geometry import MultiPolygon, box, mapping, shape
from shapely.geometry.polygon import orient

from healthgap.engage.pledge_postcodes import district_centroids
from healthgap.reports.chart_style import OKABE_ITO, SECONDARY_INK, STYLE, chart_title, records

__all__ = ["MAP_ATTRIBUTION", "district_map_chart", "map_extent", "nearby_outlines"]

MAP_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Royal Mail data © Royal Mail "
    "copyright and database right; National Statistics data © Crown copyright and database "
    "right (Open Government Licence)"
)
#: Plot size (px): fits a phone's width without being scaled down.
SIZE = 320
#: Characters per title and subtitle line at that width.
TITLE_WIDTH, SUBTITLE_WIDTH = 34, 44
#: The largest circle's area (px²), and how many circles carry their district's code.
MAX_AREA, LABELLED = 1800, 10
#: Smallest span of the map (degrees of latitude), so one district is not drawn at a
#: street's scale; longitude spans are wider by the latitude's cosine (about 1.7 in the UK).
MIN_SPAN = 0.2
Extent = tuple[float, float, float, float]  # west, south, east, north


def map_extent(table: pd.DataFrame, around: Extent | None = None) -> Extent | None:
    """The area to draw: the drawn districts (and ``around``, e.g. the campaign's own
    authority), padded by a quarter (room for the circles) and at least :data:`MIN_SPAN`
    high; ``None`` when nothing is drawn."""
    drawn = _drawn(table)
    if drawn.empty:
        return None
    west, east = drawn["longitude"].min(), drawn["longitude"].max()
    south, north = drawn["latitude"].min(), drawn["latitude"].max()
    if around is not None:
        west, south = min(west, around[0]), min(south, around[1])
        east, north = max(east, around[2]), max(north, around[3])
    middle_lat, middle_lon = (south + north) / 2, (west + east) / 2
    half_lat = max((north - south) * 0.75, MIN_SPAN / 2)
    half_lon = max((east - west) * 0.75, MIN_SPAN)
    return (middle_lon - half_lon, middle_lat - half_lat, middle_lon + half_lon,
            middle_lat + half_lat)  # fmt: skip


def nearby_outlines(
    content: Mapping[str, Any],
    *,
    code_property: str,
    name_property: str,
    extent: Extent,
    home_code: str | None,
) -> dict[str, Any]:
    """The features of a GeoJSON FeatureCollection that reach into ``extent``, cut to a
    margin around it and simplified to the map's scale, with ``name`` and ``home`` (is it
    ``home_code``) properties and exterior rings clockwise, as Vega's d3 geography needs."""
    west, south, east, north = extent
    margin = max(east - west, north - south) * 0.25
    window = box(west - margin, south - margin, east + margin, north + margin)
    tolerance = (north - south) / 400  # under a pixel at the map's size
    features = []
    for feature in content.get("features", []):  # a few hundred areas
        geometry = shape(feature["geometry"])
        if not geometry.intersects(window):
            continue
        # generalised boundaries can self-intersect; make_valid mends them before the cut
        cut = make_valid(geometry).intersection(window).simplify(tolerance)
        pieces = [cut] if cut.geom_type == "Polygon" else getattr(cut, "geoms", [])
        polygons = [orient(p, sign=-1.0) for p in pieces if p.geom_type == "Polygon"]
        if not polygons:
            continue
        properties = feature.get("properties") or {}
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(MultiPolygon(polygons)),
                "properties": {
                    "name": str(properties.get(name_property, "")),
                    "home": properties.get(code_property) == home_code,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _drawn(table: pd.DataFrame) -> pd.DataFrame:
    drawn = table[table["count"].notna() & table["latitude"].notna() & (table["count"] > 0)]
    return drawn[["postcode_district", "count", "latitude", "longitude"]]


def _title(text: str, lines: list[str], synthetic: bool) -> dict[str, Any]:
    """The product's title (synthetic note included), wrapped to the map's narrow width."""
    title = chart_title(text, None, synthetic)
    subtitle = [*lines, *title.get("subtitle", [])]
    title["text"] = textwrap.wrap(text, TITLE_WIDTH)
    title["subtitle"] = [w for line in subtitle for w in textwrap.wrap(line, SUBTITLE_WIDTH)]
    return title


def _references(extent: Extent, drawn: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every district centre in view (for the plain background) and the town-centre
    districts (``<area>1``) among them that have no circle of their own (labelled)."""
    west, south, east, north = extent
    centres = district_centroids()
    inside = centres[
        centres["longitude"].between(west, east) & centres["latitude"].between(south, north)
    ]
    towns = inside[
        inside["outcode"].str.fullmatch(r"[A-Z]{1,2}1")
        & ~inside["outcode"].isin(drawn["postcode_district"])
    ]
    return inside, towns.nlargest(8, "postcodes")


def _beside(circles: pd.DataFrame, extent: Extent, largest: float) -> list[float]:
    """The longitude just right of each circle, where its label goes: the circle's radius
    in pixels (area proportional to the count) turned into degrees at the Mercator scale
    that fits ``extent`` into the map."""
    west, south, east, north = extent
    y = np.log(np.tan(np.pi / 4 + np.radians([south, north]) / 2))
    pixels_per_radian = min(SIZE / np.radians(east - west), SIZE / (y[1] - y[0]))
    radius = np.sqrt(circles["count"].to_numpy(dtype=float) / largest * MAX_AREA / np.pi)
    offset = np.degrees((radius + 4) / pixels_per_radian)
    return list(circles["longitude"].to_numpy(dtype=float) + offset)


def _legend_values(largest: float) -> list[float]:
    """Up to three circle sizes for the legend, all of counts that can be shown (10 or
    more: a legend circle of 5 would suggest that small counts are drawn)."""
    middle = round(largest / 2 / 5) * 5
    return sorted({v for v in (10.0, float(middle), largest) if v >= 10})


def _position(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "latitude": {"field": "latitude", "type": "quantitative"},
        "longitude": {"field": "longitude", "type": "quantitative"},
        **(extra or {}),
    }


def district_map_chart(
    table: pd.DataFrame,
    notes: list[str],
    *,
    campaign_title: str,
    outlines: Mapping[str, Any] | None = None,
    extent: Extent | None = None,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Pledges per postcode district as circles (area proportional to the count) at each
    district's centre, over ``outlines`` (from :func:`nearby_outlines`) or, without them,
    the district centres in view; ``notes`` are the table's disclosure notes."""
    drawn = _drawn(table)
    extent = extent or map_extent(table) or (-6.0, 50.0, 2.0, 56.0)
    west, south, east, north = extent
    corners = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": [[west, south], [east, north]]},
    }
    hidden = [n for n in notes if n.endswith("pledges not shown")]
    lines = ["Circle area: pledges, rounded to the nearest 5. Districts with 1-7 pledges are "
             "not drawn" + (f" ({hidden[0]})." if hidden else ".")]  # fmt: skip
    unplaced = table[table["latitude"].isna() & table["count"].notna()]
    if len(unplaced):
        lines.append("Pledges from other or unknown districts are in the table, not the map.")
    if outlines is not None:
        lines.append("Lines: local authority boundaries; shaded: the campaign's own area.")
    lines.append(MAP_ATTRIBUTION)
    background, towns = _references(extent, drawn)
    layers: list[dict[str, Any]] = []
    if outlines is not None:
        layers.append(
            {
                "data": {"values": list(outlines["features"])},
                "mark": {"type": "geoshape", "stroke": "#8A8F93", "strokeWidth": 0.8,
                         "clip": True, "aria": False},
                "encoding": {"color": {"condition": {"test": "datum.properties.home",
                                                     "value": "#DCE8F2"},
                                       "value": "#F3F2F1"}},
            }
        )  # fmt: skip
    else:
        layers.append(
            {
                "data": {"values": records(background[["latitude", "longitude"]])},
                "mark": {"type": "circle", "size": 10, "color": "#B1B4B6", "opacity": 0.8,
                         "aria": False},
                "encoding": _position(),
            }
        )  # fmt: skip
    town_rows = records(towns[["outcode", "latitude", "longitude"]])
    layers += [
        {"data": {"values": town_rows},
         "mark": {"type": "circle", "size": 24, "color": SECONDARY_INK, "aria": False},
         "encoding": _position()},
        {"data": {"values": town_rows},
         "mark": {"type": "text", "align": "left", "dx": 5, "dy": -6,
                  "color": SECONDARY_INK, "aria": False},
         "encoding": _position({"text": {"field": "outcode"}})},
    ]  # fmt: skip
    circles = drawn.sort_values(["count", "postcode_district"], ascending=[False, True])
    largest = float(circles["count"].max()) if len(circles) else 10.0
    circles = circles.assign(
        labelled=[i < LABELLED for i in range(len(circles))],
        label_longitude=_beside(circles, extent, largest),
    )
    size = {"field": "count", "type": "quantitative", "title": "Pledges (rounded to 5)",
            "scale": {"domain": [0, largest], "nice": False, "range": [0, MAX_AREA]},
            "legend": {"orient": "bottom", "direction": "horizontal", "symbolFillColor":
                       OKABE_ITO[0], "symbolStrokeColor": "white",
                       "values": _legend_values(largest)}}  # fmt: skip
    label = {
        "latitude": {"field": "latitude", "type": "quantitative"},
        "longitude": {"field": "label_longitude", "type": "quantitative"},
        "text": {"field": "postcode_district"},
    }
    text = {"type": "text", "align": "left", "baseline": "middle", "aria": False}
    halo = {**text, "stroke": "white", "strokeWidth": 4, "strokeOpacity": 0.9,
            "fontWeight": "bold"}  # fmt: skip
    layers.append(
        {
            "data": {"values": records(circles)},
            "layer": [
                {"mark": {"type": "circle", "color": OKABE_ITO[0], "opacity": 0.75,
                          "stroke": "white", "strokeWidth": 1, "aria": False},
                 "encoding": _position({"size": size})},
                {"transform": [{"filter": "datum.labelled"}],
                 "mark": halo, "encoding": label},
                {"transform": [{"filter": "datum.labelled"}],
                 "mark": {**text, "fontWeight": "bold"}, "encoding": label},
            ],
        }
    )  # fmt: skip
    shown = len(drawn)
    return {
        **STYLE,
        "description": f"Map of pledges to {campaign_title} by postcode district: {shown} "
        f"district{'s' if shown != 1 else ''} drawn as circles sized by pledges. The table "
        "beside the map gives the same figures.",
        "title": _title(f"Map of pledges by postcode district: {campaign_title}", lines, synthetic),
        "width": SIZE,
        "height": SIZE,
        "projection": {"type": "mercator", "fit": corners},
        "layer": layers,
    }
