"""``healthgap segment``, ``survey`` and ``equity-audit``: files written from the demo, a run
repeated from its run.json, and bad input reported as a problem table (file, row, column,
rule) with exit status 2, no traceback and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli_runner import run_cli
from healthgap.datasets import build_demo_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_demo_workspace(tmp_path_factory.mktemp("demo") / "ws", "small").path)


@pytest.fixture(scope="module")
def segmented(demo: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("segment") / "out"
    result = run_cli("segment", demo, "--seed", "5", "--bootstrap", "4", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _quiet(result) -> str:  # noqa: ANN001
    text = result.stdout + result.stderr
    assert "Traceback" not in text and 'File "' not in text, text
    return " ".join(text.split())


def test_segment_writes_tables_charts_and_its_run_record(segmented: Path) -> None:
    for name in (
        "segments.csv",
        "profile.xlsx",
        "personas.csv",
        "summary.csv",
        "run.json",
        "profiles.svg",
        "map.png",
        "selection.csv",
        "life_expectancy.csv",
    ):
        assert (segmented / name).is_file(), name
    run = json.loads((segmented / "run.json").read_text())
    assert run["seed"] == 5 and run["record"]["seed"] == 5 and run["kind"] == "open"
    assert run["software"].startswith("healthgap")
    segments = pd.read_csv(segmented / "segments.csv")
    assert len(segments) == 103
    assert segments["data_note"].str.contains("SYNTHETIC").all()
    assert segments["ecological_note"].str.contains("not the people in them").all()


def test_segment_repeats_a_run_from_its_record(demo: str, segmented: Path, tmp_path: Path) -> None:
    result = run_cli(
        "segment", demo, "--repeat", str(segmented / "run.json"), "--out", str(tmp_path)
    )
    assert result.returncode == 0, _quiet(result)
    assert (tmp_path / "segments.csv").read_bytes() == (segmented / "segments.csv").read_bytes()


def test_segment_on_a_local_cluster_gives_the_same_segments(
    demo: str, segmented: Path, tmp_path: Path
) -> None:
    """The stability resamples on two Dask worker processes: the same segments, the same
    stability, as in one process (each resample's seed comes from the run's)."""
    options = ["--seed", "5", "--bootstrap", "4", "--workers", "2", "--formats", "csv"]
    result = run_cli("segment", demo, *options, "--charts", "svg", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "running on" in result.stdout
    for name in ("segments.csv", "selection.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / name), pd.read_csv(segmented / name), obj=name
        )


def test_segment_refuses_a_bad_indicator_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text("lsoa21_code,a,b\nE01000001,1,2\nnot-a-code,3,4\nE01000003,x,6\n")
    out = tmp_path / "out"
    result = run_cli("segment", "--indicators", str(bad), "--columns", "a,b", "--out", str(out))
    text = _quiet(result)
    assert result.returncode == 2
    assert "mine.csv" in text and "bad_area_code" in text and "non_numeric" in text
    assert "lsoa21_code" in text and " 3 " in text and " 4 " in text  # rows named
    assert not out.exists()


def test_survey_by_segment_and_its_bad_input(demo: str, segmented: Path, tmp_path: Path) -> None:
    out = tmp_path / "survey"
    result = run_cli(
        "survey", demo, "--segments", str(segmented / "segments.csv"), "--out", str(out)
    )
    text = _quiet(result)
    assert result.returncode == 0, text
    assert "communication aid, not a prediction" in text
    for name in ("shares.csv", "matrix_smoking.xlsx", "heatmap_diet.svg"):
        assert (out / name).is_file(), name
    survey = pd.DataFrame(
        {
            "area_code": ["E01000001"] * 4,
            "weight": ["1.5", "-2", "", "1"],
            "smoking_stage": ["action", "preparation", "9", "maintenance"],
        }
    )
    survey.to_csv(tmp_path / "survey.csv", index=False)
    bad_out = tmp_path / "bad"
    result = run_cli(
        "survey",
        "--survey",
        str(tmp_path / "survey.csv"),
        "--by",
        "area_code",
        "--out",
        str(bad_out),
    )
    text = _quiet(result)
    assert result.returncode == 2
    for rule in ("negative_weight", "missing_weight", "stage_out_of_scale"):
        assert rule in text, rule
    assert "survey.csv" in text and "smoking_stage" in text
    assert not bad_out.exists()


def test_equity_audit_prints_findings_and_refuses_mismatched_files(
    demo: str, tmp_path: Path
) -> None:
    out = tmp_path / "audit"
    result = run_cli("equity-audit", demo, "--service", "nhs_health_check", "--out", str(out))
    text = _quiet(result)
    assert result.returncode == 0, text
    assert "Black, Black British, Black Welsh, Caribbean or African" in text
    assert "People aged 40-49" in text
    for name in ("uptake.csv", "ratios.xlsx", "funnel.svg", "uptake_ethnic_group.png"):
        assert (out / name).is_file(), name
    need = pd.DataFrame(
        {"area_code": ["E01000001"] * 2, "sex": ["female", "male"], "need": [100, 90]}
    )
    activity = pd.DataFrame(
        {"area_code": ["E01000001", "E01000002"], "sex": ["female", "other"], "activity": [3, 4]}
    )
    need.to_csv(tmp_path / "need.csv", index=False)
    activity.to_csv(tmp_path / "activity.csv", index=False)
    bad_out = tmp_path / "bad"
    result = run_cli(
        "equity-audit",
        "--activity",
        str(tmp_path / "activity.csv"),
        "--need",
        str(tmp_path / "need.csv"),
        "--out",
        str(bad_out),
    )
    text = _quiet(result)
    assert result.returncode == 2
    assert "activity.csv" in text and "group_not_in_need" in text and "area_not_in_need" in text
    assert not bad_out.exists()


def test_wrong_options_are_usage_errors(demo: str, tmp_path: Path) -> None:
    for args in (
        ["segment", demo, "--method", "magic", "--out", str(tmp_path / "a")],
        ["segment", demo, "--weights", "heavy", "--out", str(tmp_path / "b")],
        ["equity-audit", demo, "--service", "dentistry", "--out", str(tmp_path / "c")],
        ["equity-audit", demo, "--reference", "sex", "--out", str(tmp_path / "d")],
        ["equity-audit", demo, "--benchmark", "lots", "--out", str(tmp_path / "e")],
        ["survey", demo, "--by", "segment", "--out", str(tmp_path / "f")],
        ["segment", demo, "--formats", "docx", "--out", str(tmp_path / "g")],
    ):
        result = run_cli(*args)
        _quiet(result)
        assert result.returncode == 2, args
