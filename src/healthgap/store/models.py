"""SQLAlchemy 2 tables of the web workspace: users, the workspace registry, saved scenarios.

Measures and scenario results are never stored: the core recomputes them from workspaces.
The database holds only what people create (accounts, names, choices). The schema is owned by
the Alembic migrations in :mod:`healthgap.store.migrations`; these classes must match them
(``tests/store`` checks that a migrated database and the metadata agree).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Role", "SavedScenario", "User", "WorkspaceEntry"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    """What a signed-in person may do; each role includes the rights of the ones before it."""

    staff = "staff"  # log MECC conversations for their linked staff record, nothing else
    viewer = "viewer"  # read pages and download
    analyst = "analyst"  # also build and save scenarios, upload data
    admin = "admin"  # also invite users and set roles

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role has at least the rights of ``needed``.

        >>> Role.admin.allows(Role.analyst), Role.viewer.allows(Role.analyst)
        (True, False)
        >>> Role.staff.allows(Role.viewer), Role.viewer.allows(Role.staff)
        (False, True)
        """
        return self.rank >= needed.rank


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # Empty until an invited person sets a password through their invite link.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=Role.viewer.value)
    invite_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    scenarios: Mapped[list[SavedScenario]] = relationship(back_populates="owner")


class WorkspaceEntry(Base):
    """A workspace folder the app may open, registered under a short name."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedScenario(Base):
    """A named set of intervention choices for one area of one workspace."""

    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_scenarios_workspace_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    area_code: Mapped[str] = mapped_column(String(16))
    choices: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[User] = relationship(back_populates="scenarios")
    workspace: Mapped[WorkspaceEntry] = relationship()
