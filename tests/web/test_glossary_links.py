"""Glossary links on every page (issue 17, one terminology): the first mention of each term in
a page's prose links to its glossary entry, never inside links, controls, labels, tables, the
page heading or the error summary; the rewrite only adds links; user text stays escaped."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import HTMLResponse
from web_helpers import add_user, csrf_from, login, unlinked

from healthgap.analyses import glossary_terms
from healthgap.web.glossary_links import link_fragment_terms, link_glossary_terms

GLOSSARY = glossary_terms()
LINK = re.compile(r'<a class="govuk-link hg-term" href="/practice/glossary#([\w-]+)"[^>]*>')
#: Elements a glossary link must never sit in.
NEVER_INSIDE = {"a", "button", "label", "legend", "select", "option", "textarea", "table",
                "th", "td", "caption", "h1", "script", "summary", "nav"}  # fmt: skip
NEVER_INSIDE_CLASSES = {"govuk-error-summary", "govuk-error-message", "govuk-hint"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Links(HTMLParser):
    """Each glossary link with the open elements around it, and every id of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, set[str]]] = []
        self.links: list[tuple[str, list[tuple[str, set[str]]], dict[str, str | None]]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        classes = set((values.get("class") or "").split())
        if tag == "a" and "hg-term" in classes:
            self.links.append((str(values["href"]).split("#")[1], list(self.open), values))
        if tag not in VOID:
            self.open.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass


def parsed(page: str) -> Links:
    links = Links()
    links.feed(page)
    return links


def check_links(page: str, url: str) -> list[str]:
    """The term ids linked on ``page``, after checking the rules every page keeps."""
    found = parsed(page)
    ids = [term_id for term_id, _, _ in found.links]
    assert len(ids) == len(set(ids)), f"{url}: a term is linked twice: {ids}"
    for term_id, around, attrs in found.links:
        tags = {tag for tag, _ in around}
        assert not tags & NEVER_INSIDE, f"{url}: {term_id} inside {tags & NEVER_INSIDE}"
        classes = set().union(*(c for _, c in around)) if around else set()
        assert not classes & NEVER_INSIDE_CLASSES, f"{url}: {term_id} in {classes}"
        assert attrs["aria-describedby"] == f"hg-term-{term_id}"
        assert attrs["data-tip"] == GLOSSARY.terms[term_id].definition
    duplicated = {i for i in found.ids if found.ids.count(i) > 1}
    assert not duplicated, f"{url}: ids used twice: {duplicated}"
    for term_id in ids:
        assert f'<span id="hg-term-{term_id}">' in page  # the description exists
    return ids


def without_links(page: str) -> str:
    """``page`` with the glossary links and their definitions taken out, text unescaped."""
    return html.unescape(unlinked(page))


# --- The rewrite itself ---------------------------------------------------------------------


def test_the_first_mention_in_prose_is_linked_and_nothing_else() -> None:
    fragment = (
        '<span class="govuk-caption-l">MECC</span><h1 class="govuk-heading-l">Life expectancy</h1>'
        '<table><caption>SII</caption><tr><th scope="col">SII</th><td>1.2</td></tr></table>'
        '<a href="/x">the SII</a><button>SII</button><label for="f">SII</label>'
        '<div class="govuk-error-summary"><p>MECC</p></div><p class="govuk-hint">MECC</p>'
        '<script type="application/json">{"title": "SII MECC"}</script>'
        "<p data-no-glossary>MECC</p>"
        "<p>The SII and MECC, then the SII again and life expectancy.</p>"
        "<h2>More about MECC</h2>"
    )
    out = link_glossary_terms(fragment, GLOSSARY)
    assert [m.group(1) for m in LINK.finditer(out)] == ["sii", "mecc", "life-expectancy"]
    assert out.count('class="govuk-link hg-term"') == 3  # the heading's MECC is a second one
    assert without_links(out) == html.unescape(fragment)
    assert '<h1 class="govuk-heading-l">Life expectancy</h1>' in out


def test_markup_passes_through_unchanged_when_no_term_is_linked() -> None:
    fragment = (
        '<div class="x" data-y=\'{"a": 1}\'><p>Nothing &amp; nobody &#39;here&#39; &lt;b&gt;'
        "</p><!-- a comment --><br/><img src=a alt=''><p>unclosed<p>and on</div>"
    )
    assert link_glossary_terms(fragment, GLOSSARY) == fragment


def test_terms_already_linked_on_the_page_are_not_linked_again() -> None:
    seen = {"sii"}
    out = link_glossary_terms("<p>SII and LSOAs</p>", GLOSSARY, seen)
    assert [m.group(1) for m in LINK.finditer(out)] == ["lsoa"]
    assert seen == {"sii", "lsoa"}


def test_text_and_definitions_stay_escaped(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "version: 1\nterms:\n  - id: gap\n    term: gap\n    category: measures\n"
        "    definition: 'A <b>bold</b> \"claim\" & more'\n",
        encoding="utf-8",
    )
    own = glossary_terms(path)
    rendered = "<p>&lt;script&gt;alert(1)&lt;/script&gt; the gap &amp; &lt;b&gt;gap&lt;/b&gt;</p>"
    out = link_glossary_terms(rendered, own)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    # The glossary file's text is cleaned of markup; quotes and & are escaped in the attribute.
    assert 'data-tip="A bold &#34;claim&#34; &amp; more"' in out
    assert without_links(out) == html.unescape(rendered)


# --- Every page -----------------------------------------------------------------------------


@pytest.fixture
def analyst(client_as) -> TestClient:  # noqa: ANN001
    return client_as("analyst")


def sample_pages(demo_la: str) -> list[str]:
    """Pages of every area that hold explanatory prose with glossary terms."""
    return [
        f"/area/{demo_la}",  # measure/profile
        f"/explain/{demo_la}",  # explain
        "/plan",  # plan
        "/equity",  # equity audit
        "/segments",  # segments
        "/stages",  # stages of change
        "/insight-notes",  # insight
        "/journeys",  # journeys
        "/mecc",  # MECC dashboards
        "/mecc/referrals",
        "/mecc/staff-health",
        "/assess/frameworks/hinst_cbo",  # assessment
        f"/report/{demo_la}",  # reports
        "/practice",  # practice bank
        "/practice/research",
        "/practice/cases/ss-newham-mosque-quit",
        "/practice/interventions/statins",
    ]


def test_every_area_links_its_terms_once_and_only_in_prose(
    app,  # noqa: ANN001
    analyst: TestClient,
    demo_la: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = {url: analyst.get(url) for url in sample_pages(demo_la)}
    linked = {}
    for url, response in pages.items():
        assert response.status_code == 200, url
        linked[url] = check_links(response.text, url)
        assert linked[url], f"{url} links no glossary term"
    # The rewrite only adds links: the same page rendered without the filter is the same HTML.
    filters = app.state.templates.env.filters
    monkeypatch.setitem(filters, "glossary_links", lambda fragment, *_a, **_k: fragment)
    for url in (f"/area/{demo_la}", "/plan", "/mecc", "/practice/cases/ss-newham-mosque-quit"):
        plain = analyst.get(url).text
        assert 'class="govuk-link hg-term"' not in plain
        assert without_links(pages[url].text) == html.unescape(plain), url
    # Terms a commissioner meets on those pages are among those linked.
    assert "life-expectancy" in linked[f"/area/{demo_la}"]
    assert "decomposition" in linked[f"/explain/{demo_la}"]
    assert "sii" in linked["/equity"] and "mecc" in linked["/mecc"]
    assert "stages-of-change" in linked["/stages"] and "journey-map" in linked["/journeys"]


def test_the_first_mention_is_the_one_linked(analyst: TestClient) -> None:
    page = analyst.get("/plan").text
    main = page[page.index("<main") :]
    first_gap = re.search(r"\bgap\b", re.sub(r"<[^>]+>", " ", main[: main.index("hg-term")]))
    assert first_gap is None  # no earlier mention of "gap" in the plan page's main block
    assert LINK.search(main).group(1) == "gap"  # the intro's "gap" is the one linked


def test_an_htmx_fragment_links_only_terms_new_to_the_page() -> None:
    def fragment(role: str, seen: str = "") -> HTMLResponse:
        scope = {"type": "http", "headers": [(b"hg-glossary-seen", seen.encode())],
                 "state": {"user": SimpleNamespace(role=role)}}  # fmt: skip
        response = HTMLResponse("<p>The SII, the EVPI and the SII</p>")
        link_fragment_terms(Request(scope), response)
        return response

    response = fragment("viewer", "sii,<b>,evil id")  # the page links the SII already
    body = bytes(response.body).decode()
    assert [m.group(1) for m in LINK.finditer(body)] == ["evpi"]
    definition = html.escape(GLOSSARY.terms["evpi"].definition, quote=False)
    assert f'EVPI</a><span hidden id="hg-term-evpi">{definition}</span>' in body  # beside it
    assert response.headers["content-length"] == str(len(response.body))
    assert "hg-term" not in bytes(fragment("staff").body).decode()


def test_an_error_summary_fragment_is_never_linked(analyst: TestClient) -> None:
    page = analyst.get("/stages?grouping=deprivation_quintile&behaviour=smoking").text
    said = analyst.post(
        "/stages/cell",
        data={"csrf_token": csrf_from(page), "grouping": "deprivation_quintile",
              "behaviour": "smoking", "segment": "1", "stage": "preparation",
              "message": "Stages of change: MECC", "channel": "Text message", "offer": ""},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert said.status_code == 400 and 'href="#offer"' in said.text
    summary = said.text.split('class="govuk-error-summary')[1].split("</ul>")[0]
    assert "hg-term" not in summary


def test_user_text_holding_terms_and_markup_stays_text(analyst: TestClient) -> None:
    token = csrf_from(analyst.get("/insight-notes/new").text)
    hostile = '<script>alert("MECC")</script> MECC & <b>SII</b> in LSOAs'
    saved = analyst.post(
        "/insight-notes",
        data={"csrf_token": token, "title": "Drop-in MECC", "method": "focus_group",
              "held_on": "2025-03-20", "consent_basis": "written consent",
              "themes": "Waiting", "summary": hostile},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    page = analyst.get(saved.headers["location"]).text
    check_links(page, "note")
    assert "<script>alert" not in page and "<b>SII</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;" in page
    assert 'alert("MECC")' in html.unescape(without_links(page))


def test_no_links_for_those_who_cannot_open_the_glossary(app, client) -> None:  # noqa: ANN001
    add_user(app.state.database, "staff")
    staff = login(TestClient(app, base_url="http://testserver"), "staff")
    page = staff.get("/plan")  # the staff role logs conversations only: a page that says so
    assert page.status_code == 403 and "hg-term" not in page.text
    assert staff.get("/practice/glossary").status_code == 403
    assert "hg-term" not in client.get("/login").text  # signed out


def test_the_glossary_is_searchable_and_filterable(analyst: TestClient) -> None:
    every = analyst.get("/practice/glossary").text
    assert f"<strong>{len(GLOSSARY.terms)}</strong> of {len(GLOSSARY.terms)} terms" in every
    assert 'class="govuk-link hg-term"' not in every  # the glossary links no terms of its own
    found = analyst.get("/practice/glossary?q=perfect+information").text
    assert 'id="evpi"' in found and 'id="evppi"' in found and 'id="sii"' not in found
    narrowed = analyst.get("/practice/glossary?category=insight+and+journeys").text
    assert 'id="moment-of-truth"' in narrowed and 'id="life-expectancy"' not in narrowed
    none = analyst.get("/practice/glossary?q=%3Cscript%3E").text
    assert "No term matches" in none and "<script>" not in none.split("<main")[1]
