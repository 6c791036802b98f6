"""Issue 10 item 1: workspace writes are serialised by a lock held from read to swap.

Before the lock, five parallel imports of different years all printed "imported" and the
workspace kept 2010 and one other year.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _data_files import deaths_lines, population_lines, write
from _workspace_checks import cli_process, content, folder_digest

from healthgap.data import Limits, import_files, open_workspace, write_workspace
from healthgap.data.workspace_swap import workspace_lock
from healthgap.errors import WorkspaceError

AREAS = ("E06000001", "E06000002")


def start_workspace(tmp_path: Path) -> Path:
    areas = write(
        tmp_path / "areas.csv",
        ["area_code,area_name,level", "E06000001,Hartlepool,la", "E06000002,Middlesbrough,la"],
    )
    pop = write(tmp_path / "pop2010.csv", population_lines(areas=AREAS, period="2010"))
    deaths = write(tmp_path / "deaths2010.csv", deaths_lines(areas=AREAS, period="2010"))
    import_files([areas, pop, deaths], into=tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.slow
def test_five_parallel_imports_of_different_years_all_land(tmp_path: Path) -> None:
    ws = start_workspace(tmp_path)
    years = range(2011, 2016)
    jobs = []
    for year in years:
        pop = write(tmp_path / f"pop{year}.csv", population_lines(areas=AREAS, period=str(year)))
        deaths = write(tmp_path / f"d{year}.csv", deaths_lines(areas=AREAS, period=str(year)))
        jobs.append(cli_process("import", str(pop), str(deaths), "--into", str(ws)))
    results = [(job.wait(timeout=240), job.stderr.read()) for job in jobs]
    for job in jobs:
        job.stdout.close()
        job.stderr.close()
    assert [code for code, _ in results] == [0] * 5, [err for _, err in results]
    workspace = open_workspace(ws)
    expected = [str(y) for y in range(2010, 2016)]
    for table in ("population", "deaths"):
        assert sorted(workspace.read(table)["period"].unique()) == expected, table
    assert workspace.manifest["tables"]["population"]["rows"] == 6 * 2 * 2 * 20
    content(ws)


def test_a_second_writer_gives_up_after_the_timeout_with_a_clear_message(tmp_path: Path) -> None:
    ws = start_workspace(tmp_path)
    before = folder_digest(ws)
    pop = write(tmp_path / "pop2011.csv", population_lines(areas=AREAS, period="2011"))
    with workspace_lock(ws, timeout=5):
        job = cli_process(
            "import", str(pop), "--into", str(ws), env={"HEALTHGAP_LOCK_TIMEOUT": "0.5"}
        )
        out, err = job.communicate(timeout=120)
    assert job.returncode == 2
    assert "being written by another import" in err and "0.5 s" in err
    assert "Traceback" not in out + err
    assert folder_digest(ws) == before


def test_the_lock_is_reentrant_and_other_writers_time_out_in_process(tmp_path: Path) -> None:
    import pandas as pd

    ws = tmp_path / "ws"
    table = {"areas": pd.DataFrame({"area_code": ["E1"]})}
    with workspace_lock(ws, timeout=1):
        write_workspace(ws, table)  # the holder may write (re-entrant)
    import threading

    failures: list[BaseException] = []

    def other_thread() -> None:
        try:
            write_workspace(ws, {"areas": pd.DataFrame({"area_code": ["E2"]})},
                            limits=Limits(lock_timeout=0.2))  # fmt: skip
        except WorkspaceError as error:
            failures.append(error)

    with workspace_lock(ws, timeout=1):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert len(failures) == 1 and "gave up after waiting 0.2 s" in str(failures[0])
    assert open_workspace(ws).read("areas")["area_code"].tolist() == ["E1"]


def test_the_lock_timeout_setting_must_be_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from healthgap.errors import InputError

    monkeypatch.setenv("HEALTHGAP_LOCK_TIMEOUT", "soon")
    with pytest.raises(InputError) as error:
        Limits.from_env()
    assert error.value.problems[0].column == "HEALTHGAP_LOCK_TIMEOUT"
