"""The public pledge pages over HTTP: the journey, share metadata and image, bad input (a
clear message, the page still works, nothing half-stored, everything escaped), CSRF for
anonymous visitors, the honeypot, rate limits, replays, signed links, and clean logs."""

from __future__ import annotations

import logging
import re
import struct
from datetime import date, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from healthgap.analyses.pledges import create_campaign, example_campaign
from healthgap.store.pledge_tables import Pledge, PledgeCheckin, PledgeContact

SLUG = "small-changes-2026"
PAGE = f"/pledge/{SLUG}"


@pytest.fixture(autouse=True)
def campaign(database) -> None:  # noqa: ANN001
    today = date.today()
    create_campaign(
        database,
        example_campaign(
            starts_on=str(today - timedelta(days=1)), ends_on=str(today + timedelta(days=30))
        ),
    )


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    html = client.get(PAGE).text
    base = {
        "csrf_token": _hidden(html, "csrf_token"),
        "idempotency_key": _hidden(html, "idempotency_key"),
        "choice": "walk-at-lunch",
        "audience": "community",
        "display_name": "Sam",
        "consent": "yes",
    }
    return {**base, **fields}


def _stored(database) -> int:  # noqa: ANN001
    with database.reader() as session:
        return int(session.scalar(select(func.count()).select_from(Pledge)))


def _meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no {key} metadata"
    return unescape(match.group(1))


def test_the_public_page_needs_no_login_and_describes_itself(client: TestClient) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert "Make a pledge" in html and "pledges so far" in html
    assert _meta(html, "og:image") == f"http://testserver{PAGE}/image.png"
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert 'name="website"' in html  # the honeypot
    # share buttons work before pledging: they count the share and go to the network
    share = client.get(f"{PAGE}/share/facebook", follow_redirects=False)
    assert share.status_code == 303
    assert share.headers["location"].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert "via%3Dfacebook" in share.headers["location"]


def test_pledge_share_and_its_card(client: TestClient, database) -> None:  # noqa: ANN001
    sent = _form(client, display_name="Sam 🚶", postcode_district="ts24 8ab")
    response = client.post(PAGE, data=sent, follow_redirects=False)
    assert response.status_code == 303
    thanks = response.headers["location"]
    public_id = thanks.rsplit("/", 1)[1]
    page = client.get(thanks).text
    assert "Thank you for your pledge" in page and "/pledge/delete/" in page
    share = client.get(f"{PAGE}/p/{public_id}").text
    url = f"http://testserver{PAGE}/p/{public_id}"
    assert _meta(share, "og:url") == url
    assert _meta(share, "og:image") == f"{url}/image.png"
    assert _meta(share, "og:title").startswith("Sam 🚶 pledged: Walk for 15 minutes")
    assert _meta(share, "og:image:width") == "1200" and _meta(share, "twitter:image:alt")
    image = client.get(f"{PAGE}/p/{public_id}/image.png")
    assert image.headers["content-type"] == "image/png"
    assert struct.unpack(">II", image.content[16:24]) == (1200, 630)
    with database.reader() as session:
        assert session.scalar(select(Pledge.postcode_district)) == "TS24"  # district only
    # another browser (no session) sees the published pledge, but not the thank-you page
    stranger = TestClient(client.app, base_url="http://testserver")
    assert stranger.get(f"{PAGE}/p/{public_id}").status_code == 200
    again = stranger.get(thanks, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].endswith(public_id)


BAD = {
    "too long": ({"choice": "own", "own_text": "x" * 300, "own_theme": "activity"}, "own_text"),
    "empty": ({"choice": "own", "own_text": "   ", "own_theme": "activity"}, "own_text"),
    "unknown district": ({"postcode_district": "ZZ99 9ZZ"}, "postcode_district"),
    "no consent": ({"consent": ""}, "consent"),
    "email without reminders": ({"email": "sam@example.org"}, "email"),
    "bad email": ({"reminders": "yes", "email": "not an email"}, "email"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    client: TestClient, database, case: str
) -> None:  # noqa: ANN001
    fields, field = BAD[case]
    response = client.post(PAGE, data=_form(client, **fields))
    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html and f'href="#{field}"' in html
    assert f'id="{field}"' in html  # the link goes somewhere
    assert _stored(database) == 0
    # the page still works: the form is there again, with a form key
    assert _hidden(html, "idempotency_key") and "Make my pledge" in html


def test_html_and_script_are_shown_back_escaped(client: TestClient, database) -> None:  # noqa: ANN001
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    name = "<i onmouseover=x>Jo</i>"
    fields = {"choice": "own", "own_text": attack, "own_theme": "", "display_name": name}
    html = client.post(PAGE, data=_form(client, **fields)).text  # no theme: refused
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # accepted (held for a moderator, as it looks like markup) and escaped on every page
    ok = client.post(
        PAGE, data=_form(client, **{**fields, "own_theme": "diet"}), follow_redirects=False
    )
    assert ok.status_code == 303
    for url in (ok.headers["location"], f"{PAGE}/p/{ok.headers['location'].rsplit('/', 1)[1]}"):
        page = client.get(url).text
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        assert "<i onmouseover" not in page
    assert _stored(database) == 1


def test_emoji_and_right_to_left_text_round_trip(client: TestClient) -> None:
    text = "سأمشي كل يوم 🚶\u200d♀️"
    ok = client.post(
        PAGE,
        data=_form(client, choice="own", own_text=text, own_theme="activity"),
        follow_redirects=False,
    )
    assert ok.status_code == 303
    public_id = ok.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"{PAGE}/p/{public_id}").text
    assert text in page and 'class="pl-card__text pl-typed"' in page


