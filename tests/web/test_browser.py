"""End-to-end: Debian's chromium driven by Playwright against a real uvicorn server.

Skips with a reason when chromium or Playwright is absent (``scripts/setup-system.sh`` installs
chromium; ``playwright install`` cannot download browsers here, so the system one is used).
Screenshots are kept under ``tests/artifacts/`` (gitignored). axe-core (vendored from npm in
``tests/web/vendor/axe.min.js``) checks each main page for serious or critical violations.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import PASSWORD, add_user

from healthgap.web import Settings, create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (test extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed; run setup-system.sh"),
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path) -> Iterator[str]:
    """The app over the demo workspace, served by uvicorn on a free loopback port, with an
    analyst account."""
    import uvicorn

    folder = tmp_path_factory.mktemp("browser")
    settings = Settings(
        data_dir=folder,
        secret_key="b" * 40,
        workspace=demo_workspace,
        prepare_in_background=False,  # one thread touching warning filters at a time
    )
    app = create_app(settings)
    add_user(app.state.database, "analyst")
    add_user(app.state.database, "admin")
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
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _signed_in_page(
    browser, server: str, *, bypass_csp: bool, username: str = "analyst"
) -> tuple[object, object]:  # noqa: ANN001
    context = browser.new_context(base_url=server, accept_downloads=True, bypass_csp=bypass_csp)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return context, page


def _listen(page) -> list[str]:  # noqa: ANN001
    """Console errors and warnings of ``page`` (a CSP refusal, a script error, a Vega
    warning), except the browser's own note of an HTTP error status (the tests check what
    the page shows for those)."""
    said: list[str] = []

    def note(message) -> None:  # noqa: ANN001
        if message.type in ("error", "warning") and "Failed to load resource" not in message.text:
            said.append(f"{message.type}: {message.text}")

    page.on("console", note)
    page.on("pageerror", lambda error: said.append(f"pageerror: {error}"))
    return said


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:  # noqa: ANN001
    """A signed-in page under the app's real Content-Security-Policy; the test fails if the
    page said anything on the console (errors or warnings, Vega's included)."""
    context, page = _signed_in_page(browser, server, bypass_csp=False)
    said = _listen(page)
    yield page
    context.close()
    assert said == [], "the page wrote to the console"


@pytest.fixture
def axe_page(browser, server: str) -> Iterator[object]:  # noqa: ANN001
    """A signed-in page that lets the test inject axe-core (an inline script the CSP forbids)."""
    context, page = _signed_in_page(browser, server, bypass_csp=True)
    yield page
    context.close()


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _serious_violations(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
        " 'wcag22aa']})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_sign_in_and_open_an_area_profile(page, demo_la: str) -> None:  # noqa: ANN001
    page.select_option("#area", demo_la)
    page.click("text=Show area profile")
    page.wait_for_url(f"**/area/{demo_la}")
    assert re.fullmatch(r"\d{2}\.\d years", page.inner_text("[data-testid=le-male]"))
    _shot(page, "area-profile")


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
    _shot(axe_page, "area-profile-trend-chart")
    assert _serious_violations(axe_page) == []


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
    _shot(page, "explain")


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
    assert float(second) > float(first) > 0
    _shot(page, "plan")


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
    _shot(axe_page, "plan-charts")
    assert _serious_violations(axe_page) == []


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
    _shot(page, "plan-compare")


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
    _shot(axe_page, "a11y" + path.replace("/", "-").replace("{la}", "la").rstrip("-"))
    assert _serious_violations(axe_page) == []


def test_admin_page_invites_and_is_accessible(browser, server: str) -> None:  # noqa: ANN001
    context, page = _signed_in_page(browser, server, bypass_csp=True, username="admin")
    page.goto("/admin/users")
    page.fill("#invite-username", "new.colleague")
    page.select_option("#invite-role", "viewer")
    page.click("text=Create invite link")
    assert "/invite/" in page.inner_text("[data-testid=invite-link]")
    _shot(page, "admin")
    assert _serious_violations(page) == []
    context.close()
