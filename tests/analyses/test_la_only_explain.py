"""`healthgap explain --compare england` on a workspace of the real 2014 local authorities,
which has no England row: England is the sum of its 325 authorities.

England's male life expectancy at birth in 2014 from these files (the 325 authorities'
deaths and person-years summed, 20 age bands, Chiang II) is 79.61 years, the figure issue 9
gives for this check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_runner import run_cli
from healthgap.data import load_mortality_2014, write_workspace

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def la_workspace(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = load_mortality_2014(shared_data)
    assert "E92000001" not in set(tables["areas"]["area_code"])  # England only as a parent
    return write_workspace(tmp_path_factory.mktemp("la2014") / "ws", tables).path


def _explain(workspace: Path, compare: str, out: Path, *options: str):  # noqa: ANN202
    """``healthgap explain`` for Middlesbrough in 2014 against ``compare``."""
    args = ["--area", "E06000002", "--compare", compare, "--period", "2014", *options]
    return run_cli("explain", str(workspace), *args, "--out", str(out))


@pytest.mark.parametrize("by", ["age,cause", "age"])
def test_middlesbrough_against_england_summed_from_its_areas(
    la_workspace: Path, tmp_path: Path, by: str
) -> None:
    out = tmp_path / "out"
    result = _explain(la_workspace, "england", out, "--by", by)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    table = pd.read_csv(out / "decomposition.csv")
    sides = table.groupby("sex").agg(
        england=("e0_comparator", "first"),
        gap=("gap", "first"),
        parts=("contribution", "sum"),
        bands=("age_start", "nunique"),
    )
    assert round(sides.loc["male", "england"], 2) == 79.61
    assert (sides["parts"] - sides["gap"]).abs().max() < 1e-9  # the ages sum to the gap
    assert (sides["bands"] == 20).all() and (sides["gap"] > 0).all()
    assert "Middlesbrough vs England" in result.stdout


def test_a_comparator_without_rows_or_parent_is_a_problem(
    la_workspace: Path, tmp_path: Path
) -> None:
    result = _explain(la_workspace, "E12000001", tmp_path)
    assert result.returncode == 2
    assert "unknown_comparator" in result.stderr and "Traceback" not in result.stderr
