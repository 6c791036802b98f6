"""Issue 10 item 11 and issue 11 item 5: vocabulary and plausibility rules, and every
problem found in one pass without follow-on noise.

Before: cause ``alien_abduction`` was accepted (a ninth cause in explain), a ``parent_ward``
absent from the areas created an unnamed ward, and the period "twenty-twenty-four" and
1e300 person-years passed ``validate``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _data_files import deaths_lines, population_lines, write
from _workspace_checks import folder_digest

from cli_runner import run_cli
from healthgap.data import import_files
from healthgap.data.plausibility import is_period
from healthgap.errors import InputError

AREAS = ["area_code,area_name,level,parent_region", "E06000001,Hartlepool,la,E12000001",
         "E12000001,North East,region,"]  # fmt: skip


def _replace(lines: list[str], row: int, old: str, new: str) -> list[str]:
    lines = list(lines)
    lines[row - 1] = lines[row - 1].replace(old, new)
    return lines


def problems_of(tmp_path: Path, files: dict[str, list[str]]) -> list[tuple]:
    """(file name, row, column, rule) of every problem ``healthgap validate`` reports, after
    checking that ``import`` refuses the same files and leaves the workspace unchanged."""
    paths = [write(tmp_path / name, lines) for name, lines in files.items()]
    good = [
        write(tmp_path / "base_areas.csv", AREAS),
        write(tmp_path / "base_pop.csv", population_lines(period="2013")),
    ]
    ws = import_files(good, into=tmp_path / "ws").path
    before = folder_digest(ws)
    with pytest.raises(InputError) as imported:
        import_files(paths, into=ws)
    assert folder_digest(ws) == before
    result = run_cli("validate", *map(str, paths))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    found = [(Path(p.file).name, p.row, p.column, p.rule) for p in imported.value.problems]
    for _name, _row, _column, rule in found:
        assert rule in result.stderr
    return found


def test_an_unknown_cause_is_refused(tmp_path) -> None:
    deaths = _replace(deaths_lines(), 5, ",all,", ",alien_abduction,")
    found = problems_of(tmp_path, {"p.csv": population_lines(), "d.csv": deaths})
    assert found == [("d.csv", 5, "cause", "unknown_cause")]


def test_a_parent_absent_from_the_areas_is_refused(tmp_path) -> None:
    areas = ["area_code,area_name,level,parent_ward", "E01000001,Somewhere 001A,lsoa,E05999999",
             "E05000001,Real ward,ward,", "E01000002,Somewhere 001B,lsoa,E05000001"]  # fmt: skip
    found = problems_of(tmp_path, {"areas.csv": areas})
    assert found == [("areas.csv", 2, "parent_ward", "unknown_parent")]


def test_a_parent_of_a_level_the_table_does_not_hold_is_summed_not_refused(tmp_path) -> None:
    """Local authorities alone name England as their parent without an England row: England
    is then the sum of its areas (issue 9), so that is not a broken link."""
    areas = ["area_code,area_name,level,parent_country", "E06000001,Hartlepool,la,E92000001",
             "E06000002,Middlesbrough,la,E92000001"]  # fmt: skip
    path = write(tmp_path / "areas.csv", areas)
    workspace = import_files([path], into=tmp_path / "ws")
    assert set(workspace.read("areas")["area_code"]) == {"E06000001", "E06000002"}


def test_a_period_that_is_not_a_period_is_refused(tmp_path) -> None:
    pop = population_lines(period="twenty-twenty-four")
    found = problems_of(tmp_path, {"p.csv": pop})
    assert found == [("p.csv", 2, "period", "bad_period")]  # once per label


def test_absurd_magnitudes_are_refused(tmp_path) -> None:
    pop = _replace(population_lines(), 3, ",1000", ",1e300")
    found = problems_of(tmp_path, {"p.csv": pop})
    assert found == [("p.csv", 3, "person_years", "implausible_value")]


def test_period_vocabulary_accepts_real_fingertips_labels() -> None:
    import pandas as pd

    real = ["2015/16", "2016", "2016 - 18", "Aug 2017 - Jul 2018", "December 2019", "May 2017",
            "2014/15 - 18/19", "2019/20 Q1", "2012-14", "2012+2014", "2012-14+2015-17"]  # fmt: skip
    assert is_period(pd.Series(real)).all()
    wrong = ["twenty-twenty-four", "14", "2014x", "", "1700", "20140", "Q1"]
    assert not is_period(pd.Series(wrong)).any()


def test_every_problem_is_found_in_one_pass_without_follow_on_noise(tmp_path) -> None:
    areas = ("E06000001", "E06000002", "E06000003")
    pop = population_lines(areas=areas)
    pop = _replace(pop, 3, ",1000", ",lots")  # a bad cell in E06000001 (row 3)
    pop = pop[:50] + pop[51:]  # E06000002 female loses a band (line 51)
    pop = [*pop, pop[60]]  # a repeated key in E06000002
    deaths = deaths_lines(areas=("E06000001", "E06000009"))  # E06000009 is not an area
    areas_file = ["area_code,area_name,level"] + [f"{a},Area {a},la" for a in areas]
    found = problems_of(tmp_path, {"areas.csv": areas_file, "p.csv": pop, "d.csv": deaths})
    rules = {(name, rule) for name, _row, _column, rule in found}
    assert rules == {
        ("p.csv", "non_numeric"),  # the bad cell
        ("p.csv", "missing_age_band"),  # E06000002 female, found although a cell was bad
        ("p.csv", "duplicate_key"),
        ("d.csv", "unknown_area"),  # E06000009
        ("d.csv", "deaths_without_population"),  # E06000009 has no population either
    }
    band = [(row, col) for name, row, col, rule in found if rule == "missing_age_band"]
    assert len(band) == 1, "no gap reported for E06000001, whose row only had a bad value"


def test_problem_lists_are_capped_with_a_count(tmp_path) -> None:
    lines = ["area_code,period,sex,age_start,person_years"]
    lines += [f"E{i:08d},2014,male,0,many" for i in range(3_000)]
    bad = write(tmp_path / "many.csv", lines)
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert "and 2,900 more problems of rule non_numeric" in result.stderr
    with pytest.raises(InputError) as error:
        import_files([bad], into=tmp_path / "ws")
    rules = [p.rule for p in error.value.problems]
    assert rules.count("non_numeric") == 101  # 100 listed and one line counting the rest


def test_one_area_file_names_every_fault_although_its_area_lost_rows(tmp_path) -> None:
    """Issue 11 item 5: a file of one local authority where one row has a bad cell. The
    other rows of that area still have their single-row checks (a period that is not a
    period, a repeated row), and the code of the row with the bad cell is still checked
    against the areas table; before, they showed only on later uploads."""
    pop = population_lines()
    pop = _replace(pop, 3, ",1000", ",-5")  # negative count in E06000001
    pop = _replace(pop, 4, "E06000001,2014", "E06000001,twenty")  # not a period
    pop = [*pop, pop[9]]  # a repeated row
    pop = [*pop, "E06999999,2014,male,0,-1"]  # unknown area on a row with a bad count
    found = problems_of(tmp_path, {"areas.csv": AREAS, "p.csv": pop})
    assert {(row, rule) for _name, row, _column, rule in found} == {
        (3, "negative_count"),
        (4, "bad_period"),
        (len(pop) - 1, "duplicate_key"),
        (len(pop), "negative_count"),
        (len(pop), "unknown_area"),
    }


def test_a_band_gap_in_an_area_that_lost_a_row_is_reported_in_the_same_pass(tmp_path) -> None:
    """Before, an area that lost a row to a bad cell was left out of the age-band check, so
    a gap in another of its groups (here the female rows lack the band from 5) showed only
    on the next upload, after the bad cell was mended. The band of the lost row itself
    (male, from 1) is not a gap: the row is there, only its count is bad."""
    pop = population_lines()
    pop = _replace(pop, 3, ",1000", ",lots")  # E06000001 male, band from 1: a bad count
    female_5 = pop.index("E06000001,2014,female,5,1000")
    pop = pop[:female_5] + pop[female_5 + 1 :]
    found = problems_of(tmp_path, {"areas.csv": AREAS, "p.csv": pop})
    assert {(rule, column) for _name, _row, column, rule in found} == {
        ("non_numeric", "person_years"),
        ("missing_age_band", "age_start"),
    }
    band = [row for _name, row, _column, rule in found if rule == "missing_age_band"]
    assert len(band) == 1 and band[0] > female_5 - 21  # named at a female row


def test_a_band_gap_is_still_not_reported_where_the_area_lost_a_row_of_unknown_group(
    tmp_path,
) -> None:
    """A row whose sex cannot be read might belong to any group of its area: the area's
    bands are then not judged (the gap would be a follow-on of that cell)."""
    pop = _replace(population_lines(), 3, ",male,", ",alien,")
    found = problems_of(tmp_path, {"areas.csv": AREAS, "p.csv": pop})
    assert [rule for _name, _row, _column, rule in found] == ["unknown_sex"]
