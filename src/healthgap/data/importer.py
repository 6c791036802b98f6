"""All-or-nothing import of user files into a workspace.

Every file is loaded (layout detected from its headers unless given), the new tables are
combined with the workspace's existing ones and validated together, and only when no
problem is found is the workspace rewritten (atomically, by :func:`write_workspace`).
Re-importing the same data is a no-op.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "areas.csv").write_text("area_code,area_name,level\\nE06000001,Hartlepool,la\\n")
>>> import_files([folder / "areas.csv"], into=folder / "ws").tables
['areas']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.data.layouts import resolve_layout
from healthgap.data.load import load
from healthgap.data.model import KEY_COLUMNS
from healthgap.data.validate import validate_tables
from healthgap.data.workspace import MANIFEST, Workspace, open_workspace, write_workspace
from healthgap.errors import InputError, Problem

__all__ = ["import_files", "load_files", "tables_to_check"]

PathLike = str | os.PathLike[str]
Layout = str | os.PathLike[str] | Mapping[str, Any]


def load_files(
    paths: Sequence[PathLike],
    *,
    layouts: Mapping[PathLike, Layout] | None = None,
    layout: Layout | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Load every file; return the tables by name (files of one table are stacked) and every
    problem of every file (a file with problems contributes nothing)."""
    by_path = {str(k): v for k, v in (layouts or {}).items()}
    parts: dict[str, list[pd.DataFrame]] = {}
    problems: list[Problem] = []
    for path in paths:
        if progress is not None:
            progress(str(path))
        chosen = by_path.get(str(path), layout)
        try:
            frame = load(path, chosen)
        except InputError as error:
            problems += error.problems
            continue
        parts.setdefault(frame.attrs["table"], []).append(frame)
    tables = {}
    for name, frames in parts.items():
        tables[name] = frames[0] if len(frames) == 1 else _stack(frames)
    return tables, problems


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack frames of one table, keeping the file and row of each row for problems."""
    stacked = pd.concat(frames, ignore_index=True)
    sources = {f.attrs.get("source") for f in frames}
    stacked.attrs = {
        "table": frames[0].attrs["table"],
        "source": " + ".join(sorted(str(s) for s in sources)),
        "area_codes": "gss" if all(f.attrs.get("area_codes") == "gss" for f in frames) else "any",
    }
    if all("source_rows" in f.attrs for f in frames):
        stacked.attrs["source_rows"] = [r for f in frames for r in f.attrs["source_rows"]]
        stacked.attrs["source_files"] = [f.attrs["source"] for f in frames for _ in range(len(f))]
    return stacked


def import_files(
    paths: Sequence[PathLike],
    into: PathLike,
    *,
    layouts: Mapping[PathLike, Layout] | None = None,
    layout: Layout | None = None,
    metadata: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Workspace:
    """Import ``paths`` into the workspace folder ``into``, all or nothing.

    Parameters
    ----------
    paths
        Files to import (.csv, .xlsx, .parquet).
    into
        Workspace folder (created when absent).
    layouts
        Layout per path; paths not named use ``layout``, or are detected from headers.
    layout
        Layout for every path not in ``layouts`` (``None``: detect).
    metadata
        Extra workspace metadata to record.
    progress
        Called with each path as it is loaded (the CLI draws a progress bar with it).

    Returns
    -------
    Workspace
        The workspace after the import.

    Raises
    ------
    InputError
        Every problem of every file and every cross-table problem (with the tables already
        in the workspace); the workspace is then left byte-identical.

    Notes
    -----
    A table imported again replaces rows with the same key and keeps the others, so years
    or areas can be added file by file. Deaths rows may be omitted where the count is zero.
    """
    if not paths:
        raise InputError("give at least one file to import", rule="invalid_argument")
    if layout is not None:
        resolve_layout(layout)  # a bad layout is an argument error before any file is read
    new, problems = load_files(paths, layouts=layouts, layout=layout, progress=progress)
    if problems:
        raise InputError(problems)
    folder = Path(into)
    existing = open_workspace(folder) if (folder / MANIFEST).is_file() else None
    stored: dict[str, pd.DataFrame] = {}
    if existing is not None:
        for name in tables_to_check(new, existing.tables):
            if name in KEY_COLUMNS:
                stored[name] = existing.read(name)
                stored[name].attrs = {"source": f"{folder}/{name}.parquet (workspace)"}
    # First the new tables as loaded (so problems name their files and rows) against the
    # stored ones; then any table merged with stored rows, as it will be written.
    problems = validate_tables({**stored, **new})
    merged = {name: _merge(stored.get(name), frame) for name, frame in new.items()}
    if not problems and any(name in stored for name in new):
        problems = validate_tables({**stored, **merged})
    if problems:
        raise InputError(problems)
    stamp = {"imported_files": sorted(str(Path(p).name) for p in paths), **(metadata or {})}
    if existing is not None and existing.metadata.get("imported_files"):
        stamp["imported_files"] = sorted(
            {*existing.metadata["imported_files"], *stamp["imported_files"]}
        )
    # attrs (source file, rows) are for problem reports only: keep them out of the Parquet files.
    plain = {name: pd.DataFrame(frame, copy=False) for name, frame in merged.items()}
    for frame in plain.values():
        frame.attrs = {}
    return write_workspace(folder, plain, metadata=stamp)


def tables_to_check(new: Iterable[str], stored: Iterable[str]) -> list[str]:
    """The stored tables new tables are checked against: the ones a rule joins them with.

    New areas may orphan any stored row, so every table is read; new deaths or population
    are checked against each other and the areas; any other table (indicators, good health)
    only against the areas. Stored tables passed these checks when they were imported, so
    an indicators file is checked in seconds however large the workspace.

    >>> tables_to_check(["indicators"], ["areas", "population", "deaths"])
    ['areas']
    >>> tables_to_check(["deaths"], ["areas", "population", "deaths", "indicators"])
    ['areas', 'population', 'deaths']
    """
    new = set(new)
    related = {"areas", *new}
    if new & {"deaths", "population"}:
        related |= {"deaths", "population"}
    return [name for name in stored if "areas" in new or name in related]


def _merge(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """New rows replace old rows with the same key; other old rows stay; sorted by key."""
    attrs = dict(new.attrs)
    name = attrs["table"]
    keys = [k for k in KEY_COLUMNS[name] if k in new.columns]
    if old is None or old.empty:
        merged = new
    else:
        kept = old.merge(new[keys].drop_duplicates(), on=keys, how="left", indicator=True)
        kept = old[(kept["_merge"] == "left_only").to_numpy()]
        merged = pd.concat([kept, new], ignore_index=True)
        attrs.pop("source_rows", None)
        attrs.pop("source_files", None)
    order = merged.sort_values(keys, kind="stable").index
    for per_row in ("source_rows", "source_files"):
        if per_row in attrs:
            attrs[per_row] = [attrs[per_row][i] for i in order]
    merged = merged.loc[order].reset_index(drop=True)
    merged.attrs = attrs
    return merged
