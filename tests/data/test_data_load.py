"""load(): every built-in layout, file formats, and a problem for every broken rule."""

from __future__ import annotations

import pandas as pd
import pytest
from _data_files import DEATHS_LABELS, ons_deaths_lines, population_lines, write

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import BUILTIN_LAYOUTS, detect_layout, load
from healthgap.errors import BandingWarning, InputError


def rules(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.rule for p in error.value.problems]


def test_builtin_layouts_are_all_there() -> None:
    expected = {"ons_population_single_year", "ons_mye_wide", "ons_deaths", "fingertips"}
    assert expected | {"population", "deaths", "areas", "good_health", "indicators"} <= set(
        BUILTIN_LAYOUTS
    )


def test_ons_deaths_layout_gives_canonical_table(tmp_path) -> None:
    table = load(write(tmp_path / "deaths_2014.csv", ons_deaths_lines()), "ons_deaths")
    assert table.columns.tolist() == ["area_code", "period", "sex", "age_start", "cause", "deaths"]
    assert table["age_start"].tolist() == list(STANDARD_STARTS) * 2
    assert set(table["sex"]) == {"male", "female"} and set(table["period"]) == {"2014"}
    assert table["cause"].eq("all").all() and table["deaths"].sum() == 80
    assert table["age_start"].dtype == "int64"


def test_semicolon_csv_with_bom_and_excel_and_parquet_read_alike(tmp_path) -> None:
    lines = population_lines()
    comma = load(write(tmp_path / "p.csv", lines), "population")
    semicolon = [line.replace(",", ";") for line in lines]
    bom = load(write(tmp_path / "p2.csv", semicolon, encoding="utf-8-sig"), "population")
    frame = pd.read_csv(tmp_path / "p.csv")
    frame.to_excel(tmp_path / "p.xlsx", index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    excel = load(tmp_path / "p.xlsx", "population")
    parquet = load(tmp_path / "p.parquet", "population")
    for other in (bom, excel, parquet):
        pd.testing.assert_frame_equal(comma, other)


def test_single_years_are_rebanded_and_90_means_90_plus(tmp_path) -> None:
    lines = ["area_code,sex,age,population"] + [f"E06000001,1,{a},{a}" for a in range(91)]
    table = load(write(tmp_path / "pop_mid2014.csv", lines), "ons_population_single_year")
    assert table["age_start"].tolist() == list(STANDARD_STARTS)
    assert table.loc[1, "person_years"] == 1 + 2 + 3 + 4  # 1-4
    assert table.loc[19, "person_years"] == 90  # 90 is the open 90+ band
    assert table["person_years"].sum() == sum(range(91))


def test_mye_wide_layout_with_sex_from_file_name(tmp_path) -> None:
    header = "Code,Name,Geography1,All ages," + ",".join(str(a) for a in range(90)) + ",90+"
    row = "E06000001,Hartlepool,Unitary Authority,91," + ",".join(["1"] * 91)
    path = write(tmp_path / "MYE2 mid-2014 UK females.csv", [header, row])
    assert detect_layout(header.split(",")) == "ons_mye_wide"
    table = load(path, None)
    assert set(table["sex"]) == {"female"} and set(table["period"]) == {"2014"}
    assert table["person_years"].tolist()[:3] == [1.0, 4.0, 5.0]
    assert len(table) == 20


def test_mye_wide_total_mismatch_is_reported(tmp_path) -> None:
    header = "Code,Name,Sex,All ages," + ",".join(str(a) for a in range(91))
    row = "E06000001,Hartlepool,M,99," + ",".join(["1"] * 91)
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "mye_2014.csv", [header, row]), "ons_mye_wide")
    (problem,) = error.value.problems
    assert (problem.row, problem.column, problem.rule) == (2, "All ages", "total_mismatch")


def test_fingertips_export_gives_indicators_and_drops_breakdowns(tmp_path) -> None:
    header = (
        "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,"
        "Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
        "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note"
    )
    rows = [
        "90366,Life expectancy at birth,E92000001,England,E06000001,Hartlepool,UA,Male,All ages,"
        ",,2016 - 18,76.5,76.0,77.0,75.8,77.2,,,",
        "90366,Life expectancy at birth,E92000001,England,E06000001,Hartlepool,UA,Male,All ages,"
        "LSOA11 deciles,Most deprived decile,2016 - 18,70.1,69.0,71.0,68.5,71.5,,,",
    ]
    table = load(write(tmp_path / "ft.csv", [header, *rows]), None)
    assert len(table) == 1
    record = table.iloc[0]
    assert (record["indicator"], record["period"], record["sex"]) == ("90366", "2016-18", "male")
    assert (record["value"], record["lowercl"], record["upper99_8cl"]) == (76.5, 76.0, 77.2)


