"""SQLAlchemy tables of the practice bank: case studies, research entries, their facet and link
tags, comments, the audit trail, attachment metadata and workflow roles.

The validated record (see :mod:`healthgap.practice`) is stored whole as JSON in ``content``; the
columns beside it (status, evidence, dates, DOI, normalised title) are copies kept for queries
and constraints. ``version`` is SQLAlchemy's optimistic lock: two people saving the same
submission at once cannot both win silently.

Documents are named across tables by a *document key*, ``case:<slug>`` or ``research:<slug>``.
Full-text search tables are not here: they differ by database (an FTS5 virtual table on SQLite,
a tsvector column with a GIN index on PostgreSQL) and are created by migration ``1701`` and
maintained by :mod:`healthgap.store.practice_search`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from healthgap.store.models import Base, utcnow

__all__ = [
    "FTS_ARTEFACTS",
    "MAX_ATTACHMENT_BYTES",
    "PracticeAttachment",
    "PracticeAuditEvent",
    "PracticeCaseStudy",
    "PracticeComment",
    "PracticeMember",
    "PracticeResearchEntry",
    "PracticeTag",
    "case_key",
    "research_key",
]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

#: Search objects created per dialect by migration 1701, outside the ORM metadata (the schema
#: check in tests/store ignores exactly these). SQLite's FTS5 adds its shadow tables.
FTS_ARTEFACTS = frozenset(
    {
        "practice_search",
        "practice_search_data",
        "practice_search_idx",
        "practice_search_content",
        "practice_search_docsize",
        "practice_search_config",
    }
)


def case_key(slug: str) -> str:
    return f"case:{slug}"


def research_key(slug: str) -> str:
    return f"research:{slug}"


class _Document:
    """Columns shared by case studies and research entries."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeCaseStudy(_Document, Base):
    __tablename__ = "practice_case_studies"
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    title: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(String(16))
    evidence_rank: Mapped[int] = mapped_column(Integer)
    review_by: Mapped[date] = mapped_column(Date, index=True)

    @property
    def key(self) -> str:
        return case_key(self.slug)


class PracticeResearchEntry(_Document, Base):
    __tablename__ = "practice_research_entries"
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    title: Mapped[str] = mapped_column(String(500))
    normalised_title: Mapped[str] = mapped_column(String(500), index=True)
    # Unique where present; NULL (no DOI) may repeat on both SQLite and PostgreSQL.
    doi: Mapped[str | None] = mapped_column(String(300), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(24))

    @property
    def key(self) -> str:
        return research_key(self.slug)


class PracticeTag(Base):
    """One facet value or link of a document: ``(case:x, topic, tobacco)``,
    ``(research:y, parameter, smoking_cessation.p52)``. Facet counts and links both ways are
    plain GROUP BY / WHERE queries on this table, the same on every database."""

    __tablename__ = "practice_tags"
    __table_args__ = (
        UniqueConstraint("doc_key", "facet", "value", name="uq_practice_tags"),
        Index("ix_practice_tags_facet_value", "facet", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(100), index=True)
    facet: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(String(200))


class PracticeComment(Base):
    __tablename__ = "practice_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(100), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeAuditEvent(Base):
    """Who changed what: one row per save, status move, comment or attachment."""

    __tablename__ = "practice_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(100), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    changes: Mapped[dict[str, object] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeAttachment(Base):
    """Metadata of an uploaded file; the bytes live wherever ``storage_key`` says."""

    __tablename__ = "practice_attachments"
    __table_args__ = (
        CheckConstraint(
            f"size_bytes > 0 AND size_bytes <= {MAX_ATTACHMENT_BYTES}",
            name="ck_practice_attachments_size",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(100), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeMember(Base):
    """A signed-in user's role in the review workflow (contributor, reviewer, editor)."""

    __tablename__ = "practice_members"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
