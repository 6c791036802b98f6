"""A journey's segment or persona may name a stored segmentation's segment: the run's id, the
segment's code and the run's name as it was when chosen (no foreign key: a journey keeps a
readable reference after the segmentation is removed).

Revision ID: 1403
Revises: 1302
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1403"
down_revision = "1302"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journeys") as batch:
        batch.add_column(sa.Column("segment_run_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("segment_code", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("segment_run_name", sa.String(120), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("journeys") as batch:
        batch.drop_column("segment_run_name")
        batch.drop_column("segment_code")
        batch.drop_column("segment_run_id")
