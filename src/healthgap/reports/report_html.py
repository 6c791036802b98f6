"""A report as accessible HTML: real headings, every chart an image with a text alternative
and its data in a table beside it, captions and header cells on every table, and the
SYNTHETIC banner when any input is synthetic.

:func:`report_html` is the standalone file (styles inside, charts as SVG data URIs, so it
opens offline); :func:`report_body` is the same content for the web page's preview. The
PDF (:mod:`healthgap.reports.report_pdf`) is printed from :func:`report_html`.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib.resources import files

import jinja2
import vl_convert
from markupsafe import Markup

from healthgap.reports.bundle import ResultBundle
from healthgap.reports.formatting import SUPPRESSED_NOTE
from healthgap.reports.render import VEGA_LITE_VERSION
from healthgap.reports.report_document import report_of
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["ChartImages", "report_body", "report_html"]

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("healthgap.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def _css() -> str:
    return (files("healthgap.reports") / "templates" / "report.css").read_text(encoding="utf-8")


class ChartImages:
    """The report's charts drawn once (SVG by vl-convert, PNG from that SVG) and shared by
    every format written from one bundle."""

    def __init__(self, bundle: ResultBundle) -> None:
        self.bundle = bundle
        self._svg: dict[str, str] = {}
        self._png: dict[str, bytes] = {}

    def svg(self, name: str) -> str:
        if name not in self._svg:
            self._svg[name] = vl_convert.vegalite_to_svg(self.bundle.chart(name), VEGA_LITE_VERSION)
        return self._svg[name]

    def svg_uri(self, name: str) -> str:
        encoded = base64.b64encode(self.svg(name).encode("utf-8")).decode("ascii")
        return "data:image/svg+xml;base64," + encoded

    def png(self, name: str) -> bytes:
        """PNG at twice the pixels, sharp in print and on slides."""
        if name not in self._png:
            self._png[name] = vl_convert.svg_to_png(self.svg(name), scale=2.0)
        return self._png[name]


def _table_html(bundle: ResultBundle, name: str) -> Markup:
    frame = bundle.table(name)
    return Markup(
        _ENVIRONMENT.get_template("_report_table.html").render(
            title=bundle.table_info(name).title,
            columns=[str(c) for c in frame.columns],
            rows=frame.astype(str).to_numpy().tolist(),
        )
    )


def report_body(
    bundle: ResultBundle, *, heading_level: int = 1, images: ChartImages | None = None
) -> Markup:
    """The report's content (banner, sections, appendix) with its title at ``<h{level}>``."""
    document = report_of(bundle)
    drawn = images or ChartImages(bundle)
    uris = {chart.name: drawn.svg_uri(chart.name) for s in document.sections for chart in s.charts}
    return Markup(
        _ENVIRONMENT.get_template("_report_body.html").render(
            document=document,
            level=heading_level,
            images=uris,
            tables=bundle.tables,
            table_html=lambda name: _table_html(bundle, name),
            synthetic_note=SYNTHETIC_NOTE.removeprefix("SYNTHETIC: "),
            suppressed_note=SUPPRESSED_NOTE,
        )
    )


def report_html(
    bundle: ResultBundle, images: ChartImages | None = None, *, inline_css: bool = True
) -> str:
    """The whole report as one HTML file, its style sheet inside; ``inline_css=False`` leaves
    the sheet out, for a printer given it already parsed (the PDF)."""
    return _ENVIRONMENT.get_template("report.html").render(
        document=report_of(bundle),
        css=Markup(_css()) if inline_css else None,
        body=report_body(bundle, images=images),
    )
