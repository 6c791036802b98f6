"""The shipped postcode district centroids (engage/data/postcode_districts.csv), the script
that builds them, and how pledge counts are placed on them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from healthgap.engage.pledge_postcodes import (
    OTHER_DISTRICT,
    district_centroids,
    known_districts,
    place_districts,
)

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "build_postcode_districts", ROOT / "scripts" / "build_postcode_districts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_holds_each_real_district_once_inside_the_uk() -> None:
    table = district_centroids()
    assert list(table.columns) == ["outcode", "latitude", "longitude", "postcodes"]
    assert 2800 <= len(table) <= 3100
    assert table["outcode"].is_unique
    assert set(table["outcode"]) <= known_districts()
    assert table["latitude"].between(49.8, 60.9).all()
    assert table["longitude"].between(-8.7, 1.8).all()
    assert (table["postcodes"] >= 1).all()
    # a few districts whose place everyone knows
    where = table.set_index("outcode")
    assert abs(where.loc["SW1A", "latitude"] - 51.50) < 0.02
    assert abs(where.loc["SW1A", "longitude"] + 0.14) < 0.03
    assert abs(where.loc["EH1", "latitude"] - 55.95) < 0.02
    assert abs(where.loc["BT1", "longitude"] + 5.93) < 0.03
    assert (ROOT / "src/healthgap/engage/data/postcode_districts.csv").stat().st_size < 150_000


def test_the_script_reads_the_onspd_layout_and_drops_placeholders(tmp_path: Path) -> None:
    onspd = tmp_path / "ONSPD_TEST.csv"
    pd.DataFrame(
        {
            "pcd": ["TS248AB", "TS248AD", "TS249ZZ", "EN771AA", "ZZ991AA", "TS25 1AA"],
            "pcds": ["TS24 8AB", "TS24 8AD", "TS24 9ZZ", "EN77 1AA", "ZZ99 1AA", "TS25 1AA"],
            "doterm": [None, None, 200501, None, None, None],
            "lat": [54.70, 54.68, 10.0, 99.999999, 54.0, 54.65],
            "long": [-1.20, -1.22, 10.0, 0.0, -1.0, -1.23],
        }
    ).to_csv(onspd, index=False)
    out = tmp_path / "districts.csv"
    _script().main([str(onspd), "--out", str(out)])
    table = pd.read_csv(out)
    # the terminated postcode, the placeholder and the district that does not exist are out
    assert table.values.tolist() == [["TS24", 54.69, -1.21, 2], ["TS25", 54.65, -1.23, 1]]


def test_unplaced_districts_are_summed_before_any_control() -> None:
    counts = pd.DataFrame(
        {"postcode_district": ["TS24", "GY1", "IM2"], "statistic": "pledges", "count": [12, 4, 4]}
    )
    placed = place_districts(counts)
    assert placed["postcode_district"].tolist() == ["TS24", OTHER_DISTRICT]
    assert placed["count"].tolist() == [12, 8]  # 8 is shown where 4 and 4 would not be
    assert placed.loc[1, ["latitude", "longitude"]].isna().all()
    assert placed.loc[0, "latitude"] > 54
