"""MECC logging on a phone-sized browser (Debian's chromium through Playwright, a real uvicorn
server): one screen, at most five taps for a typical entry, offline entries queued and sent
exactly once when back online, a lost answer resent without counting twice, no serious
accessibility violations. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import PASSWORD, add_user

from healthgap.analyses import link_staff_account
from healthgap.store import Database
from healthgap.store.mecc import count_contacts
from healthgap.web import Settings, create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (test extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed; run setup-system.sh"),
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path, migrated_database_file: Path
) -> Iterator[tuple[str, Path]]:
    """The app with the MECC demo and a staff login linked to acute-0002; its URL and its
    database file."""
    import uvicorn

    folder = tmp_path_factory.mktemp("browser-mecc")
    shutil.copyfile(migrated_database_file, folder / "healthgap.db")
    settings = Settings(
        data_dir=folder, secret_key="m" * 40, workspace=demo_workspace, prepare_in_background=False
    )
    app = create_app(settings)
    add_user(app.state.database, "staff", "nurse")
    link_staff_account(app.state.database, staff_id="acute-0002", username="nurse")
    add_user(app.state.database, "admin", "lead")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder / "healthgap.db"
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.database.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield playwright, chromium
        chromium.close()


@pytest.fixture
def phone(browser, server) -> Iterator[object]:  # noqa: ANN001
    """A signed-in page in an iPhone 12 sized context (390 x 664 CSS pixels, touch)."""
    playwright, chromium = browser
    url, _ = server
    device = {
        k: v for k, v in playwright.devices["iPhone 12"].items() if k != "default_browser_type"
    }
    context = chromium.new_context(**device, base_url=url, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.goto("/login")
    page.fill("#username", "nurse")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/mecc/log")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    page.errors.clear()  # from here on: the logging page only (the sign-in page has no icon)
    page.on("response", lambda r: page.errors.append(r.url) if r.status >= 400 else None)
    yield page
    context.close()


def _stored(database_file: Path) -> int:
    database = Database(f"sqlite:///{database_file}")
    with database.reader() as session:
        count = count_contacts(session)
    database.dispose()
    return count


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _log(page, topic: str, action: str, destination: str | None = None) -> int:  # noqa: ANN001
    """Log one entry as a person would: tap by tap; returns the number of taps."""
    taps = [f"label[for=topic-{topic}]", f"label[for=action-{action}]"]
    if destination:
        taps.append(f"label[for=destination-{destination}]")
    taps.append("[data-testid=save]")
    for selector in taps:
        page.tap(selector)
    return len(taps)


def _fits_one_screen(page) -> bool:  # noqa: ANN001
    return page.evaluate(
        "() => document.documentElement.scrollHeight <= window.innerHeight + 1"
        " && document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_a_typical_entry_is_one_screen_and_at_most_five_taps(phone, server) -> None:  # noqa: ANN001
    _, database_file = server
    before = _stored(database_file)
    assert _fits_one_screen(phone)
    phone.tap("label[for=action-referral]")  # the destinations appear: still one screen
    assert phone.is_visible("#destination-group") and _fits_one_screen(phone)
    _shot(phone, "mecc-log-phone-referral")
    phone.tap("label[for=action-referral]")
    began = time.monotonic()
    taps = _log(phone, "tobacco", "referral", "stop_smoking")
    phone.wait_for_function(
        "() => document.getElementById('status').textContent.includes('All sent')"
    )
    assert taps <= 5 and time.monotonic() - began < 10
    assert _log(phone, "alcohol", "advice") == 3
    phone.wait_for_function(
        "() => document.getElementById('status').dataset.waiting === '0'", timeout=10_000
    )
    assert _stored(database_file) == before + 2
    assert not phone.is_visible("#destination-group")  # the form is ready for the next one
    _shot(phone, "mecc-log-phone-saved")
    assert phone.errors == []


def test_offline_entries_sync_exactly_once_when_back_online(phone, server) -> None:  # noqa: ANN001
    _, database_file = server
    before = _stored(database_file)
    phone.context.set_offline(True)
    _log(phone, "diet_weight", "signpost", "weight_management")
    _log(phone, "wellbeing", "referral", "talking_therapies")
    _log(phone, "physical_activity", "advice")
    phone.wait_for_function("() => document.getElementById('status').dataset.waiting === '3'")
    assert "when you are back online" in phone.inner_text("#status")
    _shot(phone, "mecc-log-phone-offline")
    phone.reload()  # the page itself now comes from the service worker's cache
    phone.wait_for_selector("label[for=topic-tobacco]")
    assert phone.evaluate("async () => !!(await caches.match('/mecc/log'))")
    phone.wait_for_function("() => document.getElementById('status').dataset.waiting === '3'")
    assert _stored(database_file) == before
    phone.context.set_offline(False)
    phone.wait_for_function(
        "() => document.getElementById('status').dataset.waiting === '0'", timeout=30_000
    )
    assert _stored(database_file) == before + 3
    assert "3 conversations sent." in phone.inner_text("#status")  # staff see the queue go
    _shot(phone, "mecc-log-phone-back-online")
    phone.reload()  # opening the page syncs again: nothing is left to send, nothing doubles
    phone.wait_for_selector("label[for=topic-tobacco]")
    phone.wait_for_timeout(500)
    assert _stored(database_file) == before + 3
    queue = "() => JSON.parse(localStorage.getItem('hg-mecc-queue-' + document.body.dataset.user))"
    assert phone.evaluate(queue) == []


def test_a_lost_answer_is_sent_again_and_counted_once(phone, server) -> None:  # noqa: ANN001
    _, database_file = server
    before = _stored(database_file)
    lost = []

    def lose_the_answer(route) -> None:  # noqa: ANN001
        route.fetch()  # the server stores the entry ...
        lost.append(True)
        route.abort()  # ... and the phone never hears back

    phone.context.route("**/mecc/sync", lose_the_answer)
    _log(phone, "tobacco", "advice")
    deadline = time.monotonic() + 10
    while not lost and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    phone.wait_for_function("() => document.getElementById('status').dataset.waiting === '1'")
    assert lost and _stored(database_file) == before + 1
    phone.context.unroute("**/mecc/sync")
    phone.reload()
    phone.wait_for_function(
        "() => document.getElementById('status').dataset.waiting === '0'", timeout=15_000
    )
    assert _stored(database_file) == before + 1


def test_the_logging_page_has_no_serious_accessibility_violations(phone) -> None:  # noqa: ANN001
    phone.tap("label[for=action-signpost]")
    phone.click("#place summary")
    phone.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = phone.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
        " 'wcag22aa']})"
    )
    serious = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    _shot(phone, "mecc-log-phone-place-open")
    assert serious == []


def _desk(browser, server, *, bypass_csp: bool):  # noqa: ANN001, ANN202
    _, chromium = browser
    url, _ = server
    context = chromium.new_context(
        base_url=url, viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp
    )
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda m: page.problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("response", lambda r: page.problems.append(r.url) if r.status >= 400 else None)
    page.goto("/login")
    page.fill("#username", "lead")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return context, page


def _drawn(page) -> None:  # noqa: ANN001
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered)",
        timeout=30_000,
    )


def test_dashboards_draw_their_charts_under_the_csp(browser, server) -> None:  # noqa: ANN001
    context, page = _desk(browser, server, bypass_csp=False)
    for path, charts in (
        ("/mecc", 6),
        ("/mecc/referrals", 2),
        ("/mecc/training", 2),
        ("/mecc/staff-health?metric=flu_vaccination_frontline", 1),
    ):
        page.goto(path)
        _drawn(page)
        assert page.locator("[data-chart] svg").count() == charts, path
        _shot(page, "mecc" + path.split("?")[0].replace("/mecc", "").replace("/", "-"))
    assert page.problems == []
    context.close()


DASHBOARDS = (
    "/mecc",
    "/mecc/referrals",
    "/mecc/training",
    "/mecc/staff-health",
    "/mecc/imports",
    "/mecc/directory",
)


@pytest.mark.parametrize("path", DASHBOARDS)
def test_dashboards_have_no_serious_accessibility_violations(browser, server, path) -> None:  # noqa: ANN001
    context, page = _desk(browser, server, bypass_csp=True)
    page.goto(path)
    _drawn(page)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
        " 'wcag22aa']})"
    )
    serious = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []
