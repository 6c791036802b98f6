"""Glossary links on every page: the first mention of each glossary term in a page's prose links
to its entry on ``/practice/glossary``, with the term's definition as a hint.

``base.html`` passes the rendered ``content`` block of every full page through the
``glossary_links`` filter (:func:`glossary_filter`), so no page template links terms by hand.
The filter streams the HTML once with the standard library's tokeniser and rewrites only text
nodes: every tag, attribute, comment and script passes through byte for byte, and a text node
that holds no term is left exactly as rendered. A term is linked only in prose; text inside
any of these is left alone:

- links, buttons, form labels and legends, hints, inputs, selects and text areas (a link inside
  another control, or inside a label read out with its field, would be broken or unreadable);
- tables (numbers and their headings), charts (``<script>`` specs, ``[data-chart]``, SVG),
  code, the page's ``<h1>`` and its caption (they name the page; the ``<h1>`` takes the
  focus), the error summary and error messages, tags, visually hidden text,
  ``[hidden]``/``aria-hidden`` content;
- anything marked ``data-no-glossary`` (a page opts a block out) - a whole page opts out with
  ``{% set link_glossary = false %}``.

HTMX fragments are linked by :func:`link_fragment_terms` (called from ``render()``), skipping
the terms the page already links (header ``HG-Glossary-Seen``, sent by ``healthgap.js``).
Only roles that may open the glossary get links (:func:`may_open_glossary`).

A link reads::

    <a class="govuk-link hg-term" href="/practice/glossary#sii" aria-describedby="hg-term-sii"
       data-tip="The absolute gap...">SII</a>
    ...
    <div hidden class="hg-term-definitions"><span id="hg-term-sii">The absolute gap...</span></div>

The definition is the link's accessible description (screen readers read it after the link
text, from the hidden list at the end of the block) and shows as a tooltip on hover *and* on
keyboard focus, drawn by CSS from ``data-tip`` with an empty alternative text, so it is neither
part of the link's name nor of the page's text (``healthgap.css``; Escape dismisses it,
``healthgap.js``). Every piece of text, the definition included, is escaped here: user-entered
text that happens to hold a term stays text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from healthgap.analyses import glossary_terms, linked_text
from healthgap.analyses.practice_pages import Glossary

__all__ = ["GLOSSARY_URL", "glossary_filter", "link_fragment_terms", "link_glossary_terms"]

GLOSSARY_URL = "/practice/glossary"
#: Request header of an HTMX request: the term ids the page around the swap already links.
SEEN_HEADER = "HG-Glossary-Seen"
_TERM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")

#: Elements whose text is never linked (see the module docstring for why).
SKIPPED_TAGS = frozenset({
    "a", "button", "label", "legend", "select", "option", "optgroup", "textarea", "input",
    "script", "style", "template", "noscript", "table", "svg", "math", "code", "pre", "kbd",
    "samp", "var", "abbr", "dfn", "title", "summary", "nav", "header", "footer", "head",
    "iframe", "object", "canvas", "video", "audio", "h1", "dialog", "tr", "td", "th", "caption",
})  # fmt: skip
#: Classes whose text is never linked: GOV.UK error pieces, hints, tags, hidden text, and the
#: caption over a page's heading (with the heading, it names the page).
SKIPPED_CLASSES = frozenset({
    "govuk-error-summary", "govuk-error-message", "govuk-hint", "govuk-tag",
    "govuk-visually-hidden", "govuk-skip-link", "govuk-back-link", "govuk-breadcrumbs", "hg-term",
    "govuk-caption-xl", "govuk-caption-l", "govuk-caption-m",
})  # fmt: skip
SKIPPED_ROLES = frozenset({"alert", "alertdialog", "button", "link", "tab", "menu", "toolbar"})
#: Elements with no end tag: never on the stack of open elements.
VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})  # fmt: skip


def _skipped(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag in SKIPPED_TAGS:
        return True
    values = dict(attrs)
    if "data-no-glossary" in values or "hidden" in values or "data-chart" in values:
        return True
    if values.get("aria-hidden") == "true" or values.get("role") in SKIPPED_ROLES:
        return True
    return not SKIPPED_CLASSES.isdisjoint((values.get("class") or "").split())


class _TermLinker(HTMLParser):
    """One pass over a fragment of HTML; ``out`` collects the rewritten pieces."""

    def __init__(self, glossary: Glossary, seen: set[str], *, inline: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.glossary = glossary
        self.seen = seen
        self.out: list[str] = []
        self.text: list[str] = []  # raw text (character references as written) not yet out
        self.open: list[tuple[str, bool]] = []  # open elements and whether each is skipped
        self.skipping = 0  # how many open elements are skipped
        self.linked: list[str] = []  # the definitions of the terms linked, in order
        self.inline = inline  # each definition right after its link, not in a list at the end

    # Text arrives in pieces (and character references apart): gather it, link on the next tag.
    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.text.append(f"&#{name};")

    def flush(self) -> None:
        raw = "".join(self.text)
        self.text.clear()
        if not raw:
            return
        if self.skipping or self.cdata_elem is not None or not raw.strip():
            self.out.append(raw)
            return
        segments = linked_text(html.unescape(raw), self.glossary, seen=self.seen)
        if all(s.term_id is None for s in segments):
            self.out.append(raw)  # as rendered: nothing to link
            return
        for s in segments:
            self.out.append(self.link(s.text, s.term_id) if s.term_id else str(escape(s.text)))

    def link(self, text: str, term_id: str) -> str:
        definition = escape(self.glossary.terms[term_id].definition)
        described = f'<span id="hg-term-{term_id}">{definition}</span>'
        link = (
            f'<a class="govuk-link hg-term" href="{GLOSSARY_URL}#{term_id}" '
            f'aria-describedby="hg-term-{term_id}" data-tip="{definition}">{escape(text)}</a>'
        )
        if self.inline:
            return link + described.replace("<span ", "<span hidden ", 1)
        self.linked.append(described)
        return link

    def definitions(self) -> str:
        """The hidden list the links' ``aria-describedby`` point to ('' when none)."""
        if not self.linked:
            return ""
        return f'<div hidden class="hg-term-definitions">{"".join(self.linked)}</div>'

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(self.get_starttag_text() or "")
        if tag in VOID_TAGS:
            return
        skipped = bool(self.skipping) or _skipped(tag, attrs)
        self.open.append((tag, skipped))
        self.skipping += skipped

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        self.flush()
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        self.out.append(f"</{tag}>")
        if all(name != tag for name, _ in self.open):
            return  # a stray end tag: the browser ignores it, so do we
        while self.open:  # close what the end tag closes (an unclosed <p>, <li> ...)
            name, skipped = self.open.pop()
            self.skipping -= skipped
            if name == tag:
                break

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.flush()
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.flush()
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.flush()
        self.out.append(f"<![{data}]>")


def link_glossary_terms(
    fragment: str, glossary: Glossary, seen: set[str] | None = None, *, inline: bool = False
) -> str:
    """``fragment`` (rendered, escaped HTML) with the first mention of each glossary term in
    its prose linked to the glossary; ``seen`` holds ids already linked on the page. The
    definitions the links point to follow in a hidden list at the end (``inline``: each in a
    hidden span right after its link, valid wherever the link is).

    >>> from healthgap.analyses import glossary_terms
    >>> link_glossary_terms("<table><td>SII</td></table><p>The SII &amp; IMD</p>",
    ...                     glossary_terms()).count('class="govuk-link hg-term"')
    2
    """
    linker = _TermLinker(glossary, set() if seen is None else seen, inline=inline)
    linker.feed(str(fragment))
    linker.close()
    linker.flush()
    return "".join(linker.out) + linker.definitions()


def glossary_filter(glossary: Callable[[], Glossary]) -> Callable[..., Markup]:
    """The Jinja filter ``glossary_links(user, enabled)`` of ``base.html``, over the glossary
    ``glossary()`` returns (asked per page: an edited glossary file shows on the next page)."""

    def glossary_links(fragment: str, user: object = None, enabled: bool = True) -> Markup:
        if not (enabled and may_open_glossary(user)):
            return Markup(fragment)  # noqa: S704 - the rendered, escaped block, unchanged
        # The fragment is autoescaped template output; every piece added is escaped above.
        return Markup(link_glossary_terms(fragment, glossary()))  # noqa: S704

    return glossary_links


def may_open_glossary(user: object) -> bool:
    """The glossary is for signed-in roles above staff (the staff role logs conversations
    only): nobody else is sent a link they cannot open."""
    return user is not None and str(getattr(user, "role", "")) not in ("", "staff")


def link_fragment_terms(request: Request, response: Response) -> None:
    """Link glossary terms in an HTMX fragment (a plan result, a sensitivity run ...), in place.

    ``healthgap.js`` sends the ids the page around the swapped element already links (header
    ``HG-Glossary-Seen``), so a term gets a link in the fragment only if the page has none
    outside it: the first-mention rule holds for the page the user sees. A full page (it holds
    ``<main``) was linked by ``base.html`` already.
    """
    if not may_open_glossary(getattr(request.state, "user", None)):
        return
    if "text/html" not in response.headers.get("content-type", ""):
        return
    body = bytes(response.body).decode("utf-8")
    if "<main" in body:
        return
    said = request.headers.get(SEEN_HEADER, "")[:4000].split(",")
    seen = {term_id for term_id in said if _TERM_ID.match(term_id)}
    # Definitions right after their links: a list at the end of a fragment could land where
    # a <div> is not allowed (a fragment of list items swapped into a <ul>).
    linked = link_glossary_terms(body, glossary_terms(), seen, inline=True)
    if linked != body:
        response.body = linked.encode("utf-8")
        response.headers["content-length"] = str(len(response.body))
