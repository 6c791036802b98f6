"""Content packs: the shipped ones load; bad ones get a problem table naming file, line and
rule and install nothing; new versions install beside the old without a release."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthgap.assessment import (
    export_pack,
    install_pack,
    load_catalogue,
    load_pack,
    parse_pack_text,
    shipped_catalogue,
)
from healthgap.errors import InputError

GOOD = """\
format: healthgap-assessment-pack/1
framework:
  id: local_check
  title: A local check
  version: "1.0"
  source: {citation: "Our team, 2025", evidence: A}
scale:
  id: three
  name: Three levels
  levels:
    - {key: low, value: 0, label: Low, rag: red}
    - {key: mid, value: 1, label: Middle, rag: amber}
    - {key: high, value: 2, label: High, rag: green}
sections:
  - {id: main, title: Main}
items:
  - id: first
    section: main
    name: First item
    prompt: {text: "Is the first thing in place for {topic}?", reconstructed: true}
    descriptors: {high: Fully in place}
  - id: second
    section: main
    name: Second item
    prompt: Is the second thing in place?
    related: [first]
"""


def _problems(text: str, name: str = "pack.yaml") -> list[tuple[int | None, str, str]]:
    with pytest.raises(InputError) as caught:
        parse_pack_text(text, name)
    assert all(p.file == name for p in caught.value.problems)
    return [(p.row, p.column or "", p.rule) for p in caught.value.problems]


def test_every_shipped_pack_loads_with_source_and_version() -> None:
    catalogue = shipped_catalogue()
    table = catalogue.table()
    assert set(table["framework_id"]) == {
        "hinst_cbo", "pots", "pit", "pit_tool_a", "pit_tool_b", "pit_tool_c", "pit_tool_d",
        "nsmc_benchmarks", "mecc_quality_markers",
    }  # fmt: skip
    for fid in table["framework_id"]:
        fw = catalogue.get(fid)
        assert fw.version and fw.source.citation and fw.source.evidence in ("R", "V", "A")
        assert fw.content["framework"]["version"] == fw.version


def test_item_counts_and_structure() -> None:
    catalogue = shipped_catalogue()
    counts = {f: len(catalogue.get(f).top_items()) for f in catalogue.framework_ids()}
    assert counts["hinst_cbo"] == 12 and counts["pots"] == 13 and counts["pit"] == 7
    assert counts["pit_tool_a"] == 10 and counts["nsmc_benchmarks"] == 8
    hinst = catalogue.get("hinst_cbo")
    assert len(hinst.items_in("quick")) == 12  # one question per area
    assert len(hinst.items_in("full")) > 12 and hinst.default_mode == "quick"
    assert [s.id for s in hinst.sections] == [
        "need_to_demand", "resources_and_design", "effectiveness_chain", "reach", "scale_and_mix",
    ]  # fmt: skip
    pots = catalogue.get("pots")
    assert [sum(i.section == s.id for i in pots.items) for s in pots.sections] == [5, 5, 3]
    tool_a = catalogue.get("pit_tool_a")
    assert [s.number for s in tool_a.data_steps] == [1, 2, 3, 4, 5]
    assert [t.id for t in catalogue.get("pit").tools] == ["A", "B", "C", "D"]


def test_nsmc_orderings_prompts_and_required_evidence() -> None:
    nsmc = shipped_catalogue().get("nsmc_benchmarks")
    assert [i.id for i in nsmc.ordered_items()][:2] == ["behaviour", "customer_orientation"]
    assert [i.id for i in nsmc.ordered_items("nsmc_2006")][:2] == [
        "customer_orientation", "behaviour",
    ]  # fmt: skip
    assert all(i.evidence_required and i.evidence_prompt for i in nsmc.items)
    assert all(i.prompt.reconstructed for i in nsmc.items)  # plain-language prompts are ours


def test_mecc_scale_runs_0_to_3_and_dont_know_is_not_zero() -> None:
    mecc = shipped_catalogue().get("mecc_quality_markers")
    assert [(lv.value, lv.label.text) for lv in mecc.scale.levels] == [
        (0, "Not met"), (1, "In development"), (2, "Partially met"), (3, "Fully met"),
    ]  # fmt: skip
    assert mecc.scale.value_of("dont_know") is None and mecc.scale.value_of("0") == 0
    assert all(i.name.reconstructed and i.prompt.reconstructed for i in mecc.items)


def test_reconstructed_wording_is_flagged() -> None:
    catalogue = shipped_catalogue()
    hinst = catalogue.get("hinst_cbo")
    # area names come from the source; every question and descriptor is ours
    assert not any(i.name.reconstructed for i in hinst.top_items())
    assert all(i.prompt.reconstructed for i in hinst.items)
    assert all(lv.descriptor.reconstructed for lv in hinst.scale.levels)
    assert all(s.title.reconstructed for s in hinst.sections)  # the grouping is an assumption
    pit = catalogue.get("pit")
    seams = [i for i in pit.items if i.section in ("seams", "centre")]
    assert len(seams) == 4 and all(i.name.reconstructed for i in seams)


def test_good_pack_and_prompt_placeholders() -> None:
    fw = parse_pack_text(GOOD, "local.yaml")
    assert fw.key == ("local_check", "1.0") and fw.default_mode == "all"
    assert (
        fw.item("first").prompt_for(topic="tobacco") == "Is the first thing in place for tobacco?"
    )
    assert fw.item("first").descriptors["high"].text == "Fully in place"
    assert fw.scale.level("mid").colour == "#F47738"  # the RAG band's default colour


def test_duplicate_item_id_names_the_line() -> None:
    text = GOOD.replace("  - id: second", "  - id: first")
    assert (22, "items[1].id", "duplicate_item_id") in _problems(text)


def test_unknown_scale_level_in_descriptors() -> None:
    text = GOOD.replace("descriptors: {high: Fully in place}", "descriptors: {top: Fully}")
    assert (21, "items[0].descriptors.top", "unknown_level") in _problems(text)


def test_missing_version() -> None:
    text = GOOD.replace('  version: "1.0"\n', "")
    assert (3, "framework.version", "missing_version") in _problems(text)


def test_broken_links_and_unknown_indicator() -> None:
    text = GOOD.replace("related: [first]", "related: [third]\n    indicators: [gdp]")
    text += "modes:\n  - {id: quick, label: Quick, items: [first, fourth]}\n"
    text += "default_mode: slow\n"
    rules = {(column, rule) for _, column, rule in _problems(text)}
    assert ("items[1].related", "broken_link") in rules
    assert ("items[1].indicators", "unknown_indicator") in rules
    assert ("modes[0].items", "broken_link") in rules
    assert ("default_mode", "broken_link") in rules


def test_scale_rules() -> None:
    text = GOOD.replace("{key: mid, value: 1,", "{key: low, value: 0,").replace(
        "rag: green}", "rag: blue}"
    )
    rules = {rule for _, _, rule in _problems(text)}
    assert {"duplicate_level", "levels_not_ordered", "unknown_rag"} <= rules


def test_typos_repeated_keys_bad_wording_and_yaml_syntax() -> None:
    text = GOOD.replace("    related: [first]", "    relatd: [first]\n    name: Again")
    text = text.replace('prompt: {text: "Is', 'prompt: {txt: "Is')
    found = _problems(text)
    assert (26, "items[1].relatd", "unknown_field") in found
    assert (27, "items[1].name", "duplicate_key") in found
    assert any(rule == "bad_wording" for _, _, rule in found)
    assert _problems("framework: [unclosed\n") == [(2, "", "yaml_syntax")]


def test_problem_table_columns() -> None:
    with pytest.raises(InputError) as caught:
        parse_pack_text(GOOD.replace('  version: "1.0"\n', ""), "p.yaml")
    assert list(caught.value.to_frame().columns) == ["file", "row", "column", "rule", "message"]


def test_install_new_version_keeps_the_old(tmp_path: Path) -> None:
    user = tmp_path / "packs"
    source = tmp_path / "nsmc-1.1.yaml"
    text = export_pack(shipped_catalogue().get("nsmc_benchmarks")).replace(
        "version: '1.0'", "version: '1.1'"
    )
    source.write_text(text.replace("Not met", "Not met at all"), encoding="utf-8")
    target = install_pack(source, user)
    assert target.name == "nsmc_benchmarks-1.1.yaml"
    catalogue = load_catalogue(user)
    assert catalogue.versions_of("nsmc_benchmarks") == ("1.0", "1.1")
    assert catalogue.get("nsmc_benchmarks").scale.levels[0].label.text == "Not met at all"
    assert catalogue.get("nsmc_benchmarks", "1.0").scale.levels[0].label.text == "Not met"
    with pytest.raises(InputError) as caught:  # the same version twice
        install_pack(source, user)
    assert caught.value.problems[0].rule == "duplicate_version"


def test_failed_install_writes_nothing(tmp_path: Path) -> None:
    user = tmp_path / "packs"
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  - id: second", "  - id: first"), encoding="utf-8")
    with pytest.raises(InputError):
        install_pack(bad, user)
    assert not user.exists() or not list(user.iterdir())
    tool = tmp_path / "tool.yaml"  # a tool naming a framework that is not installed
    tool.write_text(GOOD + "tools:\n  - {id: Z, title: Z, component: first, framework: nowhere,"
                    " focus: Z}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError) as caught:
        install_pack(tool, user)
    assert [(p.column, p.rule) for p in caught.value.problems] == [
        ("tools[0].framework", "broken_link")
    ]
    assert not user.exists() or not list(user.iterdir())


def test_a_bad_user_pack_is_reported_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(GOOD.replace('  version: "1.0"\n', ""), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(tmp_path)
    assert caught.value.problems[0].file == "mine.yaml"
    assert load_pack  # the loader of a single file is public too


def test_export_round_trips_every_shipped_pack() -> None:
    catalogue = shipped_catalogue()
    for fid in catalogue.framework_ids():
        fw = catalogue.get(fid)
        again = parse_pack_text(export_pack(fw), f"{fid}.yaml")
        assert [i.id for i in again.items] == [i.id for i in fw.items]
        assert again.scale == fw.scale
