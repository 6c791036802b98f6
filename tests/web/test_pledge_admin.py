"""The campaign pages behind the login: creating and editing a campaign with its catalogue,
the moderation queue (pre-moderation), the analysis with controlled downloads, and the same
bytes from the CLI and the web."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from web_helpers import csrf_from

from cli_runner import run_cli
from healthgap.analyses.pledges import (
    PledgeForm,
    create_campaign,
    example_campaign,
    new_idempotency_key,
    submit_pledge,
)

TODAY = date.today()


def _campaign_fields(csrf: str, **changes: str) -> dict[str, object]:
    fields: dict[str, object] = {
        "csrf_token": csrf,
        "slug": "move-more",
        "title": "Move more <this> spring",
        "summary": "One small change.",
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + timedelta(days=60)),
        "place_name": "Hartlepool",
        "place_code": "E06000001",
        "organiser": "Example Public Health Team",
        "privacy_contact": "privacy@example.org",
        "themes": ["activity", "diet"],
        "audiences": ["staff", "community"],
        "allow_own_pledges": "yes",
        "moderation": "pre",
        "reminder_weeks": "1, 4",
        "contact_retention_days": "60",
        "public_retention_days": "365",
        "branding_colour": "#005EB8",
        "set_pledges-0-code": "walk-at-lunch",
        "set_pledges-0-theme": "activity",
        "set_pledges-0-text": "Walk for 15 minutes at lunchtime for 4 weeks",
        "set_pledges-0-duration_days": "28",
        "set_pledges-0-tips": "Find a buddy\nPlan a route",
        "set_pledges-1-code": "",
        "set_pledges-1-text": "",
    }
    return {**fields, **changes}


def test_an_analyst_creates_and_edits_a_campaign(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    form = analyst.get("/pledges/new")
    assert form.status_code == 200 and 'id="set_pledges-1-text"' in form.text
    csrf = csrf_from(form.text)
    bad = analyst.post(
        "/pledges/new",
        data=_campaign_fields(
            csrf, **{"set_pledges-0-duration_days": "lots", "branding_colour": "#FFFF00"}
        ),
    )
    assert bad.status_code == 400
    assert (
        'href="#set_pledges-0-duration_days"' in bad.text and 'href="#branding_colour"' in bad.text
    )
    assert 'value="lots"' in bad.text  # the form comes back as typed
    saved = analyst.post("/pledges/new", data=_campaign_fields(csrf), follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/pledges?saved=move-more"
    listing = analyst.get("/pledges").text
    assert "Move more &lt;this&gt; spring" in listing and "pre-moderated" in listing
    edit = analyst.get("/pledges/move-more/edit").text
    assert "Find a buddy\nPlan a route" in edit
    changed = _campaign_fields(csrf, title="Move more in spring", moderation="post")
    assert (
        analyst.post("/pledges/move-more/edit", data=changed, follow_redirects=False).status_code
        == 303
    )
    page = analyst.get("/pledge/move-more").text
    assert "Move more in spring" in page and "Walk for 15 minutes at lunchtime" in page
    taken = analyst.post("/pledges/new", data=_campaign_fields(csrf))
    assert taken.status_code == 400 and "exists already" in taken.text


def test_viewers_see_campaigns_but_cannot_change_them(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    assert viewer.get("/pledges").status_code == 200
    assert viewer.get("/pledges/new").status_code == 403


def _pledges(database, slug: str, n: int, **changes) -> list[str]:  # noqa: ANN001, ANN003
    from healthgap.analyses.pledges import PledgeConfig

    config = PledgeConfig.from_settings({"secret_key": "k" * 40})
    ids = []
    for i in range(n):
        fields = {
            "idempotency_key": new_idempotency_key(),
            "set_pledge": "walk-at-lunch",
            "consent": True,
            "audience": "community",
            "display_name": f"Person {i}",
            "postcode_district": "TS24",
            **changes,
        }
        outcome = submit_pledge(
            database,
            config,
            campaign_slug=slug,
            form=PledgeForm(**fields),
            client=f"10.3.0.{i}",
            browser_id=f"b{i}",
        )
        assert outcome.accepted, outcome.problems
        ids.append(outcome.receipt.public_id)
    return ids


def _open(database, slug: str = "spring", **overrides) -> None:  # noqa: ANN001, ANN003
    dates = {"starts_on": str(TODAY - timedelta(days=1)), "ends_on": str(TODAY + timedelta(9))}
    create_campaign(database, example_campaign(slug=slug, **dates, **overrides))


def test_pre_moderation_queue(client_as, client: TestClient, database) -> None:  # noqa: ANN001
    _open(database, moderation="pre")
    (first, second) = _pledges(database, "spring", 2)
    public = client.get("/pledge/spring").text
    assert "No pledges on the wall yet" in public
    analyst = client_as("analyst")
    queue = analyst.get("/pledges/spring/moderation")
    assert queue.status_code == 200 and "Waiting (2)" in queue.text
    csrf = csrf_from(queue.text)
    approved = analyst.post(
        f"/pledges/spring/moderation/{first}",
        data={"csrf_token": csrf, "action": "approve", "reason": "fine"},
        follow_redirects=False,
    )
    assert approved.status_code == 303 and "done=approve" in approved.headers["location"]
    analyst.post(
        f"/pledges/spring/moderation/{second}",
        data={"csrf_token": csrf, "action": "reject", "reason": "<b>spam</b>"},
    )
    assert "Person 0" in client.get("/pledge/spring").text
    rejected = analyst.get("/pledges/spring/moderation?status=rejected").text
    assert "Person 1" in rejected and "&lt;b&gt;spam&lt;/b&gt;" in rejected
    assert client.get(f"/pledge/spring/p/{second}").status_code == 404  # not public
    bad = analyst.post(
        f"/pledges/spring/moderation/{first}", data={"csrf_token": csrf, "action": "approve"}
    )
    assert bad.status_code == 400  # a published pledge cannot be approved again


def test_analysis_page_and_downloads_are_controlled(client_as, database) -> None:  # noqa: ANN001
    _open(database)
    _pledges(database, "spring", 12)
    _pledges(database, "spring", 3, set_pledge="two-dry-days")
    viewer = client_as("viewer")
    page = viewer.get("/pledges/spring/analysis")
    assert page.status_code == 200
    specs = re.findall(r'<script type="application/json" id="spec-([a-z-]+)">', page.text)
    assert {"pledges-by-theme-chart", "districts-chart", "pledges-by-day-chart"} <= set(specs)
    csv = viewer.get("/pledges/spring/analysis/pledges-by-theme.csv")
    assert csv.status_code == 200
    rows = csv.text.splitlines()
    assert any(r.startswith("activity,pledges,10.0") for r in rows)  # 12 rounded to 10
    assert any(r.startswith("alcohol,pledges,,") for r in rows)  # 3 suppressed
    assert viewer.get("/pledges/spring/analysis/districts-chart.svg").text.startswith("<svg")
    assert viewer.get("/pledges/spring/analysis.xlsx").content[:2] == b"PK"
    assert viewer.get("/pledges/spring/export.csv").status_code == 403
    records = client_as("analyst").get("/pledges/spring/export.csv").text
    assert "Person" not in records and len(records.splitlines()) == 16


def test_the_cli_writes_the_same_bytes(client_as, database, settings, tmp_path: Path) -> None:  # noqa: ANN001
    _open(database)
    _pledges(database, "spring", 9)
    out = tmp_path / "report"
    result = run_cli(
        "pledges",
        "report",
        "spring",
        "--out",
        str(out),
        "--charts",
        "",
        "--data-dir",
        str(settings.data_dir),
    )
    assert result.returncode == 0, result.stderr
    web = client_as("viewer").get("/pledges/spring/analysis/pledges-by-day.csv").content
    assert (out / "pledges-by-day.csv").read_bytes() == web
