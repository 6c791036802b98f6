"""The report's sentences: significance only from confidence intervals, and never a number
that is not in a table of the report."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.analyses import WorkspaceSource, build_report, profile_area
from healthgap.reports.formatting import number
from healthgap.reports.report_document import report_of, untraceable_numbers
from healthgap.reports.report_template import SHIPPED
from healthgap.reports.report_words import benchmark_phrase, gap_significance


@pytest.mark.parametrize("template", list(SHIPPED))
def test_every_number_in_a_sentence_is_in_a_table_of_its_section(
    report_workspace, report_la: str, template: str
) -> None:  # noqa: ANN001
    bundle = build_report(WorkspaceSource.open(report_workspace), report_la, template=template)
    document = report_of(bundle)
    assert any(s.sentences for s in document.sections)
    assert untraceable_numbers(bundle) == []


def test_a_number_missing_from_the_tables_is_found(profile_report) -> None:  # noqa: ANN001
    from dataclasses import replace

    document = report_of(profile_report)
    first = document.sections[0]
    changed = replace(first, sentences=(*first.sentences, "It was 123.4 years."))
    summary = {
        **profile_report.summary,
        "report": replace(document, sections=(changed, *document.sections[1:])),
    }
    bundle = replace(profile_report, summary=summary)
    assert untraceable_numbers(bundle) == [("It was 123.4 years.", "123.4")]


def test_significance_words_follow_the_benchmark_of_the_profile(
    report_workspace, report_la: str, profile_report
) -> None:  # noqa: ANN001
    """ "significantly" appears exactly where the profile's CI comparison says better or
    worse, and the comparator's figure is the profile's."""
    profile = profile_area(WorkspaceSource.open(report_workspace), report_la)
    sentences = report_of(profile_report).sections[0].sentences
    for row in profile.summary["headline"]:
        sex = {"male": "males", "female": "females"}[row["sex"]]
        (sentence,) = [s for s in sentences if f"for {sex} in" in s and "healthy" not in s]
        category = row["cmp_benchmark"]
        assert ("not significantly" in sentence) == (category == "similar")
        assert (" significantly higher" in sentence) == (category == "better")
        assert (" significantly lower" in sentence) == (category == "worse")
        assert f"was {number(row['value'], 1)} years" in sentence
        assert f"where it was {number(row['cmp_comparator_value'], 1)} years" in sentence


@pytest.mark.parametrize(
    ("category", "higher", "words"),
    [
        ("better", True, "significantly higher than E"),
        ("worse", True, "significantly lower than E"),
        ("better", False, "significantly lower than E"),
        ("worse", False, "significantly higher than E"),
        ("similar", True, "not significantly different from E"),
        ("none", True, "not compared with E"),
    ],
)
def test_benchmark_phrases(category: str, higher: bool, words: str) -> None:
    assert benchmark_phrase(category, "E", higher_is_better=higher) == words


@given(st.floats(-20, 20), st.floats(0, 5))
def test_a_gap_is_significant_exactly_when_its_shown_interval_excludes_zero(
    centre: float, half: float
) -> None:
    low, high = number(centre - half, 1), number(centre + half, 1)
    shown = [float(text.replace("\u2212", "-")) for text in (low, high)]
    said = gap_significance(low, high).startswith("a statistically significant")
    assert said == (shown[0] * shown[1] > 0)
