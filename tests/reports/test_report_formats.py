"""The report's files: the PDF, Word and PowerPoint text holds the very figures of the
profile, target, explain and plan use cases; headings, slides, banner and disclosure."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pandas as pd
import pptx
import pypdf
import pytest

from healthgap.analyses import (
    WorkspaceSource,
    check_gap_target,
    explain_gap,
    plan_scenario,
    profile_area,
)
from healthgap.analyses.report_actions import default_scenario
from healthgap.analyses.report_context import ReportContext
from healthgap.reports.formatting import number
from healthgap.reports.report_document import report_of
from healthgap.reports.tables import SYNTHETIC_NOTE


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(path: Path) -> str:
    return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


def docx_text(path: Path) -> str:
    document = docx.Document(path)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return _flat(" ".join([p.text for p in document.paragraphs] + cells))


def pptx_text(path: Path) -> str:
    deck = pptx.Presentation(path)
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
    return _flat(" ".join(texts))


@pytest.fixture(scope="module")
def figures(report_workspace: Path, report_la: str) -> dict[str, list[str]]:
    """Figures of the use cases, formatted as a report shows them, by the section that
    states them (the board pack has no slide for inside-area inequality)."""
    source = WorkspaceSource.open(report_workspace)
    profile = profile_area(source, report_la)
    headline = [
        number(r[k], 1)
        for r in profile.summary["headline"]
        for k in ("value", "lowercl", "uppercl", "cmp_comparator_value")
    ]
    gaps = profile.table("inequality")
    within = [number(v, 1) for v in gaps[["value", "lowercl", "uppercl"]].to_numpy().ravel()]
    explain = explain_gap(source, area=report_la, comparison="england")
    contributions = [number(r["gap"], 2) for r in explain.summary["rows"]]
    contributions += [number(v, 2) for r in explain.summary["rows"] for _, v in r["top"]]
    target = check_gap_target(source, area=report_la, target_year=2030, reduction=0.10)
    projected = target.table("trajectory").query("kind == 'projected'")
    trend = [number(v, 1) for v in projected[["value", "lowercl", "uppercl"]].to_numpy().ravel()]
    area_name = report_of(build_profile_name(source, report_la)).area_name
    scenario = default_scenario(ReportContext(source, report_la, area_name, "la"), {})
    plan = plan_scenario(source, scenario, draws=200, seed=1, rank=False).table("gap")
    reduction = plan[plan["statistic"] == "gap_reduction"]
    planned = [number(v, 2) for v in reduction[["value", "lowercl", "uppercl"]].to_numpy().ravel()]
    return {
        "headline": headline,
        "within": within,
        "contributions": contributions,
        "trend": trend,
        "plan": planned,
    }


def build_profile_name(source, area):  # noqa: ANN001, ANN201
    from healthgap.analyses import build_report

    return build_report(source, area, template="annual report chapter")


@pytest.mark.parametrize("fmt", ["pdf", "docx", "pptx"])
def test_text_holds_the_figures_of_the_use_cases(report_files, figures, fmt: str) -> None:  # noqa: ANN001
    text = {"pdf": pdf_text, "docx": docx_text, "pptx": pptx_text}[fmt](report_files[fmt])
    for section, expected in figures.items():
        missing = [f for f in expected if f not in text]
        assert missing == [], f"{fmt}: {section} figures missing: {missing}"


def test_pdf_opens_with_headings_and_synthetic_note_on_every_page(report_files) -> None:  # noqa: ANN001
    reader = pypdf.PdfReader(report_files["pdf"])
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "SYNTHETIC data" in page.extract_text()
    text = pdf_text(report_files["pdf"])
    for heading in ("The gap inside the area", "What a plan could do", "Appendix: methods"):
        assert heading in text
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # a tagged PDF
    assert root["/Lang"] == "en"


def test_docx_has_real_headings_tables_and_banner(report_files, profile_report) -> None:  # noqa: ANN001
    document = docx.Document(report_files["docx"])
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    expected = [s.heading for s in report_of(profile_report).sections]
    assert [h for h in headings if h in expected] == expected
    assert "Appendix: methods, sources and disclosure" in headings
    assert len(document.tables) == len(profile_report.tables)
    assert document.sections[0].header.paragraphs[0].text == SYNTHETIC_NOTE
    assert len(document.inline_shapes) == len(profile_report.charts)
    assert all(s._inline.docPr.get("descr") for s in document.inline_shapes)  # alt text


def test_pptx_has_one_slide_per_message_and_the_banner_on_each(
    report_files, profile_report
) -> None:  # noqa: ANN001
    deck = pptx.Presentation(report_files["pptx"])
    titles = [s.shapes.title.text for s in deck.slides]
    document = report_of(profile_report)
    assert titles[0] == document.title and titles[-1] == "Notes, methods and sources"
    shown = [s for s in document.sections if not s.omitted]
    assert len(titles) == 2 + sum(max(len(s.charts), 1) for s in shown)
    for slide in deck.slides:
        assert SYNTHETIC_NOTE in " ".join(
            sh.text_frame.text for sh in slide.shapes if sh.has_text_frame
        )
    pictures = [sh for s in deck.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == len(profile_report.charts)


def test_missing_sections_are_omitted_with_a_visible_note(report_files, profile_report) -> None:  # noqa: ANN001
    document = report_of(profile_report)
    omitted = {s.kind: s.note for s in document.sections if s.omitted}
    assert set(omitted) == {"assessment", "equity_audit", "segments", "practice"}
    html = report_files["html"].read_text(encoding="utf-8")
    assert all(note in html for note in omitted.values())
    # The demo has no good-health table: the headline says so instead of failing.
    assert "no good-health table" in document.sections[0].note


def test_counts_follow_the_disclosure_policy(profile_report) -> None:  # noqa: ANN001
    deaths = profile_report.table("s1_headline__life_expectancy")["Deaths"]
    numbers = [int(v.replace(",", "")) for v in deaths if v != "[c]"]
    assert numbers and all(v % 5 == 0 for v in numbers)
    assert "counts of 1-7 are suppressed" in report_of(profile_report).disclosure_note


def test_html_has_the_banner_headings_and_a_table_behind_every_chart(
    report_files, profile_report
) -> None:  # noqa: ANN001
    html = report_files["html"].read_text(encoding="utf-8")
    assert "hg-report-banner" in html and "SYNTHETIC" in html
    assert html.count("<h1") == 1
    for section in report_of(profile_report).sections:
        for chart in section.charts:
            assert chart.table in section.tables
            assert profile_report.table_info(chart.table).title in html
    assert html.count("<img") == len(profile_report.charts)
    assert html.count('alt=""') == 0
    appendix = profile_report.table("appendix__sources")
    assert {"areas", "deaths", "population"} <= set(appendix["Table"])  # and any other table
    for digest in appendix["Content hash (SHA-256)"]:
        assert digest in html


def test_a_stored_report_reads_back_whole(profile_report, tmp_path: Path) -> None:  # noqa: ANN001
    from healthgap.reports.report_files import report_file
    from healthgap.reports.stored import load_bundle, save_bundle

    again = load_bundle(save_bundle(profile_report, tmp_path / "kept"))
    assert report_of(again) == report_of(profile_report)
    assert report_file(again, "html") == report_file(profile_report, "html")


def test_missing_pango_names_the_packages(monkeypatch, profile_report) -> None:  # noqa: ANN001
    import builtins

    from healthgap.reports import report_pdf

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):  # noqa: ANN001, ANN202
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(report_pdf.MissingLibraryError, match="libpango-1.0-0.*setup-system.sh"):
        report_pdf.report_pdf(profile_report)


def test_docx_bytes_open(profile_report) -> None:  # noqa: ANN001
    from healthgap.reports.report_files import report_file

    assert docx.Document(io.BytesIO(report_file(profile_report, "docx"))).paragraphs
    assert isinstance(pd.DataFrame(), pd.DataFrame)
