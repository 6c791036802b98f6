"""SQLAlchemy tables of journey maps, insight notes and feedback sends (schema: 1401, 1403).

A journey row holds the current content's own fields and its ``version``, the number an edit
must carry to be accepted (optimistic concurrency). Stages, touchpoints and improvements are
rows of the current content; ``journey_versions`` keeps every saved version as a JSON snapshot
(the dated history). Insight notes keep a lower-case ``search_text`` for word search and their
links (segments, journeys, touchpoints, themes) as rows of ``insight_links``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from healthgap.store.models import Base, utcnow

__all__ = [
    "FeedbackSendRow",
    "ImprovementRow",
    "InsightLinkRow",
    "InsightNoteRow",
    "JourneyRow",
    "JourneyVersionRow",
    "StageRow",
    "TouchpointRow",
]

KEY = 64  # length of the slugs used as ids in files and links


class JourneyRow(Base):
    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    segment_kind: Mapped[str] = mapped_column(String(16))
    segment_id: Mapped[str] = mapped_column(String(KEY))
    segment_label: Mapped[str] = mapped_column(String(200))
    # A stored segmentation's segment (revision 1403); no foreign key, so that a journey
    # keeps its reference, and says it was removed, after the segmentation is deleted.
    segment_run_id: Mapped[int | None] = mapped_column()
    segment_code: Mapped[str | None] = mapped_column(String(KEY))
    segment_run_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    version: Mapped[int] = mapped_column()
    version_date: Mapped[date] = mapped_column(Date)
    based_on: Mapped[str | None] = mapped_column(String(KEY))
    service: Mapped[str | None] = mapped_column(String(KEY))
    description: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[str] = mapped_column(Text, default="")
    reconstructed: Mapped[bool] = mapped_column(default=False)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class JourneyVersionRow(Base):
    __tablename__ = "journey_versions"
    __table_args__ = (UniqueConstraint("journey_id", "version", name="uq_journey_versions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    version_date: Mapped[date] = mapped_column(Date)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class StageRow(Base):
    __tablename__ = "journey_stages"
    __table_args__ = (UniqueConstraint("journey_id", "key", name="uq_journey_stages_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(Text, default="")
    funnel_step: Mapped[str | None] = mapped_column(String(KEY))
    count: Mapped[int | None] = mapped_column()
    count_source: Mapped[str] = mapped_column(Text, default="")


class TouchpointRow(Base):
    __tablename__ = "journey_touchpoints"
    __table_args__ = (UniqueConstraint("journey_id", "key", name="uq_journey_touchpoints_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("journey_stages.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY))
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    wait: Mapped[str] = mapped_column(String(200), default="")
    wait_days: Mapped[float | None] = mapped_column(Float)
    what_happens: Mapped[str] = mapped_column(Text, default="")
    person_does: Mapped[str] = mapped_column(Text, default="")
    person_thinks: Mapped[str] = mapped_column(Text, default="")
    person_feels: Mapped[str] = mapped_column(Text, default="")
    emotion: Mapped[float | None] = mapped_column(Float)
    moment_of_truth: Mapped[bool] = mapped_column(default=False)
    pain_points: Mapped[list[str]] = mapped_column(JSON)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ImprovementRow(Base):
    __tablename__ = "journey_improvements"
    __table_args__ = (UniqueConstraint("journey_id", "key", name="uq_journey_improvements_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(
        ForeignKey("journey_touchpoints.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(KEY))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    assessment_action_id: Mapped[str | None] = mapped_column(String(KEY))


class InsightNoteRow(Base):
    __tablename__ = "insight_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    sample_size: Mapped[int | None] = mapped_column()
    consent_basis: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[list[str]] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(default=False)
    # Lower-case title, summary, themes and quotes: what word search looks in.
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class InsightLinkRow(Base):
    """What a note describes: ``target_kind`` is segment, journey, touchpoint or theme."""

    __tablename__ = "insight_links"
    __table_args__ = (
        UniqueConstraint("note_id", "target_kind", "target", name="uq_insight_links"),
        Index("ix_insight_links_target", "target_kind", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("insight_notes.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200))


class FeedbackSendRow(Base):
    """A feedback summary sent to participants, with the content exactly as sent."""

    __tablename__ = "feedback_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_key: Mapped[str | None] = mapped_column(String(KEY))
    note_keys: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int | None] = mapped_column()
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
