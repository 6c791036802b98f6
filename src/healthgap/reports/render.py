"""Save a Vega-Lite specification as SVG, PNG, JSON or HTML, without a browser (vl-convert).

The same spec drives the web app (interactive, via vega-embed) and static reports
(SVG/PNG made here by the embedded Vega engine of ``vl-convert-python``). The HTML
output bundles Vega so that it opens offline.

>>> import tempfile, pathlib
>>> spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
...         "data": {"values": [{"x": "a", "y": 1}]}, "mark": "bar",
...         "encoding": {"x": {"field": "x"}, "y": {"field": "y", "type": "quantitative"}}}
>>> path = save_chart(spec, pathlib.Path(tempfile.mkdtemp()) / "chart.svg")
>>> path.read_text()[:4]
'<svg'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import vl_convert

from healthgap.errors import InputError

__all__ = ["CHART_FORMATS", "chart_svg", "save_chart"]

CHART_FORMATS: tuple[str, ...] = (".svg", ".png", ".json", ".html")
VEGA_LITE_VERSION = "6.4"  # the newest vl-convert ships; the vendored vega-lite is 6.5


def save_chart(spec: dict[str, Any], path: str | os.PathLike[str], *, scale: float = 2.0) -> Path:
    """Write ``spec`` to ``path`` in the format its suffix names; returns the path.

    Parameters
    ----------
    spec : dict
        A Vega-Lite v6 specification with inline data.
    path : path-like
        Ends in ``.svg``, ``.png``, ``.json`` (the spec itself) or ``.html``.
    scale : float
        Pixel scale of PNG output (2 = sharp on high-resolution screens and in print).

    Raises
    ------
    InputError
        For an unknown suffix (rule ``unknown_chart_format``).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise InputError(
            f"cannot write a chart as {target.name!r}: use one of {', '.join(CHART_FORMATS)}",
            rule="unknown_chart_format",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        target.write_text(json.dumps(spec, indent=2, allow_nan=False), encoding="utf-8")
    elif suffix == ".svg":
        target.write_text(vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION), encoding="utf-8")
    elif suffix == ".png":
        target.write_bytes(vl_convert.vegalite_to_png(spec, VEGA_LITE_VERSION, scale=scale))
    else:
        html = vl_convert.vegalite_to_html(spec, VEGA_LITE_VERSION, bundle=True)
        target.write_text(html, encoding="utf-8")
    return target


def chart_svg(spec: dict[str, Any]) -> str:
    """``spec`` drawn as SVG text, for a page to put inline (no script needed to show it).
    Vega escapes the text it draws, so data and titles cannot inject markup."""
    return vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION)
