"""Scenario grids: checked before anything runs, the same bytes whatever the workers,
resumable after an interruption, complete and identical when a worker is killed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pandas as pd
import pytest
from grid_workspace import GRID_TEXT, build_grid_workspace

from healthgap.analyses import WorkspaceSource, check_grid, plan_grid
from healthgap.analyses.plan import plan_baseline
from healthgap.compute import InProcessExecutor
from healthgap.errors import InputError
from healthgap.scenarios import grid_from_text, load_library
from healthgap.scenarios.allocate import resolve
from healthgap.scenarios.grid import area_baseline

FILES = ("grid.csv", "grid.parquet", "grid_draws.parquet")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceSource:
    return WorkspaceSource.open(build_grid_workspace(tmp_path_factory.mktemp("ws") / "grid"))


@pytest.fixture(scope="module")
def reference(source: WorkspaceSource, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The grid run once in this process, uninterrupted."""
    out = tmp_path_factory.mktemp("reference")
    plan_grid(source, grid_from_text(GRID_TEXT, "grid.yaml"), out)
    return out


def _same_files(a: Path, b: Path) -> None:
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_grid_table_is_tidy_and_complete(reference: Path) -> None:
    table = pd.read_parquet(reference / "grid.parquet")
    cells = table.groupby(["area_code", "scenario", "parameter_set", "budget"], dropna=False)
    assert cells.ngroups == 6 * 2 * 2 * 2
    assert set(table["statistic"]) >= {"gap_reduction", "gap_base", "cost", "life_years_gained"}
    gap = table[table["statistic"] == "gap_reduction"]
    assert (gap["lowercl"] <= gap["median"]).all() and (gap["median"] <= gap["uppercl"]).all()
    assert (gap["draws"] == 40).all()
    low = gap[(gap["scenario"] == "statins") & gap["budget"].isna()]
    by_set = low.groupby("parameter_set")["value"].mean()
    assert by_set["low adherence"] < by_set["library defaults"]  # lower adherence, less gain
    assert (table["data_note"].str.startswith("SYNTHETIC")).all()
    draws = pd.read_parquet(reference / "grid_draws.parquet")
    assert len(draws) == 6 * 2 * 2 * 2 * 2 * 40  # cells x sexes x draws


