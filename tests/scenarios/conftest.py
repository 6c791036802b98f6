"""Fixtures of the scenario tests."""

from __future__ import annotations

import pytest
from plan_example import worked_example_baseline

from healthgap.scenarios import Baseline


@pytest.fixture(scope="module")
def example_baseline() -> Baseline:
    return worked_example_baseline()
