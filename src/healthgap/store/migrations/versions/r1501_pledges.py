"""Pledge campaigns (issue 15) and the shared rate-limit counters.

Revision ID: 1501
Revises: 1401
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1501"
down_revision = "1401"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pledge_campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(60), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place_code", sa.String(9), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("contact_data_purged_at", _TZ, nullable=True),
        sa.Column("public_details_purged_at", _TZ, nullable=True),
    )
    op.create_table(
        "pledge_set_pledges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("pledge_campaigns.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("theme", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("campaign_id", "code", name="uq_set_pledges_code"),
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("pledge_campaigns.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column(
            "set_pledge_id", sa.Integer(), sa.ForeignKey("pledge_set_pledges.id"), nullable=True
        ),
        sa.Column("own_text", sa.Text(), nullable=True),
        sa.Column("theme", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("postcode_district", sa.String(4), nullable=True),
        sa.Column("age_band", sa.String(16), nullable=True),
        sa.Column("group_name", sa.String(320), nullable=True),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("pledger_ref", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("flags", sa.String(64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_index("ix_pledges_campaign_status", "pledges", ["campaign_id", "status", "id"])
    op.create_table(
        "pledge_contacts",
        sa.Column(
            "pledge_id",
            sa.Integer(),
            sa.ForeignKey("pledges.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("reminders_consented_at", _TZ, nullable=True),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("marketing_consented_at", _TZ, nullable=True),
    )
    op.create_table(
        "pledge_moderation_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "pledge_id",
            sa.Integer(),
            sa.ForeignKey("pledges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("at", _TZ, nullable=False),
    )
    op.create_table(
        "pledge_reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "pledge_id",
            sa.Integer(),
            sa.ForeignKey("pledges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("due_at", _TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", _TZ, nullable=True),
        sa.Column("sent_at", _TZ, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.UniqueConstraint("pledge_id", "week", name="uq_pledge_reminders_week"),
    )
    op.create_index("ix_pledge_reminders_due", "pledge_reminders", ["status", "due_at"])
    op.create_table(
        "pledge_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "pledge_id",
            sa.Integer(),
            sa.ForeignKey("pledges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("answered_at", _TZ, nullable=False),
        sa.UniqueConstraint("pledge_id", "week", name="uq_pledge_checkins_week"),
    )
    op.create_table(
        "pledge_event_counts",
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("pledge_campaigns.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("count", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "rate_limit_counters",
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.BigInteger(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
    )
    op.create_index("ix_rate_limit_counters_expires_at", "rate_limit_counters", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counters_expires_at", table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
    op.drop_table("pledge_event_counts")
    op.drop_table("pledge_checkins")
    op.drop_index("ix_pledge_reminders_due", table_name="pledge_reminders")
    op.drop_table("pledge_reminders")
    op.drop_table("pledge_moderation_events")
    op.drop_table("pledge_contacts")
    op.drop_index("ix_pledges_campaign_status", table_name="pledges")
    op.drop_table("pledges")
    op.drop_table("pledge_set_pledges")
    op.drop_table("pledge_campaigns")
