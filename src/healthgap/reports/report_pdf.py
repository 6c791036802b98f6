"""A report as PDF, printed from its HTML by WeasyPrint, tagged (PDF/UA-1) so that screen
readers follow its headings and tables, with the SYNTHETIC note at the top of every page.

WeasyPrint needs Pango (and its fonts) from the system; when they are missing the error
names the Debian packages to install (``scripts/setup-system.sh`` installs them).
"""

from __future__ import annotations

import threading
from typing import Any

from healthgap.errors import HealthgapError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.report_document import report_of
from healthgap.reports.report_html import ChartImages, _css, report_html

__all__ = ["PDF_SYSTEM_PACKAGES", "MissingLibraryError", "report_pdf"]

#: The Debian packages WeasyPrint needs (scripts/setup-system.sh installs them).
PDF_SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-liberation")


class MissingLibraryError(HealthgapError):
    """A system library a report format needs is not installed."""


def _weasyprint():  # noqa: ANN202 - the module, imported late: it loads Pango on import
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, Pango is not
        raise MissingLibraryError(
            "PDF reports need Pango and its fonts: install the Debian packages "
            f"{', '.join(PDF_SYSTEM_PACKAGES)} (scripts/setup-system.sh does it) ({exc})"
        ) from None
    return weasyprint


_PRINTERS = threading.local()


def _printer(weasyprint: Any) -> tuple[Any, Any]:  # noqa: ANN401 - WeasyPrint has no stubs
    """This thread's font configuration and the report style sheet parsed once, shared by
    every PDF it prints: Pango then keeps its fonts loaded between reports, and the PDF
    is the same as with the sheet inside the page (WeasyPrint's objects are per thread)."""
    kept = getattr(_PRINTERS, "kept", None)
    if kept is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        kept = _PRINTERS.kept = (fonts, weasyprint.CSS(string=_css(), font_config=fonts))
    return kept


def report_pdf(bundle: ResultBundle, images: ChartImages | None = None) -> bytes:
    """The report's PDF (PDF/UA-1, tagged), from :func:`report_html` with the report style
    sheet (parsed once per thread) instead of inside the page."""
    weasyprint = _weasyprint()
    document = report_of(bundle)
    fonts, style = _printer(weasyprint)
    html = weasyprint.HTML(string=report_html(bundle, images, inline_css=False), base_url=None)
    return html.write_pdf(
        stylesheets=[style],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
        uncompressed_pdf=False,
    ) or _empty(document.title)


def _empty(title: str) -> bytes:
    raise HealthgapError(f"WeasyPrint wrote no PDF for {title!r}")
