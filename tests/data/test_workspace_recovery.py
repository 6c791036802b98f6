"""Issue 10 item 3: a crash at any moment of an import leaves a workspace that opens, reads,
and holds either the old or the new version, never a mix, and no stale folders.

Before: killed between the two renames of the swap, ``info`` said "no manifest.json" and the
next import silently made a workspace holding only its own table.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from _data_files import deaths_lines, population_lines, write
from _workspace_checks import cli_process, content, siblings

from cli_runner import run_cli
from healthgap.data import import_files
from healthgap.data.workspace_swap import FAULT_INJECTION_ENV

AREAS = ("E06000001", "E06000002")


def old_workspace(tmp_path: Path) -> Path:
    areas = write(
        tmp_path / "areas.csv",
        ["area_code,area_name,level", "E06000001,Hartlepool,la", "E06000002,Middlesbrough,la"],
    )
    files = [
        areas,
        write(tmp_path / "pop2014.csv", population_lines(areas=AREAS, period="2014")),
        write(tmp_path / "deaths2014.csv", deaths_lines(areas=AREAS, period="2014")),
    ]
    import_files(files, into=tmp_path / "ws")
    return tmp_path / "ws"


def new_files(tmp_path: Path) -> list[Path]:
    return [
        write(tmp_path / "pop2015.csv", population_lines(areas=AREAS, period="2015")),
        write(tmp_path / "deaths2015.csv", deaths_lines(areas=AREAS, period="2015")),
    ]


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, list[Path], dict[str, str], dict[str, str]]:
    """The workspace, the files of the import to kill, and the old and new contents."""
    ws = old_workspace(tmp_path)
    files = new_files(tmp_path)
    old = content(ws)
    shutil.copytree(ws, tmp_path / "expected")
    new = content(import_files(files, into=tmp_path / "expected").path)
    assert old != new
    return ws, files, old, new


def kill_at(point: str, ws: Path, files: list[Path], tmp_path: Path) -> None:
    signal_file = tmp_path / f"reached-{point}"
    job = cli_process(
        "import", *map(str, files), "--into", str(ws),
        env={FAULT_INJECTION_ENV: f"{point}:{signal_file}"},
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not signal_file.exists():
        assert job.poll() is None, f"the import ended before reaching {point}: {job.stderr.read()}"
        assert time.monotonic() < deadline, f"never reached {point}"
        time.sleep(0.02)
    os.kill(job.pid, signal.SIGKILL)
    job.wait(timeout=30)
    job.stdout.close()
    job.stderr.close()


def assert_recovered(ws: Path, old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    result = run_cli("info", str(ws))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    found = content(ws)
    assert found in (old, new), "the workspace mixes the old and the new version"
    assert siblings(ws) == [], "stale staging or retired folders were left"
    return found


@pytest.mark.parametrize(
    ("point", "version"),
    [
        ("table_written", "old"),  # staging half written
        ("before_swap", "old"),  # staging complete, nothing renamed
        ("between_renames", "old"),  # ws renamed away, staging not yet in place: roll back
        ("after_swap", "new"),  # swapped, the old copy not yet deleted
    ],
)
def test_kill_at_each_step_of_the_swap(point, version, versions, tmp_path: Path) -> None:
    ws, files, old, new = versions
    kill_at(point, ws, files, tmp_path)
    if point == "between_renames":
        assert not ws.exists() and (ws.parent / ".ws.old").is_dir()  # the dangerous moment
    found = assert_recovered(ws, old, new)
    assert found == (old if version == "old" else new)
    # Re-running the import then completes it, with every earlier table kept.
    assert content(import_files(files, into=ws).path) == new


@pytest.mark.slow
def test_kill_at_random_moments_of_an_import(versions, tmp_path: Path) -> None:
    ws, files, old, new = versions
    shutil.copytree(ws, tmp_path / "old-copy")
    started = time.monotonic()
    job = cli_process("import", *map(str, files), "--into", str(tmp_path / "timing"))
    job.communicate(timeout=240)
    duration = time.monotonic() - started
    draw = random.Random(20240611)
    for _trial in range(6):
        job = cli_process("import", *map(str, files), "--into", str(ws))
        time.sleep(draw.uniform(0.2, duration * 1.1))
        if job.poll() is None:
            os.kill(job.pid, signal.SIGKILL)
        job.wait(timeout=60)
        job.stdout.close()
        job.stderr.close()
        if assert_recovered(ws, old, new) == new:  # start the next trial from the old version
            shutil.rmtree(ws)
            shutil.copytree(tmp_path / "old-copy", ws)


def test_an_interrupted_swap_from_an_earlier_version_is_rolled_back(tmp_path: Path) -> None:
    """The exact state of the issue: ``.ws.old-PID`` beside no ``ws``, plus a staging folder."""
    ws = old_workspace(tmp_path)
    old = content(ws)
    ws.rename(tmp_path / ".ws.old-4242")
    (tmp_path / ".ws.k2j4n8x1").mkdir()  # a staging folder of the killed import (old naming)
    (tmp_path / ".ws.k2j4n8x1" / "deaths.parquet").write_bytes(b"partial")
    assert_recovered(ws, old, old)
    ws2 = import_files(new_files(tmp_path), into=ws)
    assert {"areas", "population", "deaths"} <= set(ws2.tables)
    assert sorted(ws2.read("population")["period"].unique()) == ["2014", "2015"]


def test_stale_staging_folders_are_removed_before_a_write(tmp_path: Path) -> None:
    ws = old_workspace(tmp_path)
    stale = tmp_path / ".ws.staging-abc123"
    stale.mkdir()
    (stale / "population.parquet").write_bytes(b"half")
    import_files(new_files(tmp_path), into=ws)
    assert siblings(ws) == []


def test_a_reader_beside_a_live_writer_opens_at_once_and_leaves_its_staging(
    tmp_path: Path,
) -> None:
    from healthgap.data.workspace_swap import workspace_lock

    ws = old_workspace(tmp_path)
    live = tmp_path / ".ws.staging-live"
    live.mkdir()
    with workspace_lock(ws, timeout=1):  # this test plays the live writer
        job = cli_process("info", str(ws), env={"HEALTHGAP_LOCK_TIMEOUT": "30"})
        started = time.monotonic()
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, err
        assert "population" in out
        assert live.is_dir(), "a reader must never delete a live writer's staging folder"
    assert time.monotonic() - started < 25, "the reader waited for the writer"
