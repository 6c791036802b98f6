"""The shipped packs hold the lists that ``../shared/design/frameworks.md`` gives: the 12 HINST
areas, the 13 POTS elements in their three groups, the PIT's three segments and where Tools
A-D sit, Tool A's 10 elements and five data steps, the 8 NSMC criteria in both orders and
the MECC 0-3 scale. The names are read from the document, not copied into this test."""

from __future__ import annotations

import re

import pytest
from tests.conftest import shared_path

from healthgap.assessment import shipped_catalogue


@pytest.fixture(scope="module")
def doc() -> str:
    return shared_path("design", "frameworks.md").read_text(encoding="utf-8")


def _section(doc: str, number: int) -> str:
    start = re.search(rf"^## {number}\. ", doc, re.M)
    end = re.search(rf"^## {number + 1}\. ", doc, re.M)
    assert start and end, f"frameworks.md has no section {number}"
    return doc[start.start() : end.start()]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/ ]", " ", text.lower()).split())


def _table(section: str) -> list[tuple[str, str]]:
    """(number, name) of the rows of the first numbered table in a section."""
    return re.findall(r"^\| (\d+) \| ([^|]+?) \|", section, re.M)


def test_hinst_twelve_areas_and_display_groups(doc: str) -> None:
    section = _section(doc, 1)
    rows = _table(section)
    hinst = shipped_catalogue().get("hinst_cbo")
    areas = hinst.top_items()
    assert len(rows) == len(areas) == 12
    assert [(i.number, _norm(i.name.text)) for i in areas] == [(n, _norm(a)) for n, a in rows]
    groups = re.findall(r"^- [^\n(]+\((\d+)\D(\d+)\)", section.split("Suggested logical")[1], re.M)
    ours = [[int(i.number) for i in areas if i.section == s.id] for s in hinst.sections]
    assert ours == [list(range(int(a), int(b) + 1)) for a, b in groups[:5]]


def test_hinst_scale_and_rag(doc: str) -> None:
    section = _section(doc, 1)
    levels = re.findall(r"^- (\d) ([A-Za-z][^\n]*)$", section.split("**Scale.**")[1], re.M)[:5]
    scale = shipped_catalogue().get("hinst_cbo").scale
    assert [int(n) for n, _ in levels] == [lv.value for lv in scale.levels]
    for (_, label), level in zip(levels, scale.levels, strict=True):
        assert _norm(label).startswith(_norm(level.label.text))
    assert "0–1 red, 2 amber, 3–4 green" in section
    assert [lv.rag for lv in scale.levels] == ["red", "red", "amber", "green", "green"]


def test_pots_thirteen_elements_in_three_groups(doc: str) -> None:
    text = " ".join(_section(doc, 2).split())
    groups = re.findall(r"(\d+) (?:balancing )?elements(?: of [a-z ]+?)? \(([^)]*)\)", text)
    assert [int(n) for n, _ in groups] == [5, 5, 3]
    pots = shipped_catalogue().get("pots")
    for section, (count, names) in zip(pots.sections, groups, strict=True):
        listed = [_norm(n) for n in names.split("; ")]
        ours = [_norm(i.name.text) for i in pots.items if i.section == section.id]
        assert len(listed) == int(count) and ours == listed


def test_pit_segments_and_tool_places(doc: str) -> None:
    section = _section(doc, 3)
    segments = re.search(r"civic-level interventions,\s+- community-centred interventions,"
                         r"\s+- service-based interventions", section)  # fmt: skip
    assert segments, "frameworks.md no longer lists the three PIT segments"
    pit = shipped_catalogue().get("pit")
    assert len(pit.top_items()) == 7
    names = {_norm(i.name.text) for i in pit.items if i.section == "segments"}
    assert names == {"civic level interventions", "community centred interventions",
                     "service based interventions"}  # fmt: skip
    places = dict(re.findall(r"^\| ([A-D]) \| ([^|]+?) \|", section, re.M))
    expected = {"Centre": "centre", "Civic ↔ community seam": "civic_community",
                "Service ↔ community seam": "service_community",
                "Civic ↔ service seam": "civic_service"}  # fmt: skip
    for tool in pit.tools:
        component = pit.item(tool.component)
        assert component.attributes["pit_position"] == expected[places[tool.id]]


def test_tool_a_ten_elements_and_five_data_steps(doc: str) -> None:
    section = _section(doc, 3)
    block = section.split("### Tool A")[1]
    elements = re.findall(r"^\d+\. ([^:]+):", block, re.M)
    tool_a = shipped_catalogue().get("pit_tool_a")
    assert [_norm(i.name.text) for i in tool_a.top_items()] == [_norm(e) for e in elements]
    sequence = " ".join(block.split("five-step data sequence")[1].split())
    steps = sequence.split("[R]: ")[1].split(". The level")[0].split("; ")
    assert len(steps) == len(tool_a.data_steps) == 5
    for theirs, ours in zip(steps, tool_a.data_steps, strict=True):
        words = {w for w in _norm(theirs).split() if len(w) >= 6}
        assert words & set(_norm(ours.title.text).split()), (theirs, ours.title.text)


def test_nsmc_eight_criteria_in_both_orders(doc: str) -> None:
    section = _section(doc, 4)
    rows = _table(section)
    nsmc = shipped_catalogue().get("nsmc_benchmarks")
    assert [_norm(i.name.text) for i in nsmc.ordered_items("nsmc_current")] == [
        _norm(name) for _, name in rows
    ]
    assert "The 2006 table starts with customer orientation" in section
    assert nsmc.ordered_items("nsmc_2006")[0].id == "customer_orientation"


def test_mecc_scale(doc: str) -> None:
    section = _section(doc, 8)
    scores = dict(re.findall(r"(\d) = ([a-z ]+?)(?:,|\*\*)", section))
    mecc = shipped_catalogue().get("mecc_quality_markers").scale
    assert set(scores) == {"0", "1", "2", "3"}
    for level in mecc.levels:
        assert _norm(level.label.text).startswith(_norm(scores[str(level.value)]))
