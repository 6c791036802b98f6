"""Data page: uploads go through the Foundation import, all or nothing, problems in the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from web_helpers import csrf_from

from conftest import make_settings
from healthgap.agebands import STANDARD_STARTS
from healthgap.web import Settings

HEADER = "area_code,period,sex,age_start,person_years\n"


@pytest.fixture
def settings(tmp_path: Path, small_workspace: Path, migrated_database_file: Path) -> Settings:
    """A private copy of the small workspace: these tests write into it."""
    copy = tmp_path / "workspace"
    shutil.copytree(small_workspace, copy)
    return make_settings(tmp_path, copy, migrated_database_file)


def population_csv(person_years: float, bad_row: int | None = None) -> bytes:
    lines = [HEADER]
    for i, start in enumerate(STANDARD_STARTS):
        value = -5 if i == bad_row else person_years
        lines.append(f"E01000001,2018-20,female,{start},{value}\n")
    return "".join(lines).encode()


def deaths_csv() -> bytes:
    lines = ["area_code,period,sex,age_start,cause,deaths\n"]
    lines += [
        f"E01000001,2018-20,female,{start},all,{i}\n" for i, start in enumerate(STANDARD_STARTS)
    ]
    return "".join(lines).encode()


def test_valid_files_are_imported(client_as, app) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/data").text)
    before = app.state.workspaces.workspace().hashes()
    response = analyst.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[
            ("files", ("population_2018-20.csv", population_csv(30000.0), "text/csv")),
            ("files", ("deaths_2018-20.csv", deaths_csv(), "text/csv")),
        ],
    )
    assert response.status_code == 200, response.text
    assert "Imported: Deaths, Population" in response.text
    after = app.state.workspaces.workspace()
    assert after.hashes()["population"] != before["population"]
    assert "2018-20" in set(after.read("population")["period"].astype(str))


def test_file_with_problems_writes_nothing_and_names_file_and_row(client_as, app) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/data").text)
    before = app.state.workspaces.workspace().hashes()
    response = analyst.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[
            ("files", ("good.csv", population_csv(30000.0), "text/csv")),
            ("files", ("bad.csv", population_csv(30000.0, bad_row=3), "text/csv")),
        ],
    )
    assert response.status_code == 400
    assert "nothing was written" in response.text
    assert '<td class="govuk-table__cell">bad.csv</td>' in response.text
    assert "Counts below zero: 1" in response.text  # grouped by rule, in words
    assert app.state.workspaces.workspace().hashes() == before


def test_viewer_cannot_upload(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    token = csrf_from(viewer.get("/data").text)
    response = viewer.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[("files", ("p.csv", population_csv(1.0), "text/csv"))],
    )
    assert response.status_code == 403


def test_an_indicators_upload_keeps_the_area_pages_results(  # noqa: ANN001
    client_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages about areas read areas, population and deaths only: an upload of indicators
    leaves their cached results in place (no visitor waits for them to be recomputed)."""
    import healthgap.web.routes.area as area_routes

    computed = []
    profile = area_routes.profile_area
    monkeypatch.setattr(
        area_routes, "profile_area", lambda *a, **k: computed.append(a[1]) or profile(*a, **k)
    )
    analyst = client_as("analyst")
    assert analyst.get("/area/E06000001").status_code == 200
    token = csrf_from(analyst.get("/data").text)
    indicators = (
        "area_code,period,sex,indicator,value,lowercl,uppercl,count,denominator\n"
        "E06000001,2015-17,female,smoking_prevalence,14.2,12.9,15.6,210,1480\n"
    )
    uploaded = analyst.post(
        "/data/upload",
        data={"csrf_token": token},
        files=[("files", ("indicators.csv", indicators.encode(), "text/csv"))],
    )
    assert uploaded.status_code == 200 and "Imported: Indicators" in uploaded.text
    assert analyst.get("/area/E06000001").status_code == 200
    assert computed == ["E06000001"]  # once, before the upload
