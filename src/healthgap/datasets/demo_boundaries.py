"""SYNTHETIC boundaries of the demo country, so that maps of the demo draw out of the box.

The demo's places are made up, so no real boundary file has them. Their shapes are made up
too, and look it: the country is a smooth blob on a blank plane (not England), each region
the Voronoi cell of a random point inside it, each local authority a Voronoi cell of a point
inside its region, clipped to the region, and each ward likewise inside its local authority.
Areas therefore nest exactly and cover their parent without gaps. Coordinates are plain
numbers near (0, 0), with no meaning on the Earth. Everything is drawn from the seed's own
random stream, so the same seed gives the same shapes.

:func:`draw_boundaries` returns one row per area (``area_code``, ``area_name``, ``level``,
``geometry`` as GeoJSON text), the ``area_boundaries`` table of the demo workspace.

>>> import pandas as pd
>>> areas = pd.DataFrame({"area_code": ["E12900001", "E06900001", "E06900002"],
...                       "area_name": ["R", "A", "B"], "level": ["region", "la", "la"],
...                       "parent_region": [None, "E12900001", "E12900001"]})
>>> shapes = draw_boundaries(areas, np.random.default_rng(1))
>>> shapes["level"].tolist(), bool(shapes["geometry"].str.startswith('{"type"').all())
(['region', 'la', 'la'], True)
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon, mapping

__all__ = ["BOUNDARY_LEVELS", "draw_boundaries"]

#: Levels drawn, from the top; each nests in the one before.
BOUNDARY_LEVELS = ("region", "la", "ward")
_RADIUS = 3.0  # half the width of the country, in made-up units


def _country(rng: np.random.Generator) -> Polygon:
    """A smooth, irregular blob: a circle whose radius wanders with a few harmonics."""
    angle = np.linspace(0, 2 * np.pi, 181)[:-1]
    wobble = sum(
        rng.normal(0, 0.12 / k) * np.cos(k * angle + rng.uniform(0, 2 * np.pi)) for k in range(2, 6)
    )
    radius = _RADIUS * (1 + wobble)
    return Polygon(np.column_stack([radius * np.cos(angle), 1.3 * radius * np.sin(angle)]))


def _points_inside(shape: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct random points inside ``shape`` (rejection sampling, vectorised)."""
    left, bottom, right, top = shape.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        draw = rng.uniform([left, bottom], [right, top], size=(max(4 * n, 16), 2))
        found = np.vstack([found, draw[shapely.contains_xy(shape, draw[:, 0], draw[:, 1])]])
    return found[:n]


def _split(shape: Polygon, n: int, rng: np.random.Generator) -> list[Polygon]:
    """``shape`` cut into ``n`` pieces: the Voronoi cells of ``n`` points inside it, in the
    order of the points."""
    if n == 1:
        return [shape]
    points = _points_inside(shape, n, rng)
    cells = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(points), extend_to=shape))
    owner = shapely.contains_xy(cells[:, None], points[None, :, 0], points[None, :, 1])
    ordered = cells[np.argmax(owner, axis=0)]
    return [shapely.intersection(cell, shape) for cell in ordered]


def _geojson(shape: Polygon) -> str:
    rounded = shapely.set_precision(shape, 1e-4)
    return json.dumps(mapping(rounded), separators=(",", ":"))


def draw_boundaries(areas: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Shapes of every region, local authority and ward of the demo's ``areas`` table.

    Areas are split among the children listed in ``areas`` (``parent_region`` for local
    authorities, ``parent_la`` for wards); a level the table lacks is skipped.
    """
    shapes: dict[str, Polygon] = {}
    rows = []
    parent_of = {"region": None, "la": "parent_region", "ward": "parent_la"}
    country = _country(rng)
    for level in BOUNDARY_LEVELS:  # three levels, each split per parent (a few hundred)
        members = areas[areas["level"].astype(str) == level]
        if members.empty:
            continue
        column = parent_of[level]
        parents = (
            pd.Series("country", index=members.index)
            if column is None
            else members[column].astype(str)
        )
        for parent, children in members.groupby(parents, sort=False):
            outline = country if parent == "country" else shapes.get(str(parent))
            if outline is None:  # the parent has no shape: the children share the country
                outline = country
            for code, piece in zip(
                children["area_code"].astype(str), _split(outline, len(children), rng), strict=True
            ):
                shapes[code] = piece
        rows.append(
            pd.DataFrame(
                {
                    "area_code": members["area_code"].astype(str).to_numpy(),
                    "area_name": members["area_name"].astype(str).to_numpy(),
                    "level": level,
                    "geometry": [_geojson(shapes[c]) for c in members["area_code"].astype(str)],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
