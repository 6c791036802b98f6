"""The glossary, linking terms in text, plain-text cleaning, attachments and search text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.errors import InputError
from healthgap.practice import (
    MAX_BYTES,
    check_attachment,
    highlight,
    link_terms,
    load_glossary,
    parse_query,
)
from healthgap.practice.search_text import index_text, more_like_this_terms
from healthgap.practice.text import contains_email, plain_text

GLOSSARY = load_glossary()


def test_the_glossary_holds_the_standard_terms() -> None:
    wanted = {
        "social marketing": "social-marketing",
        "insight": "insight",
        "segmentation": "segmentation",
        "stages of change": "stages-of-change",
        "population intervention triangle": "triangle",
        "seams": "seams",
        "MECC": "mecc",
        "LE": "life-expectancy",
        "HLE": "healthy-life-expectancy",
        "DSR": "dsr",
        "SII": "sii",
        "RII": "rii",
        "gap": "gap",
    }
    for phrase, term_id in wanted.items():
        found = GLOSSARY.lookup(phrase)
        assert found is not None and found.id == term_id, phrase
        assert len(found.definition) > 60


def test_linking_marks_first_mentions_and_keeps_the_text() -> None:
    text = (
        "Making every contact count (MECC) uses insight. The slope index of inequality and "
        "the SII are the same; le gap and LE differ. Insight again."
    )
    segments = link_terms(text, GLOSSARY)
    assert "".join(s.text for s in segments) == text
    linked = [(s.text, s.term_id) for s in segments if s.term_id]
    assert linked == [
        ("Making every contact count", "mecc"),
        ("insight", "insight"),
        ("slope index of inequality", "sii"),
        ("gap", "gap"),
        ("LE", "life-expectancy"),
    ]
    every = [s.term_id for s in link_terms(text, GLOSSARY, first_only=False) if s.term_id]
    assert every.count("insight") == 2 and every.count("sii") == 2


@given(st.text(max_size=300))
def test_linking_never_changes_the_text(text: str) -> None:
    assert "".join(s.text for s in link_terms(text, GLOSSARY)) == text


def test_a_broken_glossary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "version: 2\nterms:\n"
        "  - {id: a, term: alpha, definition: first, category: x, see_also: [zzz]}\n"
        "  - {id: a, term: beta, definition: second, category: x}\n"
        "  - {id: c, term: gamma, category: x, aliases: [alpha]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_glossary(path)
    rules = sorted(p.rule for p in caught.value.problems)
    assert rules == ["duplicate_id", "missing_field", "unknown_term"]


def test_an_edited_glossary_is_used(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "version: 3\nterms:\n  - {id: gap, term: gap, definition: Our own wording., "
        "category: measures}\n",
        encoding="utf-8",
    )
    glossary = load_glossary(path)
    assert glossary.version == 3 and glossary.lookup("Gap").definition == "Our own wording."


@given(
    st.lists(
        st.sampled_from(["<script>", "</script>", "<b>", "&lt;", "&gt;", "&amp;", "<", ">", " "])
        | st.text(max_size=10),
        max_size=20,
    ).map("".join)
)
def test_plain_text_is_idempotent_and_never_keeps_a_tag(text: str) -> None:
    once = plain_text(text)
    assert plain_text(once) == once
    assert not re.search(r"</?(script|b)([\s/][^>]*)?>", once, re.IGNORECASE)


def test_plain_text_examples() -> None:
    assert plain_text("<SCRIPT src=x></SCRIPT>Hello &amp; bye") == "Hello & bye"
    assert plain_text("&lt;script&gt;alert(1)&lt;/script&gt;ok") == "ok"
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("Line one\r\n\r\n\r\nLine two\x00") == "Line one\n\nLine two"
    assert not contains_email("lead at the Medway trust. Call the switchboard")


@pytest.mark.parametrize(
    ("name", "media_type", "head", "size", "rule"),
    [
        ("notes.exe", "application/octet-stream", b"MZ", 10, "type_not_allowed"),
        ("report.pdf", "application/pdf", b"%PDF-1.4", MAX_BYTES + 1, "too_large"),
        ("report.pdf", "application/pdf", b"%PDF-1.4", 0, "empty_file"),
        ("photo.jpg", "image/jpeg", b"GIF89a", 10, "wrong_content"),
        ("slides.pptx", "application/pdf", b"PK\x03\x04", 10, "type_mismatch"),
        ("data.csv", "text/csv", b"a,b\n\xff\xfe\x00", 10, "wrong_content"),
    ],
)
def test_attachments_of_the_wrong_kind_or_size_are_refused(
    name: str, media_type: str, head: bytes, size: int, rule: str
) -> None:
    with pytest.raises(InputError) as caught:
        check_attachment(name, media_type, head, size=size)
    assert rule in {p.rule for p in caught.value.problems}


def test_attachments_accepted_get_a_safe_name() -> None:
    ok = check_attachment("../../etc/Evaluation report (v2).docx", "", b"PK\x03\x04rest", size=5000)
    assert ok.filename == "Evaluation report _v2_.docx"
    assert ok.media_type.endswith("wordprocessingml.document")
    text = check_attachment("summary.txt", "text/plain", "café ok".encode()[:4], size=8)
    assert text.media_type == "text/plain"


def test_queries_and_highlights() -> None:
    query = parse_query('The "stop smoking" services for MEN -alcohol or -')
    assert query.terms == ("servic", "men")
    assert query.phrases == (("stop", "smoke"),)
    assert query.excluded == ("alcohol",)
    text = "A stop-smoking service in a mosque, for men. " + "Filler words here. " * 20
    pieces = highlight(text, query, window=12)
    joined = "".join(p.text for p in pieces)
    assert joined.startswith("A stop-smoking service") and joined.endswith(" …")
    assert [p.text for p in pieces if p.hit] == ["stop", "smoking", "service", "men"]
    assert index_text("Café Örtqvist's 15-25 year-olds") == "cafe ortqvist s 15 25 year old"


@given(st.text(max_size=200), st.text(max_size=40))
def test_highlights_only_quote_the_text(text: str, query: str) -> None:
    pieces = highlight(text, parse_query(query))
    inner = "".join(p.text for p in pieces).removeprefix("… ").removesuffix(" …")
    assert inner in text


def test_more_like_this_prefers_distinctive_words() -> None:
    index = "mosqu mosqu smoke smoke smoke servic servic the"
    frequency = {"mosqu": 1, "smoke": 10, "servic": 40, "the": 40}
    assert more_like_this_terms(index, frequency, 40, count=2) == ["mosqu", "smoke"]
