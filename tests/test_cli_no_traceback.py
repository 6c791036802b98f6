"""No traceback ever reaches a user of the CLI: every command, given wrong arguments or a
workspace of an unexpected shape, exits non-zero with a short message; a bug says it is one
and where its details were logged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer.main

from cli_runner import run_cli
from healthgap.agebands import STANDARD_STARTS
from healthgap.cli import BUG_EXIT, _register_commands, app
from healthgap.data import write_workspace

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "examples" / "scenarios" / "deprived_quintile_demo_la.yaml"
GRID = REPO / "examples" / "grids" / "demo_grid.yaml"


@pytest.fixture(autouse=True)
def bug_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any bug's log goes to the test's folder, not the user's cache."""
    monkeypatch.setenv("HEALTHGAP_LOG_DIR", str(tmp_path / "bug-logs"))


def _commands() -> list[str]:
    _register_commands()
    root = typer.main.get_command(app)
    names = []
    for name, command in sorted(root.commands.items()):
        subcommands = getattr(command, "commands", None)
        names += [f"{name} {sub}" for sub in sorted(subcommands)] if subcommands else [name]
    return names


COMMANDS = _commands()


def _quiet(result) -> str:  # noqa: ANN001
    text = result.stdout + result.stderr
    assert "Traceback" not in text and 'File "' not in text, text
    return text


