"""Where ``../shared`` is, for tests and their helpers (a plain module: ``conftest`` names
clash between test folders, so nothing imports from ``conftest``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository; HEALTHGAP_SHARED points elsewhere (e.g. from a worktree).
SHARED = Path(os.environ.get("HEALTHGAP_SHARED") or REPO.parent / "shared")


def shared_path(*parts: str) -> Path:
    """Path inside ``../shared``; skips the calling test when that file is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} beside the repository (not found)")
    return path
