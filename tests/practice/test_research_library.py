"""The research library: the studies behind every plan-library parameter, identifiers and
duplicate detection."""

from __future__ import annotations

from dataclasses import replace

import pytest

from healthgap.errors import InputError
from healthgap.practice import (
    ResearchType,
    find_duplicates,
    load_research,
    normalise_doi,
    normalise_title,
    research_entry_from_mapping,
)
from healthgap.practice.references import EXAMPLE_ENTRY
from healthgap.practice.research import isbn_is_valid
from healthgap.scenarios.library import load_library


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def research():
    return load_research()


def _parameter_ids(library) -> set[str]:
    ids = set()
    for intervention in library.values():
        ids |= {f"{intervention.id}.{name}" for name in intervention.parameters}
        ids |= {f"{intervention.id}.tables.{name}" for name in intervention.tables}
        ids.add(f"{intervention.id}.unit_cost")
    return ids


def test_every_sourced_parameter_has_its_study_in_the_library(library, research) -> None:
    linked = {p for entry in research for p in entry.parameter_ids}
    by_key = {key: entry for entry in research for key in entry.source_keys}
    for intervention in library.values():
        params = {**intervention.parameters, "unit_cost": intervention.unit_cost}
        for name, parameter in params.items():
            if parameter.source in intervention.sources:
                parameter_id = f"{intervention.id}.{name}"
                assert parameter_id in linked, parameter_id
                assert parameter_id in by_key[parameter.source].parameter_ids
        assert set(intervention.sources) <= set(by_key), intervention.id


def test_links_name_real_parameters(library, research) -> None:
    known = _parameter_ids(library)
    assert {p for entry in research for p in entry.parameter_ids} <= known


def test_effect_sizes_match_the_plan_library_defaults(library, research) -> None:
    """Where a finding feeds a parameter one to one, its value is the parameter's default."""
    entry = {e.id: e for e in research}
    checks = {
        ("bauld2007", "smoking_cessation.p4"): library["smoking_cessation"].parameters["p4"],
        ("ferguson2005", "smoking_cessation.p52"): library["smoking_cessation"].parameters["p52"],
        ("towler1998", "bowel_screening.rr_attenders"): (
            library["bowel_screening"].parameters["rr_attenders"]
        ),
        ("phepa2005", "alcohol_brief_advice.nnt"): library["alcohol_brief_advice"].parameters[
            "nnt"
        ],
        ("robson2016", "nhs_health_check.yield_hypertension"): (
            library["nhs_health_check"].parameters["yield_hypertension"]
        ),
    }
    for (entry_id, parameter_id), parameter in checks.items():
        finding = next(f for f in entry[entry_id].findings if parameter_id in f.parameter_ids)
        assert finding.effect.value == pytest.approx(parameter.value), parameter_id


def test_no_identifier_is_invented(research) -> None:
    """The design notes state no DOI, ISBN or URL for these studies, so none is given."""
    assert all(not (e.doi or e.isbn or e.url) for e in research)
    assert all(e.citation_note for e in research)
    described = [e for e in research if e.title.startswith("[")]
    assert described and all("description" in e.citation_note for e in described)


def test_identifiers_are_normalised() -> None:
    assert normalise_doi("doi: 10.1136/BMJ.B1665 ") == "10.1136/bmj.b1665"
    assert normalise_doi("http://dx.doi.org/10.1016/S0140-6736(10)61350-5") == (
        "10.1016/s0140-6736(10)61350-5"
    )
    assert normalise_title("Örtqvist: Influenza—Vaccination & Mortality!") == (
        "ortqvist influenza vaccination mortality"
    )
    assert isbn_is_valid("0-306-40615-2") and isbn_is_valid("9780306406157")
    assert not isbn_is_valid("9780306406158")


def test_duplicates_by_doi_or_normalised_title() -> None:
    a = replace(EXAMPLE_ENTRY, id="a", doi="10.1000/xyz")
    same_doi = replace(EXAMPLE_ENTRY, id="b", title="Another title", doi="10.1000/xyz")
    same_title = replace(EXAMPLE_ENTRY, id="c", title="made-up TRIAL of a quit line (synthetic).")
    other_work = replace(EXAMPLE_ENTRY, id="d", doi="10.1000/other")  # same title, other DOI
    found = find_duplicates([same_doi, same_title, other_work], [a])
    assert [(d.entry_id, d.other_id, d.reason) for d in found] == [
        ("b", "a", "doi"),
        ("c", "a", "title"),
    ]
    within = find_duplicates([a, replace(a, id="a2")])
    assert [(d.entry_id, d.reason) for d in within] == [("a2", "doi")]


@pytest.mark.parametrize(
    ("change", "rule", "column"),
    [
        ({"doi": "10.1000"}, "bad_doi", "doi"),
        ({"isbn": "123"}, "bad_isbn", "isbn"),
        ({"url": "ftp://x"}, "bad_url", "url"),
        ({"container": ""}, "no_citation", "doi"),
        ({"type": "anecdote"}, "unknown_value", "type"),
        ({"year": 1500}, "out_of_range", "year"),
        ({"tags": ["a, b"]}, "bad_tag", "tags"),
        (
            {"findings": [{"text": "x", "parameter_ids": ["not an id"]}]},
            "bad_parameter_id",
            "findings[0].parameter_ids",
        ),
        (
            {"findings": [{"text": "x", "effect": {"measure": "RR", "value": 2, "lower": 0.5}}]},
            "half_interval",
            "findings[0].effect.lower",
        ),
        (
            {
                "findings": [
                    {
                        "text": "x",
                        "effect": {"measure": "RR", "value": 2, "lower": 0.5, "upper": 1.5},
                    }
                ]
            },
            "outside_interval",
            "findings[0].effect.value",
        ),
    ],
)
def test_each_rule_names_its_field(change: dict[str, object], rule: str, column: str) -> None:
    raw = {**EXAMPLE_ENTRY.to_mapping(), **change}
    with pytest.raises(InputError) as caught:
        research_entry_from_mapping(raw, file="library.yaml", row=3)
    assert [(p.rule, p.column, p.row) for p in caught.value.problems] == [(rule, column, 3)]


def test_types_read_in_words() -> None:
    assert ResearchType.parse("Randomised controlled trial") is ResearchType.rct
    assert ResearchType.parse("meta-analysis") is ResearchType.systematic_review
    assert ResearchType.parse("grey literature") is ResearchType.grey_report


def test_citation_line(research) -> None:
    doll = next(e for e in research if e.id == "doll2004")
    assert doll.citation() == (
        "Doll R; Peto R; Boreham J et al. (2004) Mortality in relation to smoking: 50 years' "
        "observations on male British doctors. BMJ 328:1519"
    )
    bauld = next(e for e in research if e.id == "bauld2007")
    assert bauld.citation().startswith("Bauld L et al. (2007)")
