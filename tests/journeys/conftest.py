"""Shared journeys for the journey tests."""

from __future__ import annotations

import pytest
from journey_examples import small_journey

from healthgap.journeys import Journey, load_template


@pytest.fixture
def small() -> Journey:
    return small_journey()


@pytest.fixture
def demo() -> Journey:
    return load_template("demo_health_check")
