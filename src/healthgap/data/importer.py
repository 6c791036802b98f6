"""All-or-nothing, serialised import of user files into a workspace.

Every file is loaded (layout detected from its headers unless given). Then, holding the
workspace's write lock from reading the stored tables to the end of the swap (so parallel
imports queue instead of losing each other's tables), each new table is merged with the
stored one (new rows replace rows with the same key) and everything is validated as it will
be written: a table added on its own is checked against the stored tables it joins. Only
when no problem is found anywhere is the workspace rewritten (atomically, by
:func:`write_workspace`); a table whose rows are all stored already with the same values
changes nothing, and when no table changes nothing is written at all.

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

import numpy as np
import pandas as pd

from healthgap.data.file_problems import cap_problems
from healthgap.data.layouts import resolve_layout
from healthgap.data.limits import Limits, current_limits
from healthgap.data.load import (
    BANDS_REPORTED,
    LOST_AREA_CODES,
    LOST_ROWS,
    TAINTED_AREAS,
    load_checked,
)
from healthgap.data.model import KEY_COLUMNS
from healthgap.data.validate import validate_tables
from healthgap.data.workspace import MANIFEST, Workspace, open_workspace, write_workspace
from healthgap.data.workspace_swap import recover_workspace, workspace_lock
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
    limits: Limits | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Load every file; return the tables by name (files of one table are stacked) and every
    problem of every file.

    A file with problems still contributes the rows whose cells are clean, so that checks
    across files and tables (:func:`~healthgap.data.validate_tables`) report in the same
    pass; a file that cannot be read at all contributes nothing.
    """
    limits = current_limits(limits)
    by_path = {str(k): v for k, v in (layouts or {}).items()}
    parts: dict[str, list[pd.DataFrame]] = {}
    problems: list[Problem] = []
    for path in paths:
        if progress is not None:
            progress(str(path))
        chosen = by_path.get(str(path), layout)
        frame, found = load_checked(path, chosen, limits=limits)
        problems += found
        if frame is not None:
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
        TAINTED_AREAS: frozenset().union(*(f.attrs.get(TAINTED_AREAS, ()) for f in frames)),
        LOST_AREA_CODES: [lost for f in frames for lost in f.attrs.get(LOST_AREA_CODES, ())],
        LOST_ROWS: [lost for f in frames for lost in f.attrs.get(LOST_ROWS, ())],
        BANDS_REPORTED: frozenset().union(*(f.attrs.get(BANDS_REPORTED, ()) for f in frames)),
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
    limits: Limits | None = None,
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
    limits
        Bounds on each file and how long to wait for another writer
        (:class:`~healthgap.data.limits.Limits`; default: from the environment).

    Returns
    -------
    Workspace
        The workspace after the import.

    Raises
    ------
    InputError
        Every problem of every file and every cross-table problem (with the tables already
        in the workspace); the workspace is then left byte-identical.
    WorkspaceError
        Another import held the workspace for longer than ``limits.lock_timeout`` seconds.

    Notes
    -----
    A table imported again replaces rows with the same key and keeps the others, so years
    or areas can be added file by file. Deaths rows may be omitted where the count is zero.
    """
    limits = current_limits(limits)
    if not paths:
        raise InputError("give at least one file to import", rule="invalid_argument")
    if layout is not None:
        resolve_layout(layout)  # a bad layout is an argument error before any file is read
    new, problems = load_files(
        paths, layouts=layouts, layout=layout, progress=progress, limits=limits
    )
    folder = Path(into)
    with workspace_lock(folder, limits.lock_timeout):
        recover_workspace(folder)
        existing = open_workspace(folder) if (folder / MANIFEST).is_file() else None
        stored = _stored_tables(existing, new)
        merged = {name: _merge(stored.get(name), frame) for name, frame in new.items()}
        problems += validate_tables({**stored, **merged}, limits=limits)
        if problems:
            raise InputError(cap_problems(problems, limits.max_problems_per_rule))
        changed = {n: f for n, f in merged.items() if not _already_stored(stored.get(n), new[n])}
        if existing is not None and not changed:
            return existing  # the same data again: nothing to write
        stamp = {"imported_files": sorted(str(Path(p).name) for p in paths), **(metadata or {})}
        if existing is not None and existing.metadata.get("imported_files"):
            stamp["imported_files"] = sorted(
                {*existing.metadata["imported_files"], *stamp["imported_files"]}
            )
        # attrs (source file, rows) are for problem reports only: keep them out of Parquet.
        plain = {name: pd.DataFrame(frame, copy=False) for name, frame in changed.items()}
        for frame in plain.values():
            frame.attrs = {}
        return write_workspace(folder, plain, metadata=stamp, limits=limits)


def _stored_tables(existing: Workspace | None, new: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The stored tables the new ones must be checked with (:func:`tables_to_check`)."""
    stored: dict[str, pd.DataFrame] = {}
    if existing is None:
        return stored
    for name in tables_to_check(new, existing.tables):
        if name in KEY_COLUMNS:
            stored[name] = existing.read(name)
            stored[name].attrs = {"source": f"{existing.path}/{name}.parquet (workspace)"}
    return stored


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
    """New rows replace old rows with the same key; other old rows stay; sorted by key.

    Every row keeps the file and row it came from (``attrs`` ``source_rows`` and
    ``source_files``), so problems found in the merged table name them.
    """
    attrs = dict(new.attrs)
    name = attrs["table"]
    keys = [k for k in KEY_COLUMNS[name] if k in new.columns]
    rows = attrs.get("source_rows")
    rows = np.asarray(rows if rows is not None else np.arange(2, len(new) + 2), dtype=np.int64)
    files = attrs.get("source_files")
    files = np.asarray(files if files is not None else [attrs.get("source", name)] * len(new))
    if old is None or old.empty:
        merged = new
    else:
        kept = old.merge(new[keys].drop_duplicates(), on=keys, how="left", indicator=True)
        kept_mask = (kept["_merge"] == "left_only").to_numpy()
        merged = pd.concat([old[kept_mask], new], ignore_index=True)
        rows = np.concatenate([np.flatnonzero(kept_mask) + 2, rows])
        old_file = old.attrs.get("source", f"{name} (workspace)")
        files = np.concatenate([np.full(int(kept_mask.sum()), old_file, dtype=object), files])
    order = merged.sort_values(keys, kind="stable").index.to_numpy()
    merged = merged.loc[order].reset_index(drop=True)
    attrs["source_rows"], attrs["source_files"] = rows[order], files[order]
    merged.attrs = attrs
    return merged


def _comparable(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Columns in one form whatever the storage (categories, int16, object): keys and text
    as strings, numbers as floats."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric and column not in keys:
            out[column] = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            out[column] = values.astype(object).where(values.notna(), "").astype(str).to_numpy()
    return pd.DataFrame(out)


def _already_stored(old: pd.DataFrame | None, new: pd.DataFrame) -> bool:
    """Whether every row of ``new`` is stored in ``old`` with the same key and values."""
    if old is None or len(new) > len(old) or not set(new.columns) <= set(old.columns):
        return False
    keys = [k for k in KEY_COLUMNS[new.attrs["table"]] if k in new.columns]
    values = [c for c in new.columns if c not in keys]
    joined = _comparable(new, keys).merge(
        _comparable(old[list(new.columns)], keys),
        on=keys,
        how="left",
        suffixes=("", "__stored"),
        indicator=True,
    )
    if len(joined) != len(new) or (joined["_merge"] != "both").any():
        return False
    for column in values:
        mine, theirs = joined[column], joined[f"{column}__stored"]
        same = (mine == theirs) | (mine.isna() & theirs.isna())
        if not same.all():
            return False
    return True
