"""A report as a Word document (python-docx) that analysts can edit: real heading styles,
real tables with a header row, charts as pictures with their text alternative, and the
SYNTHETIC note in the page header of every page when any input is synthetic.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable

from healthgap.reports.bundle import ResultBundle
from healthgap.reports.formatting import SUPPRESSED_NOTE
from healthgap.reports.report_document import report_of
from healthgap.reports.report_html import ChartImages
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["report_docx"]

_CHART_WIDTH = Cm(16)


def _table(doc: Document, bundle: ResultBundle, name: str) -> DocxTable:
    frame = bundle.table(name)
    doc.add_paragraph(bundle.table_info(name).title, style="Caption")
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, column in zip(header.cells, frame.columns, strict=True):
        cell.text = str(column)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(header)
    for values in frame.astype(str).to_numpy().tolist():
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    return table


def _repeat_header(row: object) -> None:
    """Mark the first row as the table's header (repeated on each page, read as headers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _picture(doc: Document, png: bytes, description: str) -> None:
    doc.add_picture(io.BytesIO(png), width=_CHART_WIDTH)
    inline = doc.inline_shapes[-1]._inline  # the picture's drawing properties hold its alt text
    inline.docPr.set("descr", description)
    inline.docPr.set("title", description[:80])


def report_docx(bundle: ResultBundle, images: ChartImages | None = None) -> bytes:
    """The report as .docx bytes."""
    document = report_of(bundle)
    drawn = images or ChartImages(bundle)
    doc = Document()
    doc.core_properties.title = document.title
    doc.core_properties.subject = f"{document.area_name} ({document.area_code})"
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    if document.synthetic:
        header = doc.sections[0].header.paragraphs[0]
        header.text = SYNTHETIC_NOTE
        header.runs[0].bold = True
    doc.add_heading(document.title, level=0)
    if document.synthetic:
        doc.add_paragraph(SYNTHETIC_NOTE, style="Intense Quote")
    doc.add_paragraph(
        f"{document.area_name} ({document.area_code}). Template: {document.template}."
    )
    for section in document.sections:
        doc.add_heading(section.heading, level=1)
        if section.note:
            doc.add_paragraph(section.note, style="Quote")
        for sentence in section.sentences:
            doc.add_paragraph(sentence)
        for chart in section.charts:
            _picture(doc, drawn.png(chart.name), chart.description)
            doc.add_paragraph(chart.description, style="Caption")
        for name in section.tables:
            _table(doc, bundle, name)
    doc.add_heading("Appendix: methods, sources and disclosure", level=1)
    doc.add_heading("Methods", level=2)
    for method in document.methods:
        doc.add_paragraph(method, style="List Bullet")
    doc.add_heading("Disclosure control", level=2)
    doc.add_paragraph(f"{document.disclosure_note} {SUPPRESSED_NOTE}")
    if document.notes:
        doc.add_heading("Notes from the calculations", level=2)
        for note in document.notes:
            doc.add_paragraph(note, style="List Bullet")
    for name in document.appendix_tables:
        _table(doc, bundle, name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
