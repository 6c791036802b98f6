"""The review state machine: who may move a submission where, comments, audit records."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.errors import InputError, PermissionDenied
from healthgap.practice import (
    Actor,
    PracticeRole,
    Status,
    allowed_transitions,
    apply_review,
    check_transition,
    field_changes,
    make_comment,
)
from healthgap.practice.workflow import TRANSITIONS

CONTRIBUTOR = Actor("cat", PracticeRole.contributor)
REVIEWER = Actor("rob", PracticeRole.reviewer)
EDITOR = Actor("eve", PracticeRole.editor)


def test_the_happy_path() -> None:
    steps = [
        (Status.draft, Status.submitted, CONTRIBUTOR, True, "submit"),
        (Status.submitted, Status.reviewed, REVIEWER, False, "approve"),
        (Status.reviewed, Status.published, EDITOR, False, "publish"),
        (Status.published, Status.archived, EDITOR, False, "archive"),
        (Status.archived, Status.draft, EDITOR, False, "restore"),
    ]
    for current, target, actor, is_author, action in steps:
        assert check_transition(current, target, actor, is_author=is_author) == action


def test_nobody_approves_their_own_submission() -> None:
    for actor in (REVIEWER, EDITOR):
        with pytest.raises(PermissionDenied):
            check_transition(Status.submitted, Status.reviewed, actor, is_author=True)


def test_roles_are_needed() -> None:
    with pytest.raises(PermissionDenied):
        check_transition(Status.submitted, Status.reviewed, CONTRIBUTOR, is_author=False)
    with pytest.raises(PermissionDenied):
        check_transition(Status.reviewed, Status.published, REVIEWER, is_author=False)
    with pytest.raises(PermissionDenied):
        check_transition(Status.draft, Status.submitted, CONTRIBUTOR, is_author=False)
    assert check_transition(Status.draft, Status.submitted, EDITOR, is_author=False) == "submit"


def test_returning_needs_a_reason_but_withdrawing_does_not() -> None:
    with pytest.raises(InputError) as caught:
        check_transition(Status.submitted, Status.draft, REVIEWER, is_author=False, comment=" ")
    assert caught.value.problems[0].rule == "comment_required"
    assert (
        check_transition(
            Status.submitted, Status.draft, REVIEWER, is_author=False, comment="Please add figures."
        )
        == "return"
    )
    assert check_transition(Status.submitted, Status.draft, CONTRIBUTOR, is_author=True) == (
        "withdraw"
    )


def test_impossible_moves_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        check_transition(Status.draft, Status.published, EDITOR, is_author=False)
    assert caught.value.problems[0].rule == "bad_transition"


@given(
    current=st.sampled_from(list(Status)),
    role=st.sampled_from(list(PracticeRole)),
    is_author=st.booleans(),
)
def test_allowed_moves_are_exactly_those_the_check_accepts(
    current: Status, role: PracticeRole, is_author: bool
) -> None:
    actor = Actor("someone", role)
    offered = set(allowed_transitions(current, actor, is_author=is_author))
    for target in Status:
        try:
            action = check_transition(current, target, actor, is_author=is_author, comment="why")
        except (PermissionDenied, InputError):
            assert all(t is not target for t, _ in offered)
        else:
            assert (target, action) in offered
    # a stronger role never loses a move a weaker one has
    for weaker in PracticeRole:
        if role.allows(weaker):
            weaker_moves = allowed_transitions(current, Actor("x", weaker), is_author=is_author)
            assert {t for t, _ in weaker_moves} <= {t for t, _ in offered} | {
                t
                for (s, t), rules in TRANSITIONS.items()
                if s is current
                for r in rules
                if r.author == "only"
            }


def test_comments_are_plain_text_and_bounded() -> None:
    comment = make_comment("rob", "<b>Please</b> add the quit numbers", kind="change_request")
    assert (comment.body, comment.kind) == ("Please add the quit numbers", "change_request")
    with pytest.raises(InputError):
        make_comment("rob", "<p> </p>")
    with pytest.raises(InputError):
        make_comment("rob", "x" * 4001)
    with pytest.raises(InputError):
        make_comment("rob", "fine", kind="shout")


def test_field_changes_and_review_dates() -> None:
    assert field_changes({"a": 1, "b": [1]}, {"a": 1, "b": [2], "c": None}) == {"b": [[1], [2]]}
    reviewed = apply_review({"review_by": "2026-01-01", "title": "x"}, REVIEWER, date(2026, 3, 1))
    assert reviewed == {
        "review_by": "2027-03-01",
        "title": "x",
        "reviewed_by": "rob",
        "reviewed_on": "2026-03-01",
    }
    kept = apply_review({"review_by": "2028-01-01"}, REVIEWER, date(2026, 3, 1))
    assert kept["review_by"] == "2028-01-01"
    research = apply_review({"title": "no review-by date"}, REVIEWER, date(2026, 3, 1))
    assert "review_by" not in research
