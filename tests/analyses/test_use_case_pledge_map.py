"""The pledge map of a campaign over the real local authority boundaries of ``../shared``
(skipped without them): the file holding the campaign's area is found in the folder, the
area is shaded, its neighbours outlined, and a campaign no file holds gets no outlines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("sqlalchemy", reason="needs the web extra: pip install -e '.[web]'")

from healthgap.analyses.pledges import district_map, example_campaign  # noqa: E402
from healthgap.engage import campaign_from_mapping  # noqa: E402
from healthgap.reports.engage_tables import district_map_table  # noqa: E402

BOUNDARIES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "boundaries"
needs_shared = pytest.mark.skipif(
    not BOUNDARIES.is_dir(), reason="needs ../shared/data/boundaries (the shared data folder)"
)


def _table() -> tuple[pd.DataFrame, list[str]]:
    codes = ["TS24"] * 10 + ["TS25"] * 12 + ["DL1"] * 9 + ["TS27"] * 3
    pledges = pd.DataFrame(
        {"pledge_id": range(len(codes)), "postcode_district": codes, "status": "published"}
    )
    return district_map_table(pledges)


@needs_shared
def test_the_map_outlines_the_councils_around_the_campaign() -> None:
    campaign = campaign_from_mapping(example_campaign())  # Hartlepool, E06000001
    drawn = district_map(campaign, *_table(), boundaries=BOUNDARIES)
    assert drawn is not None and drawn.outlined
    features = drawn.spec["layer"][0]["data"]["values"]
    names = {f["properties"]["name"] for f in features}
    assert {"Hartlepool", "Darlington", "Stockton-on-Tees"} <= names
    assert [f["properties"]["name"] for f in features if f["properties"]["home"]] == ["Hartlepool"]
    assert "Camden" not in names  # far away: not in the spec at all
    assert len(drawn.svg) < 150_000 and "TS27" not in drawn.svg
    again = district_map(campaign, *_table(), boundaries=BOUNDARIES)
    assert again is drawn  # kept: the page redraws nothing until a count changes


@needs_shared
def test_a_campaign_no_boundary_file_holds_gets_the_plain_map() -> None:
    campaign = replace(campaign_from_mapping(example_campaign()), place_code="E06999999")
    drawn = district_map(campaign, *_table(), boundaries=BOUNDARIES)
    assert drawn is not None and not drawn.outlined


def test_nothing_to_draw_gives_no_map() -> None:
    table, notes = district_map_table(
        pd.DataFrame({"pledge_id": [1, 2], "postcode_district": ["TS24", "TS25"],
                      "status": "published"})
    )  # fmt: skip
    assert district_map(campaign_from_mapping(example_campaign()), table, notes) is None
