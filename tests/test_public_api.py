"""The public API is explicit: every name in ``__all__`` exists, and nothing else is public."""

from __future__ import annotations

import importlib

import pytest

import healthgap

PACKAGES = [
    "healthgap",
    "healthgap.data",
    "healthgap.datasets",
    "healthgap.measures",
    "healthgap.decomposition",
    "healthgap.frameworks",
    "healthgap.insight",
    "healthgap.scenarios",
    "healthgap.engage",
    "healthgap.store",
    "healthgap.practice",
    "healthgap.reports",
    "healthgap.errors",
    "healthgap.analyses",
    "healthgap.periods",
    "healthgap.compute",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__, f"{name} must declare __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names missing objects: {missing}"
    assert len(set(module.__all__)) == len(module.__all__)


def test_top_level_exports_the_main_entry_points() -> None:
    for name in ("life_expectancy", "decompose_gap", "run_scenario", "load", "InputError"):
        assert name in healthgap.__all__


def test_public_functions_are_documented() -> None:
    undocumented = [
        name
        for name in healthgap.__all__
        if callable(getattr(healthgap, name)) and not (getattr(healthgap, name).__doc__ or "")
    ]
    assert not undocumented


def test_every_error_is_a_healthgap_error() -> None:
    for name in ("InputError", "MethodError", "WorkspaceError", "StorageError"):
        assert issubclass(getattr(healthgap, name), healthgap.HealthgapError)
