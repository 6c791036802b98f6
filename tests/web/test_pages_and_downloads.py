"""Area profile content and exact CSV download bodies (values from the core's Chiang II LE)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, build_small_workspace, login

from conftest import make_settings
from healthgap.web import Settings, create_app

METHOD = '"Chiang II abridged life table, Silcocks variance for the open band"'
SYNTHETIC = '"SYNTHETIC: made-up demonstration data, not real statistics"'
HEADER = (
    "area_code,area_name,sex,period,statistic,value,lowercl,uppercl,confidence,method,"
    "deaths_used,person_years_used,suppression_note,disclosure_note,data_note\n"
)
# Testborough = the sum of its two small areas' deaths and person-years (web_helpers.py).
# Counts go through the default disclosure policy: rounded to the nearest 5.
TREND_CSV = HEADER + "".join(
    f"E06000001,Testborough,{sex},{period},life expectancy at 0,{v},95%,{METHOD},"
    f"{deaths},1200000.0,,deaths_used rounded to nearest 5,{SYNTHETIC}\n"
    for sex, v, deaths in (
        ("female", "78.27,78.02,78.52", "27655.0"),
        ("male", "75.93,75.68,76.18", "33185.0"),
    )
    for period in ("2012-14", "2015-17")
)
SMALL_AREAS_CSV = HEADER + "".join(
    f"{code},{name},{sex},2015-17,life expectancy at 0,{v},95%,{METHOD},"
    f"{deaths},600000.0,,deaths_used rounded to nearest 5,{SYNTHETIC}\n"
    for code, name, sex, v, deaths in (
        ("E01000001", "Testborough 001A", "female", "83.84,83.46,84.23", "9220.0"),
        ("E01000001", "Testborough 001A", "male", "81.26,80.89,81.62", "11060.0"),
        ("E01000002", "Testborough 002B", "female", "74.6,74.25,74.95", "18435.0"),
        ("E01000002", "Testborough 002B", "male", "72.32,71.97,72.67", "22125.0"),
    )
)


@pytest.fixture
def settings(tmp_path: Path, small_workspace: Path, migrated_database_file: Path) -> Settings:
    """These tests use the tiny hand-made workspace, whose values are frozen below."""
    return make_settings(tmp_path, small_workspace, migrated_database_file)


def test_trend_csv_body_and_name(client_as) -> None:  # noqa: ANN001
    response = client_as("viewer").get("/area/E06000001/life-expectancy.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="life-expectancy-at-birth_E06000001_testborough_trend.csv"'
    )
    assert response.text == TREND_CSV


def test_small_area_csv_body_and_name(client_as) -> None:  # noqa: ANN001
    response = client_as("viewer").get("/area/E06000001/small-areas-2015-17.csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="life-expectancy-at-birth_areas-in_E06000001_2015-17.csv"'
    )
    assert response.text == SMALL_AREAS_CSV


def test_fingertips_layout(client_as) -> None:  # noqa: ANN001
    response = client_as("viewer").get("/area/E06000001/life-expectancy.fingertips.csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="life-expectancy-at-birth_E06000001_testborough_trend.fingertips.csv"'
    )
    table = pd.read_csv(io.StringIO(response.text))
    assert list(table.columns[:13]) == [
        "Indicator ID",
        "Indicator Name",
        "Parent Code",
        "Parent Name",
        "Area Code",
        "Area Name",
        "Area Type",
        "Sex",
        "Age",
        "Category Type",
        "Category",
        "Time period",
        "Value",
    ]
    first = table.iloc[0]
    assert (first["Area Code"], first["Sex"], first["Time period"], first["Value"]) == (
        "E06000001",
        "Female",
        "2012 - 14",
        78.27,
    )


def test_excel_has_data_and_metadata_sheets(client_as) -> None:  # noqa: ANN001
    response = client_as("viewer").get("/area/E06000001/small-areas-2015-17.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 2
    notes = " ".join(str(c.value) for row in book[book.sheetnames[1]].iter_rows() for c in row)
    assert "Disclosure control" in notes and "SYNTHETIC" in notes


def test_small_counts_are_suppressed_in_downloads(
    tmp_path: Path, migrated_database_file: Path
) -> None:
    """A tiny population: deaths of 1-7 are blanked with a note, larger ones rounded to 5."""
    tiny = build_small_workspace(tmp_path / "tiny", person_years_per_band=20.0)
    app = create_app(make_settings(tmp_path, tiny, migrated_database_file))
    add_user(app.state.database, "viewer")
    with TestClient(app, base_url="http://testserver") as started:
        body = login(started, "viewer").get("/area/E06000001/small-areas-2015-17.csv").text
    table = pd.read_csv(io.StringIO(body))
    suppressed = table[table["disclosure_note"] == "deaths_used suppressed (1-7)"]
    assert len(suppressed) == 2 and suppressed["deaths_used"].isna().all()
    shown = table["deaths_used"].dropna()
    assert len(shown) == 2 and (shown % 5 == 0).all()
    assert table["value"].isna().all()  # and life expectancy itself is not calculated
    app.state.database.dispose()


def test_area_value_lies_between_its_small_areas() -> None:
    """Hand check of the frozen bodies: the pooled area sits between its two parts."""
    trend = pd.read_csv(io.StringIO(TREND_CSV))
    small = pd.read_csv(io.StringIO(SMALL_AREAS_CSV))
    for sex in ("male", "female"):
        area = trend[(trend.sex == sex) & (trend.period == "2015-17")].value.item()
        parts = small[small.sex == sex].value
        assert parts.min() < area < parts.max()


def test_area_profile_shows_both_sexes_with_intervals(client_as) -> None:  # noqa: ANN001
    page = client_as("viewer").get("/area/E06000001")
    assert page.status_code == 200
    assert 'data-testid="le-male">75.9 years' in page.text
    assert 'data-testid="le-female">78.3 years' in page.text
    assert "95% confidence interval 75.7 to 76.2" in page.text
    assert "Testborough 002B" in page.text
    assert "SYNTHETIC" in page.text


def test_unknown_area_is_a_clear_404(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    assert viewer.get("/area/E99999999").status_code == 404
    assert viewer.get("/area/E99999999/life-expectancy.csv").status_code == 404


def test_upload_with_problems_writes_nothing(client_as, app) -> None:  # noqa: ANN001
    from web_helpers import csrf_from

    analyst = client_as("analyst")
    before = app.state.workspaces.workspace().hashes()
    token = csrf_from(analyst.get("/data").text)
    response = analyst.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[("files", ("notes.txt", b"hello", "text/plain"))],
    )
    assert response.status_code == 400
    assert "Files of a kind that cannot be read" in response.text
    assert "unsupported_file" not in response.text
    assert "nothing was written" in response.text
    assert app.state.workspaces.workspace().hashes() == before
