"""Self-assessments: assessments, participants, ratings, consensus, actions and their history.

Revision ID: 1201
Revises: 1501
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1201"
down_revision = "1501"
branch_labels = None
depends_on = None


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(32), nullable=False),
        sa.Column("framework_content", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place_code", sa.String(16), nullable=False),
        sa.Column("place_name", sa.String(120), nullable=False),
        sa.Column("place_level", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("round", sa.String(16), nullable=False),
        sa.Column(
            "previous_id",
            sa.Integer(),
            sa.ForeignKey("assessments.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "created_by",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        _when("created_at"),
    )
    op.create_table(
        "assessment_participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer(),
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _when("added_at"),
        sa.UniqueConstraint("assessment_id", "user_id", name="uq_assessment_participants_user"),
    )
    op.create_table(
        "assessment_ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer(),
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey("assessment_participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.String(8), nullable=True),
        _when("rated_at"),
    )
    op.create_index(
        "ix_assessment_ratings_item", "assessment_ratings", ["assessment_id", "item_id"]
    )
    op.create_table(
        "assessment_consensus",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer(),
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("target", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column(
            "decided_by",
            sa.Integer(),
            sa.ForeignKey("assessment_participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _when("decided_at"),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.UniqueConstraint("assessment_id", "item_id", name="uq_assessment_consensus_item"),
    )
    op.create_table(
        "assessment_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer(),
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_role", sa.String(120), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("created_at"),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "assessment_action_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("assessment_actions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        _when("changed_at"),
    )


def downgrade() -> None:
    op.drop_table("assessment_action_history")
    op.drop_table("assessment_actions")
    op.drop_table("assessment_consensus")
    op.drop_index("ix_assessment_ratings_item", table_name="assessment_ratings")
    op.drop_table("assessment_ratings")
    op.drop_table("assessment_participants")
    op.drop_table("assessments")
