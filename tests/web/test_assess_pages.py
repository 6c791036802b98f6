"""The self-assessment pages: a workshop through the web (start, invite, rate one item per
screen, hidden answers, consensus with the spread, two facilitators on one item, actions
tracked, summary and downloads), with roles checked on the server, CSRF and escaping."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
from fastapi.testclient import TestClient
from web_helpers import add_user, csrf_from, login, unlinked

from cli_runner import run_cli
from healthgap.store import Database

QUICK = [
    "known_needs",
    "expressed_demand",
    "equitable_resourcing",
    "responsive_services",
    "informed_choice",
    "known_efficacy",
    "local_effectiveness",
    "cost_effectiveness",
    "accessibility",
    "public_involvement",
    "service_volumes",
    "balanced_portfolio",
]


def _client(app, database: Database, role: str, name: str) -> TestClient:  # noqa: ANN001
    add_user(database, role, name)
    return login(TestClient(app, base_url="http://testserver"), name)


def _post(client: TestClient, url: str, data: dict | None = None, page: str = "/assess"):  # noqa: ANN202
    token = csrf_from(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def _start(fac: TestClient, place: str, title: str = "CVD workshop") -> int:
    response = _post(
        fac,
        "/assess/new",
        {
            "framework": "hinst_cbo",
            "place": place,
            "topic": "CVD",
            "period": "2025",
            "title": title,
        },
        "/assess/new",
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_workshop_through_the_web(app, database: Database, demo_la: str) -> None:  # noqa: ANN001
    fac = _client(app, database, "analyst", "fac")
    people = {n: _client(app, database, "viewer", n) for n in ("ann", "bob", "cat")}
    aid = _start(fac, demo_la)
    page = fac.get(f"/assess/{aid}").text
    assert "Synthetic District" in page and "Close the individual round" in page
    invited = _post(fac, f"/assess/{aid}/participants", {"username": ["ann", "bob", "cat"]})
    assert invited.status_code == 303
    # a participant rates one item per screen, with the data beside it
    item = unlinked(people["ann"].get(f"/assess/{aid}/rate/known_needs").text)
    assert "How far is this in place?" in item and "Don&#39;t know" in item
    assert "What the data say" in item and "Life expectancy at birth" in item
    for n, name in enumerate(people):
        for i, item_id in enumerate(QUICK):
            level = str((i + n) % 5)
            saved = _post(
                people[name],
                f"/assess/{aid}/rate/{item_id}",
                {
                    "level": level,
                    "rationale": f"reason number {n}",
                    "evidence": "JSNA 2024\nQOF",
                    "confidence": "medium",
                },
            )
            assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("/rate?done=1")
    # answers stay hidden from everyone until the individual round closes
    waiting = people["bob"].get(f"/assess/{aid}/consensus")
    assert waiting.status_code == 200 and "The spread of ratings is not shown yet" in waiting.text
    assert people["bob"].get(f"/assess/{aid}/consensus/known_needs").status_code == 403
    assert people["bob"].get(f"/assess/{aid}/summary.csv").status_code == 403
    assert "reason number 2" not in people["bob"].get(f"/assess/{aid}/rate/known_needs").text
    assert "12 of 12" in fac.get(f"/assess/{aid}").text
    assert _post(people["ann"], f"/assess/{aid}/consensus/open").status_code == 403
    assert _post(fac, f"/assess/{aid}/consensus/open").status_code == 303
    spread = people["bob"].get(f"/assess/{aid}/consensus").text
    assert "Spread of ratings per item" in spread and 'hx-trigger="every 5s"' in spread
    detail = people["bob"].get(f"/assess/{aid}/consensus/known_needs").text
    answers = detail.split("Their reasons")[1].split("</ul>")[0]
    assert "Participant 2" in answers and "reason number 2" in answers
    assert not {"ann", "bob", "cat"} & set(re.findall(r"[a-z]+", answers))
    assert (
        _post(
            people["bob"], f"/assess/{aid}/consensus/known_needs", {"level": "2", "reason": "x"}
        ).status_code
        == 403
    )
    for item_id in QUICK:
        level = "1" if item_id == "accessibility" else "3"
        agreed = _post(
            fac,
            f"/assess/{aid}/consensus/{item_id}",
            {"level": level, "reason": "we discussed it", "target": "4", "revision": "0"},
        )
        assert agreed.status_code == 303, agreed.text
    table = fac.get(f"/assess/{aid}/consensus/table")
    assert table.status_code == 200 and "12 of 12" in table.text
    version = re.search(r"version=(\w+)", table.text).group(1)
    unchanged = fac.get(f"/assess/{aid}/consensus/table?version={version}")
    assert unchanged.status_code == 204  # nothing agreed since: nothing to swap
    # actions, tracked over time
    added = _post(
        fac,
        f"/assess/{aid}/actions",
        {
            "item": "accessibility",
            "owner": "ICB lead",
            "due": "2031-06-30",
            "text": "Open two evening clinics in the most deprived wards",
        },
    )
    assert added.status_code == 303
    plan = fac.get(f"/assess/{aid}/actions").text
    action_id = re.search(r"/actions/(\d+)/status", plan).group(1)
    assert (
        _post(
            fac,
            f"/assess/{aid}/actions/{action_id}/status",
            {"status": "in_progress", "note": "first clinic open"},
        ).status_code
        == 303
    )
    plan = people["cat"].get(f"/assess/{aid}/actions").text
    assert "In progress" in plan and "first clinic open" in plan and "Update status" not in plan
    # the summary and its downloads
    assert _post(fac, f"/assess/{aid}/close").status_code == 303
    summary = people["ann"].get(f"/assess/{aid}/summary").text
    assert "The weakest link" in summary and "9 Accessibility" in summary
    assert 'data-chart="spec-radar"' in summary and "as a table" in summary
    csv = people["ann"].get(f"/assess/{aid}/summary.csv")
    assert csv.headers["content-disposition"].endswith('.csv"')
    items = pd.read_csv(io.StringIO(csv.text)).set_index("item_id")
    assert items.loc["accessibility", "weakest_link"] and items["without_evidence"].sum() == 0
    body = json.loads(people["ann"].get(f"/assess/{aid}/summary.json").text)
    assert body["tables"]["actions"][0]["status"] == "in_progress"
    html = people["ann"].get(f"/assess/{aid}/summary.html").text
    assert "<h1>" in html and "Action plan" in html
    assert people["ann"].get(f"/assess/{aid}/summary.pdf").status_code == 400


def test_the_cli_exports_the_same_items_file_as_the_web(
    app, database: Database, settings, demo_workspace, demo_la: str, tmp_path
) -> None:  # noqa: ANN001
    fac = _client(app, database, "analyst", "fac")
    aid = _start(fac, demo_la)
    _post(fac, f"/assess/{aid}/rate/service_volumes", {"level": "4", "evidence": "plan"})
    _post(fac, f"/assess/{aid}/consensus/open")
    _post(
        fac,
        f"/assess/{aid}/consensus/service_volumes",
        {"level": "3", "reason": "many clinics", "revision": "0"},
    )
    web = fac.get(f"/assess/{aid}/summary.csv").content
    result = run_cli(
        "assess",
        "export",
        str(aid),
        "--as",
        "fac",
        "--formats",
        "csv",
        "--out",
        str(tmp_path),
        "--workspace",
        str(demo_workspace),
        "--data-dir",
        str(settings.data_dir),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (cli,) = tmp_path.glob("*.csv")
    assert cli.read_bytes() == web


def test_two_facilitators_on_one_item(app, database: Database, demo_la: str) -> None:  # noqa: ANN001
    first = _client(app, database, "analyst", "first")
    second = _client(app, database, "admin", "second")
    aid = _start(first, demo_la)
    _post(first, f"/assess/{aid}/participants", {"username": ["second"], "role": "facilitator"})
    _post(first, f"/assess/{aid}/consensus/open")
    # both opened the item while it was open (revision 0); the first saves
    saved = _post(
        first,
        f"/assess/{aid}/consensus/service_volumes",
        {"level": "2", "reason": "clinics cover half the need", "revision": "0"},
    )
    assert saved.status_code == 303
    late = _post(
        second,
        f"/assess/{aid}/consensus/service_volumes",
        {"level": "4", "reason": "we think more", "revision": "0"},
    )
    assert late.status_code == 409
    assert "Someone else decided this item first" in late.text
    assert "first recorded the agreed level of “Adequate service volumes”" in late.text
    assert "Developing, because clinics cover half the need" in late.text
    shown = second.get(f"/assess/{aid}/consensus/service_volumes").text
    assert "clinics cover half the need" in shown and "revision 1" in shown
    changed = _post(
        second,
        f"/assess/{aid}/consensus/service_volumes",
        {"level": "3", "reason": "on reflection", "revision": "1"},
    )
    assert changed.status_code == 303
    assert "second (revision 2)" in first.get(f"/assess/{aid}/consensus/service_volumes").text


def test_roles_csrf_and_escaping(app, database: Database, demo_la: str) -> None:  # noqa: ANN001
    fac = _client(app, database, "analyst", "fac")
    viewer = _client(app, database, "viewer", "vic")
    assert viewer.get("/assess/new").status_code == 403
    assert "Start an assessment" not in viewer.get("/assess").text
    aid = _start(fac, demo_la, title="<script>alert(1)</script>")
    page = fac.get(f"/assess/{aid}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert viewer.get(f"/assess/{aid}").status_code == 403  # takes no part
    no_token = fac.post(f"/assess/{aid}/consensus/open", follow_redirects=False)
    assert no_token.status_code == 403
    bad = _post(
        fac,
        "/assess/new",
        {"framework": "hinst_cbo", "place": "Leeds", "topic": "", "period": "2025"},
        "/assess/new",
    )
    assert bad.status_code == 400
    assert 'href="#place"' in bad.text and 'href="#topic"' in bad.text
    rating = _post(fac, f"/assess/{aid}/rate/known_needs", {"rationale": "no level"})
    assert rating.status_code == 400 and 'href="#level"' in rating.text
    assert fac.get(f"/assess/{aid}/rate/no_such_item").status_code == 404
    assert fac.get("/assess/999").status_code == 404
    assert "Social marketing benchmark criteria" in viewer.get("/assess/frameworks").text
    assert "Fully met" in viewer.get("/assess/frameworks/nsmc_benchmarks").text


def test_summary_sets_places_on_one_topic_side_by_side(app, database: Database, demo_la: str):  # noqa: ANN001, ANN201
    from assessment_helpers import agree_some, run_individual_round

    ward = "E05900788"  # a ward of the demo district: any level may be assessed
    first = run_individual_round(database, place=demo_la)
    agree_some(first)
    agree_some(run_individual_round(database, place=ward))
    fac = login(TestClient(app, base_url="http://testserver"), "fac")
    page = fac.get(f"/assess/{first.assessment_id}/summary")
    assert page.status_code == 200
    assert page.text.count("Places assessed on this topic") >= 2  # the heading and its table
    assert '<th scope="col" class="govuk-table__header">Place</th>' in page.text
    table = page.text.split("Places assessed on this topic as a table</caption>")[1]
    places = table.split("</table>")[0]
    assert places.index(demo_la) < places.index(ward)  # in the order assessed, not ranked
