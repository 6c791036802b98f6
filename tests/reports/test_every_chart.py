"""Every chart the product makes keeps the one chart style (docs/web-style.md) and renders
through vl-convert without a single Vega-Lite warning.

The catalogue (``chart_catalogue.py``) builds each chart from demo data, the core's through
the use cases the pages call. A new chart function in ``healthgap.reports`` fails
:func:`test_the_catalogue_has_every_chart_function` until it is added there. Runtime Vega
warnings (such as "Infinite extent") show only when a chart is drawn, so
``tests/web/test_browser_charts.py`` draws the same catalogue with the vendored Vega.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
import vl_convert
from chart_catalogue import FACTORIES, every_chart

import healthgap.reports
from healthgap.reports.chart_style import CAUSE_COLOURS, MIN_FONT_SIZE, SCHEMA
from healthgap.reports.labels import cause_name
from healthgap.reports.render import VEGA_LITE_VERSION

FONT_KEYS = ("fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize")
#: A data-model key (snake_case word) or a GSS code with a quintile: never shown to people.
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b|\bE\d{8} Q\d\b")


@pytest.fixture(scope="module")
def charts() -> dict[str, dict[str, Any]]:
    return every_chart()


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}", value
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def test_the_catalogue_has_every_chart_function() -> None:
    every_chart()
    made = set(FACTORIES.values())
    found = set()
    for module in pkgutil.iter_modules(healthgap.reports.__path__):
        if not (module.name.endswith("_charts") or module.name == "insight_map"):
            continue
        loaded = importlib.import_module(f"healthgap.reports.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            own = function.__module__ == loaded.__name__ and not name.startswith("_")
            if own and name.endswith(("_chart", "_spec")):
                found.add(f"{module.name}.{name}")
    assert found - made == set(), "add these chart functions to tests/reports/chart_catalogue.py"


def test_every_chart_renders_without_a_vega_lite_warning(
    charts: dict[str, dict[str, Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    warned = {}
    for name, spec in charts.items():
        capfd.readouterr()
        svg = vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION, show_warnings=True)
        printed = capfd.readouterr()
        if "WARN" in printed.out + printed.err:
            warned[name] = (printed.out + printed.err).strip()
        assert svg.startswith("<svg"), name
    assert warned == {}


def test_warnings_would_be_caught(capfd: pytest.CaptureFixture[str]) -> None:
    """The check above can fail: a legend conflict between layers does print a warning."""
    layer = {
        "mark": "point",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "shape": {"field": "x", "type": "quantitative"},
        },
    }
    capfd.readouterr()
    vl_convert.vegalite_to_svg(
        {"data": {"values": [{"x": 1}]}, **layer}, VEGA_LITE_VERSION, show_warnings=True
    )
    assert "WARN" in "".join(capfd.readouterr())


def test_every_chart_uses_the_one_style(charts: dict[str, dict[str, Any]]) -> None:
    for name, spec in charts.items():
        assert spec["$schema"] == SCHEMA, name
        assert spec["config"]["axis"]["labelFontSize"] >= MIN_FONT_SIZE, name
        assert spec.get("description"), f"{name} does not say what it shows"
        small = [(p, v) for p, v in _walk(spec) if p.endswith(FONT_KEYS) and v < MIN_FONT_SIZE]
        assert small == [], f"{name}: text smaller than {MIN_FONT_SIZE} px"


def test_bars_start_at_zero(charts: dict[str, dict[str, Any]]) -> None:
    for name, spec in charts.items():
        for path, node in _walk(spec):
            if not (isinstance(node, dict) and node.get("mark") in ("bar", {"type": "bar"})):
                mark = node.get("mark") if isinstance(node, dict) else None
                if not (isinstance(mark, dict) and mark.get("type") == "bar"):
                    continue
            for channel in ("x", "y"):
                scale = node.get("encoding", {}).get(channel, {}).get("scale") or {}
                assert scale.get("zero", True) is not False, f"{name}{path} {channel}"


def test_a_cause_has_one_colour_everywhere(charts: dict[str, dict[str, Any]]) -> None:
    expected = {cause_name(key): colour for key, colour in CAUSE_COLOURS.items()}
    seen = 0
    for name, spec in charts.items():
        for _, node in _walk(spec):
            if isinstance(node, dict) and node.get("field") == "cause_name" and "scale" in node:
                scale = node["scale"]
                pairs = dict(zip(scale["domain"], scale["range"], strict=True))
                assert pairs == {k: expected[k] for k in pairs}, name
                seen += 1
        assert '"field": "cause"' not in json.dumps(spec), f"{name} shows cause keys"
    assert seen >= 6  # explain (both comparisons, both sexes) and plan


def test_labels_are_names_not_keys(charts: dict[str, dict[str, Any]]) -> None:
    for name, spec in charts.items():
        shown = []
        for path, value in _walk(spec):
            if path.endswith((".title", ".subtitle", ".text")):
                lines = [value] if isinstance(value, str) else value
                if isinstance(lines, list):
                    shown.extend(line for line in lines if isinstance(line, str))
        labels = ("label", "shown", "name", "text", "cause_name")
        for path, rows in _walk(spec):
            if path.endswith(".values") and isinstance(rows, list):
                for row in rows:
                    if isinstance(row, dict):
                        shown.extend(str(row[f]) for f in labels if row.get(f) is not None)
        bad = sorted({s for s in map(str, shown) if RAW_KEY.search(s)})
        assert bad == [], f"{name} shows keys: {bad[:5]}"
