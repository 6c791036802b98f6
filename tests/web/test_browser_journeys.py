"""Journeys in a real browser (Debian's chromium through Playwright), keyboard only.

A journey is built from a template, edited (a touchpoint added, moved up, its feeling
changed), versioned, redesigned as to-be and compared with the as-is map, using nothing but
Tab, typing and Enter; every page is checked with axe-core (no serious or critical
violations) and the pages say nothing on the console. Two browser contexts editing the same
journey at once: the second is told, and no edit is lost. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import BROWSER, serious_violations, shot
from web_helpers import PASSWORD, add_user

from healthgap.analyses import load_demo_journeys
from healthgap.store import register_workspace

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server_setup() -> Callable[[object, Path], None]:
    """The shared server (browser_support) with a second analyst, a viewer, and the worked
    example journey about a persona card of the demo's stored SYNTHETIC segmentation."""

    def setup(app, workspace: Path) -> None:  # noqa: ANN001
        add_user(app.state.database, "analyst", username="second")
        add_user(app.state.database, "viewer")
        with app.state.database.unit_of_work() as session:  # the entry the app registers
            entry = register_workspace(
                session,
                name=app.state.settings.workspace_name,
                path=str(Path(workspace).resolve()),
                is_synthetic=True,
            )
            workspace_id = entry.id  # fmt: skip
        load_demo_journeys(app.state.database, workspace=workspace, workspace_id=workspace_id)

    return setup


class Signed:
    """A signed-in browser context, its page and what the page said on the console."""

    def __init__(self, browser, server: str, username: str, *, bypass_csp: bool = False) -> None:  # noqa: ANN001
        self.context = browser.new_context(base_url=server, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.said: list[str] = []
        self.page.on("console", self._note)
        self.page.on("pageerror", lambda error: self.said.append(f"pageerror: {error}"))
        self.page.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(f"{server}/")

    def _note(self, message) -> None:  # noqa: ANN001
        if message.type in ("error", "warning") and "Failed to load resource" not in message.text:
            self.said.append(f"{message.type}: {message.text}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def analyst(browser, server: str) -> Iterator[Signed]:  # noqa: ANN001
    signed = Signed(browser, server, "analyst")
    yield signed
    signed.close()
    assert signed.said == [], "the page wrote to the console"


def tab_to(page, selector: str, limit: int = 400) -> None:  # noqa: ANN001
    """Press Tab until the focused element matches ``selector`` (it must be reachable)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def focused_id(page) -> str:  # noqa: ANN001
    return page.evaluate("() => document.activeElement?.id ?? ''")


def order_in(page, stage: str) -> list[str]:  # noqa: ANN001
    return page.eval_on_selector_all(
        f"#stage-{stage} li.hg-edit-point", "els => els.map(e => e.id)"
    )


def press(page, selector: str) -> None:  # noqa: ANN001
    """Tab to a button or link and press Enter, waiting for the page it opens."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def charts_drawn(page) -> None:  # noqa: ANN001
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)",
        timeout=20_000,
    )


