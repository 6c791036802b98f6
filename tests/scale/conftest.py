"""Local Dask clusters for the executor tests, started once per module (a few seconds each)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("distributed", reason="needs dask[distributed]")

from healthgap.compute import Executor, open_executor  # noqa: E402


@pytest.fixture(scope="module")
def one_worker() -> Iterator[Executor]:
    with open_executor(workers=1) as executor:
        yield executor


@pytest.fixture(scope="module")
def three_workers() -> Iterator[Executor]:
    with open_executor(workers=3) as executor:
        yield executor
