"""A whole self-assessment workshop in a real browser (Debian's chromium, Playwright) on the
SYNTHETIC demo workspace: a facilitator starts it and invites three participants, who rate
alone (one on a phone-sized screen); the facilitator runs the consensus round while a
participant watches the spread update live; actions are created and tracked; the summary is
downloaded. axe-core finds no serious violations on any page and no page logs an error.
Screenshots go to ``tests/artifacts/assess-*.png``."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM_ARGS, PASSWORD, _free_port, _serious_violations, _shot
from web_helpers import add_user

from healthgap.web import Settings, create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (test extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed; run setup-system.sh"),
]
PEOPLE = {"fac": "analyst", "ann": "viewer", "bob": "viewer", "cat": "viewer"}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path) -> Iterator[str]:
    import uvicorn

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("assess-browser"),
        secret_key="a" * 40,
        workspace=demo_workspace,
        prepare_in_background=False,
    )
    app = create_app(settings)
    for name, role in PEOPLE.items():
        add_user(app.state.database, role, name)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.database.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Person:
    """One signed-in browser context; collects console errors and failed requests."""

    def __init__(self, chromium, server: str, name: str, viewport: dict, csp: bool = False):  # noqa: ANN001
        # axe-core is injected as an inline script, which the real CSP refuses: those pages
        # bypass it; a ``csp=True`` person sees the app under its real policy.
        self.context = chromium.new_context(
            base_url=server, accept_downloads=True, bypass_csp=not csp, viewport=viewport
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.text} ({m.location.get('url')})")
                if m.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.goto("/login")
        self.page.fill("#username", name)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{server}/")

    def check(self, shot: str) -> None:
        self.page.wait_for_load_state("networkidle")
        _shot(self.page, f"assess-{shot}")
        assert _serious_violations(self.page) == [], shot


def _rate_everything(person: Person, aid: int, offset: int, shot: str) -> None:
    page = person.page
    page.goto(f"/assess/{aid}/rate")
    page.get_by_role("link", name="Start rating").click()
    for n in range(12):
        page.wait_for_selector("h1")
        radios = page.locator("input[name=level]")
        radios.nth((n + offset) % 5).check()
        page.fill("#rationale", f"our reading of item {n + 1}")
        if (n + offset) % 3:
            page.fill("#evidence", "JSNA 2024\nQOF 2023/24")
        page.check("#confidence-1")
        if n == 0:
            assert page.locator("text=What the data say").count() == 1
            person.check(shot)
        page.click("[data-testid=save-rating]")
    page.wait_for_selector("text=You have rated every item")


def test_a_whole_workshop_in_the_browser(chromium, server: str, demo_la: str, tmp_path: Path):  # noqa: ANN001, ANN201
    fac = Person(chromium, server, "fac", LAPTOP)
    page = fac.page
    page.goto("/assess")
    fac.check("list")
    page.get_by_role("link", name="Start an assessment").click()
    page.fill("#place", demo_la)
    page.fill("#topic", "CVD")
    page.fill("#period", "2025")
    fac.check("new")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/assess/*")
    aid = int(page.url.rsplit("/", 1)[1])
    for name in ("ann", "bob", "cat"):
        page.check(f"input[name=username][value={name}]")
    page.get_by_role("button", name="Invite", exact=True).click()
    page.wait_for_selector("text=3 people invited")
    fac.check("overview")

    people = {
        "ann": Person(chromium, server, "ann", PHONE),
        "bob": Person(chromium, server, "bob", LAPTOP),
        "cat": Person(chromium, server, "cat", LAPTOP),
    }
    for offset, (name, person) in enumerate(people.items()):
        _rate_everything(person, aid, offset, f"rate-{'phone' if name == 'ann' else 'laptop'}")
    people["ann"].page.goto(f"/assess/{aid}/consensus")
    assert "answers stay hidden" in people["ann"].page.inner_text("main")

    page.goto(f"/assess/{aid}")
    assert page.inner_text("[data-testid=rated-ann]") == "12 of 12"
    page.get_by_role(
        "button", name="Close the individual round and start the consensus round"
    ).click()
    page.wait_for_url(f"**/assess/{aid}/consensus")
    fac.check("consensus")
    watcher = people["bob"].page
    watcher.goto(f"/assess/{aid}/consensus")
    assert "0 of 12" in watcher.inner_text("[data-testid=agreed-count]")
    page.click("a[href$='/consensus/known_needs']")
    page.wait_for_selector("text=How people rated it")
    fac.check("consensus-item")
    for n in range(12):
        page.check(f"#agree-level-{1 if n in (4, 8) else 3}")
        page.fill("#reason", f"the group agreed after discussing item {n + 1}")
        page.select_option("#target", "4")
        page.click("[data-testid=agree]")
        page.wait_for_load_state("load")
    page.wait_for_url(f"**/assess/{aid}/consensus")
    watcher.wait_for_function(  # the watcher's table refreshed itself (HTMX polling)
        "() => document.querySelector('[data-testid=agreed-count]').textContent"
        ".includes('12 of 12')",
        timeout=15_000,
    )
    _shot(watcher, "assess-consensus-live")

    page.goto(f"/assess/{aid}/actions")
    page.select_option("#item", "accessibility")
    page.fill("#text", "Open two evening clinics in the two most deprived wards")
    page.fill("#owner", "Primary care network lead")
    page.fill("#due", "2031-03-31")
    page.select_option("#indicator", "life_expectancy")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_selector("text=Action added.")
    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=note]", "first clinic opened")
    page.get_by_role("button", name="Update status").click()
    page.wait_for_selector("[data-testid^=status-]:has-text('In progress')")
    fac.check("actions")

    page.goto(f"/assess/{aid}/summary")
    page.wait_for_selector("[data-testid=chart-radar] svg", timeout=15_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)",
        timeout=15_000,
    )
    assert "9 Accessibility" in page.inner_text("[data-testid=weakest]")
    fac.check("summary")
    with page.expect_download() as info:
        page.click("[data-testid=download-html]")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    board = target.read_text(encoding="utf-8")
    assert "The weakest link" in board and "Open two evening clinics" in board
    board_page = fac.context.new_page()
    board_page.goto(target.as_uri())
    _shot(board_page, "assess-board-summary")
    assert _serious_violations(board_page) == []
    strict = Person(chromium, server, "cat", PHONE, csp=True)  # the real CSP, on a phone
    strict.page.goto(f"/assess/{aid}/summary")
    strict.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)",
        timeout=15_000,
    )
    _shot(strict.page, "assess-summary-phone")
    for person in (fac, *people.values(), strict):
        assert person.errors == [], person.errors
        person.context.close()
