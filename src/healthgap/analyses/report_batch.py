"""The reports of many areas in one run (``healthgap report all``): on the product's
executor, resumable, with an index of what was written and what failed.

:func:`build_reports` prepares the workspace's per-level tables once
(:mod:`healthgap.data.prepared`, kept in the workspace), builds the first report here (which
computes what every report shares: the classification of every area by the template's
rule and the plan model's national baseline), then sends the other areas to the executor
(:func:`healthgap.compute.open_executor`: this process, local Dask workers or a cluster).
Each worker opens the same prepared tables from the workspace folder (nothing national is
pickled to it) and receives the shared results once. Reports are pure functions of the
workspace, the template and the area (the plan's draws have the template's seed), so the
files are the same bytes whatever the number of workers.

**Resumable.** Beside each area's files a small record (``<stem>.done.json``) names the
run's *fingerprint*: the content hashes of the workspace's tables, the template and its
settings, the formats, the period and the healthgap version. An area whose record matches
and whose files are all there is kept, not built again; an interrupted run is simply run
again.

**Failures.** An area whose report cannot be built is listed with the reason in words
(the index page and CSV, and the command's output); the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.prepared_source import PreparedSource
from healthgap.analyses.report import build_report
from healthgap.analyses.report_source import RememberingSource
from healthgap.compute import Chunk, Executor, InProcessExecutor
from healthgap.errors import HealthgapError
from healthgap.reports.bundle import package_version
from healthgap.reports.report_files import check_formats, stem_of, write_report
from healthgap.reports.report_index import write_report_index
from healthgap.reports.report_template import ReportTemplate

__all__ = ["BatchOutcome", "BatchResult", "build_reports"]

log = logging.getLogger("healthgap.reports")

WRITTEN, KEPT, FAILED = "written", "kept", "failed"


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one area's report; ``files`` relative to the output folder."""

    area_code: str
    area_name: str
    status: str  # written, kept or failed
    message: str
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """Every area's outcome, in the order asked, and the index files."""

    outcomes: tuple[BatchOutcome, ...]
    index: tuple[Path, ...]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[BatchOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]


@dataclass(frozen=True)
class _Run:
    """What every worker needs, sent once to each (small: no table of the workspace)."""

    workspace: str
    template: ReportTemplate
    formats: tuple[str, ...]
    out: str
    period: str | None
    fingerprint: str
    shared: dict[tuple[Any, ...], Any] = field(default_factory=dict)


