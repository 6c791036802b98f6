"""The HTML report in a real browser (Debian's Chromium via Playwright): axe-core finds no
serious or critical WCAG 2.2 AA violation, every chart image loads, and a screenshot is kept
in ``tests/artifacts/report.png``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (test extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed; run scripts/setup-system.sh"
)
AXE = Path(__file__).parents[1] / "web" / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"


def test_html_report_passes_axe_in_chromium(report_files: dict[str, Path]) -> None:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        said: list[str] = []
        page.on("console", lambda m: said.append(m.text) if m.type == "error" else None)
        page.goto(report_files["html"].as_uri())
        broken = page.evaluate(
            "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.alt)"
        )
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
            " 'wcag22aa', 'best-practice']})"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        browser.close()
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert broken == [] and said == []