def test_build_edit_version_and_compare_with_the_keyboard(analyst: Signed) -> None:
    page = analyst.page
    page.goto("/journeys")
    tab_to(page, "#title")
    page.keyboard.type("Health check for bus drivers")
    # Who it is about: a segment of the demo's stored segmentation, chosen with the arrow keys.
    tab_to(page, "#segment")
    for _ in range(40):
        if page.input_value("#segment").startswith("segment:"):
            break
        page.keyboard.press("ArrowDown")
    chosen = page.input_value("#segment")
    assert chosen.startswith("segment:"), chosen
    words = page.eval_on_selector("#segment", "s => s.options[s.selectedIndex].text")
    assert words.startswith("Segment ") and "SYNTHETIC demo segmentation" in words
    shot(page, "journey-new-segment")
    press(page, "form[action='/journeys'] button[type=submit]")
    assert re.search(r"/journeys/health-check-for-bus-drivers/edit", page.url)
    assert "Created from the template as version 1" in page.inner_text("#done")
    shot(page, "journey-created")
    # The map names the segment and links to its persona card on the Segments page.
    page.goto("/journeys/health-check-for-bus-drivers")
    who = page.inner_text("[data-testid=journey-segment]")
    name = words.split(" — ", 1)[1].split(" (segmentation", 1)[0]
    assert who.startswith(f"Segment {chosen.rsplit(':', 1)[1]}: ") and name in who
    press(page, "[data-testid=journey-segment] a")
    assert "/segments?run=" in page.url and "#persona-" in page.url
    assert page.locator(page.url[page.url.index("#") :]).count() == 1  # the card it names
    page.goto("/journeys/health-check-for-bus-drivers/edit")

    # Add a touchpoint to the "Booked" stage.
    press(page, "#add-tp-booked")
    tab_to(page, "#name")
    page.keyboard.type("Text message reminder")
    tab_to(page, "#lane")
    page.keyboard.type("Systems")
    tab_to(page, "#emotion")
    page.keyboard.type("+1")
    tab_to(page, "#evidence-1-quote")
    page.keyboard.type("A text the day before would help")
    shot(page, "journey-touchpoint-form")
    press(page, "form button[type=submit]")
    assert focused_id(page) == "tp-change-text-message-reminder"
    added = order_in(page, "booked")
    assert added[-1] == "tp-text-message-reminder"

    # Move it up twice with the same button: focus stays on it between presses.
    press(page, "#tp-up-text-message-reminder")
    assert focused_id(page) == "tp-up-text-message-reminder"
    assert order_in(page, "booked").index("tp-text-message-reminder") == len(added) - 2
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert order_in(page, "booked").index("tp-text-message-reminder") == len(added) - 3
    assert "Moved touchpoint" in page.inner_text("#done")
    shot(page, "journey-editor")

    # Change how the person feels at it.
    press(page, "#tp-change-text-message-reminder")
    tab_to(page, "#emotion")
    page.keyboard.type("+2")
    press(page, "form button[type=submit]")
    assert "feeling score" in page.inner_text("#done")

    # Every change is a version.
    press(page, ".hg-subnav a[href$='/history']")
    notes = page.inner_text("table").lower()
    assert (
        "added touchpoint" in notes
        and "moved touchpoint" in notes
        and "changed touchpoint" in notes
    )
    assert page.locator("tbody tr").count() == 5
    shot(page, "journey-history")

    # Redesign: a to-be journey from this one, then make one touchpoint better.
    press(page, ".hg-subnav li:first-child a")
    charts_drawn(page)
    press(page, "form[action$='/to-be'] button")
    assert "/health-check-for-bus-drivers-to-be/edit" in page.url
    press(page, "#tp-change-text-message-reminder")
    tab_to(page, "#name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Text with a link to book online")
    press(page, "form button[type=submit]")

    # Compare as is and to be.
    press(page, ".hg-subnav a[href$='/compare']")
    charts_drawn(page)
    table = page.inner_text(".hg-side-by-side")
    assert "Text message reminder" in table and "Text with a link to book online" in table
    assert "changed" in table
    shot(page, "journey-compare")


@pytest.mark.parametrize(
    "url",
    [
        "/journeys",
        "/journeys/demo-health-check-as-is",
        "/journeys/demo-health-check-as-is/edit",
        "/journeys/demo-health-check-as-is/touchpoints/booking-call/edit",
        "/journeys/demo-health-check-as-is/history",
        "/journeys/demo-health-check-as-is/compare",
        "/journeys/demo-health-check-as-is/feedback",
        "/journeys/demo-health-check-as-is/details",
        "/insight-notes",
        "/insight-notes/demo-booking-interviews",
        "/insight-notes/new",
    ],
)
def test_journey_pages_have_no_serious_accessibility_violations(
    browser, server: str, url: str
) -> None:  # noqa: ANN001
    signed = Signed(browser, server, "analyst", bypass_csp=True)
    try:
        signed.page.goto(url)
        if signed.page.locator("[data-chart]").count():
            charts_drawn(signed.page)
        signed.page.wait_for_load_state("networkidle")
        name = "journeys" + re.sub(r"[^a-z0-9]+", "-", url.removeprefix("/journeys")).rstrip("-")
        shot(signed.page, name)
        assert serious_violations(signed.page) == []
    finally:
        signed.close()


