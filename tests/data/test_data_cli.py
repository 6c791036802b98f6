"""CLI: validate / import / info. A broken file per rule names file, row, column and rule,
exits 2 without a traceback, and leaves the workspace byte-identical."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _data_files import DEATHS_LABELS, deaths_lines, ons_deaths_lines, population_lines, write

from cli_runner import run_cli
from healthgap.data import import_files

RUN = [sys.executable, "-c", "import sys; from healthgap.cli import main; main(sys.argv[1:])"]


def healthgap(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in-process (fast); exit status and output as from a subprocess."""
    return run_cli(*args)


def test_a_real_process_exits_2_without_traceback(tmp_path) -> None:
    bad = write(tmp_path / "bad.csv", _replace(POP, 3, ",1000", ",-1"))
    env = {"COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [*RUN, "validate", str(bad)], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2
    assert "negative_count" in result.stderr and "Traceback" not in result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _replace(lines: list[str], row: int, old: str, new: str) -> list[str]:
    lines = list(lines)
    lines[row - 1] = lines[row - 1].replace(old, new)
    return lines


POP = population_lines()
DEATHS = deaths_lines()
BROKEN = {
    # rule: (file name, lines or bytes, expected row, expected column)
    "non_numeric": ("pop.csv", _replace(POP, 3, ",1000", ",many"), 3, "person_years"),
    "negative_count": ("deaths.csv", _replace(DEATHS, 4, ",5", ",-5"), 4, "deaths"),
    "unknown_sex": ("pop.csv", _replace(POP, 5, ",male,", ",X,"), 5, "sex"),
    "missing_age_band": ("pop.csv", POP[:7] + POP[8:], 8, "age_start"),
    "overlapping_age_bands": (
        "deaths_2014.csv",
        ["area_code,sex,age_band,deaths", "E06000001,M,<1,1", "E06000001,M,1-4,1",
         "E06000001,M,0-4,1", "E06000001,M,5+,1"],
        4,
        "age_band",
    ),
    "duplicate_key": ("pop.csv", [*POP, POP[9]], 42, "age_start"),
    "deaths_exceed_population": ("deaths.csv", _replace(DEATHS, 6, ",5", ",5000"), 6, "deaths"),
    "period_without_population": ("deaths.csv", _replace(DEATHS, 2, "2014", "2013"), 2, "period"),
    "unknown_area": ("deaths.csv", _replace(DEATHS, 2, "E06000001", "E06000099"), 2, "area_code"),
    "bad_area_code": ("deaths_2014.csv", ons_deaths_lines(area="E6"), 2, "area_code"),
    "empty_file": ("pop.csv", b"", None, None),
    "wrong_encoding": ("pop.csv", "area_code,area_name,level\nE1,Caf\xe9,la\n".encode("latin-1"),
                       2, None),
}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    files = [
        write(folder / "pop.csv", POP),
        write(folder / "areas.csv", ["area_code,area_name,level", "E06000001,Hartlepool,la"]),
    ]
    import_files(files, into=folder / "ws")
    return folder / "ws"


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_broken_file_per_rule(rule, tmp_path, workspace) -> None:
    name, content, row, column = BROKEN[rule]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write(path, content)
    before = snapshot(workspace)
    # import checks against the stored population and areas; validate checks the file alone.
    result = healthgap("import", str(path), "--into", str(workspace))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(workspace) == before
    line = next(ln for ln in result.stderr.splitlines() if rule in ln)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells[0].endswith(name) and cells[3] == rule
    assert cells[1] == ("" if row is None else str(row))
    assert cells[2] == (column or "")


def test_validate_reports_and_passes(tmp_path) -> None:
    good = write(tmp_path / "pop.csv", POP)
    result = healthgap("validate", str(good))
    assert result.returncode == 0 and "no problems" in result.stdout
    bad = write(tmp_path / "bad.csv", _replace(POP, 3, ",1000", ",-1"))
    result = healthgap("validate", str(bad), "--layout", "population")
    assert result.returncode == 2 and "negative_count" in result.stderr
    assert "Traceback" not in result.stderr
    result = healthgap("validate", str(good), "--layout", "nonsense")
    assert result.returncode == 2 and "unknown_layout" in result.stderr


def test_info_summarises_the_workspace(workspace) -> None:
    result = healthgap("info", str(workspace))
    assert result.returncode == 0, result.stderr
    for text in ("population", "2014", "female, male", "person_years 40,000", "la 1"):
        assert text in result.stdout
    assert "SYNTHETIC" not in result.stdout


def test_banding_warning_is_printed_not_raised(tmp_path) -> None:
    labels = [*DEATHS_LABELS[:18], "85+"]
    lines = ["area_code,sex,age_band,deaths"] + [f"E06000001,M,{b},1" for b in labels]
    result = healthgap("validate", str(write(tmp_path / "d_2014.csv", lines)))
    assert result.returncode == 0, result.stderr
    assert "BandingWarning" in result.stderr and "90+" in result.stderr