#: Commands that run with no arguments at all (and would build, serve or print).
RUN_BARE = {
    "demo",
    "mecc demo",
    "serve",
    "version",
    "assess list",
    "journey templates",
    "journey list",
}
#: Wrong values for the commands that run bare.
WRONG_VALUES = {
    "demo": [["--size", "huge", "--seed", "-1"]],
    "serve": [["--port", "not-a-port"], ["--workspace", "{tmp}/nowhere"]],
    "version": [],
    "assess list": [["--data-dir"]],
    "mecc demo": [["--database-url", "nosuch://x"]],
    "journey templates": [["--out", "{tmp}/templates.txt"]],
    "journey list": [["--database-url", "nonsense://nowhere"]],
    "user create": [
        ["someone", "--role", "emperor", "--password", "short", "--data-dir", "{tmp}/web"]
    ],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_wrong_arguments_get_a_usage_message(command: str, tmp_path: Path) -> None:
    cases = [["--no-such-option"]]
    if command not in RUN_BARE:
        cases += [[], [str(tmp_path / "nowhere"), "--area", "X", "--period", "2014"]]
    cases += WRONG_VALUES.get(command, [])
    for args in cases:
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        result = run_cli(*command.split(), *args)
        _quiet(result)
        assert result.returncode == 2, (command, args, result.stdout + result.stderr)


def _tables() -> dict[str, pd.DataFrame]:
    areas = pd.DataFrame(
        {
            "area_code": ["E06000001", "E01000001", "E01000002"],
            "area_name": ["Town", "Town 1", "Town 2"],
            "level": ["la", "lsoa", "lsoa"],
            "deprivation_score": [np.nan, 10.0, 40.0],
            "parent_la": [None, "E06000001", "E06000001"],
        }
    )
    cells = pd.MultiIndex.from_product(
        [["E01000001", "E01000002"], ["2014"], ["male", "female"], list(STANDARD_STARTS)],
        names=["area_code", "period", "sex", "age_start"],
    ).to_frame(index=False)
    population = cells.assign(person_years=1000.0)
    deaths = cells.assign(cause="all", deaths=2.0)
    return {"areas": areas, "population": population, "deaths": deaths}


def _shape(name: str) -> dict[str, pd.DataFrame]:
    tables = _tables()
    if name == "areas_without_level":
        tables["areas"] = tables["areas"].drop(columns="level")
    elif name == "text_counts":
        tables["population"] = tables["population"].assign(person_years="many")
    elif name == "empty_tables":
        tables = {k: v.iloc[0:0] for k, v in tables.items()}
    elif name == "areas_only":
        tables = {"areas": tables["areas"]}
    elif name == "periods_that_name_no_year":
        tables = {k: v.assign(period="first") if "period" in v else v for k, v in tables.items()}
    elif name == "deaths_of_unknown_areas":
        tables["deaths"] = tables["deaths"].assign(area_code="E01999999")
    elif name == "no_parents":
        tables["areas"] = tables["areas"].drop(columns="parent_la")
    return tables


#: Shapes no question can be answered from (the others may give an empty or partial answer).
UNUSABLE = {"areas_without_level", "text_counts", "areas_only", "empty_tables"}
SHAPES = [
    "areas_without_level",
    "text_counts",
    "empty_tables",
    "areas_only",
    "periods_that_name_no_year",
    "deaths_of_unknown_areas",
    "no_parents",
]


def _uses(command: str, workspace: str, out: Path) -> list[str] | None:
    """The arguments that point ``command`` at a workspace (None: it takes none)."""
    area = ["--area", "E06000001"]
    return {
        "info": [workspace],
        "measure le": [workspace, "--out", str(out / "x.csv")],
        "measure hle": [workspace, "--out", str(out / "x.csv")],
        "measure dsr": [workspace, "--out", str(out / "x.csv")],
        "measure gap": [workspace, "--quantiles", "5", "--out", str(out / "x.csv")],
        "profile": [workspace, *area, "--out", str(out)],
        "explain": [workspace, *area, "--period", "2014", "--out", str(out)],
        "explain-classify": [workspace, "--period", "2014", "--out", str(out / "c.csv")],
        "explain-target": [workspace, *area, "--target-year", "2030", "--out", str(out)],
        "plan": [str(SCENARIO), "--workspace", workspace, "--draws", "0", "--out", str(out)],
        "plan-grid": [str(GRID), "--workspace", workspace, "--out", str(out / "grid")],
        "plan-voi": [str(SCENARIO), "--workspace", workspace, "--draws", "100", "--out", str(out)],
    }.get(command)


@pytest.mark.parametrize("shape", SHAPES)
def test_unexpected_data_shapes_are_user_errors(shape: str, tmp_path: Path) -> None:
    workspace = str(write_workspace(tmp_path / shape, _shape(shape)).path)
    for command in COMMANDS:
        args = _uses(command, workspace, tmp_path / "out")
        if args is None:
            continue
        result = run_cli(*command.split(), *args)
        text = _quiet(result)
        assert result.returncode in (0, 2), (command, shape, text)  # never a bug
        if shape in UNUSABLE and command != "info":  # describing it is fine; using it is not
            assert result.returncode == 2, (command, shape, text)


def test_files_that_are_not_data_are_user_errors(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    binary = tmp_path / "data.parquet"
    binary.write_bytes(b"\x00\x01 not parquet")
    for args in (
        ["validate", str(folder)],
        ["validate", str(binary)],
        ["import", str(binary), "--into", str(tmp_path / "ws")],
        ["info", str(binary)],
        ["plan", str(binary), "--workspace", str(tmp_path)],
    ):
        result = run_cli(*args)
        _quiet(result)
        assert result.returncode == 2, (args, result.stdout + result.stderr)


def test_a_bug_is_reported_as_one_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("an internal mistake")

    monkeypatch.setattr("healthgap.analyses.measure.life_expectancy", broken)
    monkeypatch.setenv("HEALTHGAP_LOG_DIR", str(tmp_path / "logs"))
    workspace = write_workspace(tmp_path / "ws", _tables()).path
    result = run_cli("measure", "le", str(workspace), "--out", str(tmp_path / "le.csv"))
    text = _quiet(result)
    assert result.returncode == BUG_EXIT
    assert "bug" in text and "RuntimeError" in text
    (log,) = (tmp_path / "logs").glob("healthgap-error-*.log")
    assert "an internal mistake" in log.read_text() and "Traceback" in log.read_text()
    assert str(log) in " ".join(text.split())  # the message says where the details are
