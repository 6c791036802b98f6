"""Journey maps, their versions, stages, touchpoints and improvements; insight notes and their
links; feedback sends.

Revision ID: 1401
Revises: 1601
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1401"
down_revision = "1601"
branch_labels = None
depends_on = None

KEY = 64


def _user(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def _parent(name: str, table: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
    )


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "journeys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(KEY), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("segment_kind", sa.String(16), nullable=False),
        sa.Column("segment_id", sa.String(KEY), nullable=False),
        sa.Column("segment_label", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("version_date", sa.Date(), nullable=False),
        sa.Column("based_on", sa.String(KEY)),
        sa.Column("service", sa.String(KEY)),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("reconstructed", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _user("updated_by"),
    )
    op.create_table(
        "journey_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _parent("journey_id", "journeys"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("version_date", sa.Date(), nullable=False),
        _when("saved_at"),
        _user("saved_by"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.UniqueConstraint("journey_id", "version", name="uq_journey_versions"),
    )
    op.create_table(
        "journey_stages",
        sa.Column("id", sa.Integer(), primary_key=True),
        _parent("journey_id", "journeys"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("funnel_step", sa.String(KEY)),
        sa.Column("count", sa.Integer()),
        sa.Column("count_source", sa.Text(), nullable=False),
        sa.UniqueConstraint("journey_id", "key", name="uq_journey_stages_key"),
    )
    op.create_table(
        "journey_touchpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        _parent("journey_id", "journeys"),
        _parent("stage_id", "journey_stages"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lane", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("wait", sa.String(200), nullable=False),
        sa.Column("wait_days", sa.Float()),
        sa.Column("what_happens", sa.Text(), nullable=False),
        sa.Column("person_does", sa.Text(), nullable=False),
        sa.Column("person_thinks", sa.Text(), nullable=False),
        sa.Column("person_feels", sa.Text(), nullable=False),
        sa.Column("emotion", sa.Float()),
        sa.Column("moment_of_truth", sa.Boolean(), nullable=False),
        sa.Column("pain_points", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.UniqueConstraint("journey_id", "key", name="uq_journey_touchpoints_key"),
    )
    op.create_table(
        "journey_improvements",
        sa.Column("id", sa.Integer(), primary_key=True),
        _parent("journey_id", "journeys"),
        _parent("touchpoint_id", "journey_touchpoints"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assessment_action_id", sa.String(KEY)),
        sa.UniqueConstraint("journey_id", "key", name="uq_journey_improvements_key"),
    )
    op.create_table(
        "insight_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(KEY), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("sample_size", sa.Integer()),
        sa.Column("consent_basis", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _user("created_by"),
    )
    op.create_table(
        "insight_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _parent("note_id", "insight_notes"),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.UniqueConstraint("note_id", "target_kind", "target", name="uq_insight_links"),
    )
    op.create_index("ix_insight_links_target", "insight_links", ["target_kind", "target"])
    op.create_table(
        "feedback_sends",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("journey_key", sa.String(KEY)),
        sa.Column("note_keys", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer()),
        sa.Column("content", sa.JSON(), nullable=False),
        _when("recorded_at"),
        _user("recorded_by"),
    )


def downgrade() -> None:
    op.drop_table("feedback_sends")
    op.drop_index("ix_insight_links_target", table_name="insight_links")
    op.drop_table("insight_links")
    op.drop_table("insight_notes")
    op.drop_table("journey_improvements")
    op.drop_table("journey_touchpoints")
    op.drop_table("journey_stages")
    op.drop_table("journey_versions")
    op.drop_table("journeys")
