"""The workspace the app serves: registered in the database, opened lazily, read-only.

Measures are not stored: each page asks the core to compute them from the workspace tables,
and the results for an area are cached in memory (keyed by the workspace's content hashes),
so a second view of the same area costs a dictionary look-up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.data.levels import AreaRows
from healthgap.data.prepared import COUNT_TABLES, content_key
from healthgap.data.workspace import MANIFEST, Workspace, open_workspace
from healthgap.errors import WorkspaceError
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database, register_workspace
from healthgap.web.page_results import (
    ANSWER_BY,
    PAGE_WAIT_SECONDS,
    PageNotReadyError,
    PageResults,
    WorkspaceNotReadyError,
    wait_budget,
)
from healthgap.web.preparation import load_extras, prepare_in_child

__all__ = ["PageNotReadyError", "WorkspaceNotReadyError", "WorkspaceService"]

log = logging.getLogger("healthgap.web")


#: The tables every page about areas reads (its results stay valid across other uploads).
AREA_TABLES = ("areas", *COUNT_TABLES)


class WorkspaceService:
    """One served workspace (or none: the pages then say how to provide one)."""

    def __init__(
        self,
        database: Database | None,
        path: Path | None,
        name: str,
        cache_dir: Path | None = None,
        background: bool = True,
        in_child: bool = False,
    ) -> None:
        self.path = path
        self.name = name
        self.cache_dir = cache_dir
        self.background = background
        self.in_child = in_child  # prepare in a child process (healthgap.web.preparation)
        #: What the preparation computed besides the tables (the Plan baseline, profiles).
        self.extras: dict[str, Any] = {}
        self._build_lock = threading.Lock()  # one synchronous build at a time
        self.workspace_id: int | None = None
        self._workspace: Workspace | None = None
        self._lock = threading.Lock()
        self._tables: dict[tuple[str, str], pd.DataFrame] = {}
        self._results = PageResults()
        self._rows: tuple[str, AreaRows] | None = None
        self._building: str | None = None
        self._built = threading.Condition(self._lock)
        self._stage = ("waiting", 0, 1)
        self._warmers: list[Callable[[], None]] = []
        self._seeders: list[Callable[[], None]] = []
        self._failed: tuple[str, Exception] | None = None
        self._stamp: int | None = None
        if path is not None:
            self._stamp = self._manifest_stamp()
            self._workspace = open_workspace(path)
        if path is not None and database is not None:
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

    def _manifest_stamp(self) -> int | None:
        try:
            return (Path(self.path) / MANIFEST).stat().st_mtime_ns  # type: ignore[arg-type]
        except OSError:
            return None

    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise WorkspaceError(
                "no workspace is being served; start with `healthgap serve --workspace FOLDER`"
            )
        # Another server process may have imported data into the folder: a changed manifest
        # means a changed workspace (a stat per call; caches are keyed by content hashes).
        if self._manifest_stamp() != self._stamp:
            self.reload()
        return self._workspace

    def reload(self) -> None:
        """Re-open the workspace after it was rewritten (e.g. by an upload)."""
        if self.path is not None:
            with self._lock:
                self._stamp = self._manifest_stamp()
                self._workspace = open_workspace(self.path)

    def table(self, name: str) -> pd.DataFrame:
        """A workspace table, read once and then kept (tables are treated as immutable)."""
        workspace = self.workspace()
        # The content hash is part of the key so that a rewritten workspace is read afresh.
        key = (name, workspace.hashes().get(name, ""))
        with self._lock:
            if key in self._tables:
                return self._tables[key]
        # Read outside the lock: population and deaths take seconds to read, and every page
        # (the "preparing" page included) takes this lock briefly.
        frame = workspace.read(name)
        with self._lock:
            return self._tables.setdefault(key, frame)

    def _memo_key(self, key: tuple[object, ...], tables: Iterable[str] | None) -> tuple:
        hashes = self.workspace().hashes()
        named = hashes if tables is None else {t: hashes.get(t, "") for t in tables}
        return (*key, tuple(sorted(named.items())))

    def memo(
        self,
        key: tuple[object, ...],
        compute: Callable[[], Any],
        tables: Iterable[str] | None = None,
    ) -> Any:
        """``compute()`` once per key and workspace content; callers must not mutate it.

        The key includes the content hashes of ``tables`` (default: every table), so an
        upload of one of them invalidates it. A result bundle kept across an upload of
        another table is returned with its provenance naming the current tables. A page
        request of a serving app waits for a slow computation only until its answer is due
        (:meth:`~healthgap.web.page_results.PageResults.get`).
        """
        full_key = self._memo_key(key, tables)
        reads_counts = tables is not None and any(name in COUNT_TABLES for name in tables)
        if self.background and ANSWER_BY.get() is not None and reads_counts and self.has_counts():
            self.area_rows()  # while the workspace is prepared, the "preparing" page
        return self._current(self._results.get(full_key, compute, detach=self.background))

    def _content_key(self) -> str:
        return content_key(self.workspace().hashes())

    def has_counts(self) -> bool:
        workspace = self.workspace()
        return all(workspace.has(name) for name in COUNT_TABLES)

    def after_warm(self, warm: Callable[[], None]) -> None:
        """Run ``warm()`` in the background thread once the summed tables are ready (e.g.
        the Plan page's baseline), so that the first visitor does not pay for it."""
        self._warmers.append(warm)

    def after_load(self, seed: Callable[[], None]) -> None:
        """Run ``seed()`` once the prepared tables are read and before pages may use them
        (to hand the preparation's :attr:`extras` to the caches that need them)."""
        self._seeders.append(seed)

    def start_warming(self) -> None:
        """Prepare the summed tables in a background thread (no-op when ready or started)."""
        if not self.background or self._workspace is None or not self.has_counts():
            return
        key = self._content_key()
        with self._lock:
            if (self._rows is not None and self._rows[0] == key) or self._building == key:
                return
            self._building = key
        threading.Thread(target=self._warm, args=(key,), name="healthgap-warm", daemon=True).start()

    def _warm(self, key: str) -> None:
        total = len(COUNT_TABLES) + 2 + len(self._warmers)

        def stage(text: str, done: int) -> None:
            with self._lock:
                self._stage = (text, done, total)

        try:
            rows = self._load_or_build(key, stage)
            for seed in self._seeders:  # what the preparation computed, before any page asks
                seed()
            with self._lock:
                self._rows = (key, rows)
            stage("warming the page caches", total - len(self._warmers))
            for warm in self._warmers:
                try:
                    warm()
                except WorkspaceNotReadyError:  # a visitor is computing it already: fine
                    continue
        except Exception as error:  # noqa: BLE001 - shown on the next page, which retries
            log.exception("preparing the workspace failed")
            with self._lock:
                self._failed = (key, error)
        finally:
            with self._lock:
                if self._building == key:
                    self._building = None
                self._built.notify_all()

    def _load_or_build(self, key: str, stage: Callable[[str, int], None]) -> AreaRows:
        folder = None if self.cache_dir is None else self.cache_dir / "derived" / key[:32]
        if folder is not None and not folder.is_dir() and self.in_child and self.path:
            prepare_in_child(self.path, self.name, folder, key, stage)
        if folder is not None and folder.is_dir():
            stage("reading the prepared tables", 1)
            rows = AreaRows.load(folder, COUNT_TABLES)
            if rows is not None:
                self.extras = load_extras(folder)
                return rows
        rows = self.build_rows(key, stage)
        if folder is not None:
            stage("keeping the prepared tables for the next start", len(COUNT_TABLES) + 1)
            try:
                rows.save(folder)
            except OSError:
                log.warning("could not keep the prepared tables in %s", folder)
        return rows

    def build_rows(self, key: str, stage: Callable[[str, int], None]) -> AreaRows:
        """Sum the workspace's population and deaths to every level, here and now (and keep
        them as the served rows)."""
        stage("reading the workspace", 0)
        tables = {name: self.table(name) for name in COUNT_TABLES}
        done = iter(range(1, len(COUNT_TABLES) + 1))
        rows = AreaRows.build(self.areas(), tables, progress=lambda text: stage(text, next(done)))
        with self._lock:
            self._rows = (key, rows)
        return rows

    def seed(
        self, key: tuple[object, ...], value: Any, tables: Iterable[str] | None = None
    ) -> None:
        """Keep ``value`` as :meth:`memo`'s result for ``key`` (computed elsewhere, e.g. by
        the preparation)."""
        self._results.put(self._memo_key(key, tables), value)

    def _current(self, value: Any) -> Any:
        """A kept result bundle with its provenance naming the tables as they are now."""
        if isinstance(value, ResultBundle):
            hashes = dict(self.workspace().hashes())
            if dict(value.provenance.hashes) != hashes:
                provenance = replace(value.provenance, hashes=hashes)
                return replace(value, provenance=provenance)
        return value

    def area_rows(self, wait: float = PAGE_WAIT_SECONDS) -> AreaRows:
        """The population and deaths of every area at every level (:mod:`healthgap.data.levels`).

        Starts preparing them if needed and waits up to ``wait`` seconds; raises
        :class:`WorkspaceNotReadyError` (shown as a "preparing" page) when they are not ready.
        """
        if not self.has_counts():
            missing = [n for n in COUNT_TABLES if not self.workspace().has(n)]
            raise WorkspaceError(f"the workspace has no {' or '.join(missing)} table")
        key = self._content_key()
        if not self.background:
            return self._build_here(key)
        self.start_warming()
        deadline = time.monotonic() + wait_budget(wait)
        with self._lock:
            while self._rows is None or self._rows[0] != key:
                if self._failed is not None and self._failed[0] == key:
                    error, self._failed = self._failed[1], None  # the next request retries
                    raise error
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._building != key:
                    raise WorkspaceNotReadyError(*self._stage)
                self._built.wait(remaining)
            return self._rows[1]

    def prepared_rows(self) -> AreaRows | None:
        """The summed tables if they are ready for the current content (never waits)."""
        if self._workspace is None or not self.has_counts():
            return None
        key = self._content_key()
        with self._lock:
            return self._rows[1] if self._rows is not None and self._rows[0] == key else None

    def _build_here(self, key: str) -> AreaRows:
        """Without a background thread: the first caller builds, later ones reuse."""
        with self._build_lock:
            with self._lock:
                if self._rows is not None and self._rows[0] == key:
                    return self._rows[1]
            rows = self._load_or_build(key, lambda _text, _done: None)
            with self._lock:
                self._rows = (key, rows)
            return rows

    def rows(self, name: str, area_codes: Iterable[str], period: str | None = None) -> pd.DataFrame:
        """Rows of ``name`` (population or deaths) for areas at any level (own or summed),
        of one period when given (pooled from single years for a range label)."""
        return self.area_rows().select(name, area_codes, period)

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
