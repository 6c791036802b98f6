"""SQLAlchemy tables of MECC: organisations, teams, staff, contact logs, training, capability
scores, staff health figures and the referrals lifestyle services received.

Natural keys (the organisation's code, the staff code, the device's ``client_id``) are the
keys, so a device's entry is written without looking anything up first, and a repeated
``client_id`` can never be stored twice (unique constraint ``uq_mecc_contacts_client_id``).
Vocabulary codes (setting, topics, action, destination, route ...) are plain strings checked
by :mod:`healthgap.engage` before writing, because the vocabulary is editable content. The
schema is owned by migrations ``1601`` and ``1602``; ``tests/store`` checks that they agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from healthgap.store.models import Base, utcnow

__all__ = [
    "ContactRecord",
    "OrganisationRecord",
    "ReferralReceivedRecord",
    "StaffHealthRecord",
    "StaffRecord",
    "TeamRecord",
    "TrainingRecord",
    "TrainingScoreRecord",
]

CODE = 40  # length of every code column
_ID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class OrganisationRecord(Base):
    __tablename__ = "mecc_organisations"

    organisation: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(CODE))
    setting: Mapped[str] = mapped_column(String(CODE))
    area_code: Mapped[str] = mapped_column(String(16))
    # The SYNTHETIC demo's organisations (migration 1602): every output drawn from them says so.
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TeamRecord(Base):
    __tablename__ = "mecc_teams"

    organisation: Mapped[str] = mapped_column(
        String(CODE), ForeignKey("mecc_organisations.organisation"), primary_key=True
    )
    team: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class StaffRecord(Base):
    """A member of staff in post, by a pseudonymous code; ``user_id`` links a login."""

    __tablename__ = "mecc_staff"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organisation", "team"],
            ["mecc_teams.organisation", "mecc_teams.team"],
            name="fk_mecc_staff_team",
        ),
        UniqueConstraint("user_id", name="uq_mecc_staff_user_id"),
    )

    staff_id: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(CODE))
    team: Mapped[str] = mapped_column(String(CODE))
    frontline: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactRecord(Base):
    """One MECC conversation as logged; no free text and nothing about the person."""

    __tablename__ = "mecc_contacts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organisation", "team"],
            ["mecc_teams.organisation", "mecc_teams.team"],
            name="fk_mecc_contacts_team",
        ),
        Index("ix_mecc_contacts_organisation_date", "organisation", "contact_date"),
        UniqueConstraint("client_id", name="uq_mecc_contacts_client_id"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(36))
    contact_date: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[str] = mapped_column(String(CODE), ForeignKey("mecc_staff.staff_id"))
    organisation: Mapped[str] = mapped_column(String(CODE))
    team: Mapped[str] = mapped_column(String(CODE))
    setting: Mapped[str] = mapped_column(String(CODE))
    topics: Mapped[str] = mapped_column(String(250))
    action: Mapped[str] = mapped_column(String(CODE))
    destination: Mapped[str | None] = mapped_column(String(CODE))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingRecord(Base):
    __tablename__ = "mecc_training"

    staff_id: Mapped[str] = mapped_column(
        String(CODE), ForeignKey("mecc_staff.staff_id"), primary_key=True
    )
    route: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    completed_on: Mapped[date] = mapped_column(Date)


class TrainingScoreRecord(Base):
    __tablename__ = "mecc_training_scores"
    __table_args__ = (
        ForeignKeyConstraint(
            ["staff_id", "route"],
            ["mecc_training.staff_id", "mecc_training.route"],
            name="fk_mecc_training_scores_training",
            ondelete="CASCADE",
        ),
    )

    staff_id: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    route: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    measure: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    wave: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class StaffHealthRecord(Base):
    """One figure of one staff health metric (or checklist item) for one month."""

    __tablename__ = "mecc_staff_health"

    organisation: Mapped[str] = mapped_column(
        String(CODE), ForeignKey("mecc_organisations.organisation"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    metric: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)


class ReferralReceivedRecord(Base):
    """How many referrals a lifestyle service received on one day from one area (migration
    1602): counts only, never a person, so attribution can be recomputed at any time."""

    __tablename__ = "mecc_referrals_received"

    received_date: Mapped[date] = mapped_column(Date, primary_key=True)
    service: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    referrals: Mapped[int] = mapped_column(Integer)
