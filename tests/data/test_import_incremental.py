"""Issue 10 items 4 and 5: a table imports on its own, re-importing stored data writes
nothing, and a valid file imports into the SYNTHETIC demo workspace.

Before: re-importing the identical 2024 population failed with period_without_population
(the new table replaced the stored one before the check), and nothing could be imported
into the demo, whose deaths exceeded its person-years in one cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _data_files import deaths_lines, population_lines, write
from _workspace_checks import folder_digest

from healthgap.data import import_files
from healthgap.datasets import build_demo_workspace
from healthgap.errors import InputError

AREAS = ("E06000001", "E06000002")


def three_years(tmp_path: Path) -> Path:
    areas = write(
        tmp_path / "areas.csv",
        ["area_code,area_name,level", "E06000001,Hartlepool,la", "E06000002,Middlesbrough,la"],
    )
    files = [areas]
    for year in ("2022", "2023", "2024"):
        files.append(write(tmp_path / f"pop{year}.csv", population_lines(AREAS, period=year)))
        files.append(write(tmp_path / f"d{year}.csv", deaths_lines(AREAS, period=year)))
    import_files(files, into=tmp_path / "ws")
    return tmp_path / "ws"


def test_reimporting_the_identical_2024_population_succeeds_and_writes_nothing(tmp_path) -> None:
    ws = three_years(tmp_path)
    before = folder_digest(ws)
    mtime = (ws / "manifest.json").stat().st_mtime_ns
    workspace = import_files([tmp_path / "pop2024.csv"], into=ws)
    assert folder_digest(ws) == before
    assert (ws / "manifest.json").stat().st_mtime_ns == mtime
    assert sorted(workspace.read("population")["period"].unique()) == ["2022", "2023", "2024"]


def test_identical_rows_in_another_file_name_or_order_write_nothing(tmp_path) -> None:
    ws = three_years(tmp_path)
    before = folder_digest(ws)
    lines = population_lines(AREAS, period="2023")
    shuffled = write(tmp_path / "again.csv", [lines[0], *reversed(lines[1:])])
    import_files([shuffled], into=ws)
    assert folder_digest(ws) == before


def test_one_table_is_checked_against_the_stored_tables_it_joins(tmp_path) -> None:
    ws = three_years(tmp_path)
    before = folder_digest(ws)
    orphan = write(tmp_path / "d2025.csv", deaths_lines(AREAS, period="2025"))
    with pytest.raises(InputError) as error:
        import_files([orphan], into=ws)
    assert {p.rule for p in error.value.problems} == {"period_without_population"}
    assert error.value.problems[0].file == str(orphan)
    assert folder_digest(ws) == before

    too_many = deaths_lines(AREAS, period="2024", value=5000)  # above 1000 person-years
    with pytest.raises(InputError) as error:
        import_files([write(tmp_path / "big.csv", too_many)], into=ws)
    assert {p.rule for p in error.value.problems} == {"deaths_exceed_population"}
    assert folder_digest(ws) == before

    # The population first, on its own; then its deaths, on their own: both merge.
    import_files([write(tmp_path / "p2025.csv", population_lines(AREAS, period="2025"))], into=ws)
    workspace = import_files([orphan], into=ws)
    assert sorted(workspace.read("deaths")["period"].unique()) == ["2022", "2023", "2024", "2025"]


def test_a_changed_value_replaces_only_its_row(tmp_path) -> None:
    ws = three_years(tmp_path)
    changed = population_lines(AREAS, period="2024")
    changed[1] = changed[1].replace(",1000", ",1200")
    workspace = import_files([write(tmp_path / "fix.csv", changed)], into=ws)
    population = workspace.read("population")
    assert population["person_years"].sum() == 3 * 2 * 2 * 20 * 1000 + 200
    assert len(population) == 3 * 2 * 2 * 20


def test_a_valid_file_imports_into_the_small_demo_workspace(tmp_path) -> None:
    demo = build_demo_workspace(tmp_path / "demo", "small")  # 2010-24, as shipped
    population = demo.read("population")
    lsoa = population["area_code"].astype(str).iloc[0]
    rows = population[population["area_code"] == lsoa]
    # The demo's own rows, re-imported: valid against the demo's deaths, and nothing to write.
    again = tmp_path / "same.csv"
    rows.to_csv(again, index=False)
    before = folder_digest(demo.path)
    import_files([again], into=demo.path)
    assert folder_digest(demo.path) == before
    # A corrected population for one LSOA and year: imported, other rows kept.
    fixed = rows.assign(person_years=rows["person_years"] + 10)
    fixed.to_csv(tmp_path / "fixed.csv", index=False)
    workspace = import_files([tmp_path / "fixed.csv"], into=demo.path)
    assert len(workspace.read("population")) == len(population)
    assert workspace.read("population")["person_years"].sum() == (
        population["person_years"].sum() + 10 * len(rows)
    )
    assert workspace.is_synthetic
