"""Area profile content and exact CSV download bodies (values from the core's Chiang II LE)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_settings
from healthgap.web import Settings

METHOD = '"Chiang II abridged life table, Silcocks variance for the open band"'
# Testborough = the sum of its two small areas' deaths and person-years (tests/web/web_helpers.py).
TREND_CSV = (
    "area_code,area_name,sex,period,statistic,value,lowercl,uppercl,confidence,method,"
    "suppression_note\n"
    f"E06000001,Testborough,female,2012-14,life expectancy at 0,78.27,78.02,78.52,95%,{METHOD},\n"
    f"E06000001,Testborough,female,2015-17,life expectancy at 0,78.27,78.02,78.52,95%,{METHOD},\n"
    f"E06000001,Testborough,male,2012-14,life expectancy at 0,75.93,75.68,76.18,95%,{METHOD},\n"
    f"E06000001,Testborough,male,2015-17,life expectancy at 0,75.93,75.68,76.18,95%,{METHOD},\n"
)
SMALL_AREAS_CSV = (
    "area_code,area_name,sex,period,statistic,value,lowercl,uppercl,confidence,method,"
    "suppression_note\n"
    "E01000001,Testborough 001A,female,2015-17,life expectancy at 0,83.84,83.46,84.23,95%,"
    f"{METHOD},\n"
    "E01000001,Testborough 001A,male,2015-17,life expectancy at 0,81.26,80.89,81.62,95%,"
    f"{METHOD},\n"
    "E01000002,Testborough 002B,female,2015-17,life expectancy at 0,74.60,74.25,74.95,95%,"
    f"{METHOD},\n"
    "E01000002,Testborough 002B,male,2015-17,life expectancy at 0,72.32,71.97,72.67,95%,"
    f"{METHOD},\n"
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
        'attachment; filename="life-expectancy-at-birth_small-areas-in_E06000001_2015-17.csv"'
    )
    assert response.text == SMALL_AREAS_CSV


def test_downloads_hold_no_counts(client_as) -> None:  # noqa: ANN001
    """Disclosure: no count column can leak a small number of deaths."""
    body = client_as("viewer").get("/area/E06000001/small-areas-2015-17.csv").text
    columns = pd.read_csv(io.StringIO(body)).columns
    assert not {"deaths", "deaths_used", "count", "person_years_used"} & set(columns)


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
    assert "unsupported_file" in response.text
    assert "Nothing was written" in response.text
    assert app.state.workspaces.workspace().hashes() == before
