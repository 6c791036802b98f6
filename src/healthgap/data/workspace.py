"""A workspace: a folder of Parquet tables plus a manifest with a content hash per table.

Later capabilities (measures, explain, plan, the web app) read workspaces. Writing is
all-or-nothing: a new version is written to a temporary sibling folder and swapped in
by renaming, so a failed import leaves the workspace byte-identical.

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
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from healthgap.errors import WorkspaceError

__all__ = ["MANIFEST", "Workspace", "open_workspace", "table_hash", "write_workspace"]

MANIFEST = "manifest.json"
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


def open_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Open an existing workspace folder."""
    folder = Path(path)
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise WorkspaceError(f"{folder} is not a healthgap workspace (no {MANIFEST})")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise WorkspaceError(f"{manifest_file} is damaged: {exc}") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise WorkspaceError(
            f"{folder} was written in workspace format {manifest.get('format_version')}; "
            f"this healthgap reads format {FORMAT_VERSION}"
        )
    return Workspace(folder, manifest)


def write_workspace(
    path: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    *,
    metadata: Mapping[str, Any] | None = None,
    replace: bool = True,
) -> Workspace:
    """Write ``tables`` as a workspace at ``path``, atomically.

    Tables already in an existing workspace and not named in ``tables`` are kept
    (``replace=True`` replaces only the named ones). If every named table has the
    same content hash as the stored one and the metadata is unchanged, nothing is
    written at all (re-importing the same data is a no-op).
    """
    folder = Path(path)
    existing = open_workspace(folder) if (folder / MANIFEST).is_file() else None
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

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
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
        manifest = {
            "format_version": FORMAT_VERSION,
            "tables": dict(sorted(entries.items())),
            "metadata": merged_metadata,
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return open_workspace(folder)


def _swap_in(staging: Path, folder: Path) -> None:
    """Replace ``folder`` by ``staging`` with renames, so readers never see half a workspace."""
    if not folder.exists():
        staging.rename(folder)
        return
    retired = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    folder.rename(retired)
    try:
        staging.rename(folder)
    except BaseException:
        retired.rename(folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)
