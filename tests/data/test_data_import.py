"""import_files(): all or nothing, byte-identical on failure, no-op when re-imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from _data_files import deaths_lines, population_lines, write

from healthgap.data import import_files, open_workspace
from healthgap.errors import InputError


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def good_files(tmp_path: Path) -> list[Path]:
    return [
        write(tmp_path / "pop.csv", population_lines(areas=("E06000001", "E06000002"))),
        write(tmp_path / "deaths.csv", deaths_lines(areas=("E06000001", "E06000002"))),
        write(
            tmp_path / "areas.csv",
            ["area_code,area_name,level,parent_region",
             "E06000001,Hartlepool,la,E12000001", "E06000002,Middlesbrough,la,E12000001",
             "E12000001,North East,region,"],
        ),
    ]  # fmt: skip


def test_import_detects_layouts_and_writes_tables(tmp_path) -> None:
    ws = import_files(good_files(tmp_path), into=tmp_path / "ws")
    assert ws.tables == ["areas", "deaths", "population"]
    assert ws.read("areas").columns.tolist() == ["area_code", "area_name", "level", "parent_region"]
    assert ws.read("population")["person_years"].sum() == 2 * 2 * 20 * 1000


def test_reimport_is_a_no_op(tmp_path) -> None:
    files = good_files(tmp_path)
    import_files(files, into=tmp_path / "ws")
    before = snapshot(tmp_path / "ws")
    import_files(files, into=tmp_path / "ws")
    assert snapshot(tmp_path / "ws") == before


def test_any_problem_leaves_the_workspace_byte_identical(tmp_path) -> None:
    import_files(good_files(tmp_path), into=tmp_path / "ws")
    before = snapshot(tmp_path / "ws")
    new_pop = population_lines(areas=("E06000001",), period="2015")
    bad_deaths = deaths_lines(areas=("E06000001",), period="2015")
    bad_deaths[3] = bad_deaths[3].replace(",5", ",-5")  # one bad file among good ones
    files = [write(tmp_path / "p15.csv", new_pop), write(tmp_path / "d15.csv", bad_deaths)]
    with pytest.raises(InputError) as error:
        import_files(files, into=tmp_path / "ws")
    # Row 4 now reads "..., -5, all, -5": a bad age and a bad count, both found in one pass.
    assert [(p.file, p.row, p.rule) for p in error.value.problems] == [
        (str(files[1]), 4, "negative_count"),
        (str(files[1]), 4, "bad_age_band"),
    ]
    assert snapshot(tmp_path / "ws") == before


def test_cross_table_problems_against_the_stored_workspace(tmp_path) -> None:
    import_files(good_files(tmp_path), into=tmp_path / "ws")
    before = snapshot(tmp_path / "ws")
    stranger = write(tmp_path / "d.csv", deaths_lines(areas=("E06000009",)))
    with pytest.raises(InputError) as error:
        import_files([stranger], into=tmp_path / "ws")
    rules = {p.rule for p in error.value.problems}
    assert rules == {"unknown_area", "deaths_without_population"}
    assert snapshot(tmp_path / "ws") == before


def test_adding_a_year_keeps_the_other_years(tmp_path) -> None:
    import_files(good_files(tmp_path), into=tmp_path / "ws")
    areas = ("E06000001", "E06000002")
    more = [
        write(tmp_path / "p15.csv", population_lines(areas=areas, period="2015")),
        write(tmp_path / "d15.csv", deaths_lines(areas=areas, period="2015")),
    ]
    ws = import_files(more, into=tmp_path / "ws")
    assert sorted(ws.read("deaths")["period"].unique()) == ["2014", "2015"]
    assert open_workspace(tmp_path / "ws").manifest["tables"]["population"]["rows"] == 160
