"""Preparing a served workspace in a child process, so pages keep answering meanwhile.

Summing a national workspace to every level, pooling its latest years, building the Plan
page's baseline and the country's profile keep a CPU busy for tens of seconds, much of it in
pandas code that holds Python's global lock: done in the server's own process, page requests
then waited for seconds at a time. :func:`prepare` does all of it in a child process (started
with ``spawn``, so it shares nothing with the server), reporting its stage through a pipe,
and leaves everything in the prepared folder (``<data_dir>/derived/<content key>/``): the
summed and pooled tables (:meth:`~healthgap.data.levels.AreaRows.save`) and the
baseline and profiles as pickles, which the server then reads in a second or two (a restart
reads the same folder). The pickles are written and read only by healthgap, in its own data
folder.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["EXTRAS", "load_extras", "prepare", "prepare_in_child"]

log = logging.getLogger("healthgap.web")
#: The prepared results other than the tables, by file name.
EXTRAS = {"plan_baseline": "plan-baseline.pickle", "profiles": "profiles.pickle"}


def prepare(
    workspace: str, name: str, folder: str, key: str, report: Callable[[str, int], None]
) -> None:
    """Sum, pool and pre-compute everything the pages need (for the workspace served as
    ``name``, which its results' provenance names); leave it in ``folder``."""
    from healthgap.analyses import latest_period, plan_baseline, profile_area
    from healthgap.web.source import ServedSource
    from healthgap.web.workspaces import WorkspaceService

    service = WorkspaceService(None, Path(workspace), name, background=False)
    rows = service.build_rows(key, report)
    source = ServedSource(service)
    period = latest_period(source)
    report("pooling the latest three years", 3)
    if period is not None:
        for table in ("population", "deaths"):
            rows.pooled(table, period)
    report("keeping the prepared tables for the next start", 4)
    rows.save(Path(folder))
    report("building the Plan page's model", 5)
    extras: dict[str, Any] = {"plan_baseline": plan_baseline(source)}
    report("profiling the country", 6)
    areas = source.areas()
    countries = areas.loc[areas["level"].astype(str) == "country", "area_code"].astype(str)
    extras["profiles"] = {
        "hashes": dict(source.hashes()),
        "bundles": {code: profile_area(source, code) for code in countries},
    }
    for extra, file in EXTRAS.items():
        with (Path(folder) / file).open("wb") as out:
            pickle.dump(extras[extra], out, protocol=pickle.HIGHEST_PROTOCOL)


def _child(workspace: str, name: str, folder: str, key: str, pipe: Connection) -> None:
    try:
        prepare(workspace, name, folder, key, lambda text, done: pipe.send((text, done)))
    finally:
        pipe.close()


def prepare_in_child(
    workspace: Path, name: str, folder: Path, key: str, report: Callable[[str, int], None]
) -> bool:
    """Run :func:`prepare` in a child process, passing its stages to ``report``; True when
    it finished (the caller then reads ``folder``)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(str(workspace), name, str(folder), key, sender),
        name="healthgap-prepare",
        daemon=True,
    )
    child.start()
    sender.close()
    while True:
        try:
            if receiver.poll(0.5):
                report(*receiver.recv())
            elif not child.is_alive():
                break
        except EOFError:  # the child closed its end: finished or failed
            break
    child.join()
    if child.exitcode != 0:
        log.warning("preparing the workspace in a child process failed (exit %s)", child.exitcode)
    return child.exitcode == 0


def load_extras(folder: Path) -> dict[str, Any]:
    """The pickled results :func:`prepare` left in ``folder`` (those present and readable)."""
    found: dict[str, Any] = {}
    for name, file in EXTRAS.items():
        try:
            with (folder / file).open("rb") as kept:
                found[name] = pickle.load(kept)  # noqa: S301 - written by prepare(), above
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            continue
    return found
