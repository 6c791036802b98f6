"""The whole journey of issue 11 in one walk, as a new user takes it, in Chromium.

Sign in; the picker at every level; a profile; Explain with every comparator; the target;
Plan: preview, uncertainty, budget, save, compare, reopen; upload a good and a bad file;
invite a colleague. On every page: nothing on the console (errors, warnings, Vega's
warnings), no 4xx answer without an error summary on screen, and no serious or critical
axe-core violation. Screenshots of each step go to ``tests/artifacts/journey-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import BROWSER, listen, serious_violations, shot, signed_in_page

pytestmark = BROWSER

GOOD_INDICATORS = (
    "area_code,period,sex,indicator,value,lowercl,uppercl,count,denominator\n"
    "{la},2022,female,smoking_prevalence,14.2,12.9,15.6,210,1480\n"
)
BAD_POPULATION = (
    "area_code,period,sex,age_start,person_years\n"
    "E01999999,2022,female,0,-5\n"
    "{la},twenty,female,0,10\n"
    "{la},2022,alien,0,10\n"
)


class Walk:
    """A signed-in page whose every step is checked the same way."""

    def __init__(self, page, said: list[str]) -> None:  # noqa: ANN001
        self.page = page
        self.said = said
        self.failed: list[str] = []
        page.on("response", self._note)

    def _note(self, response) -> None:  # noqa: ANN001
        if 400 <= response.status < 500 and not response.url.endswith("favicon.ico"):
            self.failed.append(f"{response.status} {response.url}")

    def check(self, name: str, *, expect_problem: bool = False) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')]"
            ".every(el => el.dataset.rendered || el.textContent.includes('could not'))",
            timeout=30_000,
        )
        shot(page, f"journey-{name}")
        if self.failed or expect_problem:
            summary = page.locator(".govuk-error-summary")
            assert summary.count() > 0 and summary.first.is_visible(), (name, self.failed)
            self.failed.clear()
        assert self.said == [], (name, self.said)
        assert serious_violations(page) == [], name
        assert "could not be drawn" not in page.content(), name


@pytest.fixture
def walk(browser, server) -> Iterator[Walk]:  # noqa: ANN001
    context, page = signed_in_page(browser, server, bypass_csp=True, username="admin")
    yield Walk(page, listen(page))
    context.close()


def test_the_whole_journey(walk: Walk, demo_la: str) -> None:
    page = walk.page
    # The picker at every level, each place's profile.
    page.goto("/")
    walk.check("home")
    levels = page.eval_on_selector_all("#level option", "os => os.map(o => o.value)")
    assert len(levels) == len(set(levels)) >= 4
    for level in levels:
        page.goto("/")
        page.select_option("#level", level)
        page.wait_for_function(
            "(lv) => document.querySelector('#area-choices select option')", arg=level
        )
        page.click("text=Show area profile")
        page.wait_for_url("**/area/**")
        walk.check(f"profile-{level}")
        heading = page.inner_text("h2")
        assert "2022-24" in heading or "not" in page.content()  # figures name their period
    # Explain with every comparator (the LA), the target trajectory below it.
    page.goto(f"/explain/{demo_la}")
    comparators = page.eval_on_selector_all("#compare option", "os => os.map(o => o.value)")
    for compare in comparators:
        page.goto(f"/explain/{demo_la}?compare={compare}")
        page.wait_for_selector("#target [data-chart], #target p", timeout=30_000)
        walk.check(f"explain-{compare}")
        assert "Similar (+0.0)" not in page.content()
    page.goto(f"/explain/{walk_country(page)}")
    walk.check("explain-country")
    assert page.input_value("#compare") != "england"  # a country is never compared with itself
    # Plan: preview, uncertainty, budget, save, compare, reopen.
    page.goto("/plan")
    page.select_option("#area_code", demo_la)
    page.fill("#statins__volume", "400")
    page.press("#statins__volume", "Tab")
    page.wait_for_selector("[data-testid=reduction-male]")
    walk.check("plan-preview")
    page.click("text=Run with uncertainty")
    page.wait_for_selector("[data-testid=uncertainty-results]", timeout=60_000)
    page.fill("#budget", "300,000")
    page.click("text=Best mix for this budget")
    page.wait_for_selector("[data-testid=budget-summary]")
    walk.check("plan-uncertainty-budget")
    page.fill("#name", "Journey statins")
    page.click("text=Save scenario")
    page.wait_for_url("**/plan/compare?ids=*")
    walk.check("plan-compare")
    page.click("text=Open")
    page.wait_for_url("**/plan?scenario=*")
    assert page.input_value("#statins__volume") == "400"
    walk.check("plan-reopened")
    # Upload a good file, then a bad one.
    page.goto("/data")
    page.set_input_files(
        "#files",
        files=[
            {
                "name": "indicators.csv",
                "mimeType": "text/csv",
                "buffer": GOOD_INDICATORS.format(la=demo_la).encode(),
            }
        ],
    )
    page.click("text=Check and import")
    page.wait_for_selector("[data-testid=upload-imported]", timeout=30_000)
    walk.check("data-good")
    page.set_input_files(
        "#files",
        files=[
            {
                "name": "population.csv",
                "mimeType": "text/csv",
                "buffer": BAD_POPULATION.format(la=demo_la).encode(),
            }
        ],
    )
    page.click("text=Check and import")
    page.wait_for_selector("[data-testid=problem-groups]", timeout=30_000)
    walk.check("data-bad", expect_problem=True)
    # every fault in one pass: unknown area and negative count (row 2), period, sex
    assert "4 problems found" in page.inner_text(".govuk-error-summary")
    assert "_" not in page.inner_text("[data-testid=problem-groups]")  # kinds in words
    # Invite a colleague.
    page.goto("/admin/users")
    page.fill("#invite-username", "journey.colleague")
    page.click("text=Create invite link")
    assert "/invite/" in page.inner_text("[data-testid=invite-link]")
    walk.check("admin-invite")


def walk_country(page) -> str:  # noqa: ANN001
    page.goto("/?level=country")
    return page.eval_on_selector("#area option", "o => o.value")
