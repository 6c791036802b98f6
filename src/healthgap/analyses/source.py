"""What a use case reads: a *source* of workspace tables, whichever interface holds them.

:class:`Source` is the small protocol every use case takes. :class:`WorkspaceSource` is the
one for a workspace folder (the CLI and Python users); the web app implements the same
protocol over the per-level tables it prepares once (``healthgap.web.source``). A source
only hands out stored rows: which rows a question needs, and how they are summed and pooled,
is decided by the use case and the core, once for every interface.

>>> import tempfile, pandas as pd
>>> from healthgap.data import write_workspace
>>> folder = tempfile.mkdtemp() + "/ws"
>>> _ = write_workspace(folder, {"areas": pd.DataFrame({"area_code": ["E1"], "level": ["la"]})})
>>> source = WorkspaceSource.open(folder)
>>> source.areas()["area_code"].tolist(), source.is_synthetic
(['E1'], False)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from healthgap.data import Workspace, open_workspace, select_period
from healthgap.errors import InputError, Problem, WorkspaceError
from healthgap.periods import Period

__all__ = ["REQUIRED_COLUMNS", "Source", "WorkspaceSource", "rows_in"]

#: Columns each table must have for the use cases to read it, and which must be numbers.
REQUIRED_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "areas": (("area_code", "level"), ()),
    "population": (("area_code", "period", "sex", "age_start", "person_years"), ("person_years",)),
    "deaths": (("area_code", "period", "sex", "age_start", "cause", "deaths"), ("deaths",)),
    "good_health": (
        ("area_code", "period", "sex", "age_start", "prevalence", "respondents"),
        ("prevalence", "respondents"),
    ),
}


@runtime_checkable
class Source(Protocol):
    """The tables of one workspace, as a use case reads them."""

    @property
    def name(self) -> str:
        """What the source is, for provenance (a folder or the served workspace's name)."""
        ...

    @property
    def is_synthetic(self) -> bool:
        """True when the data are the SYNTHETIC demo (every output then says so)."""
        ...

    def hashes(self) -> Mapping[str, str]:
        """Content hash of every table (provenance)."""
        ...

    def has(self, table: str) -> bool: ...

    def areas(self) -> pd.DataFrame:
        """The areas table (codes, names, levels, parents, deprivation scores)."""
        ...

    def periods(self, table: str) -> list[str]:
        """The period labels ``table`` holds."""
        ...

    def read(
        self, table: str, area_codes: Sequence[str] | None, period: Period | None
    ) -> pd.DataFrame:
        """Stored rows of ``table`` for ``area_codes`` (every area when None) in ``period``
        (every period when None; pooled from single years with
        :func:`healthgap.data.select_period` when the label is not stored)."""
        ...


def rows_in(column: pd.Series, values: Sequence[str]) -> np.ndarray:
    """Mask of the rows whose ``column`` is one of ``values``; fast for categorical columns
    (each category is looked up once instead of millions of strings)."""
    wanted = pd.Index(pd.unique(np.asarray(list(map(str, values)), dtype=object)))
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = wanted.get_indexer(column.cat.categories.astype(str)) >= 0
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, hit[np.maximum(codes, 0)], False)
    return column.astype(str).isin(wanted).to_numpy()


def check_columns(frame: pd.DataFrame, table: str, where: str) -> None:
    """Refuse a table without the columns (or with text in the counts) use cases need."""
    required, numeric = REQUIRED_COLUMNS.get(table, ((), ()))
    problems = [
        Problem(where, None, column, "missing_column", f"the {table} table has no {column!r}")
        for column in required
        if column not in frame.columns
    ]
    problems += [
        Problem(where, None, column, "not_a_number", f"{table}.{column} holds text, not numbers")
        for column in numeric
        if column in frame.columns and not pd.api.types.is_numeric_dtype(frame[column])
    ]
    if problems:
        raise InputError(problems)


class WorkspaceSource:
    """A workspace folder as a :class:`Source`; each table is read once and kept."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._tables: dict[str, pd.DataFrame] = {}
        self._labels: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | os.PathLike[str] | Workspace) -> WorkspaceSource:
        return cls(path if isinstance(path, Workspace) else open_workspace(path))

    @property
    def name(self) -> str:
        return str(self.workspace.path)

    @property
    def is_synthetic(self) -> bool:
        return self.workspace.is_synthetic

    def hashes(self) -> Mapping[str, str]:
        return self.workspace.hashes()

    def has(self, table: str) -> bool:
        return self.workspace.has(table)

    def table(self, table: str) -> pd.DataFrame:
        """The whole table, checked for the columns use cases need."""
        with self._lock:
            if table not in self._tables:
                frame = self.workspace.read(table)
                check_columns(frame, table, f"{self.workspace.path}/{table}")
                self._tables[table] = frame
            return self._tables[table]

    def areas(self) -> pd.DataFrame:
        return self.table("areas")

    def periods(self, table: str) -> list[str]:
        if table not in self._labels:
            # unique() first: millions of rows hold a few labels (fast for categoricals)
            self._labels[table] = sorted({str(p) for p in self.table(table)["period"].unique()})
        return list(self._labels[table])

    def read(
        self, table: str, area_codes: Sequence[str] | None, period: Period | None
    ) -> pd.DataFrame:
        if not self.has(table):
            raise WorkspaceError(
                f"workspace {self.workspace.path} has no {table} table "
                f"(it has: {', '.join(self.workspace.tables)})"
            )
        rows = self.table(table)
        if area_codes is not None:
            rows = rows[rows_in(rows["area_code"], area_codes)]
        if period is None:
            return rows
        return select_period(rows, period, available=self.periods(table))
