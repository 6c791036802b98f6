"""A report as a Word document (python-docx) that analysts can edit: real heading styles,
real tables with a header row, charts as pictures with their text alternative, and the
SYNTHETIC note in the page header of every page when any input is synthetic.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable

from healthgap.reports.bundle import ResultBundle
from healthgap.reports.formatting import SUPPRESSED_NOTE
from healthgap.reports.report_document import report_of
from healthgap.reports.report_html import ChartImages
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["report_docx"]

_CHART_WIDTH = Cm(16)


def _table(add: _Paragraphs, bundle: ResultBundle, name: str) -> DocxTable:
    frame = bundle.table(name)
    add(bundle.table_info(name).title, "Caption")
    table = add.doc.add_table(rows=1, cols=len(frame.columns))
    table._tbl.tblStyle_val = add.style_id("Table Grid", WD_STYLE_TYPE.TABLE)
    header = table.rows[0]
    for cell, column in zip(header.cells, frame.columns, strict=True):
        cell.text = str(column)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(header)
    _add_rows(table, frame.astype(str).to_numpy().tolist())
    return table


#: Characters python-docx writes as elements of their own (tabs, breaks) or refuses.
_NOT_PLAIN = re.compile(r"[\x00-\x1f]")


def _add_rows(table: DocxTable, rows: list[list[str]]) -> None:
    """Append the body rows as one XML fragment: the same elements as python-docx's
    ``table.add_row()`` and ``cell.text = value`` write, without its per-cell bookkeeping."""
    if any(_NOT_PLAIN.search(value) for values in rows for value in values):
        for values in rows:  # rare: let python-docx spell out tabs and line breaks
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
        return
    tbl = table._tbl
    widths = [
        f'<w:tcPr><w:tcW w:type="dxa" w:w="{col.w.twips}"/></w:tcPr>' if col.w is not None else ""
        for col in tbl.tblGrid.gridCol_lst
    ]
    cells = "".join(
        "<w:tr>"
        + "".join(
            f"<w:tc>{width}<w:p>{_run(value)}</w:p></w:tc>"
            for width, value in zip(widths, values, strict=True)
        )
        + "</w:tr>"
        for values in rows
    )
    tbl.extend(parse_xml(f"<w:tbl {nsdecls('w')}>{cells}</w:tbl>"))


def _run(value: str) -> str:
    if not value:
        return "<w:r/>"
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<w:r><w:t{space}>{escape(value)}</w:t></w:r>"


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
    add = _Paragraphs(doc)
    doc.core_properties.title = document.title
    doc.core_properties.subject = f"{document.area_name} ({document.area_code})"
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    if document.synthetic:
        header = doc.sections[0].header.paragraphs[0]
        header.text = SYNTHETIC_NOTE
        header.runs[0].bold = True
    add(document.title, "Title")
    if document.synthetic:
        add(SYNTHETIC_NOTE, "Intense Quote")
    doc.add_paragraph(
        f"{document.area_name} ({document.area_code}). Template: {document.template}."
    )
    for section in document.sections:
        add(section.heading, "Heading 1")
        if section.note:
            add(section.note, "Quote")
        for sentence in section.sentences:
            doc.add_paragraph(sentence)
        for chart in section.charts:
            _picture(doc, drawn.png(chart.name), chart.description)
            add(chart.description, "Caption")
        for name in section.tables:
            _table(add, bundle, name)
    add("Appendix: methods, sources and disclosure", "Heading 1")
    add("Methods", "Heading 2")
    for method in document.methods:
        add(method, "List Bullet")
    add("Disclosure control", "Heading 2")
    doc.add_paragraph(f"{document.disclosure_note} {SUPPRESSED_NOTE}")
    if document.notes:
        add("Notes from the calculations", "Heading 2")
        for note in document.notes:
            add(note, "List Bullet")
    for name in document.appendix_tables:
        _table(add, bundle, name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _Paragraphs:
    """``add(text, style)`` is ``doc.add_paragraph(text, style=style)`` (``add_heading``
    for the Title and Heading styles) with each style's id looked up once per document:
    python-docx looks through every style for the default one at each call."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self._ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        if (name, kind) not in self._ids:
            self._ids[name, kind] = self.doc.part.get_style_id(name, kind)
        return self._ids[name, kind]

    def __call__(self, text: str, style: str) -> None:
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.style = self.style_id(style)
