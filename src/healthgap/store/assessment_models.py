"""SQLAlchemy tables of stored self-assessments (the repository is
:mod:`healthgap.store.assessment` and :mod:`healthgap.store.assessment_actions`).

Schema owned by the Alembic migrations ``r1201_assessment`` and ``r1202_assessment_plan``;
``tests/store`` checks that the migrated database and these classes agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthgap.store.models import Base, utcnow

__all__ = [
    "ActionChangeRecord",
    "ActionRecord",
    "AssessmentRecord",
    "ConsensusRecord",
    "ParticipantRecord",
    "RatingRecord",
]


class AssessmentRecord(Base):
    """One assessment: scope, the framework version (content copied in) and its round."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[str] = mapped_column(String(32))
    framework_content: Mapped[dict[str, Any]] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200), default="")
    place_code: Mapped[str] = mapped_column(String(16))
    place_name: Mapped[str] = mapped_column(String(120), default="")
    place_level: Mapped[str] = mapped_column(String(32), default="")
    topic: Mapped[str] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[str] = mapped_column(String(16), default="individual")
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The saved plan whose intervention volumes sit beside the ratings (migration 1202).
    plan_scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenarios.id", ondelete="SET NULL")
    )

    participants: Mapped[list[ParticipantRecord]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="ParticipantRecord.id"
    )


class ParticipantRecord(Base):
    """A user taking part in one assessment, as ``participant`` or ``facilitator``."""

    __tablename__ = "assessment_participants"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", name="uq_assessment_participants_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="participant")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[AssessmentRecord] = relationship(back_populates="participants")


class RatingRecord(Base):
    """One rating in the individual round (append-only: the latest per person and item)."""

    __tablename__ = "assessment_ratings"
    __table_args__ = (Index("ix_assessment_ratings_item", "assessment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_participants.id", ondelete="CASCADE")
    )
    item_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    confidence: Mapped[str | None] = mapped_column(String(8))
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsensusRecord(Base):
    """The agreed level of one item; ``revision`` counts changes (compare-and-set)."""

    __tablename__ = "assessment_consensus"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id", name="uq_assessment_consensus_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    decided_by: Mapped[int] = mapped_column(
        ForeignKey("assessment_participants.id", ondelete="CASCADE")
    )
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class ActionRecord(Base):
    """One SMART action of an assessment's plan."""

    __tablename__ = "assessment_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(120))
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class ActionChangeRecord(Base):
    """A status an action took on: the plan's history over time."""

    __tablename__ = "assessment_action_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("assessment_actions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
