"""One Period type: every spelling, and every part of healthgap reads a label the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_runner import run_cli
from healthgap.agebands import STANDARD_STARTS
from healthgap.analyses import WorkspaceSource
from healthgap.data import pool_periods, select_period, write_workspace
from healthgap.data.vocab import normalise_period
from healthgap.decomposition.comparison import Comparison
from healthgap.errors import InputError
from healthgap.frameworks.targets import assess_gap_target
from healthgap.periods import Period
from healthgap.reports.tables import to_fingertips


@pytest.mark.parametrize(
    ("text", "label", "years", "midpoint"),
    [
        ("2014", "2014", (2014,), 2014.0),
        ("2014.0", "2014", (2014,), 2014.0),
        ("2012-14", "2012-14", (2012, 2013, 2014), 2013.0),
        ("2012-2014", "2012-14", (2012, 2013, 2014), 2013.0),
        ("2016 - 18", "2016-18", (2016, 2017, 2018), 2017.0),
        ("1998-02", "1998-02", (1998, 1999, 2000, 2001, 2002), 2000.0),
        ("1998-2002", "1998-02", (1998, 1999, 2000, 2001, 2002), 2000.0),
        ("2018/19", "2018/19", (2018,), 2018.25),
        ("2016/17-18/19", "2016/17-18/19", (2016, 2017, 2018), 2017.25),
        ("2016/17 - 2018/19", "2016/17-18/19", (2016, 2017, 2018), 2017.25),
        ("2012+2014", "2012+2014", (2012, 2014), 2013.0),
        ("2012 + 2013", "2012-13", (2012, 2013), 2012.5),
    ],
)
def test_every_spelling(text: str, label: str, years: tuple[int, ...], midpoint: float) -> None:
    period = Period.parse(text)
    assert (period.label, period.years, period.midpoint) == (label, years, midpoint)
    assert Period.parse(period.label) == period
    assert period.n_years == len(years)


@pytest.mark.parametrize(
    "text", ["", "last year", "14", "2014-13", "2018/20", "2012-14+2016", "2012+2012", "Q1 2014"]
)
def test_what_is_not_a_period_is_a_clear_problem(text: str) -> None:
    with pytest.raises(InputError) as error:
        Period.parse(text)
    assert error.value.problems[0].rule == "invalid_period"
    assert Period.try_parse(text) is None


def test_order_pools_and_choices() -> None:
    assert Period.parse("2012-14") < Period.parse("2013") < Period.parse("2015-17")
    assert Period.of_years(["2012-13", "2014"]).label == "2012-14"
    with pytest.raises(InputError):
        Period.of_years(["2018/19", "2019"])
    assert Period.latest(["2010", "2022", "2023", "2024"]).label == "2022-24"
    assert Period.latest(["2012-14", "2015-17"]).label == "2015-17"
    assert Period.latest(["Q1"]) is None
    assert [p.label for p in Period.non_overlapping(map(str, range(2015, 2025)))] == [
        "2016-18",
        "2019-21",
        "2022-24",
    ]
    assert Period.parse("2012-14").fingertips_label == "2012 - 14"


@pytest.fixture
def five_years(tmp_path: Path) -> Path:
    """One LA and its two LSOAs, 1998 to 2002 (a period crossing the century)."""
    areas = pd.DataFrame(
        {
            "area_code": ["E06000001", "E01000001", "E01000002"],
            "area_name": ["Testborough", "Testborough 001A", "Testborough 002B"],
            "level": ["la", "lsoa", "lsoa"],
            "deprivation_score": [np.nan, 10.0, 40.0],
            "parent_la": [None, "E06000001", "E06000001"],
        }
    )
    cells = pd.MultiIndex.from_product(
        [
            ["E01000001", "E01000002"],
            [str(y) for y in range(1998, 2003)],
            ["male", "female"],
            list(STANDARD_STARTS),
        ],
        names=["area_code", "period", "sex", "age_start"],
    ).to_frame(index=False)
    population = cells.assign(person_years=2000.0)
    rates = 0.00005 * np.exp(0.085 * np.asarray(STANDARD_STARTS, float))
    deaths = cells.assign(
        cause="all", deaths=np.round(np.tile(rates * 2000.0, len(cells) // 20) * 3)
    )
    return write_workspace(
        tmp_path / "ws", {"areas": areas, "population": population, "deaths": deaths}
    ).path


def test_1998_02_means_1998_to_2002_everywhere(five_years: Path, tmp_path: Path) -> None:
    """The data layer, the targets, the Fingertips layout, the comparison and the CLI."""
    source = WorkspaceSource.open(five_years)
    population = source.table("population")
    pooled = select_period(population, "1998-02")
    assert set(pooled["period"]) == {"1998-02"}
    assert pooled["person_years"].sum() == population["person_years"].sum()
    assert pool_periods(population, [str(y) for y in range(1998, 2003)])["period"].iloc[0] == (
        "1998-02"
    )
    assert normalise_period(pd.Series(["1998 - 2002", "1998-02"])).tolist() == ["1998-02"] * 2
    fingertips = to_fingertips(
        pd.DataFrame({"area_code": ["E1"], "sex": ["male"], "period": ["1998-02"], "value": [1.0]})
    )
    assert fingertips[["Time period", "Time period Sortable"]].values.tolist() == [
        ["1998 - 02", "19980000"]
    ]
    assert Comparison.parse("period:1998-02").before == Period.parse("1998-2002")
    gaps = pd.DataFrame(
        {"period": ["1998-02", "2003-07", "2008-12"], "value": [3.0, 2.8, 2.6], "se": 0.1}
    )
    numbers = assess_gap_target(
        gaps, baseline_period="1998-2002", target_year=2020, reduction=0.1
    ).numbers
    assert numbers["baseline_period"] == "1998-02"
    out = tmp_path / "le.csv"
    result = run_cli(
        "measure", "le", str(five_years), "--period", "1998-02", "--age", "0", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    written = pd.read_csv(out)
    assert set(written["period"]) == {"1998-02"}
    assert (written["person_years_used"] == 2 * 5 * 2000.0 * 20).all()  # 2 areas, 5 years, 20 bands


def test_a_year_the_data_lack_is_named(five_years: Path) -> None:
    source = WorkspaceSource.open(five_years)
    with pytest.raises(InputError) as error:
        source.read("population", ["E01000001"], Period.parse("2001-03"))
    problem = error.value.problems[0]
    assert problem.rule == "missing_period" and "2003" in problem.message
