"""A report as a PowerPoint slide pack (python-pptx): one message per slide, its chart (or
its table when the section has no chart), all the section's sentences in the speaker
notes, a closing slide of notes, methods and sources, and the SYNTHETIC note on every slide
when any input is synthetic.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from healthgap.reports.bundle import ResultBundle
from healthgap.reports.report_document import ReportDocument, ReportSection, report_of
from healthgap.reports.report_html import ChartImages
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["report_pptx"]

_WIDTH, _HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
_MAX_TABLE_ROWS = 10
_TITLE_ONLY = 5  # the default template's "Title Only" layout


def _banner(slide: Slide, synthetic: bool) -> None:
    if not synthetic:
        return
    box = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.4))
    run = box.text_frame.paragraphs[0].add_run()
    run.text = SYNTHETIC_NOTE
    run.font.size, run.font.bold = Pt(14), True


def _slide(deck: Presentation, title: str, message: str, synthetic: bool) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(30)
    box = slide.shapes.add_textbox(Inches(0.5), Inches(1.3), Inches(12.3), Inches(1.5))
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = message
    run.font.size = Pt(16)
    _banner(slide, synthetic)
    return slide


def _table(slide: Slide, bundle: ResultBundle, name: str) -> None:
    frame = bundle.table(name).head(_MAX_TABLE_ROWS).astype(str)
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(
        rows, cols, Inches(0.5), Inches(2.7), Inches(12.3), Inches(0.4) * rows
    )
    table = shape.table
    for j, column in enumerate(frame.columns):
        table.cell(0, j).text = str(column)
    for i, values in enumerate(frame.to_numpy().tolist(), start=1):
        for j, value in enumerate(values):
            table.cell(i, j).text = value
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(12)


def _picture(slide: Slide, png: bytes, description: str) -> None:
    top, height = Inches(2.9), Inches(4.0)
    picture = slide.shapes.add_picture(io.BytesIO(png), Inches(0.5), top, height=height)
    if picture.width > Emu(int(Inches(12.3))):  # a wide chart: fit the width instead
        ratio = Inches(12.3) / picture.width
        picture.width, picture.height = Inches(12.3), int(picture.height * ratio)
    picture._element.nvPicPr.cNvPr.set("descr", description)  # the picture's alt text


def _section_slides(
    deck: Presentation,
    bundle: ResultBundle,
    section: ReportSection,
    document: ReportDocument,
    images: ChartImages,
) -> None:
    notes = "\n".join(section.sentences)
    if section.charts:
        # The sentences are grouped as the charts are (e.g. one sex each): each chart's
        # slide says its own group.
        step = max(len(section.sentences) // len(section.charts), 1)
        for i, chart in enumerate(section.charts):
            group = section.sentences[i * step : (i + 1) * step] or (chart.description,)
            slide = _slide(deck, section.heading, " ".join(group), document.synthetic)
            _picture(slide, images.png(chart.name), chart.description)
            slide.notes_slide.notes_text_frame.text = notes
    else:
        slide = _slide(deck, section.heading, section.message, document.synthetic)
        if section.tables:
            _table(slide, bundle, section.tables[0])
        slide.notes_slide.notes_text_frame.text = notes


def report_pptx(bundle: ResultBundle, images: ChartImages | None = None) -> bytes:
    """The report as .pptx bytes."""
    document = report_of(bundle)
    drawn = images or ChartImages(bundle)
    deck = Presentation()
    deck.slide_width, deck.slide_height = _WIDTH, _HEIGHT
    deck.core_properties.title = document.title
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = document.title
    first.placeholders[1].text = f"{document.area_name} ({document.area_code})"
    _banner(first, document.synthetic)
    for section in document.sections:
        if not section.omitted:
            _section_slides(deck, bundle, section, document, drawn)
    omitted = [s.note for s in document.sections if s.omitted or s.note]
    closing = [*omitted, "Methods: " + "; ".join(document.methods), document.disclosure_note]
    slide = _slide(deck, "Notes, methods and sources", closing[0], document.synthetic)
    box = slide.shapes.add_textbox(Inches(0.5), Inches(2.7), Inches(12.3), Inches(4.0))
    box.text_frame.word_wrap = True
    for text in closing[1:]:
        run = box.text_frame.add_paragraph().add_run()
        run.text, run.font.size = text, Pt(14)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
