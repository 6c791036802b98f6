"""Case studies: the seeded bank, the schema's rules, and honest evidence tags."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

import pytest
import yaml

from healthgap.errors import InputError
from healthgap.practice import (
    EvidenceStrength,
    Status,
    TrianglePart,
    case_study_from_mapping,
    case_study_template,
    due_for_review,
    load_case_studies,
    write_case_studies_csv,
)
from healthgap.practice.case_study import EXAMPLE
from healthgap.practice.content_files import load_research
from healthgap.practice.glossary import load_glossary
from healthgap.scenarios.library import load_library
from shared_files import shared_path

#: The examples the issue names, by the id of their seeded entry.
NAMED_EXAMPLES = {
    "mosque-based stop smoking for men": "ss-newham-mosque-quit",
    "social-capital survey": "ss-hull-social-capital",
    "teenage-pregnancy insight": "ss-wolverhampton-young-people",
    "focus groups with non-attenders of heart-health checks": "ss-nottingham-happy-hearts",
    "patient and community champions network": "ss-champions-network",
    "text-message chlamydia screening": "ss-nelincs-coast",
    "evening and weekend clinics": "ss-extended-hours",
    "non-judgemental training for midwives": "ss-midwife-training",
    "healthy living pharmacy": "ff-portsmouth-hlp",
    "dental practice brief advice": "ff-windsor-dental",
    "hospital stop-smoking services": "ff-medway-cquin",
    "health-promoting hospitals": "ff-hph-network",
    "community champions": "ff-whitecity-champions",
}


@pytest.fixture(scope="module")
def bank():
    return {case.id: case for case in load_case_studies()}


def test_the_seeded_bank_has_at_least_20_examples_including_the_named_ones(bank) -> None:
    assert len(bank) >= 20
    missing = {name for name, case_id in NAMED_EXAMPLES.items() if case_id not in bank}
    assert not missing


def test_evidence_tags_are_honest(bank) -> None:
    counts = Counter(case.evidence for case in bank.values())
    assert counts[EvidenceStrength.descriptive] > len(bank) / 2  # most are descriptive
    assert counts[EvidenceStrength.controlled] == counts[EvidenceStrength.randomised] == 0
    for case in bank.values():
        if case.evidence > EvidenceStrength.descriptive:
            assert any(f.comparison for f in case.figures), case.id
        assert case.citation.startswith(("National Social Marketing Centre", "NHS Future Forum"))
        assert "Section:" in case.citation, case.id
        assert case.status is Status.published


def test_links_point_at_real_interventions_and_well_formed_items(bank) -> None:
    library = load_library()
    for case in bank.values():
        assert set(case.intervention_ids) <= set(library), case.id
        for item in case.framework_items:
            framework, name = item.split("/")
            assert framework in {"nsmc", "hinst"}
    nsmc = {i for case in bank.values() for i in case.framework_items if i.startswith("nsmc/")}
    assert nsmc <= {
        f"nsmc/{c}"
        for c in (
            "behaviour",
            "customer_orientation",
            "theory",
            "insight",
            "exchange",
            "competition",
            "segmentation",
            "methods_mix",
        )
    }


def test_place_codes_are_real_areas(bank) -> None:
    lookup = shared_path("data", "lookups", "ltla24_region24.csv")
    with lookup.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    known = {r["ltla24_code"] for r in rows} | {r["region24_code"] for r in rows} | {"E92000001"}
    assert {code for case in bank.values() for code in case.place_codes} <= known


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def test_summaries_are_in_our_own_words(bank) -> None:
    """No run of 10 words in any seeded text repeats the design notes it was written from."""
    source = " ".join(
        shared_path("design", name).read_text(encoding="utf-8")
        for name in ("practice_examples.md", "frameworks.md", "interventions.md")
    )
    words = _words(source)
    grams = {tuple(words[i : i + 10]) for i in range(len(words) - 9)}
    texts = [
        (c.id, k, v)
        for c in bank.values()
        for k, v in c.to_mapping().items()
        if isinstance(v, str) and k != "citation"
    ]
    texts += [
        (e.id, k, v)
        for e in load_research()
        for k, v in e.to_mapping().items()
        if isinstance(v, str)
    ]
    texts += [(t.id, "definition", t.definition) for t in load_glossary().terms.values()]
    copied = []
    for owner, field, text in texts:
        w = _words(text)
        if any(tuple(w[i : i + 10]) in grams for i in range(len(w) - 9)):
            copied.append((owner, field))
    assert not copied


def test_round_trip_through_a_mapping(bank) -> None:
    for case in bank.values():
        assert case_study_from_mapping(case.to_mapping()) == case


def test_missing_required_fields_are_all_reported_with_file_row_and_rule() -> None:
    raw = {key: value for key, value in EXAMPLE.items() if key not in ("problem", "aim")}
    raw["contact"] = {}
    with pytest.raises(InputError) as caught:
        case_study_from_mapping(raw, file="upload.yaml", row=7)
    found = {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}
    assert found == {
        ("upload.yaml", 7, "problem", "missing_field"),
        ("upload.yaml", 7, "aim", "missing_field"),
        ("upload.yaml", 7, "contact.role", "missing_field"),
    }


@pytest.mark.parametrize(
    "contact",
    [
        {"role": "Lead", "route": "jane.doe@nhs.net"},
        {"role": "Lead (jane [at] council [dot] gov [dot] uk)"},
        {"role": "Lead", "organisation": "write to jane at council dot gov dot uk"},
    ],
)
def test_a_personal_email_anywhere_in_the_contact_is_refused(contact: dict[str, str]) -> None:
    with pytest.raises(InputError) as caught:
        case_study_from_mapping({**EXAMPLE, "contact": contact})
    assert [p.rule for p in caught.value.problems] == ["email_in_contact"]


def test_a_contact_role_with_a_place_is_not_mistaken_for_an_email() -> None:
    contact = {"role": "Stop-smoking lead at Medway. Ask the switchboard", "route": "via the trust"}
    assert case_study_from_mapping({**EXAMPLE, "contact": contact}).contact.role.startswith("Stop")


def test_markup_and_script_are_stored_as_plain_text() -> None:
    raw = {
        **EXAMPLE,
        "title": "<h1>Quit clinic</h1>",
        "problem": "<script>document.location='x'</script><p>Few men &amp; no <i>women</i></p>",
        "results": "&lt;script&gt;alert(1)&lt;/script&gt;Quit rate 40%<60%",
    }
    case = case_study_from_mapping(raw)
    assert case.title == "Quit clinic"
    assert case.problem == "Few men & no women"
    assert "<script" not in case.results and case.results.endswith("Quit rate 40%<60%")


def test_stronger_evidence_needs_figures_with_a_comparison() -> None:
    with pytest.raises(InputError) as caught:
        case_study_from_mapping({**EXAMPLE, "evidence": "controlled"})
    assert [p.rule for p in caught.value.problems] == ["claim_without_figures"]
    figures = [{"measure": "quit rate", "reported": "38%", "comparison": "22% in the control area"}]
    case = case_study_from_mapping({**EXAMPLE, "evidence": "controlled", "figures": figures})
    assert case.evidence is EvidenceStrength.controlled


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"place_codes": ["Wirral"]}, "bad_place_code"),
        ({"topics": ["smoking"]}, "unknown_topic"),
        ({"triangle_parts": ["middle"]}, "unknown_value"),
        ({"framework_items": ["insight"]}, "bad_item_id"),
        ({"links": [{"label": "Report", "url": "javascript:alert(1)"}]}, "bad_url"),
        ({"review_by": "next year"}, "not_a_date"),
        ({"review_by": "2026-01-01", "reviewed_on": "2026-06-01"}, "review_before_review"),
        ({"id": "Has Spaces"}, "bad_id"),
        ({"evidence": "anecdote"}, "unknown_value"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, object], rule: str) -> None:
    with pytest.raises(InputError) as caught:
        case_study_from_mapping({**EXAMPLE, **change})
    assert [p.rule for p in caught.value.problems] == [rule]
    assert caught.value.problems[0].column.split(".")[0].split("[")[0] in change


def test_published_examples_become_due_for_review_after_their_date() -> None:
    case = case_study_from_mapping(EXAMPLE)
    assert not due_for_review(case, date(2027, 6, 30))
    assert due_for_review(case, date(2027, 7, 1))
    draft = case_study_from_mapping({**EXAMPLE, "status": "draft"})
    assert not due_for_review(draft, date(2030, 1, 1))


def test_triangle_parts_read_in_words() -> None:
    assert TrianglePart.parse("civic ↔ service seam") is TrianglePart.seam_civic_service
    assert TrianglePart.parse("Centre") is TrianglePart.centre
    with pytest.raises(ValueError):
        TrianglePart.parse("seam")


def test_the_template_asks_for_every_field_of_the_schema() -> None:
    template = yaml.safe_load(case_study_template())["case_studies"][0]
    schema = set(case_study_from_mapping(EXAMPLE).to_mapping())
    assert set(template) == schema - {"status", "reviewed_by", "reviewed_on", "editorial_note"}
    with pytest.raises(InputError) as caught:
        case_study_from_mapping(template, file="template.yaml")
    assert {p.rule for p in caught.value.problems} == {"missing_field"}


def test_case_studies_export_as_csv(bank) -> None:
    rows = list(csv.DictReader(io.StringIO(write_case_studies_csv(bank.values()))))
    assert len(rows) == len(bank)
    hlp = next(r for r in rows if r["id"] == "ff-portsmouth-hlp")
    assert hlp["evidence"] == "before_after" and "more than doubled" in hlp["figures"]
