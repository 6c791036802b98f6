"""Issue 11, "Confusing": two items walked in Chromium as a commissioner would see them.

1. Small-area suppression is one rule on every page. Before, an LSOA's profile said "Not
   shown" with a blank chart while Explain showed its life expectancy (84.4 / 81.0). Now
   both pages say "Not shown" with the same reason and show no life expectancy or gap.
2. The target trajectory is measured from a chosen baseline period (default the latest; a
   control on the page changes it), an uncertain verdict says why in one sentence, and the
   target and the trend are drawn in different colours. Before, the target was measured
   from 2010-12 with no control, "TOO UNCERTAIN TO SAY" came without a reason, and the two
   lines shared a colour family.

Screenshots: ``tests/artifacts/small-area-*.png`` and ``target-*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_support import BROWSER, shot

from healthgap.data.workspace import open_workspace

pytestmark = BROWSER
SEXES = ("male", "female")
# A life expectancy or a gap as the pages print them ("81.0 years", "+1.23").
NUMBER = re.compile(r"\b\d{2}\.\d\b")


@pytest.fixture(scope="module")
def small_lsoa(demo_workspace: Path, demo_la: str) -> str:
    """An LSOA of the demo's local authority (each has well under 5,000 person-years)."""
    areas = open_workspace(demo_workspace).read("areas")
    lsoas = areas[(areas["level"] == "lsoa") & (areas["parent_la"] == demo_la)]
    return str(lsoas["area_code"].iloc[0])


def _drawn(page) -> None:  # noqa: ANN001
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.rendered)",
        timeout=30_000,
    )


def test_a_small_area_is_not_shown_for_the_same_reason_on_profile_and_explain(
    page,  # noqa: ANN001
    small_lsoa: str,
) -> None:
    page.goto(f"/area/{small_lsoa}")
    _drawn(page)
    shot(page, "small-area-profile")
    reasons = {}
    for sex in SEXES:
        card = page.locator(f"[data-testid=le-{sex}-not-shown]")
        assert card.inner_text() == "Not shown"
        reasons[sex] = card.locator("xpath=following-sibling::p[1]").inner_text().strip()
        assert "5,000" in reasons[sex] and "person-years" in reasons[sex], reasons[sex]
        assert page.locator(f"[data-testid=le-{sex}]").count() == 0

    page.click("text=Explain the gap by age and cause")
    page.wait_for_url(f"**/explain/{small_lsoa}*")
    _drawn(page)
    shot(page, "small-area-explain")
    for sex in SEXES:
        note = page.locator(f"[data-testid=not-shown-{sex}]").inner_text()
        assert note.startswith("Not shown"), note
        assert reasons[sex] in note, (reasons[sex], note)
        assert page.locator(f"[data-testid=gap-{sex}]").count() == 0
    summary = page.locator("table.govuk-table").first.inner_text()
    assert not NUMBER.search(summary), f"Explain shows a number for a small area: {summary}"
    assert page.locator("[data-chart^=spec-contributions], [data-chart^=spec-scarf]").count() == 0


def _rgb(colour: str) -> str:
    """A "#rrggbb" colour as the browser's computed style writes it."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def _target(page) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """Verdict, explanation and reason of each sex as the target fragment shows them."""
    page.wait_for_selector("[data-testid=verdict-male]", timeout=60_000)
    _drawn(page)
    found = {}
    for sex in SEXES:
        block = page.locator(".hg-verdict", has=page.locator(f"[data-testid=verdict-{sex}]"))
        reason = page.locator(f"[data-testid=reason-{sex}]")
        found[sex] = {
            "verdict": page.inner_text(f"[data-testid=verdict-{sex}]"),
            "explanation": block.locator("p.govuk-body").first.inner_text(),
            "reason": reason.inner_text() if reason.count() else "",
        }
    return found


def test_the_target_is_measured_from_a_chosen_baseline_and_drawn_apart_from_the_trend(
    page,  # noqa: ANN001
    demo_la: str,
) -> None:
    page.goto(f"/explain/{demo_la}")
    baseline = page.locator("#baseline")
    options = baseline.locator("option").all_inner_texts()
    assert len(options) >= 3 and options[0].endswith("(latest)"), options
    latest, oldest = options[0].removesuffix(" (latest)"), options[-1]
    assert baseline.input_value() == latest
    before = _target(page)
    shot(page, "target-latest-baseline")
    for shown in before.values():
        assert f"in {latest};" in shown["explanation"], shown
        if shown["verdict"] == "TOO UNCERTAIN TO SAY":
            assert shown["reason"].endswith(".") and shown["reason"].count(". ") == 0, shown
        else:
            assert shown["reason"] == "", shown

    # Target and trend in different colours, in the spec and in the drawn SVG.
    for sex in SEXES:
        spec = json.loads(page.inner_text(f"#spec-trend_{sex}"))
        marks = [layer.get("mark", {}) for layer in spec["layer"]]
        trend = next(m for m in marks if m.get("type") == "line" and "strokeDash" in m)
        target = next(m for m in marks if m.get("type") == "rule" and "strokeDash" in m)
        assert trend["color"].lower() != target["color"].lower()
        strokes = set(
            page.eval_on_selector_all(
                f"[data-chart=spec-trend_{sex}] svg path, [data-chart=spec-trend_{sex}] svg line",
                "marks => marks.map(m => getComputedStyle(m).stroke)",
            )
        )
        assert _rgb(trend["color"]) in strokes and _rgb(target["color"]) in strokes, strokes

    baseline.select_option(oldest)
    page.click("text=Check the trajectory")
    page.wait_for_function(
        f"() => document.querySelector('#target').innerText.includes('in {oldest};')",
        timeout=60_000,
    )
    after = _target(page)
    shot(page, "target-oldest-baseline")
    for sex in SEXES:
        assert f"in {oldest};" in after[sex]["explanation"]
        assert after[sex]["explanation"] != before[sex]["explanation"]
    downloads = page.locator("#target a[href*='target-trajectory.csv']").get_attribute("href")
    assert f"baseline={oldest.replace('-', '-')}" in (downloads or "")