def test_one_and_three_workers_write_the_same_bytes(
    source: WorkspaceSource,
    reference: Path,
    one_worker,
    three_workers,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    grid = grid_from_text(GRID_TEXT, "grid.yaml")
    plan_grid(source, grid, tmp_path / "one", executor=one_worker)
    seen: list[int] = []
    plan_grid(source, grid, tmp_path / "three", executor=three_workers,
              progress=lambda done, _total: seen.append(done))  # fmt: skip
    _same_files(reference, tmp_path / "one")
    _same_files(reference, tmp_path / "three")
    assert seen[-1] == 6


class StopRunError(Exception):
    pass


class Counting(InProcessExecutor):
    """Records which chunks it actually computed."""

    def __init__(self) -> None:
        self.computed: list[int] = []

    def map_chunks(self, fn, items, **kwargs):  # noqa: ANN001, ANN201, D102
        for chunk, result in super().map_chunks(fn, items, **kwargs):
            self.computed.append(chunk.index)
            yield chunk, result


def test_an_interrupted_grid_resumes_without_recomputing(
    source: WorkspaceSource, reference: Path, tmp_path: Path
) -> None:
    grid = grid_from_text(GRID_TEXT, "grid.yaml")

    def stop_after_three(done: int, _total: int) -> None:
        if done == 3:
            raise StopRunError

    with pytest.raises(StopRunError):
        plan_grid(source, grid, tmp_path, progress=stop_after_three)
    assert not (tmp_path / "grid.csv").exists()
    counting = Counting()
    bundle = plan_grid(source, grid, tmp_path, executor=counting)
    assert bundle.summary["resumed"] == 2  # the third finished but was not handed over
    assert counting.computed == [2, 3, 4, 5]
    _same_files(reference, tmp_path)
    again = Counting()
    plan_grid(source, grid, tmp_path, executor=again, restart=True)
    assert again.computed == list(range(6))


def test_a_changed_grid_does_not_reuse_old_chunks(source: WorkspaceSource, tmp_path: Path) -> None:
    plan_grid(source, grid_from_text(GRID_TEXT, "grid.yaml"), tmp_path)
    counting = Counting()
    plan_grid(source, grid_from_text(GRID_TEXT.replace("seed: 5", "seed: 6")), tmp_path,
              executor=counting)  # fmt: skip
    assert counting.computed == list(range(6))


def test_unknown_names_are_a_problem_table_before_anything_runs(
    source: WorkspaceSource, tmp_path: Path
) -> None:
    text = GRID_TEXT.replace("areas: {level: la}", "areas: [E06900000, E06999999]")
    text = text.replace("statins.adherence: 0.5", "statins.adherence: 0.5, statins.nope: 2")
    text = text.replace("intervention: smoking_cessation", "intervention: juggling")
    with pytest.raises(InputError) as caught:
        plan_grid(source, grid_from_text(text, "bad.yaml"), tmp_path / "out")
    problems = {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}
    assert ("bad.yaml", 6, "areas[1]", "unknown_area") in problems
    assert ("bad.yaml", 15, "scenarios[1].interventions[0].intervention",
            "unknown_intervention") in problems  # fmt: skip
    assert ("bad.yaml", 20, "parameters[0].set.statins.nope", "unknown_parameter") in problems
    assert not (tmp_path / "out").exists()


def test_a_worker_killed_mid_grid_loses_nothing(
    source: WorkspaceSource,
    reference: Path,
    three_workers,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    client = three_workers.client
    killed: list[int] = []

    def kill_a_busy_worker(done: int, _total: int) -> None:
        if done != 1 or killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        pids = client.run(os.getpid, workers=busy[:1])
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    plan_grid(source, grid_from_text(GRID_TEXT, "grid.yaml"), tmp_path,
              executor=three_workers, progress=kill_a_busy_worker)  # fmt: skip
    assert killed, "no worker was busy when the first area finished"
    _same_files(reference, tmp_path)


def test_volumes_above_an_areas_pool_are_found_in_every_area_at_once(tmp_path: Path) -> None:
    """The vectorised check names the same areas as resolving the scenario area by area."""
    source = WorkspaceSource.open(build_grid_workspace(tmp_path / "ws", growth=0.25))
    grid = grid_from_text(GRID_TEXT, "grid.yaml")
    baseline = plan_baseline(source).coarsen("la")
    codes = [code for code, _name in check_grid(source, grid)]
    one_by_one = {
        code: resolve(grid.scenarios[0].for_area(code, "la", "grid.yaml", grid.parameter_sets[0]),
                      area_baseline(baseline, "la", code), load_library())[0]
        for code in codes
    }  # fmt: skip
    pools = sorted(r.pool for r in one_by_one.values())
    years = next(iter(one_by_one.values())).years_counted
    per_year = round((pools[2] + pools[3]) / 2 / years)  # above the pools of half the areas
    text = GRID_TEXT.replace("volume: {coverage: {from: 0, to: 10}}",
                             f"volume: {{units_per_year: {per_year}}}", 1)  # fmt: skip
    with pytest.raises(InputError) as caught:
        plan_grid(source, grid_from_text(text, "big.yaml"), tmp_path / "out")
    found = caught.value.problems
    assert {(p.column, p.rule) for p in found} == {
        ("scenarios[0].interventions[0].volume", "units_above_pool")
    }
    named = sorted(p.message.split(" ")[0] for p in found)
    expected = sorted(c for c, r in one_by_one.items() if per_year * years > r.pool) * 2
    assert sorted(named) == sorted(expected) and len(expected) == 6  # 3 areas x 2 parameter sets
    assert not (tmp_path / "out").exists()
