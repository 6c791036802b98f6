"""The kinds of background job the web app runs, each a use case on the served workspace.

``plan_uncertainty`` (the Plan page's Monte Carlo run) and ``plan_sensitivity`` (its
tornado and value of information) take the Plan form's choices as parameters, so a job
found in the database after a restart can be run again from them alone. Heavy work runs
on the executor the server was started with (in its process, or a Dask cluster).
``data_import`` (the Data page's upload) checks and imports the files an upload left in a
folder under the server's data folder, then removes them; its result is the
:class:`~healthgap.web.problem_list.ImportOutcome` (every problem, or the tables imported).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from healthgap.analyses import Executor, Source, build_report, import_data, open_executor
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.web.planning import Planner
from healthgap.web.problem_list import ImportOutcome
from healthgap.web.settings import Settings

__all__ = ["SharedExecutor", "import_handler", "job_handlers", "report_handlers"]

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


def _as_uploaded(problem: Problem, folder: str) -> Problem:
    """A problem naming the uploaded file as the user called it, not its copy's path."""
    name = problem.file.removeprefix(folder).lstrip("/\\")
    return Problem(name, problem.row, problem.column, problem.rule, problem.message)


def import_handler(
    reload: Callable[[], None],
) -> Callable[[Mapping[str, Any], Progress], ResultBundle]:
    """The ``data_import`` handler; ``reload`` re-opens the served workspace after a write.

    ``params``: ``folder`` (the uploaded copies), ``files`` (their names), ``workspace``
    (the folder to import into) and ``workspace_name``. Progress counts each file read and
    then the check and write of them all.
    """

    def data_import(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        folder = str(params["folder"])
        paths = [Path(folder) / name for name in params["files"]]
        steps = len(paths) + 1
        read: list[str] = []

        def file_read(path: str) -> None:
            read.append(path)
            progress(len(read), steps)

        progress(0, steps)
        try:
            imported = import_data(paths, params["workspace"], progress=file_read)
        except InputError as exc:
            outcome = ImportOutcome(problems=[_as_uploaded(p, folder) for p in exc.problems])
        else:
            reload()
            notes = [text.partition(": ")[2] for text in imported.warnings]
            outcome = ImportOutcome(imported=imported.changed or ["nothing new"], notes=notes)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return outcome.as_bundle(str(params["workspace_name"]))

    return data_import


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
