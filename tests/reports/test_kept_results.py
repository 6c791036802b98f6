"""The classification of every area and the plan's national baseline, kept in the prepared
folder (Parquet and JSON) and read back by a fresh process: the same results and the same
reports as computed, never computed again while kept, computed again when unreadable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthgap.analyses import PreparedSource, RememberingSource, WorkspaceSource, build_report
from healthgap.analyses import classify as classify_module
from healthgap.analyses import plan as plan_module
from healthgap.analyses.classify import classify_areas
from healthgap.analyses.plan import plan_baseline


@pytest.fixture
def workspace(report_workspace: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(report_workspace, tmp_path / "ws"))


def _prepared(workspace: Path) -> PreparedSource:
    source = PreparedSource.open(workspace)
    source.warm()
    return source


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("computed again although it is kept")


def test_kept_results_equal_computed_ones(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    computed_rule = classify_areas(_prepared(workspace))
    computed_base = plan_baseline(_prepared(workspace))
    kept = list((_prepared(workspace).folder / "results").iterdir())
    assert len(kept) == 2
    assert {p.suffix for p in (kept[0]).iterdir()} <= {".parquet", ".json"}
    monkeypatch.setattr(classify_module, "spearhead_indicators", _refuse)
    monkeypatch.setattr(plan_module, "baseline_from_tables", _refuse)
    read_rule = classify_areas(_prepared(workspace))
    read_base = plan_baseline(_prepared(workspace))
    pd.testing.assert_frame_equal(
        read_rule.table("classification"), computed_rule.table("classification")
    )
    assert (read_rule.summary, read_rule.metadata) == (
        computed_rule.summary,
        computed_rule.metadata,
    )
    assert read_rule.warnings == computed_rule.warnings
    pd.testing.assert_frame_equal(read_base.cells, computed_base.cells)
    assert np.array_equal(read_base.deaths, computed_base.deaths)
    assert np.array_equal(read_base.population, computed_base.population)
    for name in ("sexes", "starts", "causes", "years", "period", "cell_level"):
        assert getattr(read_base, name) == getattr(computed_base, name), name


def test_reports_from_kept_results_equal_reports_from_stored_rows(workspace: Path) -> None:
    stored = WorkspaceSource.open(workspace)
    code = sorted(
        stored.areas().loc[lambda a: a["level"].astype(str) == "la", "area_code"].astype(str)
    )[0]
    build_report(RememberingSource(_prepared(workspace)), code)  # computes and keeps them
    assert any((_prepared(workspace).folder / "results").iterdir())
    raw, fast = (
        build_report(stored, code),
        build_report(RememberingSource(_prepared(workspace)), code),
    )
    assert raw.tables.keys() == fast.tables.keys()
    for name, table in raw.tables.items():
        pd.testing.assert_frame_equal(table.frame, fast.tables[name].frame, obj=name)
    assert (raw.summary, raw.warnings, raw.charts) == (fast.summary, fast.warnings, fast.charts)


def test_an_unreadable_or_hostile_kept_result_is_computed_again(workspace: Path) -> None:
    computed = classify_areas(_prepared(workspace)).table("classification")
    (place,) = (_prepared(workspace).folder / "results").iterdir()
    (place / "classification.parquet").write_bytes(b"not parquet")
    again = classify_areas(_prepared(workspace)).table("classification")
    pd.testing.assert_frame_equal(again, computed)
    assert pd.read_parquet(place / "classification.parquet").equals(computed)  # kept anew
    # a warning kind that healthgap does not raise is not looked up, only refused
    (place / "warnings.json").write_text(json.dumps([["os.system", "echo"]]))
    pd.testing.assert_frame_equal(
        classify_areas(_prepared(workspace)).table("classification"), computed
    )
