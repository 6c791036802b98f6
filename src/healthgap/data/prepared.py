"""A workspace's per-level tables, prepared once per content and kept inside the workspace.

Every question about a local authority compares it with England, and England is the sum of
33,800 small areas: summed and pooled afresh, each question over a national workspace
takes tens of seconds. :func:`prepared_rows` sums the population and deaths to every level
once (:class:`~healthgap.data.levels.AreaRows`) and keeps them in
``<workspace>/.prepared/<content key>/`` (:mod:`healthgap.data.level_files`), where the
next process (the next ``healthgap report``, a worker of ``healthgap report all``, the web
app's first start) opens them in a fraction of a second and reads only the rows it asks for.

Safe to share: the tables are written in a temporary folder beside the final one and
renamed into place in one step, so a reader finds either the whole folder or none; a
lock file makes a second process wait for the first one's tables instead of summing them
again. The folder name is the content key of the areas, population and deaths tables
(:func:`content_key`), so a changed workspace is never answered from old tables, and a
workspace write (which swaps in a new folder holding only the tables) leaves the old
prepared tables behind with the old folder. The manifest's content hashes do not see the
folder. A workspace that cannot be written to (a read-only share) is prepared in memory
only, each time.

>>> import tempfile
>>> from healthgap.data.workspace import write_workspace
>>> areas = pd.DataFrame({"area_code": ["L", "S1", "S2"], "level": ["la", "lsoa", "lsoa"],
...                       "parent_la": [None, "L", "L"]})
>>> pop = pd.DataFrame({"area_code": ["S1", "S2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10, 5]})
>>> deaths = pop.rename(columns={"person_years": "deaths"}).assign(cause="all", deaths=1)
>>> ws = write_workspace(tempfile.mkdtemp() + "/ws",
...                      {"areas": areas, "population": pop, "deaths": deaths})
>>> prepared_rows(ws).select("population", ["L"])["person_years"].tolist()
[15]
>>> prepared_folder(ws).is_dir(), load_prepared(ws) is not None
(True, True)
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import filelock
import pandas as pd

from healthgap.data.level_files import LEVEL_FILE_FORMAT
from healthgap.data.levels import AreaRows
from healthgap.data.workspace import Workspace

__all__ = [
    "COUNT_TABLES",
    "PREPARED_FOLDER",
    "content_key",
    "load_prepared",
    "prepared_folder",
    "prepared_rows",
]

log = logging.getLogger("healthgap.data")

#: The tables summed to every level (the counts every measure of an area reads).
COUNT_TABLES = ("population", "deaths")
#: The folder, inside a workspace, holding its prepared tables (one sub-folder per content).
PREPARED_FOLDER = ".prepared"


def content_key(hashes: Mapping[str, str]) -> str:
    """The key of the prepared tables: SHA-256 of the areas, population and deaths hashes
    and the kept files' format (a new format never tries to read old files)."""
    names = ("areas", *COUNT_TABLES)
    text = "|".join([*(hashes.get(n, "") for n in names), LEVEL_FILE_FORMAT])
    return hashlib.sha256(text.encode()).hexdigest()


def prepared_folder(workspace: Workspace) -> Path:
    """Where the prepared tables of ``workspace``'s current content are kept."""
    return Path(workspace.path) / PREPARED_FOLDER / content_key(workspace.hashes())[:32]


def load_prepared(workspace: Workspace) -> AreaRows | None:
    """The kept tables of ``workspace``'s current content, or None when there are none."""
    folder = prepared_folder(workspace)
    return AreaRows.load(folder, COUNT_TABLES) if folder.is_dir() else None


def prepared_rows(
    workspace: Workspace,
    read: Callable[[str], pd.DataFrame] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AreaRows:
    """The population and deaths of every area at every level: the kept tables, or summed
    now (from ``read(name)``, default :meth:`Workspace.read`) and kept for the next time."""
    kept = load_prepared(workspace)
    if kept is not None:
        return kept
    folder = prepared_folder(workspace)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        lock: filelock.BaseFileLock | None = filelock.FileLock(
            folder.parent / f".{folder.name}.lock"
        )
    except OSError:  # a read-only workspace: sum in memory, keep nothing
        lock = None
    if lock is None:
        return _build(workspace, read, progress)
    with lock:  # a second process waits for the first one's tables
        kept = load_prepared(workspace)
        if kept is not None:
            return kept
        rows = _build(workspace, read, progress)
        if progress is not None:
            progress("keeping the prepared tables for the next time")
        _keep(rows, folder)
        return rows


def _build(
    workspace: Workspace,
    read: Callable[[str], pd.DataFrame] | None,
    progress: Callable[[str], None] | None,
) -> AreaRows:
    reader = read or workspace.read
    tables = {name: reader(name) for name in COUNT_TABLES}
    return AreaRows.build(reader("areas"), tables, progress=progress)


def _keep(rows: AreaRows, folder: Path) -> None:
    """Write ``rows`` beside ``folder`` and rename the whole into place (never half)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as error:
        log.warning("could not keep the prepared tables in %s: %s", folder, error)
        return
    try:
        rows.save(staging / "tables")
        (staging / "tables").rename(folder)
    except OSError as error:  # a full disk; or another process put them there first
        if not folder.is_dir():
            log.warning("could not keep the prepared tables in %s: %s", folder, error)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
