"""Serialised, recoverable workspace writes: a lock per workspace, a two-rename swap, and
recovery of a swap that a crash interrupted.

A workspace folder ``ws`` has siblings that only this module creates:

``.ws.lock``
    the lock file (:mod:`filelock`, an OS-level lock released when the process dies).
    Every writer holds it from reading the stored tables to the end of the swap, so two
    imports can never both start from the same old version and lose each other's data.
``.ws.staging-*``
    the new version being written. Complete only once the swap starts.
``.ws.old``
    the old version, between the two renames of the swap: ``ws -> .ws.old``, then
    ``.ws.staging-* -> ws``, then ``.ws.old`` is deleted.

A process killed at any moment leaves one of these states, all of which
:func:`recover_workspace` (run, under the lock, before every write and whenever a reader
finds the folder missing or damaged) turns back into a whole workspace holding either
the old or the new version, never a mix:

* ``ws`` valid, ``.ws.old`` present: the swap completed; ``.ws.old`` is deleted.
* ``ws`` absent or without manifest, ``.ws.old`` valid: killed between the renames; the
  swap is rolled back (``.ws.old -> ws``).
* ``.ws.staging-*`` present: an import was killed before its swap; the folder is deleted
  (with the lock held, no live writer can own it).

Folders left by earlier healthgap versions (``.ws.old-<pid>``, ``.ws.<8 random chars>``)
are recognised too.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import filelock

from healthgap.errors import WorkspaceError

__all__ = [
    "FAULT_INJECTION_ENV",
    "MANIFEST",
    "fault_point",
    "has_leftovers",
    "new_staging",
    "recover_workspace",
    "swap_in",
    "workspace_lock",
]

MANIFEST = "manifest.json"

#: Test hook: ``HEALTHGAP_FAULT_INJECTION=<point>:<signal file>`` makes a writer create the
#: signal file and sleep when it reaches ``<point>``, so a test can kill it exactly there.
FAULT_INJECTION_ENV = "HEALTHGAP_FAULT_INJECTION"


def _sibling(folder: Path, suffix: str) -> Path:
    return folder.with_name(f".{folder.name}.{suffix}")


def _lock_file(folder: Path) -> Path:
    return _sibling(folder, "lock")


def _retired(folder: Path) -> Path:
    return _sibling(folder, "old")


def _leftovers(folder: Path) -> tuple[list[Path], list[Path]]:
    """Retired copies and staging folders of ``folder`` (this and earlier versions' names)."""
    parent = folder.parent
    if not parent.is_dir():
        return [], []
    name = re.escape(folder.name)
    retired_name = re.compile(rf"^\.{name}\.old(-\d+)?$")
    staging_name = re.compile(rf"^\.{name}\.(staging-.+|[a-z0-9_]{{8}})$")
    retired, staging = [], []
    for entry in parent.iterdir():
        if not entry.is_dir() or entry.is_symlink():
            continue
        if retired_name.match(entry.name):
            retired.append(entry)
        elif staging_name.match(entry.name):
            staging.append(entry)
    return sorted(retired), sorted(staging)


def has_leftovers(folder: str | os.PathLike[str]) -> bool:
    """Whether an interrupted write left a retired copy or a staging folder beside ``folder``."""
    retired, staging = _leftovers(Path(folder))
    return bool(retired or staging)


@contextlib.contextmanager
def workspace_lock(folder: str | os.PathLike[str], timeout: float) -> Iterator[None]:
    """Hold the exclusive write lock of the workspace ``folder``.

    Re-entrant within one thread (an import that writes holds it once for both). Waits up to
    ``timeout`` seconds for another writer, then raises :class:`WorkspaceError`.
    """
    path = Path(folder).absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(_lock_file(path), is_singleton=True)
        lock.acquire(timeout=timeout)
    except filelock.Timeout:
        raise WorkspaceError(
            f"workspace {folder} is being written by another import; gave up after waiting "
            f"{timeout:g} s. Try again when it has finished (or raise HEALTHGAP_LOCK_TIMEOUT)."
        ) from None
    except OSError as error:  # e.g. a read-only folder
        raise WorkspaceError(f"cannot lock workspace {folder} for writing: {error}") from None
    try:
        yield
    finally:
        lock.release()


def _is_whole(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    tables = manifest.get("tables") if isinstance(manifest, dict) else None
    if not isinstance(tables, dict):
        return False
    return all((folder / str(info.get("file", ""))).is_file() for info in tables.values())


def recover_workspace(folder: str | os.PathLike[str]) -> None:
    """Finish or roll back an interrupted swap of ``folder`` and delete stale staging folders.

    Call with the workspace lock held (see the module docstring for the states handled).
    """
    folder = Path(folder)
    retired, staging = _leftovers(folder)
    for stale in staging:
        shutil.rmtree(stale, ignore_errors=True)
    if not retired:
        return
    if not (folder / MANIFEST).is_file():
        # Killed between the two renames: the old version is whole, the new one is not in place.
        whole = [r for r in retired if _is_whole(r)]
        if whole:
            if folder.exists():
                shutil.rmtree(folder)
            whole[-1].rename(folder)
            retired = [r for r in retired if r != whole[-1]]
    for old in retired:
        shutil.rmtree(old, ignore_errors=True)


def new_staging(folder: Path) -> Path:
    """A new empty staging folder beside ``folder``."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}.staging-", dir=folder.parent))


def swap_in(staging: Path, folder: Path) -> None:
    """Replace ``folder`` by the complete ``staging`` folder with two renames.

    Readers see either the old or the new folder; a crash between the renames is undone by
    :func:`recover_workspace`. Call with the workspace lock held.
    """
    fault_point("before_swap")
    if not folder.exists():
        staging.rename(folder)
        fault_point("after_swap")
        return
    retired = _retired(folder)
    if retired.exists():
        shutil.rmtree(retired)
    folder.rename(retired)
    fault_point("between_renames")
    try:
        staging.rename(folder)
    except BaseException:
        retired.rename(folder)
        raise
    fault_point("after_swap")
    shutil.rmtree(retired, ignore_errors=True)


def fault_point(name: str) -> None:
    """Pause here for a test that kills the process at exactly this point (see
    :data:`FAULT_INJECTION_ENV`); does nothing otherwise."""
    setting = os.environ.get(FAULT_INJECTION_ENV, "")
    point, _, signal_file = setting.partition(":")
    if point != name or not signal_file:
        return
    Path(signal_file).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(600)  # the test kills the process long before this ends
