"""A profile whose deprivation fifths are too small for a life expectancy still answers: the
slope index of inequality is reported as not calculated, with the reason, instead of the
whole profile failing (issue 10, item 8: ward E05900790 of the small demo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from healthgap.analyses import WorkspaceSource, profile_area
from healthgap.datasets import build_demo_workspace

WARD = "E05900790"  # ten small areas: fifths of about 4,700 person-years each


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceSource:
    path = tmp_path_factory.mktemp("demo") / "small"
    build_demo_workspace(path, size="small")
    return WorkspaceSource.open(Path(path))


def test_ward_with_suppressed_fifths_gives_a_profile_with_reasons(
    small_demo: WorkspaceSource,
) -> None:
    bundle = profile_area(small_demo, WARD)
    assert any("5,000" in text for text in bundle.warnings)  # the suppression is announced
    inequality = bundle.table("inequality")
    sii = inequality[inequality["statistic"].str.startswith("slope index")]
    assert sorted(sii["sex"].astype(str)) == ["female", "male"]
    assert sii["value"].isna().all()
    assert sii["suppression_note"].str.contains("not available for deprivation fifth").all()
    assert (sii["suppression_reason"] == "group_suppressed").all()
    assert "life_expectancy" in bundle.tables  # the rest of the profile is there


def test_local_authority_sii_is_still_calculated(small_demo: WorkspaceSource) -> None:
    areas = small_demo.areas()
    la = str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])
    inequality = profile_area(small_demo, la).table("inequality")
    sii = inequality[inequality["statistic"].str.startswith("slope index")]
    assert len(sii) == 2
    assert np.isfinite(sii[["value", "lowercl", "uppercl"]].to_numpy(dtype=float)).all()
    assert (sii["suppression_note"] == "").all()
