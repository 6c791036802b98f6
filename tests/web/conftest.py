"""Fixtures of the web tests: a small workspace, a fresh app (own SQLite file) per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install -e '.[web]'")

from argon2 import PasswordHasher  # noqa: E402
from argon2.profiles import CHEAPEST  # noqa: E402
from browser_support import axe_page, browser, page, server, server_setup  # noqa: E402, F401
from fastapi.testclient import TestClient  # noqa: E402
from web_helpers import add_user, build_small_workspace, login  # noqa: E402

from healthgap.store import Database  # noqa: E402
from healthgap.store.accounts import use_password_hasher  # noqa: E402
from healthgap.web import Settings, create_app  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2's cheapest profile: the tests check the flow, not the hashing cost."""
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    use_password_hasher(PasswordHasher())


@pytest.fixture(scope="session")
def migrated_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the SYNTHETIC MECC demo (as `healthgap serve --demo`
    loads it) and the practice bank's seeded examples, copied for each test (migrating and
    loading once is faster)."""
    from healthgap.analyses import ensure_bank, load_mecc_demo

    path = tmp_path_factory.mktemp("template") / "healthgap.db"
    database = Database(f"sqlite:///{path}")
    load_mecc_demo(database)
    ensure_bank(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def small_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_workspace(tmp_path_factory.mktemp("ws") / "small")


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small SYNTHETIC demo workspace (one local authority), built once per run."""
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("demo") / "demo"
    build_demo_workspace(path, size="small")
    return path


@pytest.fixture(scope="session")
def demo_la(demo_workspace: Path) -> str:
    """Code of the demo's local authority."""
    from healthgap.data.workspace import open_workspace

    areas = open_workspace(demo_workspace).read("areas")
    return str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])


def make_settings(tmp_path: Path, workspace: Path, template: Path) -> Settings:
    (tmp_path / "web").mkdir()
    shutil.copyfile(template, tmp_path / "web" / "healthgap.db")
    # Prepared on the first page that needs it, in that request's thread: no background thread
    # changing warning filters while the next test builds its app.
    return Settings(
        data_dir=tmp_path / "web",
        secret_key="s" * 40,
        workspace=workspace,
        prepare_in_background=False,
    )


@pytest.fixture
def settings(tmp_path: Path, demo_workspace: Path, migrated_database_file: Path) -> Settings:
    """Settings of a fresh app over the demo workspace (own SQLite file)."""
    return make_settings(tmp_path, demo_workspace, migrated_database_file)


@pytest.fixture
def app(settings: Settings):  # noqa: ANN201
    """A fresh app, started (its lifespan builds the served workspace and the planner)."""
    application = create_app(settings)
    with TestClient(application, base_url="http://testserver"):
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
