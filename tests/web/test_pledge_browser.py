"""The whole pledge journey in a real browser, at phone and desktop sizes: pledge (after a
refused attempt), share, moderate, remind, check in, stop reminders, delete; axe-core finds
no serious or critical violation on any page; the share page's metadata and image.

Screenshots go to ``tests/artifacts/pledge-*.png`` (gitignored). Skips without chromium.
"""

from __future__ import annotations

import email
import re
import shutil
import struct
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from web_helpers import PASSWORD, add_user

from healthgap.analyses.pledges import PledgeConfig, create_campaign, example_campaign
from healthgap.analyses.pledges import send_reminders as send
from healthgap.web import Settings, create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (test extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed; run setup-system.sh"),
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SLUG = "small-changes-2026"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object, Path]]:
    import socket

    import uvicorn

    folder = tmp_path_factory.mktemp("pledge-browser")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        data_dir=folder,
        secret_key="p" * 40,
        public_url=base,
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
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield base, app, folder
    server.should_exit = True
    thread.join(timeout=10)
    app.state.database.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pledge-{name}.png"), full_page=True)


def _axe(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', "
        "'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _check(page, name: str) -> None:  # noqa: ANN001
    page.wait_for_load_state("networkidle")
    _shot(page, name)
    assert _axe(page) == [], name


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
    staff = browser.new_context(base_url=base, viewport=SIZES[size], bypass_csp=True)
    moderator = staff.new_page()
    moderator.goto("/login")
    moderator.fill("#username", "analyst")
    moderator.fill("#password", PASSWORD)
    moderator.click("button[type=submit]")
    moderator.wait_for_url(f"{base}/")
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
    from healthgap.analyses.pledges import PledgeForm, new_idempotency_key, submit_pledge

    base, app, _ = served
    config = PledgeConfig.from_settings(app.state.settings.pledge_settings())
    for i in range(12):  # something to chart
        form = PledgeForm(
            idempotency_key=new_idempotency_key(),
            set_pledge="walk-at-lunch",
            consent=True,
            audience="staff",
            postcode_district="TS24",
        )
        assert submit_pledge(
            app.state.database, config, campaign_slug=SLUG, form=form, client=f"10.4.0.{i}"
        ).accepted
    context = browser.new_context(base_url=base, viewport=SIZES["desktop"], bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "analyst")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for url, name in (
        ("/pledges", "campaigns"),
        ("/pledges/new", "campaign-form"),
        (f"/pledges/{SLUG}/analysis", "analysis"),
    ):
        page.goto(url)
        if name == "analysis":
            page.wait_for_selector("[data-chart] svg", timeout=15_000)
        _check(page, name)
    context.close()


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
