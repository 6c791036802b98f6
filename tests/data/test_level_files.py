"""Kept per-level tables read area by area give the same frames as the table in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.data import level_files
from healthgap.data.levels import AreaRows

AREAS = pd.DataFrame(
    {
        "area_code": ["L1", "L2", *(f"S{i}" for i in range(12))],
        "level": ["la", "la", *(["lsoa"] * 12)],
        "parent_la": [None, None, *(["L1"] * 6), *(["L2"] * 6)],
    }
)


def _population(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cells = pd.MultiIndex.from_product(
        [[f"S{i}" for i in range(12)], ["2012", "2013", "2014"], ["male", "female"], [0, 1, 5]],
        names=["area_code", "period", "sex", "age_start"],
    ).to_frame(index=False)
    cells["person_years"] = rng.integers(0, 500, len(cells)).astype("int32")
    return cells


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 1_000),
    batch=st.sampled_from([1, 7, 64, 65_536]),
    chosen=st.lists(st.sampled_from(["L1", "L2", "S0", "S5", "S11", "nope"]), max_size=5),
    period=st.sampled_from([None, "2014", "2012-14", "2013-14"]),
)
def test_a_kept_table_selects_the_rows_of_the_table_in_memory(
    tmp_path_factory: pytest.TempPathFactory,
    seed: int,
    batch: int,
    chosen: list[str],
    period: str | None,
) -> None:
    folder = tmp_path_factory.mktemp("kept") / "tables"
    built = AreaRows.build(AREAS, {"population": _population(seed)})
    original = level_files.BATCH_ROWS
    level_files.BATCH_ROWS = batch  # many small batches: selections span several
    try:
        built.save(folder)
        kept = AreaRows.load(folder, ["population"])
        assert kept is not None
        for codes in (chosen, chosen[::-1], ["L1", "S3"]):
            pd.testing.assert_frame_equal(
                built.select("population", codes, period), kept.select("population", codes, period)
            )
        assert kept.periods("population") == built.periods("population")
    finally:
        level_files.BATCH_ROWS = original
    pd.testing.assert_frame_equal(
        built._tables["population"].frame, kept._tables["population"].frame
    )


def test_a_missing_or_damaged_file_is_not_read(tmp_path) -> None:
    folder = tmp_path / "tables"
    AreaRows.build(AREAS, {"population": _population(1)}).save(folder)
    (folder / "population.ranges.npy").unlink()
    assert AreaRows.load(folder, ["population"]) is None
    AreaRows.build(AREAS, {"population": _population(1)}).save(folder)
    (folder / "population.arrow").write_bytes(b"not arrow")
    assert AreaRows.load(folder, ["population"]) is None
