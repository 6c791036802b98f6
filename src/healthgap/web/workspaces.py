"""The workspace the app serves: registered in the database, opened lazily, read-only.

Measures are not stored: each page asks the core to compute them from the workspace tables,
and the results for an area are cached in memory (keyed by the workspace's content hashes),
so a second view of the same area costs a dictionary look-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.data.workspace import Workspace, open_workspace
from healthgap.errors import WorkspaceError
from healthgap.store import Database, register_workspace

__all__ = ["WorkspaceService"]


class WorkspaceService:
    """One served workspace (or none: the pages then say how to provide one)."""

    def __init__(self, database: Database, path: Path | None, name: str) -> None:
        self.path = path
        self.name = name
        self.workspace_id: int | None = None
        self._workspace: Workspace | None = None
        self._lock = threading.Lock()
        self._tables: dict[tuple[str, str], pd.DataFrame] = {}
        self._results: dict[tuple[object, ...], Any] = {}
        if path is not None:
            self._workspace = open_workspace(path)
            with database.unit_of_work() as session:
                entry = register_workspace(
                    session,
                    name=name,
                    path=str(Path(path).resolve()),
                    is_synthetic=self._workspace.is_synthetic,
                )
                self.workspace_id = entry.id

    @property
    def available(self) -> bool:
        return self._workspace is not None

    def summary(self) -> dict[str, Any]:
        if self._workspace is None:
            return {"available": False, "name": self.name, "synthetic": False}
        return {
            "available": True,
            "name": self.name,
            "synthetic": self._workspace.is_synthetic,
            "tables": self._workspace.tables,
        }

    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise WorkspaceError(
                "no workspace is being served; start with `healthgap serve --workspace FOLDER`"
            )
        return self._workspace

    def reload(self) -> None:
        """Re-open the workspace after it was rewritten (e.g. by an upload)."""
        if self.path is not None:
            with self._lock:
                self._workspace = open_workspace(self.path)

    def table(self, name: str) -> pd.DataFrame:
        """A workspace table, read once and then kept (tables are treated as immutable)."""
        workspace = self.workspace()
        # The content hash is part of the key so that a rewritten workspace is read afresh.
        key = (name, workspace.hashes().get(name, ""))
        with self._lock:
            if key not in self._tables:
                self._tables[key] = workspace.read(name)
            return self._tables[key]

    def memo(self, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key and workspace content; callers must not mutate it.

        The key includes the workspace's content hashes, so an upload invalidates it.
        """
        full_key = (*key, tuple(sorted(self.workspace().hashes().items())))
        with self._lock:
            if full_key in self._results:
                return self._results[full_key]
        value = compute()  # outside the lock: a slow page must not block the others
        with self._lock:
            if len(self._results) > 256:  # bounded: forget everything, recompute on demand
                self._results.clear()
            self._results[full_key] = value
        return value

    def areas(self) -> pd.DataFrame:
        return self.table("areas")

    def area(self, area_code: str) -> dict[str, Any] | None:
        areas = self.areas()
        rows = areas[areas["area_code"] == area_code]
        return None if rows.empty else rows.iloc[0].to_dict()

    def children(self, area_code: str) -> pd.DataFrame:
        """Areas one or more levels below ``area_code`` (any ``parent_<level>`` equals it)."""
        areas = self.areas()
        parent_columns = [c for c in areas.columns if c.startswith("parent_")]
        if not parent_columns:
            return areas.iloc[0:0]
        mask = areas[parent_columns].eq(area_code).any(axis=1)
        return areas[mask]
