"""A journey's reference to a stored segment: made, read back from files, resolved against the
stored segmentations (current, renamed, removed, an id reused by another run) and refused
when it names a segmentation or segment that is not stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.errors import InputError
from healthgap.journeys import SegmentRef, journey_from_dict, journey_to_dict, load_template
from healthgap.journeys.exchange import read_journey, write_journey_csv, write_journey_json
from healthgap.journeys.segment_refs import (
    DESCRIBED,
    StoredSegment,
    choice_label,
    choice_value,
    parse_choice,
    reference_to,
    resolve_segment_ref,
    segment_ref_problems,
    stored_segment_key,
)

SPRING = [
    StoredSegment(3, "Spring run", date(2026, 3, 12), 2, "1", "1: higher income deprivation"),
    StoredSegment(3, "Spring run", date(2026, 3, 12), 2, "2", "Young families in rented homes"),
]


def _where(field: str) -> tuple[str, int | None, str]:
    return "journey.json", None, f"segment.{field}"


def test_the_picker_says_which_segment_of_which_segmentation_in_words() -> None:
    assert choice_label(SPRING[1], "segment") == (
        "Segment 2 — Young families in rented homes (segmentation “Spring run” of 12 March 2026, "
        "2 segments)"
    )
    assert choice_label(SPRING[0], "persona").startswith(
        "Persona card of segment 1 — higher income deprivation ("
    )
    one = replace(SPRING[0], n_segments=1)
    assert choice_label(one, "segment").endswith(", 1 segment)")


@given(kind=st.sampled_from(["segment", "persona"]), run=st.integers(1, 10**6),
       code=st.text(min_size=1, max_size=20).filter(lambda c: c.strip()))  # fmt: skip
def test_a_picker_value_reads_back_as_what_it_names(kind: str, run: int, code: str) -> None:
    assert parse_choice(choice_value(kind, run, code)) == (kind, run, code)
    assert len(stored_segment_key(run, code)) <= 64


@pytest.mark.parametrize("value", ["", DESCRIBED, "keep", "segment:3", "segment::2", "team:3:2",
                                   "segment:-3:2", "segment:3.0:2"])  # fmt: skip
def test_anything_else_is_not_a_stored_choice(value: str) -> None:
    assert parse_choice(value) is None


def test_a_current_reference_shows_the_stored_name_and_links_to_its_run() -> None:
    ref = reference_to(SPRING[1], "persona")
    assert (ref.kind, ref.run_id, ref.code, ref.run_name) == ("persona", 3, "2", "Spring run")
    assert ref.id == "segmentation-3-segment-2" and ref.stored
    resolved = resolve_segment_ref(ref, SPRING)
    assert (resolved.status, resolved.name, resolved.note, resolved.run_id) == (
        "current", "Young families in rented homes", "", 3)  # fmt: skip


def test_a_renamed_segment_shows_its_new_name_and_the_one_it_had() -> None:
    ref = reference_to(SPRING[1], "segment")
    renamed = [SPRING[0], replace(SPRING[1], name="Renters")]
    resolved = resolve_segment_ref(ref, renamed)
    assert (resolved.status, resolved.name, resolved.run_id) == ("renamed", "Renters", 3)
    assert "“Young families in rented homes”" in resolved.note


def test_a_removed_segmentation_keeps_the_name_it_had_and_says_so() -> None:
    ref = reference_to(SPRING[1], "segment")
    for stored in ([], [replace(s, run_id=4) for s in SPRING]):
        resolved = resolve_segment_ref(ref, stored)
        assert (resolved.status, resolved.name, resolved.run_id) == (
            "removed", "Young families in rented homes", None)  # fmt: skip
        assert resolved.note.startswith("This segmentation has since been removed")


def test_an_id_reused_by_another_segmentation_is_not_mistaken_for_the_old_one() -> None:
    ref = reference_to(SPRING[1], "segment")
    reused = [replace(s, run_name="Autumn run") for s in SPRING]  # same id, another run
    assert resolve_segment_ref(ref, reused).status == "removed"
    problems = segment_ref_problems(ref, reused, _where)
    assert [(p.column, p.rule) for p in problems] == [("segment.run_id", "unknown_segmentation")]
    assert "“Autumn run” here, not “Spring run”" in problems[0].message


def test_a_described_persona_is_shown_as_written() -> None:
    ref = SegmentRef("persona", "men-40-74", "Men aged 40 to 74")
    resolved = resolve_segment_ref(ref, SPRING)
    assert (resolved.status, resolved.name, resolved.run_id) == (
        "described", "Men aged 40 to 74", None)  # fmt: skip
    assert segment_ref_problems(ref, [], _where) == []


def test_a_reference_to_an_unknown_run_or_segment_is_refused_by_file_and_field() -> None:
    unknown_run = SegmentRef("segment", "k", "K", run_id=99, code="1")
    unknown_code = SegmentRef("segment", "k", "K", run_id=3, code="7")
    [run_problem] = segment_ref_problems(unknown_run, SPRING, _where)
    [code_problem] = segment_ref_problems(unknown_code, SPRING, _where)
    assert (run_problem.file, run_problem.column, run_problem.rule) == (
        "journey.json", "segment.run_id", "unknown_segmentation")  # fmt: skip
    assert (code_problem.column, code_problem.rule) == ("segment.code", "unknown_segment")
    assert "its segments: 1, 2" in code_problem.message
    assert segment_ref_problems(reference_to(SPRING[0], "segment"), SPRING, _where) == []


def _about_spring(kind: str = "persona"):  # noqa: ANN202
    return replace(load_template("stop_smoking"), segment=reference_to(SPRING[1], kind))


def test_a_stored_reference_round_trips_through_every_file_format(tmp_path: Path) -> None:
    journey = _about_spring()
    assert journey_from_dict(journey_to_dict(journey)) == journey
    assert read_journey(write_journey_json(journey, tmp_path / "j.json")) == journey
    assert read_journey(write_journey_json(journey, tmp_path / "j.yaml")) == journey
    assert read_journey(write_journey_csv(journey, tmp_path / "csv")) == journey
    described = load_template("stop_smoking")
    assert set(journey_to_dict(described)["segment"]) == {"kind", "id", "label"}


def test_a_file_may_name_a_stored_segment_without_its_id() -> None:
    data = journey_to_dict(_about_spring("segment"))
    del data["segment"]["id"]
    assert journey_from_dict(data).segment.id == "segmentation-3-segment-2"


@pytest.mark.parametrize(("drop", "column"), [("code", "segment_code"),
                                              ("run_id", "segment_run_id")])  # fmt: skip
def test_a_stored_segment_needs_both_its_run_and_its_code(drop: str, column: str) -> None:
    data = journey_to_dict(_about_spring())
    del data["segment"][drop]
    with pytest.raises(InputError) as raised:
        journey_from_dict(data, "j.json")
    assert [(p.file, p.column, p.rule) for p in raised.value.problems] == [
        ("j.json", column, "missing_value")]  # fmt: skip


def test_a_described_persona_still_needs_an_id() -> None:
    data = journey_to_dict(load_template("stop_smoking"))
    del data["segment"]["id"]
    with pytest.raises(InputError) as raised:
        journey_from_dict(data, "j.json")
    assert [(p.column, p.rule) for p in raised.value.problems] == [("segment_id", "missing_value")]
