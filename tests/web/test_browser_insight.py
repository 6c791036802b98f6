# ruff: noqa: F811 - the browser fixtures are imported from test_browser by name
"""The insight pages in a real browser (Debian's chromium, Playwright): run a segmentation with
its progress bar, read its profiles, map and persona cards, rename a segment, the stages of
change heatmap and editing a cell, the equity audit's findings and charts; no console error,
no serious axe-core violation, a screenshot of each page in ``tests/artifacts/``.
"""

from __future__ import annotations

import re

import pytest
from browser_support import serious_violations as _serious_violations
from browser_support import shot as _shot

pytestmark = pytest.mark.browser


def _all_drawn(page) -> None:  # noqa: ANN001
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)",
        timeout=20_000,
    )


def _run_segmentation(page, name: str) -> None:  # noqa: ANN001
    page.goto("/segments")
    page.fill("#run-name", name)
    page.click("text=Run the segmentation")
    page.wait_for_url(re.compile(r".*/segments\?run=\d+.*"), timeout=60_000)


def test_run_a_segmentation_and_read_it(page) -> None:  # noqa: ANN001
    """Under the app's real CSP; the page fixture fails on any console error or warning."""
    _run_segmentation(page, "Demo segments")
    page.wait_for_load_state("networkidle")
    _all_drawn(page)
    assert "segments of 103 small areas" in page.inner_text("[data-testid=n-segments]")
    assert page.locator(".hg-persona").count() >= 3
    assert page.locator("[data-chart='spec-map'] svg path").count() > 10
    _shot(page, "insight-segments")
    # rename a segment: two names the same are refused where the user acted
    page.fill("#name-2", page.input_value("#name-1"))
    page.click("text=Save the names")
    page.wait_for_selector("#rename-errors .govuk-error-summary")
    assert "used for more than one segment" in page.inner_text("#rename-errors")
    assert page.locator("#name-2.govuk-input--error").count() == 1
    _shot(page, "insight-segments-rename-error")
    page.fill("#name-2", "Quieter suburbs")
    page.click("text=Save the names")
    page.wait_for_selector("[data-testid=names-saved]")
    assert page.input_value("#name-2") == "Quieter suburbs"
    assert "Quieter suburbs" in page.inner_text(".hg-persona-cards")


def test_stages_of_change_heatmap_and_editing_a_cell(page) -> None:  # noqa: ANN001
    page.goto("/stages")
    page.wait_for_load_state("networkidle")
    _all_drawn(page)
    assert "communication aid, not a prediction" in page.inner_text("[data-testid=stage-note]")
    _shot(page, "insight-stages")
    page.locator("#matrix a", has_text="Edit").nth(2).click()
    page.wait_for_selector("#cell-editor textarea#offer")
    page.fill("#offer", "")
    page.click("text=Save this cell")
    page.wait_for_selector("#cell-errors .govuk-error-summary")
    assert "Offer" in page.inner_text("#cell-errors")
    page.fill("#offer", "A walk-in quit clinic every Friday")
    page.click("text=Save this cell")
    page.wait_for_selector("[data-testid=cell-saved]")
    assert "A walk-in quit clinic every Friday" in page.inner_text("#matrix")


def test_equity_audit_names_the_groups_that_under_use(page) -> None:  # noqa: ANN001
    page.goto("/equity?service=bowel_screening")
    page.wait_for_load_state("networkidle")
    _all_drawn(page)
    findings = page.inner_text("[data-testid=findings]")
    assert "most deprived fifth of areas" in findings
    assert "Asian, Asian British or Asian Welsh" in findings
    _shot(page, "insight-equity")
    page.select_option("#grouping", "ethnic_group_high_level")
    page.click("button:has-text('Show')")
    page.wait_for_url(re.compile(r".*grouping=ethnic_group_high_level.*"))
    _all_drawn(page)
    assert page.locator("text=under-used").count() >= 1
    _shot(page, "insight-equity-ethnic-group")


def test_insight_pages_have_no_serious_accessibility_violations(axe_page) -> None:  # noqa: ANN001
    axe_page.goto("/segments")
    if axe_page.locator("[data-testid=no-runs]").count():
        _run_segmentation(axe_page, "For the accessibility check")
    for url in ("/segments", "/stages", "/equity?service=nhs_health_check"):
        axe_page.goto(url)
        axe_page.wait_for_load_state("networkidle")
        _all_drawn(axe_page)
        assert _serious_violations(axe_page) == [], url
