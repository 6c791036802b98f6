"""The heavy commands from the command line: plan-grid (resumable, problems before anything
runs), plan-voi, and an unreachable scheduler."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from grid_workspace import GRID_TEXT, build_grid_workspace

from cli_runner import run_cli

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "examples" / "scenarios" / "deprived_quintile_demo_la.yaml"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_grid_workspace(tmp_path_factory.mktemp("ws") / "grid", n_la=3)


def test_plan_grid_writes_one_table_and_resumes(workspace: Path, tmp_path: Path) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text(GRID_TEXT.replace("draws: 40", "draws: 20"), encoding="utf-8")
    out = tmp_path / "out"
    first = run_cli("plan-grid", str(grid), "--workspace", str(workspace), "--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    for name in ("grid.csv", "grid.parquet", "grid_summary.csv", "grid_spread.svg",
                 "budget_sweep.svg"):  # fmt: skip
        assert (out / name).is_file(), name
    assert "3 areas x 2 scenarios" in first.stdout
    again = run_cli("plan-grid", str(grid), "--workspace", str(workspace), "--out", str(out))
    assert again.returncode == 0 and "resumed: 3 areas" in again.stdout


def test_a_bad_grid_is_a_problem_table(workspace: Path, tmp_path: Path) -> None:
    grid = tmp_path / "bad.yaml"
    grid.write_text(GRID_TEXT.replace("areas: {level: la}", "areas: [E06999999]"), "utf-8")
    result = run_cli("plan-grid", str(grid), "--workspace", str(workspace), "--out",
                     str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 2
    assert "unknown_area" in result.stderr and "bad.yaml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_a_clear_error(workspace: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    grid = tmp_path / "grid.yaml"
    grid.write_text(GRID_TEXT, encoding="utf-8")
    started = time.monotonic()
    result = run_cli("plan-grid", str(grid), "--workspace", str(workspace), "--scheduler",
                     f"tcp://127.0.0.1:{port}", "--timeout", "2")  # fmt: skip
    assert result.returncode == 2
    assert "could not reach the Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert time.monotonic() - started < 30


def test_plan_voi_writes_tornado_and_value_of_information(tmp_path: Path) -> None:
    from healthgap.datasets import build_demo_workspace

    build_demo_workspace(tmp_path / "demo", size="small")
    out = tmp_path / "voi"
    result = run_cli("plan-voi", str(SCENARIO), "--workspace", str(tmp_path / "demo"),
                     "--draws", "200", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("tornado.csv", "psa.csv", "voi.csv", "tornado.svg", "voi.svg"):
        assert (out / name).is_file(), name
    assert "EVPI" in result.stdout
