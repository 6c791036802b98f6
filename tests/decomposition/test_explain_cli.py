"""The explain commands on the SYNTHETIC small demo workspace, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from healthgap.cli import main


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("explain") / "demo"
    build_demo_workspace(path, "small", first_year=2013, years=12)
    return path


def _run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def _explain(command: str, workspace: Path, area: str, out: Path, *options: str) -> int:
    """Exit code of ``healthgap <command> WORKSPACE --area AREA [options] --out OUT``."""
    return _run([command, str(workspace), "--area", area, *options, "--out", str(out)])


def test_explain_against_england_writes_tables_and_charts(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = _explain(
        "explain", workspace, "E07900034", out, "--compare", "england", "--period", "2022-24"
    )
    assert code == 0
    table = pd.read_csv(out / "decomposition.csv")
    sums = table.groupby("sex").agg(total=("contribution", "sum"), gap=("gap", "first"))
    assert (sums["total"] - sums["gap"]).abs().max() < 1e-9
    assert set(table["cause"]) >= {"circulatory", "cancer", "external"}
    assert (table["data_note"].str.contains("SYNTHETIC")).all()
    book = openpyxl.load_workbook(out / "decomposition.xlsx", read_only=True)
    assert book.sheetnames == ["data", "metadata"]
    items = {row[0]: row[1] for row in book["metadata"].iter_rows(values_only=True)}
    assert "England" in items["comparator"]
    for name in ("contributions_male", "scarf_female"):
        assert (out / f"{name}.svg").read_text().startswith("<svg")
        assert (out / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_explain_quintiles_and_change_since_an_earlier_period(
    workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "q"
    options = ["--compare", "quintiles", "--period", "2022-24", "--change-from", "2016-18"]
    code = _explain(
        "explain", workspace, "E07900034", out, *options, "--by", "age,cause", "--sex", "male"
    )
    assert code == 0
    table = pd.read_csv(out / "decomposition.csv")
    assert table["gap"].iloc[0] > 2  # the most deprived fifth lives shorter lives
    change = pd.read_csv(out / "gap_change.csv")
    assert abs(change["change"].sum() - change["gap_change"].iloc[0]) < 1e-9


def test_explain_target_gives_a_verdict(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "t"
    periods = "2013-15,2016-18,2019-21,2022-24"
    options = ["--compare", "quintiles", "--periods", periods, "--target-year", "2030"]
    code = _explain("explain-target", workspace, "E07900034", out, *options)
    assert code == 0
    verdict = json.loads((out / "verdict.json").read_text())
    assert verdict["verdict"] in {"on track", "not on track", "too uncertain to say"}
    assert verdict["target_gap"] == pytest.approx(0.9 * verdict["baseline_gap"])
    assert (out / "gap_trend.svg").is_file() and (out / "trajectory.csv").is_file()


def test_explain_classify_runs_on_a_workspace(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    assert _run(["explain-classify", str(workspace), "--period", "2022-24", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert {"flagged", "criteria_met", "flagged_by", "male_le_value"} <= set(table.columns)


def test_user_errors_exit_2_without_a_traceback(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _explain("explain", workspace, "E99999999", tmp_path, "--period", "2022-24")
    captured = capsys.readouterr()
    assert code == 2
    assert "unknown_area" in captured.err + captured.out
    assert "Traceback" not in captured.err
