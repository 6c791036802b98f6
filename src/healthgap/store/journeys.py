"""Journey maps in the database: create, read, save with a version check, history, delete.

Every call takes the session of a :meth:`~healthgap.store.Database.unit_of_work` (writes) or
:meth:`~healthgap.store.Database.reader` (reads). A save must carry the version the editor
started from (``expected_version``). The version check and the bump are one conditional
``UPDATE ... WHERE version = :expected`` and the first write of the transaction: of two people
who opened version 3, the first to save makes version 4 and the second gets a
:class:`~healthgap.errors.ConflictError` naming the version now stored, with nothing written.
On PostgreSQL the second ``UPDATE`` waits for the first transaction's row lock and then finds
the version changed; on SQLite the second writer waits for the database lock and then does
the same, so no edit is lost silently on either.

The journey's content is validated by :func:`healthgap.journeys.check_journey` before writing;
each save also keeps the whole journey as a JSON snapshot in ``journey_versions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from healthgap.errors import ConflictError, InputError
from healthgap.journeys.model import (
    Evidence,
    Improvement,
    Journey,
    SegmentRef,
    Stage,
    Touchpoint,
)
from healthgap.journeys.records import journey_from_dict, journey_to_dict
from healthgap.journeys.validation import check_journey
from healthgap.store.assessment_models import ActionRecord, AssessmentRecord
from healthgap.store.journey_models import (
    ImprovementRow,
    JourneyRow,
    JourneyVersionRow,
    StageRow,
    TouchpointRow,
)
from healthgap.store.models import utcnow

__all__ = [
    "JourneyListing",
    "LinkedAction",
    "StoredJourney",
    "VersionInfo",
    "create_journey",
    "delete_journey",
    "get_journey",
    "get_journey_version",
    "journey_history",
    "linked_assessment_actions",
    "list_journeys",
    "save_journey",
]


@dataclass(frozen=True)
class StoredJourney:
    """A journey as stored: its content and the version an edit must carry."""

    journey: Journey
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class JourneyListing:
    key: str
    title: str
    kind: str
    segment_label: str
    version: int
    version_date: date
    synthetic: bool


@dataclass(frozen=True)
class VersionInfo:
    version: int
    version_date: date
    saved_at: datetime
    saved_by: int | None
    note: str


def _journey_fields(journey: Journey) -> dict[str, object]:
    return {
        "title": journey.title,
        "goal": journey.goal,
        "kind": journey.kind,
        "segment_kind": journey.segment.kind,
        "segment_id": journey.segment.id,
        "segment_label": journey.segment.label,
        "segment_run_id": journey.segment.run_id,
        "segment_code": journey.segment.code,
        "segment_run_name": journey.segment.run_name,
        "version_date": journey.version_date,
        "based_on": journey.based_on,
        "service": journey.service,
        "description": journey.description,
        "provenance": journey.provenance,
        "reconstructed": journey.reconstructed,
        "synthetic": journey.synthetic,
    }


def _write_content(session: Session, journey_id: int, journey: Journey) -> None:
    """Replace the stage, touchpoint and improvement rows of one journey."""
    for table in (ImprovementRow, TouchpointRow, StageRow):
        session.execute(delete(table).where(table.journey_id == journey_id))
    stage_rows = {
        s.id: StageRow(journey_id=journey_id, key=s.id, name=s.name, position=s.order,
                       description=s.description, funnel_step=s.funnel_step, count=s.count,
                       count_source=s.count_source)
        for s in journey.stages
    }  # fmt: skip
    session.add_all(stage_rows.values())
    session.flush()
    touchpoint_rows = {
        t.id: TouchpointRow(
            journey_id=journey_id, stage_id=stage_rows[t.stage].id, key=t.id, position=t.order,
            name=t.name, lane=t.lane, channel=t.channel, organisation=t.organisation,
            wait=t.wait, wait_days=t.wait_days, what_happens=t.what_happens,
            person_does=t.person_does, person_thinks=t.person_thinks,
            person_feels=t.person_feels, emotion=t.emotion, moment_of_truth=t.moment_of_truth,
            pain_points=list(t.pain_points),
            evidence=[{"quote": e.quote, "count": e.count, "source": e.source}
                      for e in t.evidence],
        )
        for t in journey.touchpoints
    }  # fmt: skip
    session.add_all(touchpoint_rows.values())
    session.flush()
    session.add_all(
        ImprovementRow(
            journey_id=journey_id, touchpoint_id=touchpoint_rows[m.touchpoint].id, key=m.id,
            text=m.text, kind=m.kind, owner=m.owner, due=m.due, status=m.status,
            assessment_action_id=m.assessment_action_id,
        )
        for m in journey.improvements
    )  # fmt: skip
    session.flush()


def _snapshot(
    session: Session, journey_id: int, journey: Journey, user_id: int | None, note: str
) -> None:
    session.add(
        JourneyVersionRow(journey_id=journey_id, version=journey.version,
                          version_date=journey.version_date, saved_by=user_id, note=note,
                          content=journey_to_dict(journey))
    )  # fmt: skip
    session.flush()


def create_journey(
    session: Session, journey: Journey, *, user_id: int | None = None, note: str = "created"
) -> StoredJourney:
    """Store a new journey under its id (refused if the id is taken), as its own version."""
    check_journey(journey)
    if session.scalar(select(JourneyRow.id).where(JourneyRow.key == journey.id)) is not None:
        raise InputError(f"a journey with id {journey.id!r} already exists", rule="duplicate_id")
    row = JourneyRow(key=journey.id, version=journey.version, updated_by=user_id,
                     **_journey_fields(journey))  # fmt: skip
    session.add(row)
    session.flush()
    _write_content(session, row.id, journey)
    _snapshot(session, row.id, journey, user_id, note)
    return StoredJourney(journey, row.version, row.updated_at)


def save_journey(
    session: Session,
    journey: Journey,
    *,
    expected_version: int,
    user_id: int | None = None,
    note: str = "",
    version_date: date | None = None,
) -> StoredJourney:
    """Save an edit made from ``expected_version``; the stored version becomes one more.

    ``version_date`` dates the new version (default: the journey's own ``version_date``).

    Raises
    ------
    ConflictError
        When the stored version is no longer ``expected_version`` (someone saved first).
    InputError
        When the journey is invalid (``check_journey``) or unknown (``unknown_journey``).
    """
    check_journey(journey)
    new_version = expected_version + 1
    saved = replace(journey, version=new_version, version_date=version_date or journey.version_date)
    now = utcnow()
    # The version check and the bump are one statement, and the transaction's first write.
    result = session.execute(
        update(JourneyRow)
        .where(JourneyRow.key == journey.id, JourneyRow.version == expected_version)
        .values(version=new_version, updated_at=now, updated_by=user_id, **_journey_fields(saved))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(JourneyRow.version).where(JourneyRow.key == journey.id))
        if current is None:
            raise InputError(f"there is no journey {journey.id!r}", rule="unknown_journey")
        raise ConflictError(
            f"journey {journey.id!r} was changed by someone else while you edited it: you "
            f"started from version {expected_version}, it is now version {current}. Reload it "
            "and make your change again; nothing was saved.",
            current_version=current,
        )
    row_id = session.scalar(select(JourneyRow.id).where(JourneyRow.key == journey.id))
    assert row_id is not None
    _write_content(session, row_id, saved)
    _snapshot(session, row_id, saved, user_id, note)
    return StoredJourney(saved, new_version, now)


def _read(session: Session, row: JourneyRow) -> Journey:
    stages = list(session.scalars(select(StageRow).where(StageRow.journey_id == row.id)))
    stage_keys = {s.id: s.key for s in stages}
    points = list(session.scalars(select(TouchpointRow).where(TouchpointRow.journey_id == row.id)))
    point_keys = {t.id: t.key for t in points}
    items = session.scalars(select(ImprovementRow).where(ImprovementRow.journey_id == row.id))
    return Journey(
        id=row.key, title=row.title, goal=row.goal, kind=row.kind,
        segment=SegmentRef(row.segment_kind, row.segment_id, row.segment_label,
                           run_id=row.segment_run_id, code=row.segment_code,
                           run_name=row.segment_run_name),
        version=row.version, version_date=row.version_date, based_on=row.based_on,
        service=row.service, description=row.description, provenance=row.provenance,
        reconstructed=row.reconstructed, synthetic=row.synthetic,
        stages=tuple(
            Stage(s.key, s.name, s.position, s.description, s.funnel_step, s.count, s.count_source)
            for s in sorted(stages, key=lambda s: s.id)
        ),
        touchpoints=tuple(
            Touchpoint(
                id=t.key, stage=stage_keys[t.stage_id], order=t.position, name=t.name,
                lane=t.lane, channel=t.channel, organisation=t.organisation, wait=t.wait,
                wait_days=t.wait_days, what_happens=t.what_happens, person_does=t.person_does,
                person_thinks=t.person_thinks, person_feels=t.person_feels, emotion=t.emotion,
                moment_of_truth=t.moment_of_truth, pain_points=tuple(t.pain_points),
                evidence=tuple(Evidence(**e) for e in t.evidence),
            )
            for t in sorted(points, key=lambda t: t.id)
        ),
        improvements=tuple(
            Improvement(id=m.key, touchpoint=point_keys[m.touchpoint_id], text=m.text,
                        kind=m.kind, owner=m.owner, due=m.due, status=m.status,
                        assessment_action_id=m.assessment_action_id)
            for m in sorted(items, key=lambda m: m.id)
        ),
    )  # fmt: skip


def get_journey(session: Session, key: str) -> StoredJourney | None:
    """The current content and version of a journey, or None."""
    row = session.scalar(select(JourneyRow).where(JourneyRow.key == key))
    if row is None:
        return None
    return StoredJourney(_read(session, row), row.version, row.updated_at)


def list_journeys(session: Session) -> list[JourneyListing]:
    """Every journey, by title."""
    rows = session.scalars(select(JourneyRow).order_by(JourneyRow.title, JourneyRow.key))
    return [
        JourneyListing(r.key, r.title, r.kind, r.segment_label, r.version, r.version_date,
                       r.synthetic)
        for r in rows
    ]  # fmt: skip


def journey_history(session: Session, key: str) -> list[VersionInfo]:
    """Saved versions of a journey, oldest first (empty for an unknown journey)."""
    rows = session.scalars(
        select(JourneyVersionRow)
        .join(JourneyRow, JourneyRow.id == JourneyVersionRow.journey_id)
        .where(JourneyRow.key == key)
        .order_by(JourneyVersionRow.version)
    )
    return [VersionInfo(r.version, r.version_date, r.saved_at, r.saved_by, r.note) for r in rows]


def get_journey_version(session: Session, key: str, version: int) -> Journey | None:
    """The journey exactly as saved in ``version``, or None."""
    content = session.scalar(
        select(JourneyVersionRow.content)
        .join(JourneyRow, JourneyRow.id == JourneyVersionRow.journey_id)
        .where(JourneyRow.key == key, JourneyVersionRow.version == version)
    )
    return None if content is None else journey_from_dict(content, f"{key} version {version}")


def delete_journey(session: Session, key: str, *, expected_version: int) -> None:
    """Delete a journey and its history, if nobody changed it since ``expected_version``.

    The child rows go with it through the foreign keys' ``ON DELETE CASCADE``.
    """
    result = session.execute(
        delete(JourneyRow)
        .where(JourneyRow.key == key, JourneyRow.version == expected_version)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(JourneyRow.version).where(JourneyRow.key == key))
        if current is None:
            raise InputError(f"there is no journey {key!r}", rule="unknown_journey")
        raise ConflictError(
            f"journey {key!r} changed to version {current} since you opened version "
            f"{expected_version}; reload it before deleting",
            current_version=current,
        )


@dataclass(frozen=True)
class LinkedAction:
    """An action of a stored assessment action plan that an improvement links to."""

    id: str
    text: str
    status: str
    due: date
    plan: str


def linked_assessment_actions(session: Session, ids: Iterable[str]) -> dict[str, LinkedAction]:
    """The stored assessment actions that improvements name by ``assessment_action_id`` (the
    action's number, as text), keyed by that id; an id naming no stored action is left out."""
    numbers = {key: int(key) for key in {str(i).strip() for i in ids} if key.isdigit()}
    if not numbers:
        return {}
    rows = session.execute(
        select(ActionRecord, AssessmentRecord)
        .join(AssessmentRecord, AssessmentRecord.id == ActionRecord.assessment_id)
        .where(ActionRecord.id.in_(set(numbers.values())))
    ).all()
    found = {}
    for action, plan in rows:
        where = plan.place_name or plan.place_code
        name = plan.title or f"{plan.topic}, {where}, {plan.period}"
        found[action.id] = LinkedAction(
            str(action.id), action.text, action.status, action.due, name
        )
    return {key: found[number] for key, number in numbers.items() if number in found}