def test_a_replayed_form_counts_once(client: TestClient, database) -> None:  # noqa: ANN001
    sent = _form(client)
    first = client.post(PAGE, data=sent, follow_redirects=False)
    second = client.post(PAGE, data=sent, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    assert _stored(database) == 1
    changed = client.post(PAGE, data={**sent, "choice": "two-dry-days"})
    assert changed.status_code == 400 and "already sent" in changed.text
    assert _hidden(changed.text, "idempotency_key") != sent["idempotency_key"]  # a fresh form


def test_anonymous_visitors_need_the_csrf_token(client: TestClient, database) -> None:  # noqa: ANN001
    sent = _form(client)
    forged = TestClient(client.app, base_url="http://testserver")  # no session cookie
    assert forged.post(PAGE, data=sent).status_code == 403
    assert client.post(PAGE, data={**sent, "csrf_token": "wrong"}).status_code == 403
    assert _stored(database) == 0


def test_the_honeypot_refuses_robots(client: TestClient, database) -> None:  # noqa: ANN001
    response = client.post(PAGE, data=_form(client, website="http://buy.example"))
    assert response.status_code == 400 and _stored(database) == 0


def test_rate_limit_gives_429_with_retry_after(app, client: TestClient, database) -> None:  # noqa: ANN001
    from healthgap.analyses.pledges import PledgeConfig

    settings = {**app.state.settings.pledge_settings(), "pledge_ip_limit": 2}
    app.state.pledge_config = PledgeConfig.from_settings(settings)
    codes = [
        client.post(PAGE, data=_form(client), follow_redirects=False).status_code for _ in range(3)
    ]
    assert codes == [303, 303, 429]
    refused = client.post(PAGE, data=_form(client))
    assert int(refused.headers["retry-after"]) > 0 and "wait" in refused.text
    assert _stored(database) == 2


def test_signed_links_show_a_page_and_act_only_on_post(client: TestClient, database, app) -> None:  # noqa: ANN001
    from healthgap.analyses.pledges import TokenPurpose

    ok = client.post(
        PAGE, data=_form(client, reminders="yes", email="sam@example.org"), follow_redirects=False
    )
    public_id = ok.headers["location"].rsplit("/", 1)[1]
    tokens = app.state.pledge_config.tokens
    checkin = f"/pledge/checkin/{tokens.make(TokenPurpose.checkin, public_id, week=1)}"
    page = client.get(checkin)  # what a mail scanner does: nothing is recorded
    assert page.status_code == 200 and "I kept it" in page.text
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(PledgeCheckin)) == 0
    csrf = _hidden(page.text, "csrf_token")
    done = client.post(checkin, data={"csrf_token": csrf, "outcome": "kept"})
    assert done.status_code == 200 and "You said: I kept it" in done.text
    # one-click unsubscribe (RFC 8058): posted by the mail program, no cookie, no CSRF token
    unsubscribe = f"/pledge/unsubscribe/{tokens.make(TokenPurpose.unsubscribe, public_id)}"
    mailer = TestClient(client.app, base_url="http://testserver")
    posted = mailer.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert posted.status_code == 200 and "no more reminders" in posted.text
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(PledgeContact)) == 0
    assert client.get("/pledge/checkin/not-a-token").status_code == 400
    delete = f"/pledge/delete/{tokens.make(TokenPurpose.delete, public_id)}"
    assert mailer.post(delete, data={}).status_code == 403  # delete needs the page's token
    assert client.post(delete, data={"csrf_token": csrf}).status_code == 200
    assert _stored(database) == 0
    gone = client.get(checkin)
    assert gone.status_code == 404 and "deleted" in gone.text


def test_nothing_personal_reaches_the_log(client: TestClient, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    fields = {
        "display_name": "Zebedee Quux",
        "reminders": "yes",
        "email": "zq@example.org",
        "postcode_district": "TS24",
    }
    client.post(PAGE, data=_form(client, **fields))
    client.post(PAGE, data=_form(client, **{**fields, "consent": ""}))
    logged = caplog.text
    assert "Zebedee" not in logged and "zq@example.org" not in logged
    assert "testclient" not in logged  # no client address
    assert "POST /pledge/{slug}" in logged  # the route template, not the address
