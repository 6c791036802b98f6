"""Free text typed by the public or by campaign staff, made safe to store as plain text.

Text is kept as the person wrote it, emoji and right-to-left scripts included; markup is
not interpreted here or anywhere else (pages escape it when they render it). What is
taken out are the characters that are invisible or change how neighbouring text is shown:

- control characters (tabs and line breaks become one space; the rest are dropped);
- bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069),
  which can make text read differently from how it is stored;
- the byte-order mark, line/paragraph separators and Unicode noncharacters.

Zero-width joiners and variation selectors stay, because emoji sequences need them, and
so do the left-to-right and right-to-left marks, which only hint direction. Text is
normalised to NFC, runs of spaces collapse to one, and the ends are trimmed.

>>> clean_text("  I will\\twalk\\x00 to work \\u202edaily\\u202c  ")
'I will walk to work daily'
>>> clean_text("Walk 🚶\\u200d♀️ every day")
'Walk 🚶\\u200d♀️ every day'
>>> clean_text("سأمشي كل يوم")
'سأمشي كل يوم'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "looks_like_markup", "text_length"]

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_DROPPED_FORMAT = {"\ufeff", "\u2028", "\u2029", "\u00ad"}
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&#?[a-zA-Z0-9]+;|javascript:", re.IGNORECASE)


def _keep(char: str) -> str:
    category = unicodedata.category(char)
    if char in "\t\n\r\v\f" or category in ("Zl", "Zp"):
        return " "
    if category == "Cc" or category == "Cs" or char in _BIDI_CONTROLS or char in _DROPPED_FORMAT:
        return ""
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:  # Unicode noncharacters
        return ""
    return char


def clean_text(value: object) -> str:
    """``value`` as trimmed NFC text with invisible and direction-changing controls removed.

    ``None`` becomes the empty string; other non-strings are converted with ``str``.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(_keep(c) for c in text)
    return _SPACES.sub(" ", text).strip()


def text_length(text: str) -> int:
    """Length as a person would count it: user-perceived characters, not code points.

    Combining marks and the parts of an emoji sequence (joined by U+200D, with variation
    selectors or skin-tone modifiers) count as one with the character they attach to, so
    an emoji never uses up several characters of a limit.

    >>> text_length("walk 🚶\\u200d♀️"), len("walk 🚶\\u200d♀️")
    (6, 9)
    """
    count = 0
    joined = False
    for char in text:
        attaches = (
            unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin-tone modifiers
            or 0xFE00 <= ord(char) <= 0xFE0F  # variation selectors
        )
        if char == "\u200d":
            joined = True
            continue
        if not attaches and not joined:
            count += 1
        joined = False
    return count


def looks_like_markup(text: str) -> bool:
    """True when ``text`` contains something shaped like an HTML tag, entity or script URL.

    Such text is still stored as typed (and escaped on every page); moderation uses this
    to hold it for a person to look at.

    >>> looks_like_markup("<script>alert(1)</script>"), looks_like_markup("5 < 6 and 7 > 3")
    (True, False)
    """
    return bool(_MARKUP.search(text))