def test_two_browsers_editing_the_same_journey_lose_no_edit(browser, server: str) -> None:  # noqa: ANN001
    # The second may run axe-core (an inline script), so its CSP is bypassed; the first keeps it.
    first = Signed(browser, server, "analyst")
    second = Signed(browser, server, "second", bypass_csp=True)
    try:
        for signed in (first, second):
            signed.page.goto("/journeys/demo-health-check-to-be/edit")
        start = first.page.inner_text(".govuk-caption-l")
        # Both opened the same version; the first moves a touchpoint and saves.
        press(first.page, "#tp-down-online-booking")
        assert "Moved touchpoint" in first.page.inner_text("#done")
        # The second, still on the old version, moves another one: refused and told.
        press(second.page, "#tp-up-results-talk")
        box = second.page.inner_text("#conflict")
        assert "Someone else changed this journey" in box
        assert 'Moved touchpoint "Books online" down' in box
        shot(second.page, "journey-conflict")
        assert serious_violations(second.page) == []
        assert "tp-online-booking" in order_in(second.page, "attended")  # the first's edit kept
        # Now on the current version, the second makes the change knowingly.
        press(second.page, "#tp-up-results-talk")
        assert "Moved touchpoint" in second.page.inner_text("#done")
        # A form left open while the other saved keeps what was typed.
        first.page.goto("/journeys/demo-health-check-to-be/touchpoints/the-check/edit")
        second.page.goto("/journeys/demo-health-check-to-be/edit")
        press(second.page, "#tp-down-results-talk")
        tab_to(first.page, "#person_feels")
        first.page.keyboard.press("Control+A")
        first.page.keyboard.type("Glad it fitted round work")
        press(first.page, "form button[type=submit]")
        assert "Someone else changed this journey" in first.page.inner_text("#conflict")
        assert first.page.input_value("#person_feels") == "Glad it fitted round work"
        press(first.page, "form button[type=submit]")  # saved on top, knowingly
        assert "Changed touchpoint" in first.page.inner_text("#done")
        first.page.goto("/journeys/demo-health-check-to-be/history")
        notes = first.page.inner_text("table")
        for change in ('"Books online" down', '"Results explained in person" up',
                       '"Results explained in person" down', "person feels"):  # fmt: skip
            assert change in notes, change
        assert start  # the caption named the version both started from
    finally:
        first.close()
        second.close()
    assert first.said == [] and second.said == []


@pytest.fixture
def analyst_with_axe(browser, server: str) -> Iterator[Signed]:  # noqa: ANN001
    """An analyst whose pages may run axe-core (an inline script: CSP bypassed)."""
    signed = Signed(browser, server, "analyst", bypass_csp=True)
    yield signed
    signed.close()
    assert signed.said == [], "the page wrote to the console"


def test_insight_note_warns_of_personal_data_before_saving(analyst_with_axe: Signed) -> None:
    page = analyst_with_axe.page
    page.goto("/insight-notes/new?journey=demo-health-check-as-is")
    page.fill("#title", "Drop-in session at the depot")
    page.fill("#held_on", "2025-03-20")
    page.fill("#sample_size", "14")
    page.fill("#consent_basis", "verbal consent, recorded")
    page.fill("#themes", "Appointment times clash with work")
    page.fill("#quotes", "Ring my wife Sarah on 07700 900123 to book me in")
    press(page, "button[value=stop]")
    warning = page.inner_text("#personal-data")
    assert "has not been saved" in warning and "phone number" in warning and "Sarah" in warning
    shot(page, "insight-note-warning")
    assert serious_violations(page) == []
    press(page, "button[value=redact]")
    quote = page.inner_text(".hg-quote")
    assert "[name removed]" in quote and "[phone number removed]" in quote and "Sarah" not in quote


def test_feedback_page_prints_without_navigation(analyst: Signed) -> None:
    page = analyst.page
    page.goto("/journeys/demo-health-check-as-is/feedback")
    assert "What you told us" in page.inner_text(".hg-feedback")
    page.emulate_media(media="print")
    assert not page.is_visible(".hg-header") and not page.is_visible("form")
    assert page.is_visible(".hg-feedback")
    shot(page, "journey-feedback-print")
    page.emulate_media(media="screen")
    shot(page, "journey-feedback")
