"""Every place of the untouched small demo has a profile page (issue 10, item 8): a measure
that cannot be shown says why on the page and never fails it."""

from __future__ import annotations

import re
from pathlib import Path

from healthgap.data.workspace import open_workspace

WARD = "E05900790"


def _places(workspace: Path) -> list[tuple[str, str]]:
    areas = open_workspace(workspace).read("areas")
    picked = []
    for level, group in areas.groupby(areas["level"].astype(str)):
        codes = sorted(group["area_code"].astype(str))
        # Every place above the small areas; the small areas share one code path, so a few.
        picked += [(level, code) for code in (codes[:3] if level == "lsoa" else codes)]
    return picked


def test_every_level_of_the_small_demo_renders(client_as, demo_workspace: Path) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    places = _places(demo_workspace)
    assert {level for level, _ in places} >= {"country", "region", "la", "ward", "lsoa"}
    failed = {}
    for level, code in places:
        response = viewer.get(f"/area/{code}")
        if response.status_code != 200:
            failed[code] = (level, response.status_code)
    assert not failed


def test_ward_says_why_its_slope_index_is_not_shown(client_as) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/area/{WARD}")
    assert page.status_code == 200
    cell = re.search(r'data-testid="sii-male">([^<]*)<', page.text)
    assert cell and cell.group(1).strip() == "Not calculated"
    note = re.search(r'data-testid="inequality-note-male">([^<]*)<', page.text)
    assert note and "not available for deprivation fifth" in note.group(1)
    download = client_as("analyst").get(f"/area/{WARD}/inequality-2022-24.csv")
    assert download.status_code == 200
    assert "not available for deprivation fifth" in download.text
