"""Keyboard edits: add, change, move up or down, remove; orders stay 1..n and nothing is lost."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.errors import InputError
from healthgap.journeys import (
    Improvement,
    Journey,
    Stage,
    Touchpoint,
    add_improvement,
    add_stage,
    add_touchpoint,
    compare_journeys,
    load_template,
    move_stage,
    move_touchpoint,
    next_version,
    remove_improvement,
    remove_stage,
    remove_touchpoint,
    start_to_be,
    update_improvement,
    update_journey_details,
    update_stage,
    update_touchpoint,
)

TEMPLATE = load_template("stop_smoking")


def _sequence(journey: Journey) -> list[str]:
    return [t.id for t in journey.sequence()]


def _orders_are_contiguous(journey: Journey) -> bool:
    stages_ok = sorted(s.order for s in journey.stages) == list(range(1, len(journey.stages) + 1))
    return stages_ok and all(
        [t.order for t in journey.touchpoints_in(s.id)]
        == list(range(1, len(journey.touchpoints_in(s.id)) + 1))
        for s in journey.stages
    )


def test_moving_down_past_the_end_of_a_stage_enters_the_next(small: Journey) -> None:
    moved = move_touchpoint(small, "call", "down")
    assert moved.touchpoint("call").stage == "attended"
    assert _sequence(moved) == ["letter", "call", "visit"]
    assert [t.id for t in moved.touchpoints_in("attended")] == ["call", "visit"]
    back = move_touchpoint(moved, "call", "up")
    assert back.touchpoint("call").stage == "invited" and _sequence(back) == _sequence(small)
    assert move_touchpoint(small, "letter", "up") == small  # already first
    with pytest.raises(InputError, match="bad_direction"):
        move_touchpoint(small, "letter", "left")
    with pytest.raises(InputError, match="unknown_touchpoint"):
        move_touchpoint(small, "ghost", "up")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([t.id for t in TEMPLATE.touchpoints]),
                          st.sampled_from(["up", "down"])), max_size=25))  # fmt: skip
def test_any_sequence_of_moves_keeps_every_touchpoint(moves: list[tuple[str, str]]) -> None:
    journey = TEMPLATE
    for touchpoint_id, direction in moves:
        before = _sequence(journey)
        journey = move_touchpoint(journey, touchpoint_id, direction)
        after = _sequence(journey)
        position = before.index(touchpoint_id)
        # A move changes the position by at most one place, and nothing else moves past it.
        assert abs(after.index(touchpoint_id) - position) <= 1
        assert [t for t in after if t != touchpoint_id] == [t for t in before if t != touchpoint_id]
    assert sorted(_sequence(journey)) == sorted(t.id for t in TEMPLATE.touchpoints)
    assert _orders_are_contiguous(journey)


def test_add_update_and_remove_touchpoints(small: Journey) -> None:
    added = add_touchpoint(small, Touchpoint("text", "invited", 99, "Text reminder", emotion=1))
    assert [t.id for t in added.touchpoints_in("invited")] == ["letter", "call", "text"]
    first = add_touchpoint(small, Touchpoint("leaflet", "invited", 1, "Leaflet"), at_end=False)
    assert [t.id for t in first.touchpoints_in("invited")] == ["leaflet", "letter", "call"]
    changed = update_touchpoint(added, "text", emotion=-2.0, stage="attended")
    assert changed.touchpoint("text").stage == "attended" and _orders_are_contiguous(changed)
    with pytest.raises(InputError, match="emotion_out_of_range"):
        update_touchpoint(small, "call", emotion=-3.0)
    with pytest.raises(InputError, match="unknown_stage"):
        add_touchpoint(small, Touchpoint("x", "nowhere", 1, "X"))
    with pytest.raises(InputError, match="cannot change id"):
        update_touchpoint(small, "call", id="new-id")
    with pytest.raises(InputError, match="touchpoint_has_improvements"):
        remove_touchpoint(small, "letter")
    assert _sequence(remove_touchpoint(small, "call")) == ["letter", "visit"]


def test_stages_and_improvements(small: Journey) -> None:
    with_stage = add_stage(small, Stage("booked", "Booked", 2))
    assert [s.id for s in with_stage.ordered_stages()] == ["invited", "booked", "attended"]
    assert [s.id for s in move_stage(with_stage, "booked", "up").ordered_stages()][0] == "booked"
    assert update_stage(small, "invited", count=250).stage("invited").count == 250
    with pytest.raises(InputError, match="stage_not_empty"):
        remove_stage(small, "invited")
    assert [s.id for s in remove_stage(with_stage, "booked").ordered_stages()] == [
        "invited", "attended"]  # fmt: skip
    idea = Improvement("text-reminder", "call", "Send a text reminder")
    more = add_improvement(small, idea)
    assert (
        update_improvement(more, "text-reminder", status="done").improvements[-1].status == "done"
    )
    with pytest.raises(InputError, match="unknown_status"):
        update_improvement(more, "text-reminder", status="maybe")
    assert remove_improvement(more, "text-reminder") == small
    assert update_journey_details(small, goal="Be seen sooner").goal == "Be seen sooner"
    with pytest.raises(InputError, match="missing_value"):
        update_journey_details(small, title="  ")
    with pytest.raises(InputError, match="cannot change id"):
        update_journey_details(small, id="renamed")
    with pytest.raises(InputError, match="missing_value"):
        update_touchpoint(small, "call", name="")


def test_versions_and_to_be_copies(small: Journey) -> None:
    later = next_version(small, date(2025, 6, 1))
    assert (later.version, later.version_date) == (2, date(2025, 6, 1))
    redesign = start_to_be(small, new_id="small-to-be", version_date=date(2025, 7, 1))
    assert redesign.kind == "to_be" and redesign.based_on == "small"
    assert all(s.count is None for s in redesign.stages) and redesign.improvements == ()
    comparison = compare_journeys(small, redesign)
    assert set(comparison.touchpoints["status"]) == {"kept"}
    with pytest.raises(InputError, match="not_as_is"):
        start_to_be(redesign, new_id="again", version_date=date(2025, 7, 2))


def test_a_stage_left_empty_still_has_its_swimlane_column() -> None:
    """Moving the only touchpoint out of a stage leaves an empty column, not a failure."""
    from healthgap.journeys import load_template, swimlane_grid

    journey = move_touchpoint(load_template("demo_health_check_to_be"), "online-booking", "down")
    assert journey.touchpoints_in("booked") == []
    grid = swimlane_grid(journey)
    assert (grid["Booked"] == "").all() and grid["Attended"].str.len().sum() > 0
