"""Segmentations (open runs and imported licensed lookups) with their inputs, record, segment
of every area and editable names; editable stage-of-change suggestions per cell.

Revision ID: 1302
Revises: 1901
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1302"
down_revision = "1602"
branch_labels = None
depends_on = None

SEGMENT = 64
KEY = 16


def _user(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def _run(*, primary_key: bool, nullable: bool = False) -> sa.Column:
    return sa.Column(
        "run_id",
        sa.Integer(),
        sa.ForeignKey("segment_runs.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=nullable,
    )


def _workspace() -> sa.Column:
    return sa.Column(
        "workspace_id",
        sa.Integer(),
        sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "segment_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        _user("owner_id"),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("seed", sa.Integer()),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("n_segments", sa.Integer(), nullable=False),
        sa.Column("n_areas", sa.Integer(), nullable=False),
        sa.Column("stability", sa.Float()),
        sa.Column("quality", sa.JSON()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_segment_runs_name"),
    )
    op.create_table(
        "segment_names",
        _run(primary_key=True),
        sa.Column("segment", sa.String(SEGMENT), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("suggested", sa.String(200), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        _user("updated_by"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "segment_assignments",
        _run(primary_key=True),
        sa.Column("key", sa.String(KEY), primary_key=True),
        sa.Column("segment", sa.String(SEGMENT), nullable=False),
    )
    op.create_table(
        "stage_suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        _run(primary_key=False, nullable=True),
        sa.Column("grouping", sa.String(80), nullable=False),
        sa.Column("segment", sa.String(SEGMENT), nullable=False),
        sa.Column("behaviour", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("offer", sa.Text(), nullable=False),
        _user("updated_by"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "workspace_id", "grouping", "segment", "behaviour", "stage", name="uq_stage_cells"
        ),
    )


def downgrade() -> None:
    op.drop_table("stage_suggestions")
    op.drop_table("segment_assignments")
    op.drop_table("segment_names")
    op.drop_table("segment_runs")
