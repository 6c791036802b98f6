"""Reading a stored self-assessment back as core objects, with its saved framework version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.assessment import (
    Assessment,
    Consensus,
    FrameworkVersion,
    Participant,
    Rating,
    Scope,
)
from healthgap.store.assessment import assessment_record, saved_version
from healthgap.store.assessment_models import AssessmentRecord, ConsensusRecord, RatingRecord

__all__ = ["LoadedAssessment", "get_assessment"]


@dataclass(frozen=True, eq=False)
class LoadedAssessment:
    """What :func:`get_assessment` returns: the saved version and the core objects."""

    version: FrameworkVersion
    assessment: Assessment
    previous: Assessment | None = None


def get_assessment(session: Session, *, assessment_id: int) -> LoadedAssessment:
    """The saved version and the assessment as core objects (with its previous one)."""
    from healthgap.store.assessment_actions import actions_and_history

    record = assessment_record(session, assessment_id)
    version = saved_version(record)
    previous = None
    if record.previous_id is not None:
        previous = _core(session, assessment_record(session, record.previous_id), ((), ()))
    return LoadedAssessment(
        version, _core(session, record, actions_and_history(session, assessment_id)), previous
    )


def _core(session: Session, record: AssessmentRecord, plan: tuple[tuple, tuple]) -> Assessment:
    names = {p.id: p.name for p in record.participants}
    ratings = session.scalars(
        select(RatingRecord)
        .where(RatingRecord.assessment_id == record.id)
        .order_by(RatingRecord.id)
    )
    agreed = session.scalars(
        select(ConsensusRecord)
        .where(ConsensusRecord.assessment_id == record.id)
        .order_by(ConsensusRecord.id)
    )
    return Assessment(
        framework_id=record.framework_id,
        version=record.framework_version,
        scope=Scope(
            record.place_code,
            record.topic,
            record.period,
            record.place_name,
            record.place_level,
            record.purpose,
        ),
        mode=record.mode,
        participants=tuple(Participant(str(p.id), p.name, p.role) for p in record.participants),
        ratings=tuple(
            Rating(
                str(r.participant_id),
                r.item_id,
                r.level,
                r.rationale,
                tuple(r.evidence or ()),
                r.confidence,
                r.rated_at,
            )
            for r in ratings
        ),
        consensus=tuple(
            Consensus(
                c.item_id,
                c.level,
                c.reason,
                c.target,
                tuple(c.evidence or ()),
                names.get(c.decided_by, ""),
                c.decided_at,
            )
            for c in agreed
        ),
        actions=plan[0],
        history=plan[1],
        round=record.round,
        id=record.id,
        title=record.title,
    )
