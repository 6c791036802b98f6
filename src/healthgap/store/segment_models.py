"""SQLAlchemy tables of segmentations and stage-of-change suggestions (schema: revision 1302).

A segmentation (an open run or an imported licensed lookup) is stored with everything needed
to make it again: its inputs (what was read, with content hashes), the run record (method,
seed, parameters, library versions, inputs hash) or the lookup's record (classification,
version, content hash), and the healthgap version. Its segment of every area (or key) is
kept too, so pages and surveys use it without refitting; segment names are editable, and
so is the suggested message, channel and offer of every segment x stage cell.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from healthgap.store.models import Base, utcnow

__all__ = ["SegmentAssignment", "SegmentName", "SegmentRun", "StageSuggestion"]

SEGMENT = 64  # a segment's code: 1..k for an open run, the supplier's code for a lookup
KEY = 16  # an area code (9 characters) or a postcode (up to 8)


class SegmentRun(Base):
    """One segmentation of one workspace's areas: an open run or an imported lookup."""

    __tablename__ = "segment_runs"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_segment_runs_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # "open" or "lookup"
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    method: Mapped[str] = mapped_column(Text)
    seed: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(64))
    n_segments: Mapped[int] = mapped_column(Integer)
    n_areas: Mapped[int] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # one row per k tried
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    names: Mapped[list[SegmentName]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="SegmentName.position"
    )


class SegmentName(Base):
    """A segment's name: generated (``suggested``), then edited by the team."""

    __tablename__ = "segment_names"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("segment_runs.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(String(SEGMENT), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    suggested: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(Text, default="")
    edited: Mapped[bool] = mapped_column(default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    run: Mapped[SegmentRun] = relationship(back_populates="names")


class SegmentAssignment(Base):
    """The segment of one area (or postcode) in one run."""

    __tablename__ = "segment_assignments"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("segment_runs.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    segment: Mapped[str] = mapped_column(String(SEGMENT))


class StageSuggestion(Base):
    """A team's own message, channel and offer for one segment x stage cell of a behaviour.

    ``grouping`` says what the segments are: ``run:<id>`` (a stored segmentation, removed
    with it through ``run_id``) or a survey column such as ``deprivation_quintile``.
    """

    __tablename__ = "stage_suggestions"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id", "grouping", "segment", "behaviour", "stage", name="uq_stage_cells"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("segment_runs.id", ondelete="CASCADE"))
    grouping: Mapped[str] = mapped_column(String(80))
    segment: Mapped[str] = mapped_column(String(SEGMENT))
    behaviour: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)
    offer: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
