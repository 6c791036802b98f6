"""Helpers for the workspace reliability tests: run the CLI as a real process, fingerprint a
workspace, and check that every table it lists is readable and matches its manifest hash."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from healthgap.data import open_workspace
from healthgap.data.workspace import table_hash

RUN = [sys.executable, "-c", "import sys; from healthgap.cli import main; main(sys.argv[1:])"]


def cli_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``healthgap ARGS`` as a separate process (its own interpreter)."""
    full_env = {**os.environ, "COLUMNS": "250", "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.Popen(
        [*RUN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env
    )


def folder_digest(folder: Path) -> str:
    """A hash of every file's relative path and bytes under ``folder`` ("" when absent)."""
    if not folder.exists():
        return ""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content(folder: Path) -> dict[str, str]:
    """Table name -> content hash, after checking each table reads back to its hash."""
    workspace = open_workspace(folder)
    for name, stored in workspace.hashes().items():
        assert table_hash(workspace.read(name)) == stored, f"{name} does not match its manifest"
    return workspace.hashes()


def siblings(folder: Path) -> list[str]:
    """Names of the hidden helper folders beside ``folder`` (staging, retired copies)."""
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name.startswith(f".{folder.name}.") and p.is_dir()
    )
