"""Insight notes and feedback sends in the database: save, read, search, record a send.

Notes are stored with their links (segments, journeys, touchpoints and themes) as rows of
``insight_links`` so that "every note about this touchpoint" is one indexed query, and with a
lower-case ``search_text`` for word search: every word given must appear (SQL ``LIKE``, with
``%`` and ``_`` in the words escaped). Saving a note with an existing id replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from healthgap.errors import InputError
from healthgap.journeys.feedback import (
    FeedbackSend,
    FeedbackSummary,
    check_feedback_send,
    feedback_to_dict,
)
from healthgap.journeys.insight import InsightNote, insight_note_problems
from healthgap.store.journey_models import FeedbackSendRow, InsightLinkRow, InsightNoteRow
from healthgap.store.models import utcnow

__all__ = [
    "StoredFeedbackSend",
    "delete_insight_note",
    "find_insight_notes",
    "get_insight_note",
    "list_feedback_sends",
    "record_feedback_send",
    "save_insight_note",
]


@dataclass(frozen=True)
class StoredFeedbackSend:
    id: int
    send: FeedbackSend
    content: dict[str, object]
    recorded_at: datetime
    recorded_by: int | None


def _search_text(note: InsightNote) -> str:
    return "\n".join([note.title, note.summary, *note.themes, *note.quotes]).lower()


def _links(note: InsightNote) -> Iterable[tuple[str, str]]:
    yield from (("segment", s) for s in note.segment_ids)
    yield from (("journey", j) for j in note.journey_ids)
    yield from (("touchpoint", t) for t in note.touchpoints)
    yield from (("theme", t.lower()) for t in note.themes)


def save_insight_note(session: Session, note: InsightNote, *, user_id: int | None = None) -> int:
    """Insert or replace a note (by its id); returns the row id."""
    problems = insight_note_problems(note, f"insight note {note.id!r}")
    if problems:
        raise InputError(problems)
    row = session.scalar(select(InsightNoteRow).where(InsightNoteRow.key == note.id))
    if row is None:
        row = InsightNoteRow(key=note.id, created_by=user_id)
        session.add(row)
    row.title, row.method, row.held_on = note.title, note.method, note.held_on
    row.sample_size, row.consent_basis = note.sample_size, note.consent_basis
    row.themes, row.summary, row.quotes = list(note.themes), note.summary, list(note.quotes)
    row.synthetic, row.search_text, row.updated_at = note.synthetic, _search_text(note), utcnow()
    session.flush()
    session.execute(delete(InsightLinkRow).where(InsightLinkRow.note_id == row.id))
    session.add_all(
        InsightLinkRow(note_id=row.id, target_kind=kind, target=target)
        for kind, target in dict.fromkeys(_links(note))
    )
    session.flush()
    return row.id


def _note(row: InsightNoteRow, links: list[InsightLinkRow]) -> InsightNote:
    def targets(kind: str) -> tuple[str, ...]:
        return tuple(link.target for link in links if link.target_kind == kind)

    return InsightNote(
        id=row.key, title=row.title, method=row.method, held_on=row.held_on,
        consent_basis=row.consent_basis, themes=tuple(row.themes), sample_size=row.sample_size,
        summary=row.summary, quotes=tuple(row.quotes), segment_ids=targets("segment"),
        journey_ids=targets("journey"), touchpoints=targets("touchpoint"),
        synthetic=row.synthetic,
    )  # fmt: skip


def _with_links(session: Session, rows: list[InsightNoteRow]) -> list[InsightNote]:
    if not rows:
        return []
    links = list(
        session.scalars(
            select(InsightLinkRow)
            .where(InsightLinkRow.note_id.in_([r.id for r in rows]))
            .order_by(InsightLinkRow.id)
        )
    )
    return [_note(r, [link for link in links if link.note_id == r.id]) for r in rows]


def get_insight_note(session: Session, key: str) -> InsightNote | None:
    row = session.scalar(select(InsightNoteRow).where(InsightNoteRow.key == key))
    return None if row is None else _with_links(session, [row])[0]


def delete_insight_note(session: Session, key: str) -> None:
    row = session.scalar(select(InsightNoteRow).where(InsightNoteRow.key == key))
    if row is None:
        raise InputError(f"there is no insight note {key!r}", rule="unknown_note")
    session.delete(row)
    session.flush()


def find_insight_notes(
    session: Session,
    text: str = "",
    *,
    method: str | None = None,
    theme: str | None = None,
    segment_id: str | None = None,
    journey_id: str | None = None,
    touchpoint: str | None = None,
    limit: int = 200,
) -> list[InsightNote]:
    """Notes holding every word of ``text`` and matching every filter, newest first.

    ``journey_id`` also finds notes linked to one of that journey's touchpoints.
    """
    query = select(InsightNoteRow)
    for word in text.lower().split():
        query = query.where(InsightNoteRow.search_text.contains(word, autoescape=True))
    if method:
        query = query.where(InsightNoteRow.method == method)

    def linked(*conditions: object) -> object:
        return InsightNoteRow.id.in_(select(InsightLinkRow.note_id).where(*conditions))

    if theme:
        query = query.where(linked(InsightLinkRow.target_kind == "theme",
                                   InsightLinkRow.target == theme.lower()))  # fmt: skip
    if segment_id:
        query = query.where(linked(InsightLinkRow.target_kind == "segment",
                                   InsightLinkRow.target == segment_id))  # fmt: skip
    if touchpoint:
        query = query.where(linked(InsightLinkRow.target_kind == "touchpoint",
                                   InsightLinkRow.target == touchpoint))  # fmt: skip
    if journey_id:
        query = query.where(
            linked(or_(
                (InsightLinkRow.target_kind == "journey") & (InsightLinkRow.target == journey_id),
                (InsightLinkRow.target_kind == "touchpoint")
                & InsightLinkRow.target.startswith(f"{journey_id}/", autoescape=True),
            ))
        )  # fmt: skip
    query = query.order_by(InsightNoteRow.held_on.desc(), InsightNoteRow.key.desc()).limit(limit)
    return _with_links(session, list(session.scalars(query)))


def record_feedback_send(
    session: Session,
    send: FeedbackSend,
    summary: FeedbackSummary,
    *,
    user_id: int | None = None,
    today: date | None = None,
) -> int:
    """Record that ``summary`` was sent as ``send`` says, keeping the content as sent."""
    check_feedback_send(send, today=today)
    row = FeedbackSendRow(
        journey_key=send.journey_id, note_keys=list(send.note_ids), title=send.title,
        sent_on=send.sent_on, channel=send.channel, audience=send.audience,
        recipients=send.recipients, content=feedback_to_dict(summary), recorded_by=user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def list_feedback_sends(
    session: Session, *, journey_id: str | None = None
) -> list[StoredFeedbackSend]:
    """Recorded sends, newest first (optionally of one journey)."""
    query = select(FeedbackSendRow).order_by(FeedbackSendRow.sent_on.desc(), FeedbackSendRow.id)
    if journey_id:
        query = query.where(FeedbackSendRow.journey_key == journey_id)
    return [
        StoredFeedbackSend(
            r.id,
            FeedbackSend(r.title, r.sent_on, r.channel, r.audience, r.recipients, r.journey_key,
                         tuple(r.note_keys)),
            r.content, r.recorded_at, r.recorded_by,
        )
        for r in session.scalars(query)
    ]  # fmt: skip
