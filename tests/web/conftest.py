"""Fixtures of the web tests: a small workspace, a fresh app (own SQLite file) per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install -e '.[web]'")

from fastapi.testclient import TestClient  # noqa: E402
from web_helpers import add_user, build_small_workspace, login  # noqa: E402

from healthgap.store import Database  # noqa: E402
from healthgap.web import Settings, create_app  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's chromium with Playwright")


@pytest.fixture(scope="session")
def small_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_workspace(tmp_path_factory.mktemp("ws") / "small")


@pytest.fixture
def settings(tmp_path: Path, small_workspace: Path) -> Settings:
    return Settings(data_dir=tmp_path / "web", secret_key="s" * 40, workspace=small_workspace)


@pytest.fixture
def app(settings: Settings):  # noqa: ANN201
    application = create_app(settings)
    yield application
    application.state.database.dispose()


@pytest.fixture
def database(app) -> Database:  # noqa: ANN001
    return app.state.database


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def client_as(app, database) -> Callable[[str], TestClient]:  # noqa: ANN001
    """``client_as("analyst")``: a client signed in as a new user of that role."""

    def make(role: str) -> TestClient:
        add_user(database, role)
        return login(TestClient(app, base_url="http://testserver"), role)

    return make
