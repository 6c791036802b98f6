"""Summed per-level tables (data.levels), background preparation and the area picker."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, login

from healthgap.data import aggregate, pool_periods
from healthgap.data.levels import AreaRows
from healthgap.data.workspace import open_workspace
from healthgap.store import Database
from healthgap.web import Settings, create_app
from healthgap.web.workspaces import WorkspaceService

KEYS = ["area_code", "period", "sex", "age_start"]


def _sorted(frame: pd.DataFrame, value: str, keys: list[str] = KEYS) -> pd.DataFrame:
    out = frame.astype({"area_code": str, "period": str, "sex": str})[[*keys, value]]
    return out.sort_values(keys, ignore_index=True).astype({value: float})


@pytest.fixture(scope="module")
def demo_tables(demo_workspace: Path) -> dict[str, pd.DataFrame]:
    workspace = open_workspace(demo_workspace)
    return {name: workspace.read(name) for name in ("areas", "population", "deaths")}


def test_rows_of_a_larger_area_are_the_core_sums_of_its_small_areas(demo_tables) -> None:  # noqa: ANN001
    areas, population, deaths = (demo_tables[n] for n in ("areas", "population", "deaths"))
    rows = AreaRows.build(areas, {"population": population, "deaths": deaths})
    lsoas = set(areas.loc[areas["level"] == "lsoa", "area_code"])
    small_population = population[population["area_code"].isin(lsoas)]
    small_deaths = deaths[deaths["area_code"].isin(lsoas)]
    for level in ("ward", "la"):
        codes = areas.loc[areas["level"] == level, "area_code"].tolist()
        expected = aggregate(small_population, areas, level)
        got = rows.select("population", codes)
        pd.testing.assert_frame_equal(
            _sorted(got, "person_years"), _sorted(expected, "person_years")
        )
        cause_keys = [*KEYS, "cause"]
        expected_deaths = aggregate(small_deaths, areas, level).astype({"cause": str})
        got_deaths = rows.select("deaths", codes).astype({"cause": str})
        pd.testing.assert_frame_equal(
            _sorted(got_deaths, "deaths", cause_keys),
            _sorted(expected_deaths, "deaths", cause_keys),
        )
    # A pooled label is pooled from the single years by the core.
    la = areas.loc[areas["level"] == "la", "area_code"].iloc[0]
    years = sorted(map(str, population["period"].unique()))[-3:]
    label = f"{years[0]}-{years[-1][2:]}"
    pooled = rows.select("population", [la], label)
    expected = pool_periods(aggregate(small_population, areas, "la"), years, label=label)
    pd.testing.assert_frame_equal(
        _sorted(pooled, "person_years"), _sorted(expected, "person_years")
    )
    # The whole-table pooled path (used for many small areas) gives the same rows.
    whole = rows.pooled("population", label).select([la])
    pd.testing.assert_frame_equal(_sorted(whole, "person_years"), _sorted(pooled, "person_years"))
    assert rows.select("population", [la], "1990-92").empty


def test_background_preparation_is_kept_and_reused(demo_workspace: Path, tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        first = WorkspaceService(database, demo_workspace, "demo", cache_dir=tmp_path)
        first.start_warming()
        ready = first.area_rows(wait=60)
        kept = list((tmp_path / "derived").iterdir())
        assert len(kept) == 1 and (kept[0] / "population.arrow").is_file()
        again = WorkspaceService(database, demo_workspace, "demo", cache_dir=tmp_path)
        reread = again.area_rows(wait=60)
        la = first.areas().query("level == 'la'")["area_code"].iloc[0]
        pd.testing.assert_frame_equal(
            _sorted(ready.select("deaths", [la]), "deaths", [*KEYS, "cause"]),
            _sorted(reread.select("deaths", [la]), "deaths", [*KEYS, "cause"]),
        )
    finally:
        database.dispose()


def test_preparation_in_a_child_process_leaves_tables_baseline_and_profile(
    demo_workspace: Path, tmp_path: Path
) -> None:
    """The child process sums, pools, builds the Plan baseline and the country's profile;
    the server reads them back, and a restart reads the same folder."""
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        service = WorkspaceService(
            database, demo_workspace, "demo", cache_dir=tmp_path, in_child=True
        )
        service.start_warming()
        rows = service.area_rows(wait=120)
        [kept] = list((tmp_path / "derived").iterdir())
        names = {p.name for p in kept.iterdir()}
        assert {"population.arrow", "deaths.arrow", "plan-baseline.pickle"} <= names
        assert any(name.startswith("pooled_population_") for name in names)
        assert "plan_baseline" in service.extras and "profiles" in service.extras
        [profile] = service.extras["profiles"]["bundles"].values()
        assert profile.provenance.source == "demo"  # named as the server names it
        in_process = WorkspaceService(database, demo_workspace, "demo", background=False)
        la = service.areas().query("level == 'la'")["area_code"].iloc[0]
        pd.testing.assert_frame_equal(
            _sorted(rows.select("deaths", [la]), "deaths", [*KEYS, "cause"]),
            _sorted(in_process.area_rows().select("deaths", [la]), "deaths", [*KEYS, "cause"]),
        )
    finally:
        database.dispose()


def test_a_page_shows_progress_while_the_workspace_is_prepared(
    tmp_path: Path,
    demo_workspace: Path,
    migrated_database_file: Path,
    demo_la: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    build = AreaRows.build

    def slow_build(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        release.wait(30)
        return build(*args, **kwargs)

    monkeypatch.setattr(AreaRows, "build", slow_build)
    shutil.copyfile(migrated_database_file, tmp_path / "healthgap.db")
    settings = Settings(
        data_dir=tmp_path,
        secret_key="s" * 40,
        workspace=demo_workspace,
        prepare_in_child_process=False,  # the slowed-down build runs in this process
    )
    assert settings.prepare_in_background  # the default when serving
    app = create_app(settings)
    app.state.warmers = []  # only the summing under test runs in the background
    try:
        with TestClient(app) as client:
            service = app.state.services.workspaces
            add_user(app.state.database, "viewer")
            login(client, "viewer")
            waiting = client.get(f"/area/{demo_la}")
            assert waiting.status_code == 503
            assert waiting.headers["retry-after"] == "5"
            assert "Preparing the workspace" in waiting.text
            assert "<progress" in waiting.text
            fragment = client.get(f"/explain/{demo_la}/target", headers={"HX-Request": "true"})
            assert fragment.status_code == 200
            assert 'hx-trigger="load delay:3s"' in fragment.text
            release.set()
            service.area_rows(wait=60)
            # Ready: the profile is worked out (saying so meanwhile), then shown.
            for _attempt in range(300):
                answer = client.get(f"/area/{demo_la}")
                if answer.status_code == 200:
                    break
                assert "Working out this page" in answer.text
                assert answer.headers["retry-after"] == "2"
                time.sleep(0.2)
            assert answer.status_code == 200
    finally:
        release.set()
        app.state.database.dispose()


def test_area_picker_lists_one_level_and_filters_by_name_or_code(
    client_as,  # noqa: ANN001
    demo_la: str,
    demo_workspace: Path,
) -> None:
    areas = open_workspace(demo_workspace).read("areas")
    viewer = client_as("viewer")
    home = viewer.get("/")
    assert home.status_code == 200
    assert f'value="{demo_la}"' in home.text  # local authorities are listed first
    assert '<label class="govuk-label" for="q">' in home.text
    lsoas = areas[areas["level"] == "lsoa"].sort_values("area_name")
    one = lsoas.iloc[3]
    fragment = viewer.get("/areas/options", params={"level": "lsoa", "q": one["area_name"]})
    assert f'value="{one["area_code"]}"' in fragment.text
    assert fragment.text.count("<option") == 1
    by_code = viewer.get("/areas/options", params={"level": "lsoa", "q": one["area_code"].lower()})
    assert f'value="{one["area_code"]}"' in by_code.text
    everything = viewer.get("/areas/options", params={"level": "lsoa"})
    assert everything.text.count("<option") == min(len(lsoas), 100)
    nothing = viewer.get("/areas/options", params={"level": "lsoa", "q": "<zz>"})
    assert "No lower layer" in nothing.text and "&lt;zz&gt;" in nothing.text
    # Without JavaScript the "Filter the list" button reloads the page with the same list.
    filtered = viewer.get(
        "/", params={"level": "lsoa", "q": one["area_name"], "filter": "1", "area": demo_la}
    )
    assert filtered.status_code == 200 and f'value="{one["area_code"]}"' in filtered.text
    chosen = viewer.get("/", params={"area": demo_la}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/area/{demo_la}"
