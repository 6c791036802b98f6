"""Playwright support of the browser tests: Debian's chromium against a real uvicorn server.

The fixtures (``server``, ``server_setup``, ``browser``, ``page``, ``axe_page``) are registered
in ``tests/web/conftest.py``; a module that needs more in the app before it is served (users,
stored content) overrides ``server_setup``. The helpers (``serve_app``, ``signed_in_page``,
``shot``, ``serious_violations``) are imported by the test modules (``serve_app`` serves an app
a module builds itself, e.g. with settings of its own). ``page`` fails a test whose page
wrote to the console. Screenshots go to ``tests/artifacts/`` (gitignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web_helpers import PASSWORD, add_user

from healthgap.web import Settings, create_app

try:
    from playwright import sync_api
except ImportError:  # the test extra is not installed: the browser tests skip
    sync_api = None
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Marks of every browser test module: ``pytestmark = BROWSER``.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(sync_api is None, reason="needs playwright (test extra)"),
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(app, *, port: int | None = None) -> Iterator[str]:  # noqa: ANN001
    """Serve ``app`` with uvicorn on ``port`` (default: a free loopback port) in a thread and
    yield its URL; the server stops and the app's database is disposed of on leaving."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        app.state.database.dispose()


@pytest.fixture(scope="module")
def server_setup() -> Callable[[object, Path], None] | None:
    """What a test module adds to the app (and its database) before it is served: a function
    of the app and the demo workspace's folder. Override it in the module; none by default."""
    return None


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    demo_workspace: Path,
    server_setup: Callable[[object, Path], None] | None,
) -> Iterator[str]:
    """The app over the demo workspace, served by uvicorn on a free loopback port, with an
    analyst and an admin account (and what the module's ``server_setup`` adds)."""
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
    if server_setup is not None:
        server_setup(app, demo_workspace)
    with serve_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in_page(
    browser,  # noqa: ANN001
    server: str,
    *,
    bypass_csp: bool,
    username: str = "analyst",
    viewport: dict[str, int] | None = None,
) -> tuple[object, object]:
    options = {"viewport": viewport} if viewport else {}
    context = browser.new_context(
        base_url=server, accept_downloads=True, bypass_csp=bypass_csp, **options
    )
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return context, page


def listen(page) -> list[str]:  # noqa: ANN001
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
    context, page = signed_in_page(browser, server, bypass_csp=False)
    said = listen(page)
    yield page
    context.close()
    assert said == [], "the page wrote to the console"


@pytest.fixture
def axe_page(browser, server: str) -> Iterator[object]:  # noqa: ANN001
    """A signed-in page that lets the test inject axe-core (an inline script the CSP forbids)."""
    context, page = signed_in_page(browser, server, bypass_csp=True)
    yield page
    context.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
        " 'wcag22aa']})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
