"""A workspace folder as a :class:`~healthgap.analyses.source.Source` answered from its
prepared per-level tables.

:class:`~healthgap.analyses.source.WorkspaceSource` hands out the stored rows: a question
about England then sums 33,800 small areas, period by period, in every use case that
compares with it. :class:`PreparedSource` answers reads of population and deaths by area
from the tables summed to every level once per workspace content
(:func:`healthgap.data.prepared.prepared_rows`, kept in ``<workspace>/.prepared/``), as the
web app's ``ServedSource`` does, so England's rows are a slice of a sorted table. Every
other read (every area at once, other tables) goes to the stored rows. The use cases get
the same rows either way, so their results are the same to the byte.

>>> import tempfile
>>> from healthgap.data import write_workspace
>>> areas = pd.DataFrame({"area_code": ["L", "S1", "S2"], "level": ["la", "lsoa", "lsoa"],
...                       "parent_la": [None, "L", "L"]})
>>> pop = pd.DataFrame({"area_code": ["S1", "S2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10, 5]})
>>> deaths = pop.rename(columns={"person_years": "deaths"}).assign(cause="all", deaths=1)
>>> folder = tempfile.mkdtemp() + "/ws"
>>> _ = write_workspace(folder, {"areas": areas, "population": pop, "deaths": deaths})
>>> source = PreparedSource.open(folder)
>>> source.read("population", ["L"], None)["person_years"].tolist()
[15]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from healthgap.analyses.source import WorkspaceSource
from healthgap.data.aggregate import stored_labels
from healthgap.data.levels import AreaRows
from healthgap.data.prepared import COUNT_TABLES, prepared_folder, prepared_rows
from healthgap.data.workspace import Workspace
from healthgap.periods import Period

__all__ = ["PreparedSource"]


class PreparedSource:
    """A workspace's tables, with reads by area of the counts served from its prepared
    per-level tables (prepared on the first such read when they are not kept yet)."""

    def __init__(
        self, stored: WorkspaceSource, progress: Callable[[str], None] | None = None
    ) -> None:
        self.stored = stored
        self.progress = progress
        self._rows: AreaRows | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | Workspace,
        progress: Callable[[str], None] | None = None,
    ) -> PreparedSource:
        return cls(WorkspaceSource.open(path), progress)

    @property
    def workspace(self) -> Workspace:
        return self.stored.workspace

    @property
    def name(self) -> str:
        return self.stored.name

    @property
    def is_synthetic(self) -> bool:
        return self.stored.is_synthetic

    def hashes(self) -> Mapping[str, str]:
        return self.stored.hashes()

    def has(self, table: str) -> bool:
        return self.stored.has(table)

    def areas(self) -> pd.DataFrame:
        return self.stored.areas()

    @property
    def folder(self) -> Path:
        """Where the workspace keeps its prepared tables."""
        return prepared_folder(self.workspace)

    def results_folder(self) -> Path | None:
        """Where results shared by every area (the classification of every area by a rule,
        the plan's national baseline) are kept: beside the prepared tables, once they are
        kept (:func:`~healthgap.analyses.kept_results.kept_result`)."""
        folder = self.folder
        return folder if folder.is_dir() else None

    def is_prepared(self) -> bool:
        """True when the prepared tables of the current content are kept (or read here), or
        the workspace has no counts to prepare."""
        return self._rows is not None or not self._served("deaths") or self.folder.is_dir()

    def warm(self) -> None:
        """Read (or prepare) the per-level tables now, when the workspace has counts."""
        if self._served("deaths"):
            self.prepared()

    def prepared(self) -> AreaRows:
        """The per-level tables (read from the workspace's kept ones, or summed now)."""
        with self._lock:
            if self._rows is None:
                self._rows = prepared_rows(self.workspace, self.stored.table, self.progress)
            return self._rows

    def _served(self, table: str) -> bool:
        return table in COUNT_TABLES and all(self.has(name) for name in COUNT_TABLES)

    def periods(self, table: str) -> list[str]:
        if self._served(table):  # no need to read the stored national table for its labels
            return self.prepared().periods(table)
        return self.stored.periods(table)

    def read(
        self, table: str, area_codes: Sequence[str] | None, period: Period | None
    ) -> pd.DataFrame:
        if area_codes is None or not self._served(table):
            return self.stored.read(table, area_codes, period)
        if period is not None:  # the same problem as the stored rows give for a missing year
            stored_labels(period, self.periods(table))
        return self.prepared().select(table, area_codes, period)
