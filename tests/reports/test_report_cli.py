"""``healthgap report``: one area, every area of a level, and bad input as user errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run_cli
from healthgap.analyses import WorkspaceSource, build_report
from healthgap.reports.report_document import report_of


def _report(workspace: Path, *args: str):  # noqa: ANN202
    result = run_cli("report", *args, "--workspace", str(workspace))
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_one_area_in_one_format(report_workspace: Path, report_la: str, tmp_path: Path) -> None:
    result = _report(
        report_workspace,
        report_la,
        "--template",
        "board slide pack",
        "--format",
        "html",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = tmp_path / f"{report_la}-board-slide-pack.html"
    assert written.is_file() and "SYNTHETIC" in result.stdout
    assert "What a plan could do" in written.read_text(encoding="utf-8")


def test_every_local_authority_in_one_command(report_workspace: Path, tmp_path: Path) -> None:
    result = _report(
        report_workspace,
        "all",
        "--format",
        "docx",
        "--template",
        "annual report chapter",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote 1 of 1 reports" in result.stdout
    assert len(list(tmp_path.glob("*/*-annual-report-chapter.docx"))) == 1


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (["E99999999", "--format", "html"], "unknown_area"),
        (["{la}", "--format", "odt"], "bad_format"),
        (["{la}", "--template", "horoscope"], "unknown_template"),
        (["all", "--level", "parish", "--format", "html"], "unknown_level"),
    ],
)
def test_bad_input_is_a_user_error(
    report_workspace: Path, report_la: str, tmp_path: Path, args: list[str], rule: str
) -> None:
    args = [a.replace("{la}", report_la) for a in args]
    result = _report(report_workspace, *args, "--out", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert rule in result.stderr or rule in result.stdout


def test_a_template_with_an_unknown_section_names_file_and_section(
    report_workspace: Path, report_la: str, tmp_path: Path
) -> None:
    template = tmp_path / "mine.yaml"
    template.write_text("sections:\n  - headline\n  - weather\n", encoding="utf-8")
    result = _report(
        report_workspace, report_la, "--template", str(template), "--out", str(tmp_path)
    )
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert "mine.yaml" in said and "unknown_section" in said and "sections[1]" in said


def test_a_section_the_workspace_cannot_answer_is_omitted_with_a_note(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """Two years of data: no trend (it needs three periods), the rest of the report stands."""
    from healthgap.datasets import build_demo_workspace

    path = tmp_path_factory.mktemp("two-years") / "demo"
    build_demo_workspace(path, size="small", years=2)
    source = WorkspaceSource.open(path)
    template = tmp_path / "t.yaml"
    template.write_text("sections:\n  - headline\n  - trend\n", encoding="utf-8")
    area = source.areas().query("level == 'la'")["area_code"].iloc[0]
    document = report_of(build_report(source, str(area), template=template))
    headline, trend = document.sections
    assert not headline.omitted and headline.sentences
    assert trend.omitted and "at least 3 periods" in trend.note
