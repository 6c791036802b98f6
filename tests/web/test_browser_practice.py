"""End-to-end in Debian's chromium: the practice bank's review workflow (a contributor sends an
example, a reviewer returns it and then approves it, an editor publishes it) with axe-core on
every page of the way, and the bank's pages under the real Content-Security-Policy.

Skips with a reason when chromium or Playwright is absent (``browser_support.BROWSER``).
Screenshots go to ``tests/artifacts/practice-*.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import BROWSER, listen, serious_violations, serve_app, shot, signed_in_page
from web_helpers import add_user

from healthgap.analyses import set_practice_role
from healthgap.web import Settings, create_app

pytestmark = BROWSER


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path, migrated_database_file: Path
) -> Iterator[str]:
    """The app with the bank seeded and a contributor, a reviewer and an editor (this module's
    own ``server``; the browser and the serving are the shared ones of ``browser_support``)."""
    folder = tmp_path_factory.mktemp("browser-practice")
    shutil.copyfile(migrated_database_file, folder / "healthgap.db")  # the bank is seeded
    settings = Settings(data_dir=folder, secret_key="p" * 40, workspace=demo_workspace,
                        prepare_in_background=False)  # fmt: skip
    app = create_app(settings)
    database = app.state.database
    add_user(database, "viewer", "cat")
    add_user(database, "viewer", "rob")
    add_user(database, "admin", "eve")
    set_practice_role(database, "rob", "reviewer")
    with serve_app(app) as url:  # disposes of the database on leaving
        yield url


class Visitor:
    """One signed-in person in their own browser context, with what the console said."""

    def __init__(self, browser, server: str, username: str, *, axe: bool) -> None:  # noqa: ANN001
        # axe-core is injected as an inline script, which the real policy forbids.
        self.context, self.page = signed_in_page(browser, server, bypass_csp=axe, username=username)
        self.said = listen(self.page)

    def axe(self, name: str) -> list[str]:
        self.page.wait_for_load_state("networkidle")
        shot(self.page, f"practice-{name}")
        return [f"{name}: {v}" for v in serious_violations(self.page)]

    def status(self) -> str:
        return self.page.inner_text("[data-testid=status]").strip()


def _fill_contribution(page) -> None:  # noqa: ANN001
    page.fill("#title", "Quit stall at the Saturday market")
    page.fill("#place_codes", "E08000015")
    page.fill("#place_name", "Wirral")
    page.check("input[name=topics][value=tobacco]")
    page.fill("#population_groups", "market traders")
    page.check("input[name=triangle_parts][value=service]")
    for field, text in {
        "#problem": "Few traders used the stop-smoking service.",
        "#aim": "More quit attempts by traders.",
        "#what_was_done": "A stop-smoking stall at the market on Saturdays.",
        "#reach": "Not stated.",
        "#results": "No figures reported.",
        "#evaluation_design": "An account by the team.",
        "#learning": "Go where people already are.",
        "#transferability": "Needs a market and a trusted stallholder.",
    }.items():
        page.fill(field, text)
    page.check("input[name=evidence][value=descriptive]")


def test_review_workflow_in_a_browser_with_axe_clean(browser, server: str) -> None:  # noqa: ANN001
    violations: list[str] = []
    cat = Visitor(browser, server, "cat", axe=True)
    cat.page.goto("/practice/contribute")
    _fill_contribution(cat.page)
    cat.page.click("[data-testid=send-for-review]")  # no contact role yet: refused
    summary = cat.page.wait_for_selector("#contribute-errors .govuk-error-summary")
    assert "Contact role: enter a value" in summary.inner_text()
    violations += cat.axe("contribute-with-errors")
    cat.page.fill("#contact_role", "Stop-smoking service lead")
    cat.page.click("[data-testid=send-for-review]")
    cat.page.wait_for_url("**/practice/cases/quit-stall-at-the-saturday-market")
    assert cat.status() == "submitted"
    violations += cat.axe("submitted")

    rob = Visitor(browser, server, "rob", axe=True)
    rob.page.goto("/practice/review")
    violations += rob.axe("review-queue")
    rob.page.click("text=Quit stall at the Saturday market")
    rob.page.click("[data-testid=move-return]")  # returning needs a reason
    assert "Say why" in rob.page.wait_for_selector("#move-errors .govuk-error-summary").inner_text()
    violations += rob.axe("return-without-comment")
    rob.page.fill("#comment", "Please say how many traders came.")
    rob.page.click("[data-testid=move-return]")
    rob.page.wait_for_function("() => document.querySelector('[data-testid=status]')"
                               ".textContent.trim() === 'draft'")  # fmt: skip

    cat.page.reload()
    assert "Please say how many traders came." in cat.page.inner_text("body")
    cat.page.click("[data-testid=move-submit]")
    cat.page.wait_for_function("() => document.querySelector('[data-testid=status]')"
                               ".textContent.trim() === 'submitted'")  # fmt: skip
    rob.page.reload()
    rob.page.click("[data-testid=move-approve]")
    rob.page.wait_for_function("() => document.querySelector('[data-testid=status]')"
                               ".textContent.trim() === 'reviewed'")  # fmt: skip

    eve = Visitor(browser, server, "eve", axe=True)
    eve.page.goto("/practice/review")
    eve.page.click("text=Quit stall at the Saturday market")
    violations += eve.axe("to-publish")
    eve.page.click("[data-testid=move-publish]")
    eve.page.wait_for_function("() => document.querySelector('[data-testid=status]')"
                               ".textContent.trim() === 'published'")  # fmt: skip
    trail = eve.page.inner_text("[data-testid=audit]")
    for step in ("submit", "return", "approve", "publish"):
        assert step in trail
    violations += eve.axe("published")
    eve.page.goto("/practice?q=market+traders")
    assert "Quit stall at the Saturday market" in eve.page.inner_text("[data-testid=hit]")
    for visitor in (cat, rob, eve):
        assert visitor.said == [], visitor.said
        visitor.context.close()
    assert violations == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("search", "/practice?q=smoking+men&evidence=descriptive"),
        ("case-study", "/practice/cases/ss-newham-mosque-quit"),
        ("research-library", "/practice/research"),
        ("research-entry", "/practice/research/ferguson2005"),
        ("intervention", "/practice/interventions/smoking_cessation"),
        ("glossary", "/practice/glossary"),
    ],
)
def test_bank_pages_are_accessible_and_quiet_under_the_csp(
    browser, server: str, name: str, path: str
) -> None:  # noqa: ANN001
    strict = Visitor(browser, server, "eve", axe=False)
    assert strict.page.goto(path).status == 200
    strict.page.wait_for_load_state("networkidle")
    assert strict.said == []
    strict.context.close()
    checked = Visitor(browser, server, "cat", axe=True)
    checked.page.goto(path)
    assert checked.axe(name) == []
    checked.context.close()
