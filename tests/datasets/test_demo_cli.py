"""``healthgap demo``: builds a SYNTHETIC workspace, summarises it, reuses it, rejects bad input."""

from __future__ import annotations

from pathlib import Path

from cli_runner import run_cli
from healthgap.data.workspace import open_workspace


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; exit status, stdout and stderr."""
    result = run_cli(*args)
    return result.returncode, result.stdout, result.stderr


def test_demo_small_builds_summarises_and_reuses(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    code, out, _ = run("demo", "--size", "small", "--out", str(folder))
    assert code == 0
    assert "SYNTHETIC demo country" in out and "Wrote workspace" in out
    assert "Periods: 2010 to 2024 (15 single years)" in out
    assert "1 country, 1 region, 1 la" in out
    assert "79.48" in out and "83.12" in out  # country LE, 2022-24, default seed
    workspace = open_workspace(folder)
    assert workspace.is_synthetic and workspace.metadata["size"] == "small"
    manifest = (folder / "manifest.json").read_bytes()

    code, again, _ = run("demo", "--size", "small", "--out", str(folder))
    assert code == 0 and "Reused workspace" in again
    assert (folder / "manifest.json").read_bytes() == manifest
    assert again.splitlines()[3:] == out.splitlines()[3:], "same summary from the workspace"


def test_demo_bad_arguments_print_problems_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("demo", "--size", "huge", "--seed", "-1", "--out", str(tmp_path / "x"))
    assert code == 2
    assert "unknown_size" in err and "invalid_seed" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "x").exists()
