"""The whole pledge journey in a real browser, at phone and desktop sizes: pledge (after a
refused attempt), share, moderate, remind, check in, stop reminders, delete; axe-core finds
no serious or critical violation on any page; the share page's metadata and image.

Screenshots go to ``tests/artifacts/pledge-*.png`` (gitignored). Skips without chromium.
"""

from __future__ import annotations

import email
import re
import struct
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, BROWSER, listen, serious_violations, serve_app, shot
from browser_support import signed_in_page as signed_in
from web_helpers import add_user

from healthgap.analyses.pledges import (
    PledgeConfig,
    PledgeForm,
    create_campaign,
    example_campaign,
    forget_answers,
    new_idempotency_key,
    submit_pledge,
)
from healthgap.analyses.pledges import send_reminders as send
from healthgap.web import Settings, create_app

pytestmark = BROWSER
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SLUG = "small-changes-2026"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object, Path]]:
    """The app with a pre-moderated campaign, mail to a folder and an analyst account; its
    URL (also the public address the share links use), the app and its folder."""
    from browser_support import free_port

    folder = tmp_path_factory.mktemp("pledge-browser")
    port = free_port()
    settings = Settings(
        data_dir=folder,
        secret_key="p" * 40,
        public_url=f"http://127.0.0.1:{port}",
        mail_folder=folder / "outbox",
        prepare_in_background=False,
    )
    app = create_app(settings)
    today = date.today()
    create_campaign(
        app.state.database,
        example_campaign(
            moderation="pre",
            starts_on=str(today - timedelta(days=1)),
            ends_on=str(today + timedelta(days=30)),
        ),
    )
    add_user(app.state.database, "analyst")
    with serve_app(app, port=port) as base:
        yield base, app, folder


def _check(page, name: str) -> None:  # noqa: ANN001
    page.wait_for_load_state("networkidle")
    shot(page, f"pledge-{name}")
    assert serious_violations(page) == [], name


