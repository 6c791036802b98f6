"""Every chart of the product drawn by the vendored Vega in Chromium, with no warning.

vl-convert (``tests/reports/test_every_chart.py``) only compiles a spec, so Vega's runtime
warnings ("Infinite extent for field ...", a scale with no data) show only when a chart is
drawn. Here each chart of the catalogue is drawn in a blank page with the same scripts and
the same embed options as the app's ``static/healthgap.js`` (Vega's expression interpreter,
no ``eval``), and any console warning or error fails the test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from browser_support import BROWSER, CHROMIUM, CHROMIUM_ARGS, sync_api

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from chart_catalogue import every_chart  # noqa: E402

pytestmark = BROWSER
VENDOR = Path(__file__).resolve().parents[2] / "src" / "healthgap" / "web" / "static" / "vendor"
SCRIPTS = ["vega.min.js", "vega-lite.min.js", "vega-interpreter.min.js", "vega-embed.min.js"]
DRAW = """async (spec) => {
  const el = document.createElement("div");
  document.body.replaceChildren(el);
  const options = {actions: false, renderer: "svg"};
  if (typeof vegaInterpreter !== "undefined") {
    options.ast = true;
    options.expr = vegaInterpreter.expressionInterpreter;
  }
  const result = await vegaEmbed(el, spec, options);
  await result.view.runAsync();
  return el.querySelectorAll("svg").length;
}"""


def test_every_chart_draws_in_the_browser_without_a_warning() -> None:
    charts = every_chart()
    problems: dict[str, list[str]] = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        said: list[str] = []
        page.on("console", lambda m: said.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: said.append(f"error: {e}"))
        page.set_content("<!DOCTYPE html><html><body></body></html>")
        for script in SCRIPTS:
            if (VENDOR / script).exists():
                page.add_script_tag(path=str(VENDOR / script))
        for name, spec in charts.items():
            said.clear()
            drawn = page.evaluate(DRAW, spec)
            bad = [s for s in said if s.startswith(("warning", "error"))]
            if bad or drawn != 1:
                problems[name] = bad or [f"{drawn} svg drawn"]
        browser.close()
    assert problems == {}
