"""The review workflow in the database: status moves, comments, the audit trail, attachments and
workflow roles. Call inside ``Database.unit_of_work()``; the rules are
:mod:`healthgap.practice.workflow`'s, this module only applies and records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.errors import InputError
from healthgap.practice import (
    Actor,
    PracticeRole,
    Status,
    allowed_transitions,
    apply_review,
    check_attachment,
    check_transition,
    make_comment,
)
from healthgap.store.practice import (
    PracticeAttachment,
    PracticeAuditEvent,
    PracticeCaseStudy,
    PracticeComment,
    PracticeMember,
    PracticeResearchEntry,
    PracticeTag,
)
from healthgap.store.practice_repository import check_version, flush_checked, record_audit

__all__ = [
    "UploadedFile",
    "add_attachment",
    "add_comment",
    "attachments",
    "audit_trail",
    "comments",
    "member_role",
    "moves_for",
    "set_member_role",
    "transition",
]

_TABLES = {"case": PracticeCaseStudy, "research": PracticeResearchEntry}


def _document(session: Session, doc_key: str) -> PracticeCaseStudy | PracticeResearchEntry:
    kind, _, slug = doc_key.partition(":")
    table = _TABLES.get(kind)
    row = session.scalar(select(table).where(table.slug == slug)) if table is not None else None
    if row is None:
        raise InputError(f"no submission {doc_key!r}", rule="not_found")
    return row


def _is_author(row: PracticeCaseStudy | PracticeResearchEntry, actor: Actor) -> bool:
    if actor.user_id is not None and row.author_id is not None:
        return actor.user_id == row.author_id
    return actor.name == row.author_name


def moves_for(session: Session, doc_key: str, actor: Actor) -> list[tuple[Status, str]]:
    """The status moves ``actor`` may make on a document now (for the page's buttons)."""
    row = _document(session, doc_key)
    return allowed_transitions(Status(row.status), actor, is_author=_is_author(row, actor))


def transition(
    session: Session,
    doc_key: str,
    target: Status,
    actor: Actor,
    *,
    comment: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> str:
    """Move a document to ``target`` if the workflow allows ``actor`` to; returns the action.

    Approval records the reviewer and date in the content (and moves a past review-by date a
    year ahead); a comment, required when returning a submission, is stored with the move. With
    ``expected_version`` (the version the reviewer saw) a move on a changed document is refused,
    so two facilitators acting at once leave one consistent record.
    """
    row = _document(session, doc_key)
    check_version(row, expected_version)
    current = Status(row.status)
    action = check_transition(
        current, target, actor, is_author=_is_author(row, actor), comment=comment
    )
    content = dict(row.content)
    if action == "approve":
        content = apply_review(content, actor, today or datetime.now(UTC).date())
        if "review_by" in content:
            row.review_by = date.fromisoformat(str(content["review_by"]))
    content["status"] = target.value
    row.content, row.status, row.updated_at = content, target.value, datetime.now(UTC)
    session.execute(
        PracticeTag.__table__.update()
        .where(PracticeTag.doc_key == doc_key, PracticeTag.facet == "status")
        .values(value=target.value)
    )
    record_audit(session, doc_key, actor, action, from_status=current.value, to_status=target.value)
    flush_checked(session)
    if comment.strip():
        kind = "change_request" if action == "return" else "comment"
        add_comment(session, doc_key, actor, comment, kind=kind)
    return action


def add_comment(
    session: Session, doc_key: str, actor: Actor, body: str, *, kind: str = "comment"
) -> PracticeComment:
    _document(session, doc_key)
    comment = make_comment(actor.name, body, kind=kind)
    row = PracticeComment(
        doc_key=doc_key,
        author_id=actor.user_id,
        author_name=actor.name,
        kind=comment.kind,
        body=comment.body,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    record_audit(session, doc_key, actor, "commented")
    session.flush()
    return row


def comments(session: Session, doc_key: str) -> list[PracticeComment]:
    return list(
        session.scalars(
            select(PracticeComment)
            .where(PracticeComment.doc_key == doc_key)
            .order_by(PracticeComment.created_at, PracticeComment.id)
        )
    )


def audit_trail(session: Session, doc_key: str) -> list[PracticeAuditEvent]:
    """Every recorded event of a document, oldest first."""
    return list(
        session.scalars(
            select(PracticeAuditEvent)
            .where(PracticeAuditEvent.doc_key == doc_key)
            .order_by(PracticeAuditEvent.at, PracticeAuditEvent.id)
        )
    )


@dataclass(frozen=True)
class UploadedFile:
    """What the caller knows about an upload before storing its bytes."""

    filename: str
    media_type: str
    head: bytes
    size: int
    sha256: str
    storage_key: str


def add_attachment(
    session: Session, doc_key: str, actor: Actor, upload: UploadedFile
) -> PracticeAttachment:
    """Record an attachment after checking its type, content and size (10 MB at most)."""
    _document(session, doc_key)
    checked = check_attachment(upload.filename, upload.media_type, upload.head, size=upload.size)
    row = PracticeAttachment(
        doc_key=doc_key,
        filename=checked.filename,
        media_type=checked.media_type,
        size_bytes=checked.size,
        sha256=upload.sha256,
        storage_key=upload.storage_key,
        uploaded_by=actor.name,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    record_audit(session, doc_key, actor, "attached", changes={"file": [None, checked.filename]})
    session.flush()
    return row


def attachments(session: Session, doc_key: str) -> list[PracticeAttachment]:
    return list(
        session.scalars(
            select(PracticeAttachment)
            .where(PracticeAttachment.doc_key == doc_key)
            .order_by(PracticeAttachment.id)
        )
    )


def set_member_role(session: Session, user_id: int, role: PracticeRole | str) -> PracticeMember:
    """Give a user a workflow role (contributor, reviewer or editor)."""
    try:
        role = PracticeRole(getattr(role, "value", role))
    except ValueError:
        raise InputError(f"unknown workflow role {role!r}", rule="unknown_role") from None
    row = session.get(PracticeMember, user_id)
    if row is None:
        row = PracticeMember(user_id=user_id, role=role.value)
        session.add(row)
    else:
        row.role = role.value
    session.flush()
    return row


def member_role(session: Session, user_id: int) -> PracticeRole | None:
    row = session.get(PracticeMember, user_id)
    return PracticeRole(row.role) if row else None
