"""Journey and insight-note pages over HTTP: roles on the server, CSRF, escaping, the version
check (the second writer is told, nothing lost), uploads all or nothing, the personal-data
check before saving, feedback sends, and downloads equal to the report writer's files."""

from __future__ import annotations

import io
import json
import re
from functools import cache

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from web_helpers import csrf_from, unlinked

from healthgap.analyses import list_journeys, load_demo_journeys, search_notes, show_journey
from healthgap.analyses.journey_demo import demo_service_activity
from healthgap.reports.outputs import bundle_file

KEY = "demo-health-check-as-is"


@cache
def _activity() -> pd.DataFrame:
    return demo_service_activity(size="small")


@pytest.fixture
def demo(database, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(
        "healthgap.analyses.journey_demo.demo_service_activity", lambda *_a, **_k: _activity()
    )
    return load_demo_journeys(database)


def post(client: TestClient, url: str, data: dict, page: str = "/journeys", **kwargs):  # noqa: ANN201
    token = csrf_from(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False, **kwargs)


@pytest.mark.usefixtures("demo")
def test_viewers_read_every_page_and_cannot_change_anything(client_as, database) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    for url in (
        "/journeys",
        f"/journeys/{KEY}",
        f"/journeys/{KEY}/history",
        f"/journeys/{KEY}/compare",
        f"/journeys/{KEY}/feedback",
        "/insight-notes",
        "/insight-notes/demo-booking-interviews",
    ):
        page = viewer.get(url)
        assert page.status_code == 200, url
        assert f"/journeys/{KEY}/edit" not in page.text  # no edit link for viewers
    assert viewer.get(f"/journeys/{KEY}/edit").status_code == 403
    refused = post(
        viewer,
        f"/journeys/{KEY}/edit",
        {"version": "1", "action": "remove_stage", "target": "follow-up"},
    )
    assert refused.status_code == 403 and "analyst" in refused.text
    assert post(viewer, "/insight-notes", {"title": "x"}).status_code == 403
    assert show_journey(database, KEY).summary["current_version"] == 1


@pytest.mark.usefixtures("demo")
def test_a_form_without_its_csrf_token_is_refused(client_as, database) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    response = analyst.post(
        f"/journeys/{KEY}/edit", data={"version": "1", "action": "details", "title": "Hijacked"}
    )
    assert response.status_code == 403
    assert show_journey(database, KEY).summary["journey"].title.startswith("SYNTHETIC")


def test_text_from_people_is_escaped_everywhere(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    made = post(
        analyst,
        "/journeys",
        {
            "template": "nhs_health_check",
            "title": "<script>alert(1)</script> check",
            "segment_label": "<b>men</b>",
        },
    )
    assert made.status_code == 303
    key = made.headers["location"].split("/")[2]
    for url in (
        f"/journeys/{key}",
        f"/journeys/{key}/edit",
        "/journeys",
        f"/journeys/{key}/feedback",
    ):
        text = analyst.get(url).text
        assert "<script>alert(1)</script>" not in text and "<b>men</b>" not in text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url


def test_a_journey_about_people_named_in_words_gets_an_id_for_them(client_as, database) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    made = post(
        analyst,
        "/journeys",
        {"template": "stop_smoking", "segment": "described", "segment_label": "Men 18-29"},
    )
    journey = show_journey(database, made.headers["location"].split("/")[2]).summary["journey"]
    assert (journey.segment.id, journey.segment.label) == ("men-18-29", "Men 18-29")
    assert not journey.segment.stored
    page = unlinked(analyst.get("/journeys").text)
    assert "Men 18-29" in page and "No segmentation of this workspace" in page
    assert 'href="/segments"' in page  # where to make one
    refused = post(analyst, "/journeys", {"template": "stop_smoking", "segment": "described"})
    assert refused.status_code == 400
    assert "Describe the persona the journey is about" in refused.text


@pytest.mark.usefixtures("demo")
def test_the_second_of_two_editors_is_told_and_nothing_is_lost(client_as, database) -> None:  # noqa: ANN001
    first, second = client_as("analyst"), client_as("admin")
    moved = post(
        first,
        f"/journeys/{KEY}/edit",
        {"version": "1", "action": "move_touchpoint", "target": "slot-system", "direction": "up"},
    )
    assert moved.status_code == 303 and "focus=tp-up-slot-system" in moved.headers["location"]
    late = post(
        second,
        f"/journeys/{KEY}/edit",
        {
            "version": "1",
            "action": "update_touchpoint",
            "target": "lab",
            "page": "touchpoint",
            "stage": "attended",
            "name": "Blood test",
            "lane": "partners",
            "person_feels": "Kept waiting",
        },
    )
    assert late.status_code == 409
    text = re.sub(r"\s+", " ", late.text)
    assert "Someone else changed this journey" in text
    assert "Version 2: Moved touchpoint &#34;Appointment book&#34; up" in text
    assert 'value="Kept waiting"' in text and 'name="version" value="2"' in text
    journey = show_journey(database, KEY).summary
    assert (
        journey["current_version"] == 2
        and journey["journey"].touchpoint("lab").name != "Blood test"
    )
    again = post(
        second,
        f"/journeys/{KEY}/edit",
        {
            "version": "2",
            "action": "update_touchpoint",
            "target": "lab",
            "page": "touchpoint",
            "stage": "attended",
            "name": "Blood test",
            "lane": "partners",
            "person_feels": "Kept waiting",
        },
    )
    assert again.status_code == 303
    final = show_journey(database, KEY).summary["journey"]
    assert final.touchpoint("lab").name == "Blood test"
    assert [t.id for t in final.touchpoints_in("booked")] == ["slot-system", "booking-call"]


@pytest.mark.usefixtures("demo")
def test_problems_are_shown_where_the_person_acted(client_as, database) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    bad = post(
        analyst,
        f"/journeys/{KEY}/edit",
        {
            "version": "1",
            "action": "add_touchpoint",
            "page": "touchpoint",
            "stage": "booked",
            "name": "",
            "wait_days": "soon",
            "evidence-1-count": "-2",
        },
    )
    assert bad.status_code == 400
    links = dict(re.findall(r'data-field="([^"]+)">([^<]+)<', bad.text))
    assert links["name"] == "Enter a name"
    assert links["wait_days"].startswith("Wait in days: enter a number")
    assert "evidence-1-count" in links
    assert "&lt;form&gt;" not in bad.text and "bad_number" not in bad.text
    assert show_journey(database, KEY).summary["current_version"] == 1
    stage = post(
        analyst,
        f"/journeys/{KEY}/edit",
        {"version": "1", "action": "remove_stage", "target": "booked"},
    )
    assert stage.status_code == 400 and "still has 2 touchpoint(s)" in stage.text
    unlinked = post(
        analyst,
        f"/journeys/{KEY}/edit",
        {"version": "1", "action": "add_improvement", "touchpoint": "booking-call",
         "text": "Evening checks", "assessment_action_id": "999"},
    )  # fmt: skip
    links = dict(re.findall(r'data-field="([^"]+)">([^<]+)<', unlinked.text))
    assert unlinked.status_code == 400
    assert "no action &#39;999&#39; in the stored assessment" in links["assessment_action_id"]
    assert show_journey(database, KEY).summary["current_version"] == 1


def test_journey_upload_is_all_or_nothing(client_as, database) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    made = post(analyst, "/journeys", {"template": "weight_management", "title": "Weight"})
    key = made.headers["location"].split("/")[2]
    file = analyst.get(f"/journeys/{key}/download/journey.json").content
    data = json.loads(file)
    data["id"], data["touchpoints"][0]["emotion"] = "weight-copy", 9
    token = csrf_from(analyst.get("/journeys").text)
    files = {"files": ("copy.json", io.BytesIO(json.dumps(data).encode()), "application/json")}
    refused = analyst.post("/journeys/import", data={"csrf_token": token}, files=files)
    assert refused.status_code == 400 and "emotion_out_of_range" in refused.text
    assert "copy.json" in refused.text and "/tmp" not in refused.text
    data["touchpoints"][0]["emotion"] = 1
    files = {"files": ("copy.json", io.BytesIO(json.dumps(data).encode()), "application/json")}
    done = analyst.post(
        "/journeys/import", data={"csrf_token": token}, files=files, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/journeys/weight-copy")
    assert sorted(list_journeys(database).table("journeys")["journey"]) == [key, "weight-copy"]


def test_a_note_with_personal_data_is_not_saved_until_someone_chooses(client_as, database) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    note = {
        "title": "Drop-in",
        "method": "focus_group",
        "held_on": "2025-03-20",
        "consent_basis": "written consent",
        "themes": "Waiting",
        "quotes": "Ring my wife Sarah on 07700 900123\nEvenings are best",
    }
    warned = post(analyst, "/insight-notes", note, page="/insight-notes/new")
    assert warned.status_code == 200 and "has not been saved" in warned.text
    assert "[phone number removed]" in warned.text  # the redacted preview
    assert search_notes(database).summary["notes"] == []
    saved = post(
        analyst, "/insight-notes", {**note, "personal_data": "redact"}, page="/insight-notes/new"
    )
    assert saved.status_code == 303
    (stored,) = search_notes(database).summary["notes"]
    assert stored.quotes == (
        "Ring my wife [name removed] on [phone number removed]",
        "Evenings are best",
    )
    page = analyst.get(saved.headers["location"]).text
    assert "Evenings are best" in page and "Sarah" not in page


@pytest.mark.usefixtures("demo")
def test_feedback_page_records_a_send(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    page = analyst.get(f"/journeys/{KEY}/feedback").text
    assert "What you told us" in page and "Not sent yet" in page
    bad = post(
        analyst,
        f"/journeys/{KEY}/feedback/sent",
        {"sent_on": "yesterday", "channel": "email", "audience": ""},
    )
    assert bad.status_code == 400 and 'data-field="sent_on"' in bad.text
    good = post(
        analyst,
        f"/journeys/{KEY}/feedback/sent",
        {"sent_on": "2025-04-01", "channel": "post", "audience": "Focus group", "recipients": "9"},
    )
    assert good.status_code == 303
    page = analyst.get(good.headers["location"]).text
    assert "Recorded: sent on 1 April 2025 to Focus group" in page and "Not sent yet" not in page
    sheet = analyst.get(f"/journeys/{KEY}/feedback/sheet.html")
    assert sheet.headers["content-disposition"].startswith("attachment")
    assert "@media print" in sheet.text


@pytest.mark.usefixtures("demo")
def test_downloads_are_the_report_writers_files(client_as, database) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    bundle = show_journey(database, KEY)
    for name, fmt in (("map", "csv"), ("funnel", "csv"), ("improvements", "xlsx")):
        body = viewer.get(f"/journeys/{KEY}/download/{name}.{fmt}").content
        if fmt == "csv":
            assert body == bundle_file(bundle, name, fmt), name
        else:
            assert body[:2] == b"PK"
    funnel = pd.read_csv(io.BytesIO(viewer.get(f"/journeys/{KEY}/download/funnel.csv").content))
    assert "numerator" not in funnel.columns and (funnel["count"] % 5 == 0).all()
    svg = viewer.get(f"/journeys/{KEY}/download/swimlane.svg")
    assert svg.headers["content-type"].startswith("image/svg") and b"<svg" in svg.content
    assert viewer.get(f"/journeys/{KEY}/download/nothing.csv").status_code == 404
    assert viewer.get(f"/journeys/{KEY}/download/map.exe").status_code == 400
