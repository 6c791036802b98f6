"""MECC: organisations, teams, staff, contact logs, training, capability scores, staff health.

Revision ID: 1601
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1601"
down_revision = "0001"
branch_labels = None
depends_on = None

CODE = 40


def upgrade() -> None:
    op.create_table(
        "mecc_organisations",
        sa.Column("organisation", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_type", sa.String(CODE), nullable=False),
        sa.Column("setting", sa.String(CODE), nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
    )
    op.create_table(
        "mecc_teams",
        sa.Column(
            "organisation",
            sa.String(CODE),
            sa.ForeignKey("mecc_organisations.organisation"),
            primary_key=True,
        ),
        sa.Column("team", sa.String(CODE), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "mecc_staff",
        sa.Column("staff_id", sa.String(CODE), primary_key=True),
        sa.Column("organisation", sa.String(CODE), nullable=False),
        sa.Column("team", sa.String(CODE), nullable=False),
        sa.Column("frontline", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("user_id", name="uq_mecc_staff_user_id"),
        sa.ForeignKeyConstraint(
            ["organisation", "team"],
            ["mecc_teams.organisation", "mecc_teams.team"],
            name="fk_mecc_staff_team",
        ),
    )
    op.create_table(
        "mecc_contacts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column(
            "staff_id", sa.String(CODE), sa.ForeignKey("mecc_staff.staff_id"), nullable=False
        ),
        sa.Column("organisation", sa.String(CODE), nullable=False),
        sa.Column("team", sa.String(CODE), nullable=False),
        sa.Column("setting", sa.String(CODE), nullable=False),
        sa.Column("topics", sa.String(250), nullable=False),
        sa.Column("action", sa.String(CODE), nullable=False),
        sa.Column("destination", sa.String(CODE), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation", "team"],
            ["mecc_teams.organisation", "mecc_teams.team"],
            name="fk_mecc_contacts_team",
        ),
        sa.UniqueConstraint("client_id", name="uq_mecc_contacts_client_id"),
    )
    op.create_index(
        "ix_mecc_contacts_organisation_date", "mecc_contacts", ["organisation", "contact_date"]
    )
    op.create_table(
        "mecc_training",
        sa.Column(
            "staff_id", sa.String(CODE), sa.ForeignKey("mecc_staff.staff_id"), primary_key=True
        ),
        sa.Column("route", sa.String(CODE), primary_key=True),
        sa.Column("completed_on", sa.Date(), nullable=False),
    )
    op.create_table(
        "mecc_training_scores",
        sa.Column("staff_id", sa.String(CODE), primary_key=True),
        sa.Column("route", sa.String(CODE), primary_key=True),
        sa.Column("measure", sa.String(CODE), primary_key=True),
        sa.Column("wave", sa.String(CODE), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id", "route"],
            ["mecc_training.staff_id", "mecc_training.route"],
            name="fk_mecc_training_scores_training",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "mecc_staff_health",
        sa.Column(
            "organisation",
            sa.String(CODE),
            sa.ForeignKey("mecc_organisations.organisation"),
            primary_key=True,
        ),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("metric", sa.String(CODE), primary_key=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("mecc_staff_health")
    op.drop_table("mecc_training_scores")
    op.drop_table("mecc_training")
    op.drop_index("ix_mecc_contacts_organisation_date", table_name="mecc_contacts")
    op.drop_table("mecc_contacts")
    op.drop_table("mecc_staff")
    op.drop_table("mecc_teams")
    op.drop_table("mecc_organisations")
