"""End-to-end: Debian's chromium driven by Playwright against a real uvicorn server.

Skips with a reason when chromium or Playwright is absent (``scripts/setup-system.sh`` installs
chromium; ``playwright install`` cannot download browsers here, so the system one is used).
Screenshots are kept under ``tests/artifacts/`` (gitignored). axe-core (vendored from npm in
``tests/web/vendor/axe.min.js``) checks each main page for serious or critical violations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import (
    BROWSER,
    serious_violations,
    shot,
    signed_in_page,
)

from healthgap.reports.formatting import parse_number

pytestmark = BROWSER


def test_sign_in_and_open_an_area_profile(page, demo_la: str) -> None:  # noqa: ANN001
    page.select_option("#area", demo_la)
    page.click("text=Show area profile")
    page.wait_for_url(f"**/area/{demo_la}")
    assert re.fullmatch(r"\d{2}\.\d years", page.inner_text("[data-testid=le-male]"))
    shot(page, "area-profile")


def test_area_profile_draws_its_trend_chart_accessibly(axe_page, demo_la: str) -> None:  # noqa: ANN001
    """The LE trend chart is drawn by the vendored vega-embed (an <svg> appears inside the
    role="img" figure named by the spec's description) and axe finds no serious violations."""
    axe_page.goto(f"/area/{demo_la}")
    axe_page.wait_for_selector("[data-testid=le-trend-chart] svg", timeout=15_000)
    axe_page.wait_for_function(
        "() => document.querySelector('[data-testid=le-trend-chart]').dataset.drawn",
        timeout=15_000,
    )
    label = axe_page.get_attribute("[data-testid=le-trend-chart]", "aria-label") or ""
    assert label.startswith("Life expectancy at birth by period for ")
    axe_page.wait_for_load_state("networkidle")
    shot(axe_page, "area-profile-trend-chart")
    assert serious_violations(axe_page) == []


def test_area_trend_chart_draws_under_the_csp(page, demo_la: str) -> None:  # noqa: ANN001
    page.goto(f"/area/{demo_la}")
    page.wait_for_selector("[data-testid=le-trend-chart] svg", timeout=15_000)
    assert page.locator("[data-testid=le-trend-chart] svg path").count() > 4


def test_the_csp_allows_no_eval_and_charts_still_draw(page, demo_la: str) -> None:  # noqa: ANN001
    """Vega expressions run through vega-interpreter: the policy has no 'unsafe-eval', and
    every chart of the profile and explain pages is drawn with nothing on the console."""
    response = page.goto(f"/explain/{demo_la}?compare=quintiles")
    policy = response.headers["content-security-policy"]
    assert "unsafe-eval" not in policy and "script-src 'self';" in policy
    page.wait_for_selector("#target [data-chart][data-rendered]", timeout=15_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)"
    )
    page.goto(f"/area/{demo_la}")
    page.wait_for_selector("[data-chart][data-rendered]", timeout=15_000)


def test_explain_page_draws_its_charts(page, demo_la: str) -> None:  # noqa: ANN001
    page.goto(f"/explain/{demo_la}?compare=quintiles")
    # vega-embed replaces each placeholder with an SVG: the vendored scripts ran under the CSP.
    page.wait_for_selector("[data-chart] svg", timeout=15_000)
    drawn = page.locator("[data-chart] svg").count()
    assert drawn - page.locator("#target [data-chart] svg").count() == 4  # not the target's
    shot(page, "explain")


def test_changing_a_plan_control_updates_the_results(page, demo_la: str) -> None:  # noqa: ANN001
    page.goto("/plan")
    page.select_option("#area_code", demo_la)
    page.fill("#statins__volume", "200")
    page.select_option("#statins__target", "q1")
    page.wait_for_selector("[data-testid=reduction-male]")
    first = page.inner_text("[data-testid=reduction-male]")
    page.fill("#statins__volume", "1000")
    page.wait_for_function(
        "(old) => document.querySelector('[data-testid=reduction-male]')?.textContent !== old",
        arg=first,
    )
    second = page.inner_text("[data-testid=reduction-male]")
    assert parse_number(second) > parse_number(first) > 0
    shot(page, "plan")


def test_plan_results_draw_as_charts(axe_page, demo_la: str) -> None:  # noqa: ANN001
    """The waterfall, deaths-postponed and frontier charts are drawn after the HTMX swap,
    and the page with results has no serious accessibility violations."""
    axe_page.goto("/plan")
    axe_page.select_option("#area_code", demo_la)
    axe_page.fill("#statins__volume", "500")
    axe_page.select_option("#statins__target", "q1")
    for name in ("waterfall", "deaths-postponed", "frontier"):
        axe_page.wait_for_selector(f"[data-testid=plan-chart-{name}] svg", timeout=15_000)
    axe_page.wait_for_load_state("networkidle")
    shot(axe_page, "plan-charts")
    assert serious_violations(axe_page) == []


def test_download_the_trend_csv(page, demo_la: str, tmp_path: Path) -> None:  # noqa: ANN001
    page.goto(f"/area/{demo_la}")
    with page.expect_download() as info:
        page.click("a[href$='/life-expectancy.csv']")
    download = info.value
    assert download.suggested_filename.startswith(f"life-expectancy-at-birth_{demo_la}_")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_text().startswith("area_code,area_name,sex,period,statistic,value")


def test_save_a_scenario_and_compare(page, demo_la: str) -> None:  # noqa: ANN001
    page.goto("/plan")
    page.fill("#name", "More statins <b>now</b>")
    page.select_option("#area_code", demo_la)
    page.fill("#statins__volume", "250")
    page.select_option("#statins__target", "q1")
    page.click("text=Save scenario")
    page.wait_for_url("**/plan/compare?ids=*")
    assert page.inner_text("[data-testid=scenario-name]").startswith("More statins <b>now</b>")
    shot(page, "plan-compare")


@pytest.mark.parametrize("path", ["/", "/area/{la}", "/explain/{la}", "/plan", "/data", "/login"])
def test_main_pages_have_no_serious_accessibility_violations(
    axe_page, demo_la: str, path: str
) -> None:  # noqa: ANN001
    axe_page.goto(path.format(la=demo_la))
    if "explain" in path:
        axe_page.wait_for_selector("[data-chart] svg", timeout=15_000)
        # The target trajectory arrives by HTMX after the page: check it once drawn, not
        # while vega-embed is half way through (its <svg> gets its label when finished).
        axe_page.wait_for_selector("#target [data-chart] svg", timeout=15_000)
        axe_page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')]"
            ".every(el => el.dataset.drawn && el.querySelector('svg'))",
            timeout=15_000,
        )
        axe_page.wait_for_load_state("networkidle")
    shot(axe_page, "a11y" + path.replace("/", "-").replace("{la}", "la").rstrip("-"))
    assert serious_violations(axe_page) == []


def test_admin_page_invites_and_is_accessible(browser, server: str) -> None:  # noqa: ANN001
    context, page = signed_in_page(browser, server, bypass_csp=True, username="admin")
    page.goto("/admin/users")
    page.fill("#invite-username", "new.colleague")
    page.select_option("#invite-role", "viewer")
    page.click("text=Create invite link")
    assert "/invite/" in page.inner_text("[data-testid=invite-link]")
    shot(page, "admin")
    assert serious_violations(page) == []
    context.close()
