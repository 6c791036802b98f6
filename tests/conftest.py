"""Shared fixtures. Tests that need ``../shared`` skip with a clear reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_files import REPO, SHARED, shared_path

__all__ = ["REPO", "SHARED", "shared_path"]

# The MECC use-case and CLI tests' fixtures (the demo in a database file).
pytest_plugins = ["mecc_fixtures"]


@pytest.fixture(scope="session")
def phe_testdata() -> Path:
    """Folder of the PHEindicatormethods reference test data."""
    return shared_path("reference", "phe_testdata")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the real published English data."""
    return shared_path("data")