def test_user_mapping_spec_as_dict_and_yaml(tmp_path) -> None:
    lines = ["Local Authority,Year,Gender,Band,Deaths"] + [
        f"E06000001,2019,F,{label},1" for label in DEATHS_LABELS
    ]
    path = write(tmp_path / "mine.csv", lines)
    spec = {
        "table": "deaths",
        "columns": {"area_code": "Local Authority", "period": "Year", "sex": "Gender",
                    "deaths": "Deaths"},
        "constants": {"cause": "all"},
        "age": {"column": "Band", "kind": "label"},
    }  # fmt: skip
    from_dict = load(path, spec)
    import yaml

    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    from_yaml = load(path, tmp_path / "spec.yaml")
    pd.testing.assert_frame_equal(from_dict, from_yaml)
    assert from_dict["deaths"].sum() == 20 and set(from_dict["period"]) == {"2019"}


def test_85_plus_open_band_keeps_its_bands_and_warns(tmp_path) -> None:
    labels = DEATHS_LABELS[:18] + ("85+",)
    lines = ["area_code,sex,age_band,deaths"] + [f"E06000001,M,{b},1" for b in labels]
    with pytest.warns(BandingWarning, match=r"90\+.*life expectancy"):
        table = load(write(tmp_path / "d2014.csv", lines), "ons_deaths")
    assert table["age_start"].tolist()[-1] == 85 and len(table) == 19


def test_every_problem_in_a_file_is_reported_with_row_column_rule(tmp_path) -> None:
    lines = population_lines()
    lines[3] = lines[3].replace(",1000", ",abc")  # row 4: non-numeric
    lines[5] = lines[5].replace(",1000", ",-3")  # row 6: negative
    lines[7] = lines[7].replace(",male,", ",bloke,")  # row 8: unknown sex
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "p.csv", lines), "population")
    found = {(p.row, p.column, p.rule) for p in error.value.problems}
    assert found == {
        (4, "person_years", "non_numeric"),
        (6, "person_years", "negative_count"),
        (8, "sex", "unknown_sex"),
    }
    assert all(p.file.endswith("p.csv") for p in error.value.problems)


@pytest.mark.parametrize(
    ("edit", "rule", "row"),
    [
        (lambda lines: lines[:5] + lines[6:], "missing_age_band", 6),  # drop band 15
        (lambda lines: lines + [lines[4]], "duplicate_key", 42),
        (lambda lines: lines[:20] + lines[21:], "missing_age_band", 20),  # no male 90+
    ],
)
def test_band_and_key_problems(tmp_path, edit, rule, row) -> None:
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "p.csv", edit(population_lines())), "population")
    assert (row, rule) in {(p.row, p.rule) for p in error.value.problems}


def test_overlapping_bands_are_reported(tmp_path) -> None:
    lines = ["area_code,sex,age_band,deaths"] + [f"E06000001,M,{b},1" for b in DEATHS_LABELS]
    lines.append("E06000001,M,3-7,1")  # row 22 overlaps 1-4 and 5-9
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "d_2014.csv", lines), "ons_deaths")
    assert ("overlapping_age_bands", 22) in {(p.rule, p.row) for p in error.value.problems}


def test_file_level_problems(tmp_path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "latin1.csv").write_bytes(
        "area_code,area_name,level\nE1,Bro\xf1,la\n".encode("latin-1")
    )
    write(tmp_path / "header_only.csv", ["area_code,area_name,level"])
    cases = [
        ("empty.csv", "empty_file"),
        ("latin1.csv", "wrong_encoding"),
        ("header_only.csv", "empty_file"),
        ("absent.csv", "file_not_found"),
    ]
    for name, rule in cases:
        with pytest.raises(InputError) as error:
            load(tmp_path / name, "areas")
        assert rules(error) == [rule], name
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "x.csv", ["a,b", "1,2"]), None)
    assert rules(error) == ["unknown_layout"]


def test_missing_columns_are_all_listed(tmp_path) -> None:
    with pytest.raises(InputError) as error:
        load(write(tmp_path / "p.csv", ["area_code,sex", "E06000001,male"]), "population")
    assert {(p.column, p.rule) for p in error.value.problems} >= {
        ("period", "missing_column"),
        ("person_years", "missing_column"),
    }


def test_mye2_excel_sheet_with_title_rows(tmp_path) -> None:
    header = ["Code", "Name", "Geography1", "All ages", *[str(a) for a in range(90)], "90+"]
    rows = [["E06000001", "Hartlepool", "Unitary Authority", 182, *[2] * 91]]
    frame = pd.DataFrame(rows, columns=header)
    path = tmp_path / "MYE2_population_mid-2014.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Mid-2014 population estimates"], [""], ["Males"]]).to_excel(
            writer, sheet_name="MYE2 - Males", index=False, header=False
        )
        frame.to_excel(writer, sheet_name="MYE2 - Males", startrow=4, index=False)
    spec = {"extends": "ons_mye_wide", "sheet": "MYE2 - Males", "header_row": 5}
    table = load(path, spec)
    assert set(table["sex"]) == {"male"} and set(table["period"]) == {"2014"}
    assert table["person_years"].sum() == 182 and len(table) == 20
    bad = frame.assign(**{"45": "n/a"})
    with pd.ExcelWriter(path) as writer:
        bad.to_excel(writer, sheet_name="MYE2 - Males", startrow=4, index=False)
    with pytest.raises(InputError) as error:
        load(path, spec)
    assert {(p.row, p.column, p.rule) for p in error.value.problems} >= {(6, "45", "non_numeric")}
