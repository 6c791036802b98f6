"""Shared fixtures. Tests that need ``../shared`` skip with a clear reason when it is absent."""

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


@pytest.fixture(scope="session")
def phe_testdata() -> Path:
    """Folder of the PHEindicatormethods reference test data."""
    return shared_path("reference", "phe_testdata")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the real published English data."""
    return shared_path("data")
