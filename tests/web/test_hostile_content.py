"""Hostile text in area names, scenario names and user names (issue 10): never markup on any
page, never a formula in any CSV download. The pages and downloads swept are every route of
the app (:func:`healthgap.web.access.route_access`), over a workspace whose places are named
to attack both a browser and a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from route_samples import all_routes, sample_url
from sqlalchemy import select
from web_helpers import add_user, csrf_from, login

from conftest import make_settings
from healthgap.data.workspace import open_workspace, write_workspace
from healthgap.store import SavedScenario
from healthgap.web import create_app

LA = "E07900034"  # the small demo's authority
NAMES = (
    '=HYPERLINK("http://evil.example")<script>alert("la")</script>',
    "+1+cmd|' /C calc'!A0\"><img src=x onerror=alert(1)>",
    "-2+3@SUM(1)</script><script>alert(2)</script>",
)
USER = "<b onmouseover=alert(3)>eve</b>"
SCENARIO = '@SUM(1+1)<iframe src="javascript:alert(4)">'
MARKUP = (
    '<script>alert("la")</script>',
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<b onmouseover=alert(3)>",
    '<iframe src="javascript:alert(4)">',
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)*|\.\d+)(?:[eE][+-]?\d+)?")
ROUTES = all_routes()
GET_ROUTES = [r for r in ROUTES if r.method == "GET" and r.path != "/static"]
CSV_ROUTES = [r for r in GET_ROUTES if r.path.endswith(".{fmt}")]


def _hostile_workspace(demo: Path, target: Path) -> tuple[Path, str, str, str]:
    """The small demo with its authority, a ward and one of the ward's small areas renamed."""
    source = open_workspace(demo)
    tables = {name: source.read(name) for name in source.tables}
    areas = tables["areas"]
    la = str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])
    lsoa = areas[areas["level"] == "lsoa"].sort_values("area_code").iloc[0]
    ward = str(lsoa["parent_ward"])
    for code, name in zip([la, ward, str(lsoa["area_code"])], NAMES, strict=True):
        areas.loc[areas["area_code"] == code, "area_name"] = name
    write_workspace(target, tables, metadata=source.metadata)
    return target, la, ward, str(lsoa["area_code"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, migrated_database_file, demo_workspace):  # noqa: ANN001, ANN201
    """An app over the hostile workspace, a hostile admin signed in, a hostile scenario."""
    folder = tmp_path_factory.mktemp("hostile")
    workspace, la, ward, _lsoa = _hostile_workspace(demo_workspace, folder / "ws")
    assert la == LA
    application = create_app(make_settings(folder, workspace, migrated_database_file))
    with TestClient(application, base_url="http://testserver"):
        add_user(application.state.database, "admin", USER)
        admin = login(TestClient(application, base_url="http://testserver"), USER)
        form = {
            "csrf_token": csrf_from(admin.get("/plan").text),
            "name": SCENARIO,
            "area_code": LA,
            "statins__volume": "100",
            "horizon": "5",
        }
        assert admin.post("/plan/scenarios", data=form, follow_redirects=False).status_code == 303
        with application.state.database.reader() as session:
            scenario_id = session.scalar(select(SavedScenario.id))
        yield admin, scenario_id, ward
    application.state.database.dispose()


def _url(route, scenario_id: int) -> str:  # noqa: ANN001
    url = sample_url(route, LA, {"scenario_id": str(scenario_id)})
    if route.path in ("/plan/compare", "/plan/compare.{fmt}"):
        url += f"?ids={scenario_id}"
    if route.path in ("/", "/areas/options"):
        url += "?level=lsoa&q=e0"
    if route.path == "/plan":
        url += f"?scenario={scenario_id}"
    return url


@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.path for r in GET_ROUTES])
def test_no_page_turns_hostile_names_into_markup(hostile, route) -> None:  # noqa: ANN001
    admin, scenario_id, ward = hostile
    response = admin.get(_url(route, scenario_id), follow_redirects=False)
    assert response.status_code < 500
    if response.headers.get("content-type", "").startswith("text/html"):
        for payload in MARKUP:
            assert payload not in response.text, (route.path, payload)


def test_the_hostile_names_are_shown_as_text(hostile) -> None:  # noqa: ANN001
    admin, scenario_id, ward = hostile
    profile = admin.get(f"/area/{LA}").text
    assert "&lt;script&gt;alert(&#34;la&#34;)&lt;/script&gt;" in profile
    assert "&lt;img src=x onerror=alert(1)&gt;" in profile  # a ward's name
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in admin.get(f"/area/{ward}").text
    assert "&lt;b onmouseover=alert(3)&gt;eve&lt;/b&gt;" in profile  # the user's name
    compare = admin.get(f"/plan/compare?ids={scenario_id}").text
    assert "&lt;iframe src=&#34;javascript:alert(4)&#34;&gt;" in compare
    assert "&lt;b onmouseover" in admin.get("/admin/users").text


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("route", CSV_ROUTES, ids=[r.path for r in CSV_ROUTES])
@pytest.mark.parametrize("layout", ["csv", "fingertips.csv"])
def test_no_csv_download_holds_a_formula(hostile, route, layout: str) -> None:  # noqa: ANN001
    admin, scenario_id, ward = hostile
    url = _url(route, scenario_id).replace(".csv", f".{layout}", 1)
    response = admin.get(url)
    if response.status_code != 200:  # a layout or table this route does not offer
        assert response.status_code in (400, 404), response.text[:300]
        return
    if not response.headers["content-type"].startswith("text/csv"):
        return  # an image route (its format is the picture's)
    for cell in _cells(response.content.decode("utf-8-sig")):
        if cell.startswith(TRIGGERS):
            assert NUMBER.fullmatch(cell), (route.path, cell)


def test_the_hostile_names_do_reach_the_downloads_neutralised(hostile) -> None:  # noqa: ANN001
    """The sweep above is not empty: the names are in the files, each behind a quote."""
    admin, scenario_id, ward = hostile
    seen = set()
    for url in (
        f"/area/{LA}/small-areas-2022-24.csv",
        f"/area/{ward}/small-areas-2022-24.fingertips.csv",
        f"/area/{LA}/life-expectancy.fingertips.csv",
        "/measure/le.csv?level=la",
        f"/plan/compare.csv?ids={scenario_id}",
    ):
        response = admin.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        seen |= set(_cells(response.text))
    for name in (*NAMES, SCENARIO):
        assert "'" + name in seen, name