def _pledges(app, districts: dict[str, int], audience: str = "community") -> None:  # noqa: ANN001
    """Pledges straight through the use case (each from an address of its own)."""
    config = PledgeConfig.from_settings(app.state.settings.pledge_settings())
    codes = [code for code, n in districts.items() for _ in range(n)]
    for i, code in enumerate(codes):
        form = PledgeForm(
            idempotency_key=new_idempotency_key(),
            set_pledge="walk-at-lunch",
            consent=True,
            audience=audience,
            postcode_district=code,
        )
        client = f"10.{5 if audience == 'community' else 4}.{i // 200}.{i % 200}"
        assert submit_pledge(
            app.state.database, config, campaign_slug=SLUG, form=form, client=client
        ).accepted
    forget_answers(app.state.database)  # the page shows them now, not in a few seconds


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_whole_journey(browser, served, size: str) -> None:  # noqa: ANN001
    base, app, folder = served
    context = browser.new_context(base_url=base, viewport=SIZES[size], bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"/pledge/{SLUG}")
    assert page.locator("meta[property='og:image']").get_attribute("content").startswith(base)
    share = page.get_attribute("a[href$='/share/whatsapp']", "href")
    hop = context.request.get(share, max_redirects=0)  # sharing works before pledging
    assert hop.status == 303 and hop.headers["location"].startswith("https://wa.me/")
    _check(page, f"{size}-campaign")

    # a refused attempt: no consent, a district that does not exist
    page.check("#choice")
    page.fill("#postcode_district", "ZZ99")
    page.click("button:has-text('Make my pledge')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "We do not recognise that postcode district" in page.inner_text(".govuk-error-summary")
    _check(page, f"{size}-errors")

    name = f"Sam 🚶 <b>{size}</b>"
    page.fill("#display_name", name)
    page.fill("#postcode_district", "TS24")
    page.check("#audience")
    page.check("#reminders")
    page.fill("#email", f"sam-{size}@example.org")
    page.check("#consent")
    page.click("button:has-text('Make my pledge')")
    page.wait_for_url(re.compile(r".*/thanks/.*"))
    public_id = page.url.rsplit("/", 1)[1]
    assert "A moderator will check your pledge" in page.inner_text("main")
    _check(page, f"{size}-thanks")
    delete_link = page.get_attribute("a[href*='/pledge/delete/']", "href")

    # a moderator approves it (pre-moderation)
    staff, moderator = signed_in(browser, base, bypass_csp=True, viewport=SIZES[size])
    moderator.goto(f"/pledges/{SLUG}/moderation")
    card = moderator.locator(f"#pledge-{public_id}")
    assert name in card.inner_text()  # shown as typed, not as markup
    _check(moderator, f"{size}-moderation")
    card.locator("button[value=approve]").click()
    moderator.wait_for_url(re.compile(r".*done=approve"))
    staff.close()

    # the share page: Open Graph and Twitter cards, the image
    page.goto(f"/pledge/{SLUG}/p/{public_id}")
    meta = {
        key: page.locator(f"meta[property='{key}'], meta[name='{key}']").get_attribute("content")
        for key in ("og:title", "og:image", "og:url", "twitter:card")
    }
    assert meta["og:title"].startswith(name + " pledged:")
    assert meta["og:url"] == f"{base}/pledge/{SLUG}/p/{public_id}"
    assert meta["twitter:card"] == "summary_large_image"
    image = context.request.get(meta["og:image"])
    assert image.headers["content-type"] == "image/png"
    assert struct.unpack(">II", image.body()[16:24]) == (1200, 630)
    (ARTIFACTS / f"pledge-{size}-share-image.png").write_bytes(image.body())
    _check(page, f"{size}-share")

    # a reminder a week later: its check-in link shows a page; the answer is posted
    report = send(
        app.state.database,
        PledgeConfig.from_settings(app.state.settings.pledge_settings()),
        now=datetime.now(UTC) + timedelta(days=8),
    )
    assert report.sent >= 1
    messages = [email.message_from_bytes(p.read_bytes()) for p in (folder / "outbox").glob("*")]
    (mine,) = [m for m in messages if m["To"] == f"sam-{size}@example.org"]
    body = mine.get_payload(decode=True).decode()
    checkin = next(line for line in body.splitlines() if "/pledge/checkin/" in line).strip()
    page.goto(checkin)
    _check(page, f"{size}-checkin")
    page.click("button[value=kept]")
    assert "You said: I kept it" in page.inner_text("main")
    unsubscribe = re.search(r"<(.*)>", mine["List-Unsubscribe"]).group(1)
    page.goto(unsubscribe)
    page.click("button:has-text('Stop reminders')")
    assert "no more reminders" in page.inner_text("main")

    # delete, from the link on the thank-you page
    page.goto(delete_link)
    _check(page, f"{size}-delete")
    page.click("button:has-text('Delete my pledge')")
    assert "has been deleted" in page.inner_text("main")
    assert context.request.get(f"/pledge/{SLUG}/p/{public_id}").status == 404
    # the only 4xx: the refused attempt's own page, shown to the person (not a silent one)
    assert failed == [f"400 {base}/pledge/{SLUG}"]
    assert [e for e in errors if "status of 400" not in e] == []
    context.close()


def test_staff_pages_are_accessible(browser, served) -> None:  # noqa: ANN001
    base, app, _ = served
    _pledges(app, {"TS24": 12}, audience="staff")  # something to chart
    context, page = signed_in(browser, base, bypass_csp=True, viewport=SIZES["desktop"])
    for url, name in (
        ("/pledges", "campaigns"),
        ("/pledges/new", "campaign-form"),
        (f"/pledges/{SLUG}/analysis", "analysis"),
    ):
        page.goto(url)
        if name == "analysis":
            page.wait_for_selector("[data-chart] svg", timeout=15_000)
            # vega-embed gives the drawn container a role of its own: read the name it carries
            label = page.get_attribute("[data-testid=districts-map]", "aria-label")
            assert label.startswith("Map of pledges by postcode district")
        _check(page, name)
    context.close()
    # under the real Content-Security-Policy (no 'unsafe-eval'), every chart still draws
    context, page = signed_in(browser, base, bypass_csp=False, viewport=SIZES["desktop"])
    said = listen(page)
    page.goto(f"/pledges/{SLUG}/analysis")
    page.wait_for_selector("[data-testid=districts-map] svg", timeout=15_000)
    charts = page.locator("[data-chart]")
    page.wait_for_function("n => document.querySelectorAll('[data-chart] svg').length === n",
                           arg=charts.count(), timeout=15_000)  # fmt: skip
    assert "could not be drawn" not in page.inner_text("main")
    assert said == []
    context.close()


@pytest.fixture(scope="module")
def mapped(served) -> tuple[str, object, Path]:  # noqa: ANN001
    """``served`` with pledges from districts above and below the disclosure threshold."""
    _pledges(served[1], {"TS24": 9, "TS26": 14, "TS25": 2, "TS27": 8, "DL1": 10, "GY1": 9})
    return served


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_public_map(browser, mapped, size: str) -> None:  # noqa: ANN001
    """The map of the campaign page, drawn on the server: an image with an accessible name
    under the Content-Security-Policy (no console error), the table beside it, no district
    with fewer than 8 pledges named anywhere on the page; axe-clean at both sizes."""
    base = mapped[0]
    context = browser.new_context(base_url=base, viewport=SIZES[size])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(f"/pledge/{SLUG}")
    page.wait_for_load_state("networkidle")
    drawn = page.get_by_role("img", name=re.compile("^Map of pledges to"))
    assert drawn.count() == 1 and drawn.locator("svg").count() == 1
    box = drawn.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]  # no sideways scroll
    table = page.locator("#map-heading ~ table").inner_text()
    assert "TS24" in table and "Other or unknown district" in table
    assert "TS25" not in page.content()
    drawn.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"pledge-{size}-map.png"))
    assert errors == []
    context.close()
    audit = browser.new_context(base_url=base, viewport=SIZES[size], bypass_csp=True)
    page = audit.new_page()
    page.goto(f"/pledge/{SLUG}")
    _check(page, f"{size}-campaign-with-map")
    audit.close()


def test_public_pages_under_the_content_security_policy(browser, served) -> None:  # noqa: ANN001
    """The journey above bypasses the CSP to inject axe-core; here the policy is enforced:
    the public pages' own scripts run (the character count appears as the person types), the
    live counter is reached by htmx, and the console stays free of errors (a blocked script
    or style would show there)."""
    base, _, _ = served
    context = browser.new_context(base_url=base, viewport=SIZES["phone"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()  # so that the counter's 15-second poll can be fast-forwarded
    page.goto(f"/pledge/{SLUG}")
    page.wait_for_load_state("networkidle")
    page.check("#choice-own")
    page.fill("#own_text", "Swap one fizzy drink a day for water 💧")
    assert "characters left" in page.inner_text("#own_text-count")
    with page.expect_response(lambda r: r.url.endswith(f"/pledge/{SLUG}/count")) as counted:
        page.clock.run_for(16_000)
    assert counted.value.status == 200
    for path in (f"/pledge/{SLUG}/wall", f"/pledge/{SLUG}/privacy"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert errors == []
    context.close()
