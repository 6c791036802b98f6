"""A workspace: a folder of Parquet tables plus a manifest with a content hash per table.

Later capabilities (measures, explain, plan, the web app) read workspaces. Writing is
all-or-nothing and serialised: under an exclusive lock per workspace, a new version is
written to a staging sibling folder and swapped in by renaming, so a failed import leaves
the workspace byte-identical and two imports never lose each other's tables. A swap that a
crash interrupted is finished or rolled back the next time the workspace is opened or
written (see :mod:`healthgap.data.workspace_swap`).

>>> import tempfile, pandas as pd
>>> folder = tempfile.mkdtemp()
>>> ws = write_workspace(folder + "/ws", {"areas": pd.DataFrame({"area_code": ["E1"]})},
...                      metadata={"label": "example"})
>>> open_workspace(folder + "/ws").read("areas")["area_code"].tolist()
['E1']
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from healthgap.data.limits import Limits, current_limits
from healthgap.data.workspace_swap import (
    MANIFEST,
    fault_point,
    has_leftovers,
    new_staging,
    recover_workspace,
    swap_in,
    workspace_lock,
)
from healthgap.errors import WorkspaceError

__all__ = ["MANIFEST", "Workspace", "open_workspace", "table_hash", "write_workspace"]

FORMAT_VERSION = 1


def table_hash(frame: pd.DataFrame) -> str:
    """A content hash of a table: same columns, dtypes and values give the same hash,
    whatever the index."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass
class Workspace:
    """An opened workspace folder. Tables are read lazily with :meth:`read`."""

    path: Path
    manifest: dict[str, Any] = field(repr=False)

    @property
    def tables(self) -> list[str]:
        return sorted(self.manifest["tables"])

    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self.manifest.get("metadata", {}))

    @property
    def is_synthetic(self) -> bool:
        return bool(self.metadata.get("synthetic", False))

    def has(self, name: str) -> bool:
        return name in self.manifest["tables"]

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        if not self.has(name):
            raise WorkspaceError(
                f"workspace {self.path} has no table {name!r} (it has: {', '.join(self.tables)})"
            )
        file = self.path / self.manifest["tables"][name]["file"]
        return pq.read_table(file, columns=columns).to_pandas()

    def hashes(self) -> dict[str, str]:
        return {name: info["hash"] for name, info in self.manifest["tables"].items()}


def open_workspace(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Workspace:
    """Open an existing workspace folder.

    If a crash interrupted a write, the swap is first finished or rolled back and stale
    staging folders are deleted (under the workspace lock; a reader waits at most
    ``limits.lock_timeout`` seconds for a live writer to finish its swap).
    """
    folder = Path(path)
    if has_leftovers(folder):
        whole = (folder / MANIFEST).is_file()
        # A whole workspace with a live writer beside it opens at once; a missing one waits
        # for the writer's swap (or recovers a crashed one).
        timeout = 0.0 if whole else current_limits(limits).lock_timeout
        try:
            with workspace_lock(folder, timeout):
                recover_workspace(folder)
        except WorkspaceError:
            if not whole:
                raise
    return _read_manifest(folder)


def _read_manifest(folder: Path) -> Workspace:
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise WorkspaceError(f"{folder} is not a healthgap workspace (no {MANIFEST})")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{manifest_file} is damaged: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        version = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise WorkspaceError(
            f"{folder} was written in workspace format {version}; "
            f"this healthgap reads format {FORMAT_VERSION}"
        )
    return Workspace(folder, manifest)


def write_workspace(
    path: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    *,
    metadata: Mapping[str, Any] | None = None,
    replace: bool = True,
    limits: Limits | None = None,
) -> Workspace:
    """Write ``tables`` as a workspace at ``path``, atomically, holding its write lock.

    Tables already in an existing workspace and not named in ``tables`` are kept
    (``replace=True`` replaces only the named ones). If every named table has the
    same content hash as the stored one and the metadata is unchanged, nothing is
    written at all (re-importing the same data is a no-op). A second writer waits up to
    ``limits.lock_timeout`` seconds, then raises :class:`WorkspaceError`.
    """
    folder = Path(path)
    with workspace_lock(folder, current_limits(limits).lock_timeout):
        recover_workspace(folder)
        existing = _read_manifest(folder) if (folder / MANIFEST).is_file() else None
        return _write_locked(folder, existing, tables, metadata, replace)


def _write_locked(
    folder: Path,
    existing: Workspace | None,
    tables: Mapping[str, pd.DataFrame],
    metadata: Mapping[str, Any] | None,
    replace: bool,
) -> Workspace:
    new_hashes = {name: table_hash(frame) for name, frame in tables.items()}
    merged_metadata = {**(existing.metadata if existing else {}), **(metadata or {})}
    if existing is not None:
        old = existing.hashes()
        same_tables = all(old.get(n) == h for n, h in new_hashes.items())
        if same_tables and merged_metadata == existing.metadata:
            return existing
        if not replace and any(n in old for n in new_hashes):
            raise WorkspaceError(
                f"{folder} already has tables {sorted(set(old) & set(new_hashes))}"
            )
    staging = new_staging(folder)
    try:
        entries: dict[str, dict[str, Any]] = {}
        if existing is not None:
            for name, info in existing.manifest["tables"].items():
                if name not in tables:
                    shutil.copy2(existing.path / info["file"], staging / info["file"])
                    entries[name] = info
        for name, frame in tables.items():
            file = f"{name}.parquet"
            arrow = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
            pq.write_table(arrow, staging / file, compression="zstd")
            entries[name] = {"file": file, "rows": int(len(frame)), "hash": new_hashes[name]}
            fault_point("table_written")
        manifest = {
            "format_version": FORMAT_VERSION,
            "tables": dict(sorted(entries.items())),
            "metadata": merged_metadata,
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _read_manifest(folder)
