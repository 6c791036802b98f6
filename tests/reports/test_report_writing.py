"""Writing many reports in one process gives each the same file as writing it alone: the PDF
printer's shared fonts and style sheet, and the Word tables written as XML fragments."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from healthgap.reports.report_html import report_html


@pytest.fixture(scope="module")
def chapter_report(report_workspace: Path, report_la: str):  # noqa: ANN201
    """A second, different report of the demo's local authority."""
    from healthgap.analyses import WorkspaceSource, build_report

    return build_report(
        WorkspaceSource.open(report_workspace), report_la, template="annual report chapter"
    )


def _in_fresh_thread(write: Callable[[], bytes]) -> bytes:
    """``write()`` run in a new thread, with none of this thread's kept printer state."""
    out: list[bytes] = []
    worker = threading.Thread(target=lambda: out.append(write()))
    worker.start()
    worker.join()
    return out[0]


def test_pdfs_printed_in_turn_are_those_printed_alone(profile_report, chapter_report) -> None:  # noqa: ANN001
    import weasyprint

    from healthgap.reports.report_pdf import report_pdf

    in_turn = [report_pdf(profile_report), report_pdf(chapter_report)]
    alone = [_in_fresh_thread(lambda b=b: report_pdf(b)) for b in (chapter_report, profile_report)]
    assert in_turn[0] != in_turn[1]
    assert in_turn == alone[::-1]
    # the same bytes as printing the standalone page, its style sheet inside, with fresh fonts
    standalone = weasyprint.HTML(string=report_html(chapter_report), base_url=None).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True
    )
    assert standalone == in_turn[1]


def test_the_pdf_page_leaves_out_only_the_style_sheet(profile_report) -> None:  # noqa: ANN001
    page = report_html(profile_report)
    assert "<style>" in page
    assert "<style>" not in report_html(profile_report, inline_css=False)


def _cells_by_python_docx(rows: list[list[str]]) -> bytes:
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=len(rows[0]))
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    return table._tbl.xml.encode()


def _cells_by_fragment(rows: list[list[str]]) -> bytes:
    from healthgap.reports.report_docx import _add_rows

    doc = docx.Document()
    table = doc.add_table(rows=1, cols=len(rows[0]))
    _add_rows(table, rows)
    return table._tbl.xml.encode()


@pytest.mark.parametrize(
    "rows",
    [
        [["Leeds", "1,234", "81.6 to 83.4"], ["", " padded ", "a & b <c> \"d\" 'e'"]],
        [["−0.5", "Ünïcode ✓", "x"], ["tab\there", "line\nbreak", "end"]],
    ],
)
def test_word_table_rows_are_those_python_docx_writes_cell_by_cell(rows) -> None:  # noqa: ANN001
    assert _cells_by_fragment(rows) == _cells_by_python_docx(rows)


def test_word_report_is_the_one_python_docx_writes_paragraph_by_paragraph(profile_report) -> None:  # noqa: ANN001
    from healthgap.reports.report_docx import _Paragraphs, report_docx

    doc = docx.Document()
    add = _Paragraphs(doc)
    for style in ("Title", "Heading 1", "Heading 2", "Caption", "Quote", "List Bullet"):
        add(f"text in {style}", style)
    plain = docx.Document()
    plain.add_heading("text in Title", level=0)
    plain.add_heading("text in Heading 1", level=1)
    plain.add_heading("text in Heading 2", level=2)
    for style in ("Caption", "Quote", "List Bullet"):
        plain.add_paragraph(f"text in {style}", style=style)
    assert doc.element.body.xml == plain.element.body.xml
    # the whole report: its parts do not depend on what this process wrote before
    first = zipfile.ZipFile(io.BytesIO(report_docx(profile_report)))
    again = zipfile.ZipFile(io.BytesIO(report_docx(profile_report)))
    assert first.namelist() == again.namelist()
    assert all(first.read(n) == again.read(n) for n in first.namelist())
