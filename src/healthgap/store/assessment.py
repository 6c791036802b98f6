"""Stored self-assessments: tables and the repository functions that write and read them.

An assessment row keeps a copy of the framework version's content, so it always reopens
with the wording it was made with. Individual ratings are appended (the latest per person
and item counts; earlier ones are the response history). The agreed level of an item is one
row per ``(assessment, item)``, guarded twice against two facilitators closing it at once:
a unique constraint for the first decision, and a revision number checked on every change
(compare-and-set), so the loser gets a clear ``consensus_conflict`` error and the record
stays consistent. Actions and their status history are in :mod:`healthgap.store.assessment_actions`.

Every function takes the session of a :meth:`~healthgap.store.Database.unit_of_work` (or
:meth:`~healthgap.store.Database.reader` for reads) by keyword.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from healthgap.assessment import (
    Consensus,
    FrameworkVersion,
    Rating,
    Scope,
    check_consensus,
    check_rating,
    check_scope,
    parse_pack,
)
from healthgap.errors import InputError, PermissionDenied
from healthgap.store.assessment_models import (
    ActionChangeRecord,
    ActionRecord,
    AssessmentRecord,
    ConsensusRecord,
    ParticipantRecord,
    RatingRecord,
)
from healthgap.store.models import Role, User, utcnow

__all__ = [
    "ActionChangeRecord",
    "ActionRecord",
    "AssessmentRecord",
    "ConsensusRecord",
    "ParticipantRecord",
    "RatingRecord",
    "add_participant",
    "close_assessment",
    "close_consensus_item",
    "create_assessment",
    "list_assessments",
    "open_consensus_round",
    "record_rating",
    "round_progress",
    "saved_version",
]


@lru_cache(maxsize=64)
def _version_from_json(content: str, label: str) -> FrameworkVersion:
    return parse_pack(json.loads(content), source=label)


def saved_version(record: AssessmentRecord) -> FrameworkVersion:
    """The framework version an assessment was made with, from its saved copy."""
    content = json.dumps(record.framework_content, sort_keys=True)
    return _version_from_json(
        content,
        f"assessment {record.id} (saved {record.framework_id} version {record.framework_version})",
    )


def assessment_record(session: Session, assessment_id: int) -> AssessmentRecord:
    record = session.get(AssessmentRecord, assessment_id)
    if record is None:
        raise InputError(f"no assessment with id {assessment_id}", rule="unknown_assessment")
    return record


def _participant(session: Session, assessment_id: int, participant_id: int) -> ParticipantRecord:
    found = session.get(ParticipantRecord, participant_id)
    if found is None or found.assessment_id != assessment_id:
        raise InputError(
            f"participant {participant_id} is not part of assessment {assessment_id}",
            rule="unknown_participant",
        )
    return found


def _facilitator(session: Session, assessment_id: int, participant_id: int) -> ParticipantRecord:
    found = _participant(session, assessment_id, participant_id)
    if found.role != "facilitator":
        raise PermissionDenied(f"{found.name} is not a facilitator of this assessment")
    return found


def _in_round(record: AssessmentRecord, wanted: str, doing: str) -> None:
    if record.round != wanted:
        raise InputError(
            f"cannot {doing}: the assessment is in its {record.round} round", rule="wrong_round"
        )


def create_assessment(
    session: Session,
    *,
    version: FrameworkVersion,
    scope: Scope,
    mode: str | None = None,
    title: str = "",
    created_by: int | None = None,
    previous_id: int | None = None,
) -> AssessmentRecord:
    """Start an assessment of ``version`` (its content is copied in) for ``scope``."""
    scope = check_scope(scope)
    chosen = version.mode(mode).id
    if previous_id is not None:
        before = assessment_record(session, previous_id)
        if before.framework_id != version.framework_id:
            raise InputError(
                "the previous assessment must be of the same framework", rule="mixed_frameworks"
            )
    record = AssessmentRecord(
        framework_id=version.framework_id,
        framework_version=version.version,
        framework_content=json.loads(json.dumps(dict(version.content))),
        mode=chosen,
        title=title.strip(),
        place_code=scope.place_code,
        place_name=scope.place_name,
        place_level=scope.place_level,
        topic=scope.topic,
        period=scope.period,
        purpose=scope.purpose,
        previous_id=previous_id,
        created_by=created_by,
    )
    session.add(record)
    session.flush()
    return record


def list_assessments(
    session: Session, *, framework_id: str | None = None, place_code: str | None = None
) -> list[AssessmentRecord]:
    """Assessments, newest first (never ordered by any rating)."""
    query = select(AssessmentRecord).order_by(
        AssessmentRecord.created_at.desc(), AssessmentRecord.id.desc()
    )
    if framework_id is not None:
        query = query.where(AssessmentRecord.framework_id == framework_id)
    if place_code is not None:
        query = query.where(AssessmentRecord.place_code == place_code)
    return list(session.scalars(query))


def add_participant(
    session: Session, *, assessment_id: int, user_id: int, role: str = "participant"
) -> ParticipantRecord:
    """Invite an existing account; a facilitator must be an analyst or an admin."""
    assessment_record(session, assessment_id)
    if role not in ("participant", "facilitator"):
        raise InputError(
            f"role is 'participant' or 'facilitator', not {role!r}", rule="unknown_role"
        )
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise InputError(f"no active user with id {user_id}", rule="unknown_user")
    if role == "facilitator" and not Role(user.role).allows(Role.analyst):
        raise PermissionDenied(
            f"{user.username} is a {user.role}: a facilitator must be an analyst or an admin"
        )
    taken = session.scalar(
        select(ParticipantRecord.id).where(
            ParticipantRecord.assessment_id == assessment_id, ParticipantRecord.user_id == user_id
        )
    )
    if taken is not None:
        raise InputError(f"{user.username} already takes part", rule="duplicate_participant")
    record = ParticipantRecord(
        assessment_id=assessment_id, user_id=user_id, name=user.username, role=role
    )
    session.add(record)
    session.flush()
    return record


def record_rating(
    session: Session,
    *,
    assessment_id: int,
    participant_id: int,
    item_id: str,
    level: str,
    rationale: str = "",
    evidence: tuple[str, ...] | list[str] = (),
    confidence: str | None = None,
) -> RatingRecord:
    """Save one individual rating; refused off the scale, outside the mode or the round."""
    record = assessment_record(session, assessment_id)
    _in_round(record, "individual", "record an individual rating")
    _participant(session, assessment_id, participant_id)
    rating = check_rating(
        saved_version(record),
        Rating(str(participant_id), item_id, level, rationale, tuple(evidence), confidence),
        mode=record.mode,
    )
    row = RatingRecord(
        assessment_id=assessment_id,
        participant_id=participant_id,
        item_id=rating.item_id,
        level=rating.level,
        rationale=rating.rationale,
        evidence=list(rating.evidence),
        confidence=rating.confidence,
    )
    session.add(row)
    session.flush()
    return row


def round_progress(session: Session, *, assessment_id: int) -> list[dict[str, Any]]:
    """How many items each participant has rated (never their answers, while rating)."""
    record = assessment_record(session, assessment_id)
    asked = len(saved_version(record).mode(record.mode).items)
    rows = session.execute(
        select(RatingRecord.participant_id, RatingRecord.item_id).where(
            RatingRecord.assessment_id == assessment_id
        )
    ).all()
    done: dict[int, set[str]] = {}
    for participant_id, item_id in rows:
        done.setdefault(participant_id, set()).add(item_id)
    return [
        {"participant": p.name, "role": p.role, "rated": len(done.get(p.id, ())), "items": asked}
        for p in record.participants
    ]


def open_consensus_round(
    session: Session, *, assessment_id: int, by_participant_id: int
) -> AssessmentRecord:
    """Close the individual round and open the consensus round (a facilitator only)."""
    record = assessment_record(session, assessment_id)
    _facilitator(session, assessment_id, by_participant_id)
    _in_round(record, "individual", "open the consensus round")
    record.round = "consensus"
    return record


def close_assessment(
    session: Session, *, assessment_id: int, by_participant_id: int
) -> AssessmentRecord:
    """End the consensus round; the assessment becomes read-only apart from its actions."""
    record = assessment_record(session, assessment_id)
    _facilitator(session, assessment_id, by_participant_id)
    _in_round(record, "consensus", "close the assessment")
    record.round = "closed"
    return record


def _conflict(existing: ConsensusRecord, who: str) -> InputError:
    return InputError(
        f"item {existing.item_id!r} was already closed by {who} (revision {existing.revision}); "
        "reload it, then change it by passing expected_revision",
        rule="consensus_conflict",
    )


def close_consensus_item(
    session: Session,
    *,
    assessment_id: int,
    item_id: str,
    level: str,
    reason: str,
    decided_by: int,
    target: str | None = None,
    evidence: tuple[str, ...] | list[str] = (),
    expected_revision: int | None = None,
) -> ConsensusRecord:
    """Record the level a group agreed for an item, with its reason (a facilitator only).

    The first decision on an item needs no ``expected_revision``; changing it needs the
    revision the facilitator saw. If another facilitator got there first, this raises
    :class:`InputError` (rule ``consensus_conflict``) and nothing changes.
    """
    record = assessment_record(session, assessment_id)
    _in_round(record, "consensus", "close a consensus item")
    facilitator = _facilitator(session, assessment_id, decided_by)
    agreed = check_consensus(
        saved_version(record), Consensus(item_id, level, reason, target, tuple(evidence))
    )
    existing = session.scalar(
        select(ConsensusRecord).where(
            ConsensusRecord.assessment_id == assessment_id, ConsensusRecord.item_id == item_id
        )
    )
    values = {
        "level": agreed.level,
        "target": agreed.target,
        "reason": agreed.reason,
        "evidence": list(agreed.evidence),
        "decided_by": facilitator.id,
        "decided_at": utcnow(),
    }
    if existing is None:
        if expected_revision not in (None, 0):
            raise InputError(
                f"item {item_id!r} has no agreed level to change", rule="consensus_conflict"
            )
        row = ConsensusRecord(assessment_id=assessment_id, item_id=item_id, revision=1, **values)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError as exc:  # another facilitator inserted it first
            raise InputError(
                f"item {item_id!r} was closed by another facilitator at the same "
                "time; reload it to see their decision",
                rule="consensus_conflict",
            ) from exc
        return row
    if expected_revision != existing.revision:
        who = session.get(ParticipantRecord, existing.decided_by)
        raise _conflict(existing, who.name if who else "another facilitator")
    changed = session.execute(
        update(ConsensusRecord)
        .where(ConsensusRecord.id == existing.id, ConsensusRecord.revision == expected_revision)
        .values(revision=expected_revision + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise _conflict(existing, "another facilitator")
    session.refresh(existing)
    return existing
