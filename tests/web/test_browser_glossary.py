"""Glossary links in Chromium: two pages axe-core clean with their links, a link reached by
keyboard shows its definition (and is described by it), Escape hides the hint, Enter opens the
glossary at the entry. Screenshots: ``tests/artifacts/glossary-*.png``."""

from __future__ import annotations

from browser_support import BROWSER, serious_violations, shot
from playwright.sync_api import expect

from healthgap.analyses import glossary_terms

pytestmark = BROWSER
TIP = "el => getComputedStyle(el, '::after').content"


def test_pages_with_glossary_links_are_axe_clean(axe_page, demo_la: str) -> None:  # noqa: ANN001
    for url in (f"/area/{demo_la}", "/equity"):
        axe_page.goto(url)
        assert axe_page.locator("a.hg-term").count() > 0, url
        assert serious_violations(axe_page) == [], url


def test_a_glossary_link_is_reached_by_keyboard_and_explains_itself(page, demo_la: str) -> None:  # noqa: ANN001
    page.goto(f"/area/{demo_la}")
    page.wait_for_selector("[data-chart][data-rendered]")  # the page has settled
    first = page.locator("a.hg-term").first
    term_id = first.get_attribute("href").split("#")[1]
    definition = glossary_terms().terms[term_id].definition
    expect(first).to_have_accessible_description(definition)
    assert first.evaluate(TIP) == "none"  # no hint until asked for
    for _ in range(60):  # Tab from the top of the page until the link has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hg-term')"):
            break
    focused = page.locator("a.hg-term:focus")
    expect(focused).to_have_count(1)
    assert definition in focused.evaluate(TIP)  # the hint shows on focus, not only on hover
    shot(page, "glossary-link-focused")
    page.keyboard.press("Escape")
    assert focused.evaluate(TIP) == "none"  # dismissed without moving the focus
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/practice/glossary#{term_id}")
    expect(page.locator(f"[id='{term_id}']")).to_be_in_viewport()
    shot(page, "glossary-entry")


def test_the_glossary_filters_by_words_and_subject(page) -> None:  # noqa: ANN001
    page.goto("/practice/glossary")
    page.fill("#q", "information")
    page.select_option("#category", "planning and uncertainty")
    page.click("button:has-text('Show terms')")
    expect(page.locator("[id='evpi']")).to_be_visible()
    expect(page.locator("[id='sii']")).to_have_count(0)
    shot(page, "glossary-filtered")
