"""Fixtures of the report tests: the small SYNTHETIC demo and its report, built once."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def report_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small SYNTHETIC demo workspace (one local authority)."""
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("report-demo") / "demo"
    build_demo_workspace(path, size="small")
    return path


@pytest.fixture(scope="session")
def report_la(report_workspace: Path) -> str:
    from healthgap.analyses import WorkspaceSource, report_areas

    return report_areas(WorkspaceSource.open(report_workspace), "la")[0][0]


@pytest.fixture(scope="session")
def profile_report(report_workspace: Path, report_la: str):  # noqa: ANN201
    """The "inequalities profile" report of the demo's local authority."""
    from healthgap.analyses import WorkspaceSource, build_report

    return build_report(WorkspaceSource.open(report_workspace), report_la)


@pytest.fixture(scope="session")
def report_files(profile_report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: ANN001
    """The profile report written in all four formats."""
    from healthgap.reports.report_files import write_report

    paths = write_report(
        profile_report, tmp_path_factory.mktemp("report-files"), ["html", "pdf", "docx", "pptx"]
    )
    return {p.suffix.lstrip("."): p for p in paths}
