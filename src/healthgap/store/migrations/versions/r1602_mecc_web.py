"""MECC on the web: the SYNTHETIC flag of an organisation, and the referrals received by
lifestyle services (counts by day, service and area) that attribution reads.

Revision ID: 1602
Revises: 1901
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1602"
down_revision = "1202"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mecc_organisations") as batch:
        batch.add_column(
            sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "mecc_referrals_received",
        sa.Column("received_date", sa.Date(), primary_key=True),
        sa.Column("service", sa.String(40), primary_key=True),
        sa.Column("area_code", sa.String(16), primary_key=True),
        sa.Column("referrals", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mecc_referrals_received")
    with op.batch_alter_table("mecc_organisations") as batch:
        batch.drop_column("synthetic")
