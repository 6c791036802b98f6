"""Plain text in, plain text stored: markup is reduced to its words, and escaping is left to render.

Everything a contributor types is stored as plain text. Where a field holds HTML (pasted from a web
page, or an attempt at script injection) the tags are removed, the contents of ``script`` and
``style`` elements are dropped, character references are decoded, and control characters are
removed. The result is still *text*: a page must escape it when it shows it (Jinja2 does).

The standard library's HTML parser does the tokenising; text without anything that looks like a
tag is left alone, so "age<25" or "2 < 3" survive unchanged.

>>> plain_text("<p>Quit rate <b>doubled</b></p><script>alert('x')</script>")
'Quit rate doubled'
>>> plain_text("men aged 40<60 & women")
'men aged 40<60 & women'
>>> contains_email("ask the project lead (lead at example dot org)"), contains_email("a@b.org")
(True, True)
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["contains_email", "one_line", "plain_text", "slugify"]

# As HTML reads a tag: "<", an optional "/", a letter, then the name up to a space, "/" or ">".
_TAG = re.compile(r"</?[A-Za-z][^\s/>]*([\s/][^>]*)?>|<!--|<!\[CDATA\[|<![A-Za-z]")
_CHARREF = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
_DROPPED_ELEMENTS = {"script", "style", "template", "noscript", "iframe", "object"}
_BLOCK_ELEMENTS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}
_EMAIL = re.compile(
    r"[\w.%+-]+@[\w-]+(\.[\w-]+)+"  # plain
    r"|[\w.%+-]+\s*(\(at\)|\[at\])\s*[\w-]+((\.|\s*(\(dot\)|\[dot\])\s*)[\w-]+)+"  # jo(at)x.org
    r"|[\w.%+-]+\s+at\s+[\w-]+(\s+dot\s+[\w-]+)+",  # spelled out: jo at x dot org
    re.IGNORECASE,
)
_CONTROL = {c for c in map(chr, range(32)) if c not in "\n\t"} | {"\x7f"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_ELEMENTS:
            self._skipping += 1
        elif tag in _BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_ELEMENTS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(value: object) -> str:
    """The text of ``value`` without markup or control characters, whitespace tidied.

    Paragraph breaks (blank lines) are kept; runs of spaces become one space.
    """
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Until nothing changes: decoding references can reveal markup ("&lt;script&gt;") or control
    # characters, and removing either can reveal more. Each step shortens the text, so it ends.
    while True:
        text = "".join(c for c in text if c not in _CONTROL)
        if _TAG.search(text):
            extractor = _TextExtractor()
            extractor.feed(text)
            extractor.close()
            cleaned = "".join(extractor.parts)
            if cleaned == text:  # markup the parser leaves as text (an unclosed comment)
                cleaned = _TAG.sub("", text)
        elif _CHARREF.search(text):
            cleaned = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
        else:
            break
        if cleaned == text:
            break
        text = cleaned
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def one_line(value: object) -> str:
    """:func:`plain_text` on a single line (titles, labels, list items).

    >>> one_line("A  title\\n split")
    'A title split'
    """
    return re.sub(r"\s+", " ", plain_text(value)).strip()


def contains_email(text: str) -> bool:
    """True when ``text`` holds something that reads as an email address, spelled out or not."""
    return bool(_EMAIL.search(text))


def slugify(text: str, *, max_length: int = 80) -> str:
    """A lower-case id from a title: letters, digits and hyphens.

    >>> slugify("Healthy Living Pharmacies: Portsmouth (2010)")
    'healthy-living-pharmacies-portsmouth-2010'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")