def fingerprint_of(
    hashes: dict[str, str], template: ReportTemplate, formats: Sequence[str], period: str | None
) -> str:
    """SHA-256 of everything a report's bytes depend on besides its area."""
    settings = {
        "hashes": dict(sorted(hashes.items())),
        "template": [template.name, template.title, template.source],
        "sections": [[s.kind, dict(s.options)] for s in template.sections],
        "formats": list(formats),
        "period": period,
        "version": package_version(),
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def build_reports(
    workspace: str | os.PathLike[str],
    areas: Sequence[tuple[str, str]],
    *,
    template: ReportTemplate,
    formats: Sequence[str],
    out: str | os.PathLike[str],
    period: str | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: RememberingSource | None = None,
) -> BatchResult:
    """The report of each ``(code, name)`` of ``areas`` in ``out/<code>/`` (see the module
    docstring), and ``out/index.html`` and ``out/index.csv``. ``source`` (default: the
    workspace's prepared tables) is used for the reports built in this process."""
    chosen = tuple(check_formats(formats))
    here = source or RememberingSource(PreparedSource.open(workspace))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    run = _Run(
        workspace=str(workspace),
        template=template,
        formats=chosen,
        out=str(folder),
        period=period,
        fingerprint=fingerprint_of(dict(here.hashes()), template, chosen, period),
    )
    outcomes: dict[int, BatchOutcome] = {}
    for index, (code, name) in enumerate(areas):
        kept = _kept_files(run, code)
        if kept is not None:
            outcomes[index] = BatchOutcome(code, name, KEPT, "Kept from an earlier run with "
                                           "the same data and settings.", kept)  # fmt: skip
    todo = [(i, area) for i, area in enumerate(areas) if i not in outcomes]

    def report_done() -> None:
        if progress is not None:
            progress(len(outcomes), len(areas))

    report_done()
    if todo:
        # The first report here: it computes what every report shares, then handed over.
        first, (code, name) = todo[0]
        outcomes[first] = _one_report(here, run, code, name)
        report_done()
        rest = todo[1:]
        runner = executor or InProcessExecutor()
        if isinstance(runner, InProcessExecutor):
            for index, (code, name) in rest:
                outcomes[index] = _one_report(here, run, code, name)
                report_done()
        else:
            shared = replace(run, shared=here.held())
            items = [area for _, area in rest]
            for chunk, outcome in runner.map_chunks(_report_chunk, items, shared=shared):
                outcomes[rest[chunk.index][0]] = outcome
                report_done()
    ordered = tuple(outcomes[i] for i in range(len(areas)))
    rows = pd.DataFrame(
        [
            {
                "area_code": o.area_code,
                "area_name": o.area_name,
                "status": o.status,
                "message": o.message,
                "files": ";".join(o.files),
            }
            for o in ordered
        ]
    )
    index = write_report_index(
        rows, folder, title=f"{template.name.capitalize()}: reports", synthetic=here.is_synthetic
    )
    return BatchResult(ordered, tuple(index))


#: The source each worker process opened, by workspace and fingerprint (opened once).
_SOURCES: dict[tuple[str, str], RememberingSource] = {}


def _report_chunk(chunk: Chunk[tuple[str, str]], run: _Run) -> BatchOutcome:
    """One area's report, in whichever process the executor chose."""
    key = (run.workspace, run.fingerprint)
    if key not in _SOURCES:
        _SOURCES.clear()  # one run's tables at a time
        source = RememberingSource(PreparedSource.open(run.workspace))
        source.hold(run.shared)
        _SOURCES[key] = source
    code, name = chunk.item
    return _one_report(_SOURCES[key], run, code, name)


def _one_report(source: RememberingSource, run: _Run, code: str, name: str) -> BatchOutcome:
    try:
        bundle = build_report(source, code, template=run.template, period=run.period)
        paths = write_report(bundle, Path(run.out) / code, run.formats)
    except HealthgapError as error:
        return BatchOutcome(code, name, FAILED, f"Not built: {error}")
    except Exception as error:  # noqa: BLE001 - one area's bug must not stop the run
        log.exception("the report of %s failed", code)
        return BatchOutcome(
            code, name, FAILED, f"Not built: an unexpected error ({type(error).__name__}: {error})"
        )
    files = tuple(p.relative_to(run.out).as_posix() for p in paths)
    _record(run, code, files)
    return BatchOutcome(code, name, WRITTEN, "Written.", files)


def _record_path(run: _Run, code: str) -> Path:
    return Path(run.out) / code / f"{stem_of(code, run.template.name)}.done.json"


def _record(run: _Run, code: str, files: tuple[str, ...]) -> None:
    """Say the area's files are complete for this fingerprint (written last, in one step)."""
    path = _record_path(run, code)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps({"fingerprint": run.fingerprint, "files": files}), "utf-8")
    partial.replace(path)


def _kept_files(run: _Run, code: str) -> tuple[str, ...] | None:
    """The files of an earlier run with the same fingerprint, when all are there."""
    try:
        record = json.loads(_record_path(run, code).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    files = tuple(record.get("files", ()))
    wanted = {stem_of(code, run.template.name) + f".{fmt}" for fmt in run.formats}
    if record.get("fingerprint") != run.fingerprint or {Path(f).name for f in files} != wanted:
        return None
    return files if all((Path(run.out) / f).is_file() for f in files) else None
