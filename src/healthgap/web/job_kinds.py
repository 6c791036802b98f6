"""The kinds of background job the web app runs, each a use case on the served workspace.

``plan_uncertainty`` (the Plan page's Monte Carlo run) and ``plan_sensitivity`` (its
tornado and value of information) take the Plan form's choices as parameters, so a job
found in the database after a restart can be run again from them alone. Heavy work runs
on the executor the server was started with (in its process, or a Dask cluster).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from healthgap.analyses import Executor, Source, build_report, open_executor
from healthgap.reports.bundle import ResultBundle
from healthgap.web.planning import Planner
from healthgap.web.settings import Settings

__all__ = ["SharedExecutor", "job_handlers", "report_handlers"]

Progress = Callable[[int, int], None]


class SharedExecutor:
    """The server's executor, opened on first use (a cluster takes seconds to start)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    def get(self) -> Executor:
        with self._lock:
            if self._executor is None:
                self._executor = open_executor(self.settings.compute_workers or None,
                                               self.settings.scheduler)  # fmt: skip
            return self._executor

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.close()
                self._executor = None


def job_handlers(
    planner: Callable[[], Planner], executor: SharedExecutor, settings: Settings
) -> dict[str, Callable[[Mapping[str, Any], Progress], ResultBundle]]:
    """``kind -> handler(params, progress)`` for the runner."""

    def uncertainty(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        bundle = planner().run(params["choices"], draws=settings.uncertainty_draws,
                               progress=progress, executor=executor.get())  # fmt: skip
        if bundle is None:
            from healthgap.errors import InputError

            raise InputError("give at least one intervention a volume", rule="no_intervention")
        return bundle

    def sensitivity(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        return planner().sensitivity(params["choices"], draws=settings.sensitivity_draws,
                                     progress=progress, executor=executor.get())  # fmt: skip

    return {"plan_uncertainty": uncertainty, "plan_sensitivity": sensitivity}


def report_handlers(
    source: Source,
) -> dict[str, Callable[[Mapping[str, Any], Progress], ResultBundle]]:
    """``report``: the report of one area and shipped template on the served workspace."""

    def report(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        progress(0, 1)
        bundle = build_report(source, str(params["area"]), template=str(params["template"]))
        progress(1, 1)
        return bundle

    return {"report": report}
