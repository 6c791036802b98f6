"""Who takes part in which assessment, what each person may see, and the plan shown beside it.

Reads that the use cases of :mod:`healthgap.analyses` need to decide, on the server, what a
user may do: their participant record in an assessment, the assessments they can open, their
own ratings (never anyone else's while the individual round is open), the revision of every
agreed level (so a facilitator's change names the decision it replaces), the accounts that can
still be invited, and the saved plan linked to an assessment.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.errors import InputError
from healthgap.store.assessment import assessment_record
from healthgap.store.assessment_models import (
    ActionRecord,
    AssessmentRecord,
    ConsensusRecord,
    ParticipantRecord,
    RatingRecord,
)
from healthgap.store.models import SavedScenario, User

__all__ = [
    "action_of",
    "consensus_revisions",
    "invitable_users",
    "link_plan",
    "own_latest_ratings",
    "participant_of",
    "user_named",
    "visible_assessments",
]


def participant_of(
    session: Session, *, assessment_id: int, user_id: int
) -> ParticipantRecord | None:
    """The user's participant record in the assessment, or ``None`` when they take no part."""
    return session.scalar(
        select(ParticipantRecord).where(
            ParticipantRecord.assessment_id == assessment_id,
            ParticipantRecord.user_id == user_id,
        )
    )


def visible_assessments(
    session: Session, *, user_id: int, everything: bool = False
) -> list[tuple[AssessmentRecord, str]]:
    """Assessments the user takes part in (every one when ``everything``), newest first,
    each with the user's role in it ("" when they take no part)."""
    roles = dict(
        session.execute(
            select(ParticipantRecord.assessment_id, ParticipantRecord.role).where(
                ParticipantRecord.user_id == user_id
            )
        ).all()
    )
    query = select(AssessmentRecord).order_by(
        AssessmentRecord.created_at.desc(), AssessmentRecord.id.desc()
    )
    if not everything:
        query = query.where(AssessmentRecord.id.in_(list(roles)))
    return [(record, roles.get(record.id, "")) for record in session.scalars(query)]


def own_latest_ratings(
    session: Session, *, assessment_id: int, participant_id: int
) -> dict[str, RatingRecord]:
    """The participant's latest rating of each item (earlier ones are their history)."""
    rows = session.scalars(
        select(RatingRecord)
        .where(
            RatingRecord.assessment_id == assessment_id,
            RatingRecord.participant_id == participant_id,
        )
        .order_by(RatingRecord.id)
    )
    return {row.item_id: row for row in rows}


def consensus_revisions(session: Session, *, assessment_id: int) -> dict[str, tuple[int, str]]:
    """Item id -> (revision of its agreed level, name of the facilitator who set it)."""
    rows = session.execute(
        select(ConsensusRecord.item_id, ConsensusRecord.revision, ParticipantRecord.name)
        .join(ParticipantRecord, ParticipantRecord.id == ConsensusRecord.decided_by)
        .where(ConsensusRecord.assessment_id == assessment_id)
    ).all()
    return {item: (revision, name) for item, revision, name in rows}


def invitable_users(session: Session, *, assessment_id: int) -> list[User]:
    """Active accounts (signed up, not only invited) that do not take part yet, by name."""
    taken = select(ParticipantRecord.user_id).where(
        ParticipantRecord.assessment_id == assessment_id
    )
    return list(
        session.scalars(
            select(User)
            .where(User.active, User.password_hash.is_not(None), User.id.not_in(taken))
            .order_by(User.username)
        )
    )


def user_named(session: Session, username: str) -> User:
    """The active account called ``username``; a clear error when there is none."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise InputError(f"no active account is called {username!r}", rule="unknown_user")
    return user


def link_plan(session: Session, *, assessment_id: int, scenario_id: int | None) -> None:
    """Show the saved scenario ``scenario_id`` (None: no plan) beside the assessment."""
    record = assessment_record(session, assessment_id)
    if scenario_id is not None and session.get(SavedScenario, scenario_id) is None:
        raise InputError(f"no saved scenario with id {scenario_id}", rule="unknown_scenario")
    record.plan_scenario_id = scenario_id
    session.flush()


def action_of(session: Session, *, assessment_id: int, action_id: int) -> ActionRecord:
    """Action ``action_id``, which must belong to the assessment."""
    found = session.get(ActionRecord, action_id)
    if found is None or found.assessment_id != assessment_id:
        raise InputError(
            f"assessment {assessment_id} has no action {action_id}", rule="unknown_action"
        )
    return found
