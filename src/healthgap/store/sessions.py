"""Server-side sign-in sessions: each one a row that signing out, a new password or a new
role removes, so a copied cookie stops working at once.

The browser holds only a random token (inside the signed session cookie); the table holds its
SHA-256 digest, so a copy of the database gives nobody a way in. Every request looks its
token up (:func:`session_user`): a session that was ended, has expired, or whose user was
deactivated gives no user. Rows are written only at sign-in and sign-out, never per request,
so the check costs one indexed read.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from healthgap.errors import InputError
from healthgap.store.models import Base, User

__all__ = [
    "UserSession",
    "end_session",
    "end_user_sessions",
    "purge_expired_sessions",
    "session_roles",
    "session_user",
    "start_session",
]


class UserSession(Base):
    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise InputError("give the time with a time zone", rule="naive_datetime")
    return moment


def _aware(moment: datetime) -> datetime:
    # SQLite returns stored times without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_session(
    session: Session, *, user_id: int, max_age_seconds: int, now: datetime | None = None
) -> str:
    """Open a session for ``user_id`` lasting ``max_age_seconds``; return its token (shown
    to the browser once, stored only as a digest)."""
    if max_age_seconds < 1:
        raise InputError("a session lasts at least one second", rule="bad_session_age")
    moment = _now(now)
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user_id,
            created_at=moment,
            expires_at=moment + timedelta(seconds=max_age_seconds),
        )
    )
    session.flush()
    return token


def session_user(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user whose unexpired session ``token`` is, or ``None``."""
    found = session.execute(
        select(UserSession.expires_at, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    expires_at, user = found
    if not _valid(expires_at, user.active, user.password_hash is not None, _now(now)):
        return None
    return user


def session_roles(
    session: Session, tokens: Iterable[str], *, now: datetime | None = None
) -> dict[str, tuple[int, str]]:
    """``token -> (user id, role)`` for each of ``tokens`` that :func:`session_user` would
    accept (the same rules), in one indexed read and without loading user objects: the
    check of a burst of requests that only need to know who sent them (MECC syncs)."""
    digests = {_digest(token): token for token in tokens}
    if not digests:
        return {}
    moment = _now(now)
    rows = session.execute(
        select(
            UserSession.token_hash,
            UserSession.expires_at,
            User.id,
            User.role,
            User.active,
            User.password_hash.is_not(None),
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash.in_(list(digests)))
    )
    return {
        digests[digest]: (user_id, role)
        for digest, expires_at, user_id, role, active, has_password in rows
        if _valid(expires_at, active, has_password, moment)
    }


def _valid(expires_at: datetime, active: bool, has_password: bool, now: datetime) -> bool:
    """A session counts while unexpired, for an active user who has set a password."""
    return _aware(expires_at) > now and bool(active) and bool(has_password)


def end_session(session: Session, token: str) -> None:
    """End one session (signing out)."""
    session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))


def end_user_sessions(session: Session, *, user_id: int, keep: str | None = None) -> int:
    """End every session of ``user_id`` but the one whose token is ``keep``; returns how
    many ended (after a new password or role, or when an account is closed)."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(UserSession.token_hash != _digest(keep))
    return int(session.execute(statement).rowcount or 0)


def purge_expired_sessions(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many."""
    result = session.execute(delete(UserSession).where(UserSession.expires_at < _now(now)))
    return int(result.rowcount or 0)
