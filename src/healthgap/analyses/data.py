"""Bring data in: check files, import them all or nothing, and describe a workspace.

>>> import tempfile, pandas as pd
>>> from healthgap.data import write_workspace
>>> folder = tempfile.mkdtemp() + "/ws"
>>> _ = write_workspace(folder, {"areas": pd.DataFrame({"area_code": ["E1"], "level": ["la"]})})
>>> info = workspace_info(WorkspaceSource.open(folder))
>>> info.table("tables")["table"].tolist(), info.summary["areas_by_level"]
(['areas'], {'la': 1})
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.source import WorkspaceSource
from healthgap.data import Workspace, import_files, load_files, validate_tables
from healthgap.data.file_problems import left_out as problems_left_out
from healthgap.data.layouts import resolve_layout
from healthgap.errors import InputError
from healthgap.reports.bundle import ResultBundle, Table

__all__ = [
    "CheckedFiles",
    "ImportedFiles",
    "import_data",
    "problems_left_out",
    "validate_files",
    "workspace_info",
]

Paths = Sequence[str | os.PathLike[str]]
Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class CheckedFiles:
    """Files that passed every check: the tables they make and the warnings met."""

    tables: dict[str, pd.DataFrame]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ImportedFiles:
    """An import that succeeded: the workspace, the tables it changed and the warnings."""

    workspace: Workspace
    changed: list[str]
    warnings: tuple[str, ...]


def validate_files(
    files: Paths, *, layout: str | None = None, progress: Progress = None
) -> CheckedFiles:
    """Read and check ``files`` without importing them; every problem in one InputError."""
    if layout is not None:
        resolve_layout(layout)
    with collect_warnings() as met:
        tables, problems = load_files(files, layout=layout, progress=progress)
    problems += validate_tables(tables)
    if problems:
        raise InputError(problems)
    return CheckedFiles(tables, tuple(met))


def import_data(
    files: Paths,
    into: str | os.PathLike[str],
    *,
    layout: str | None = None,
    progress: Progress = None,
) -> ImportedFiles:
    """Import ``files`` into the workspace ``into``, all or nothing."""
    target = Path(into)
    before: set[tuple[str, str]] = set()
    if (target / "manifest.json").is_file():
        before = set(WorkspaceSource.open(target).hashes().items())
    with collect_warnings() as met:
        workspace = import_files(files, target, layout=layout, progress=progress)
    changed = sorted(name for name, h in workspace.hashes().items() if (name, h) not in before)
    return ImportedFiles(workspace, changed, tuple(met))


def _summary_columns(
    workspace: Workspace,
    name: str,
    columns: Sequence[str] = ("period", "sex", "person_years", "deaths"),
) -> pd.DataFrame:
    """Only the columns ``info`` summarises (those present), so large tables read quickly."""
    present = pq.read_schema(workspace.path / workspace.manifest["tables"][name]["file"]).names
    return workspace.read(name, columns=[c for c in columns if c in present])


def workspace_info(source: WorkspaceSource) -> ResultBundle:
    """Tables, rows, periods, sexes and totals of a workspace, and its areas by level."""
    workspace = source.workspace
    rows = []
    for name in workspace.tables:
        frame = _summary_columns(workspace, name)
        total = ""
        for count in ("person_years", "deaths"):
            if count in frame and pd.api.types.is_numeric_dtype(frame[count]):
                total = f"{count} {frame[count].sum():,.0f}"
        rows.append(
            {
                "table": name,
                "rows": int(workspace.manifest["tables"][name]["rows"]),
                "periods": ", ".join(sorted(map(str, frame["period"].unique())))
                if "period" in frame
                else "",
                "sexes": ", ".join(sorted(map(str, frame["sex"].unique())))
                if "sex" in frame
                else "",
                "total": total,
            }
        )
    levels: dict[str, int] = {}
    if workspace.has("areas"):
        found = _summary_columns(workspace, "areas", ["level"])
        counts = found["level"].astype(str).value_counts() if "level" in found else {}
        levels = {str(k): int(v) for k, v in sorted(dict(counts).items())}
    return ResultBundle(
        question="describe a workspace",
        provenance=provenance_of(source),
        tables={"tables": Table(pd.DataFrame(rows), "the workspace's tables")},
        summary={"areas_by_level": levels},
    )
