"""The share image of a pledge (or of a campaign): a 1200 x 630 PNG, the Open Graph size.

The card is a Vega-Lite spec whose lines are *data*, drawn as text by the Vega renderer on the
server (``vl-convert``, no browser): a pledge is never parsed as markup or as a Vega
expression. Two things the renderer needs help with:

- **emoji**: its font fallback finds the colour emoji font (``fonts-noto-color-emoji``,
  installed by ``scripts/setup-system.sh``) for single emoji, but gives empty boxes for a
  whole line once an emoji *sequence* mixes in characters the text font has (a gender sign
  joined to a person, a skin tone, a flag). :func:`drawable_text` keeps the first emoji of
  each sequence and drops the joiners, modifiers and flag letters, for the image only: the
  page shows the pledge exactly as typed;
- **ligatures**: the same fallback also fails on a line where the text font joins letters
  ("ff", "fi" in DejaVu Sans), so Latin lines use Liberation Sans (no such ligatures), and
  lines with Arabic or Hebrew, which Liberation Sans lacks, use DejaVu Sans;
- **right-to-left text**: a line whose first strong character is Arabic or Hebrew is laid
  out right to left and aligned to the right edge.

>>> drawable_text("Walk 🚶\\u200d♀️ daily 👍🏽 🇬🇧!")
'Walk 🚶 daily 👍 !'
>>> [line["dir"] for line in share_card_spec(campaign_title="Small changes",
...     pledge_text="سأمشي كل يوم", display_name=None)["data"]["values"]]
['ltr', 'ltr', 'rtl', 'ltr']
"""

from __future__ import annotations

import textwrap
import unicodedata
from typing import Any

import vl_convert

from healthgap.reports.chart_style import CHART_CONFIG, STYLE
from healthgap.reports.render import VEGA_LITE_VERSION

__all__ = ["SHARE_IMAGE_SIZE", "drawable_text", "render_share_image", "share_card_spec"]

SHARE_IMAGE_SIZE = (1200, 630)
MARGIN = 64
#: Font lists by kind of line: "latin" lines, and lines with right-to-left scripts.
FONTS = {
    "latin": "Liberation Sans, Noto Color Emoji, sans-serif",
    "wide": "DejaVu Sans, Noto Color Emoji, sans-serif",
}
_ZWJ = "\u200d"


def _dropped(code: int) -> bool:
    """Parts of an emoji sequence the renderer cannot combine: variation selectors, skin
    tones, regional-indicator (flag) letters, tag characters and the keycap mark."""
    return (
        code in (0xFE0E, 0xFE0F, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0x1F1E6 <= code <= 0x1F1FF
        or 0xE0020 <= code <= 0xE007F
    )


def drawable_text(text: str) -> str:
    """``text`` with each emoji sequence cut to its first emoji (see the module notes)."""
    out: list[str] = []
    skip_next = False
    for char in text:
        if skip_next:
            skip_next = False
            continue
        if char == _ZWJ:
            skip_next = True  # the joined part (a gender sign, another person)
            continue
        if not _dropped(ord(char)):
            out.append(char)
    return " ".join("".join(out).split())


def _layout(text: str) -> tuple[str, str]:
    """``(direction, fonts)``: ``rtl`` when the first strongly directional character is
    right-to-left; the ``wide`` fonts when any character is."""
    kinds = [unicodedata.bidirectional(c) for c in text]
    first = next((k for k in kinds if k in ("L", "R", "AL")), "L")
    has_rtl = any(k in ("R", "AL") for k in kinds)
    return ("rtl" if first != "L" else "ltr"), ("wide" if has_rtl else "latin")


def _layer(weight: str, direction: str, fonts: str, width: int) -> dict[str, Any]:
    """The text mark of the lines of one weight, direction and font list."""
    keys = {"weight": weight, "dir": direction, "fonts": fonts}
    left = direction == "ltr"
    return {
        "transform": [{"filter": {"and": [{"field": k, "equal": v} for k, v in keys.items()]}}],
        "mark": {
            "type": "text",
            "baseline": "top",
            "color": "#FFFFFF",
            "font": FONTS[fonts],
            "fontWeight": weight,
            "dir": direction,
            "align": "left" if left else "right",
            "x": MARGIN if left else width - MARGIN,
        },
    }


def share_card_spec(
    *,
    campaign_title: str,
    pledge_text: str,
    display_name: str | None,
    colour: str = "#005EB8",
    heading: str = "I pledge to:",
    footer: str | None = None,
    width_chars: int = 34,
) -> dict[str, Any]:
    """A Vega-Lite spec of the card: the campaign title, ``heading``, the pledge (wrapped, at
    most 6 lines) and who made it (``footer`` replaces that line, e.g. on a campaign card).

    ``colour`` is the campaign's accent colour, checked to carry white text (WCAG AA).
    """
    wrapped = textwrap.wrap(
        drawable_text(pledge_text), width=width_chars, max_lines=6, placeholder=" …"
    )
    who = footer or (f"— {display_name}" if display_name else "— someone in the campaign")
    lines = [
        {"y": 60, "size": 34, "weight": "bold", "text": drawable_text(campaign_title)[:60]},
        {"y": 120, "size": 30, "weight": "normal", "text": heading},
        *[
            {"y": 175 + 58 * i, "size": 46, "weight": "bold", "text": line}
            for i, line in enumerate(wrapped)
        ],
        {"y": 560, "size": 30, "weight": "normal", "text": drawable_text(who)[:70]},
    ]
    for line in lines:
        line["dir"], line["fonts"] = _layout(line["text"])
    width, height = SHARE_IMAGE_SIZE
    kinds = sorted({(line["weight"], line["dir"], line["fonts"]) for line in lines})
    layers = [_layer(weight, direction, fonts, width) for weight, direction, fonts in kinds]
    return {
        **STYLE,
        "description": f"Share image: the pledge for {campaign_title} written out as text.",
        "width": width,
        "height": height,
        "padding": 0,
        "autosize": {"type": "none"},
        "background": colour,
        "config": {**CHART_CONFIG, "view": {"stroke": None}},
        "data": {"values": lines},
        "encoding": {
            "y": {"field": "y", "type": "quantitative", "scale": None},
            "text": {"field": "text", "type": "nominal"},
            "size": {"field": "size", "type": "quantitative", "scale": None},
        },
        "layer": layers,
    }


def render_share_image(spec: dict[str, Any]) -> bytes:
    """PNG bytes of a :func:`share_card_spec`, rendered on the server (no browser)."""
    return bytes(vl_convert.vegalite_to_png(spec, VEGA_LITE_VERSION, scale=1))
