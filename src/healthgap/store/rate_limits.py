"""Rate limits kept in the database, so every server process sees the same counts.

A :class:`RateLimit` names a scope (e.g. ``pledge:ip``), a limit and a window. Each
:func:`hit` adds one to the counter of ``(scope, key, window)`` with an atomic upsert (see
:mod:`healthgap.store.counters`) and says whether the caller is still within the limit.

Two ways of counting:

- **fixed window**: the count in the current window (``floor(now / window)``);
- **sliding window** (default): the current count plus the previous window's count weighted
  by the part of it still inside the last ``window`` seconds,
  :math:`c_{now} + c_{prev}(1 - f)`, with :math:`f` the fraction of the current window gone.
  It smooths the burst a fixed window allows at a window edge (Cloudflare's "sliding
  window counter" approximation).

Keys are stored only as SHA-256 digests (with the scope), so an IP address or a username
never lands in the table. Old windows are removed by :func:`purge_expired`. Every attempt
counts, allowed or not, so a client that keeps hammering stays limited.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String, bindparam, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from healthgap.errors import InputError
from healthgap.store.counters import upsert_increment
from healthgap.store.models import Base

__all__ = [
    "RateDecision",
    "RateLimit",
    "RateLimitCounter",
    "hit",
    "peek",
    "purge_expired",
    "reset",
]


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counters"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window_seconds`` in ``scope`` for one key."""

    scope: str
    limit: int
    window_seconds: int
    sliding: bool = True

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1 or not 0 < len(self.scope) <= 64:
            raise InputError(
                "a rate limit needs a scope of 1-64 characters, a limit and a window of at least 1",
                rule="bad_rate_limit",
            )


@dataclass(frozen=True)
class RateDecision:
    """The outcome of a hit: allowed or not, the (estimated) count, and how many seconds to
    wait before a retry can succeed (0 when allowed)."""

    allowed: bool
    count: float
    limit: int
    retry_after_seconds: int


def _digest(rule: RateLimit, key: str) -> str:
    return hashlib.sha256(f"{rule.scope}\x00{key}".encode()).hexdigest()


def _now(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise InputError("give the time with a time zone", rule="naive_datetime")
    return moment


def _decide(
    rule: RateLimit, current: int, previous: int, now: datetime, *, stored: int
) -> RateDecision:
    """Decide on a hit that makes the window's count ``current``; ``stored`` is what the
    table holds after this call, so a retry would make it ``stored + 1``."""
    seconds = now.timestamp()
    elapsed = seconds - math.floor(seconds / rule.window_seconds) * rule.window_seconds
    fraction = elapsed / rule.window_seconds
    carried = previous * (1 - fraction) if rule.sliding else 0.0
    count = current + carried
    if count <= rule.limit:
        return RateDecision(True, round(count, 3), rule.limit, 0)
    to_window_end = math.ceil(rule.window_seconds - elapsed)
    retry = stored + 1
    if not rule.sliding or previous == 0 or retry > rule.limit:
        return RateDecision(False, round(count, 3), rule.limit, to_window_end)
    # wait until enough of the previous window has slid out for a retry to fit
    needed = (retry + carried - rule.limit) / previous * rule.window_seconds
    return RateDecision(False, round(count, 3), rule.limit, min(math.ceil(needed), to_window_end))


def _count_query() -> Any:
    # Built once with bound parameters and reused (it runs on every hit).
    return select(RateLimitCounter.count).where(
        RateLimitCounter.scope == bindparam("scope"),
        RateLimitCounter.key_hash == bindparam("key_hash"),
        RateLimitCounter.window_start == bindparam("window_start"),
    )


_COUNT = _count_query()


def _stored(session: Session, rule: RateLimit, digest: str, window: int) -> int:
    found = session.scalar(
        _COUNT, {"scope": rule.scope, "key_hash": digest, "window_start": window}
    )
    return int(found or 0)


def _previous(session: Session, rule: RateLimit, digest: str, window: int) -> int:
    return _stored(session, rule, digest, window - 1) if rule.sliding else 0


def hit(
    session: Session, rule: RateLimit, key: str, *, now: datetime | None = None, cost: int = 1
) -> RateDecision:
    """Count one attempt by ``key`` under ``rule`` and decide. Run it in
    :meth:`~healthgap.store.Database.unit_of_work` (its own, so that a refused request still
    counts)."""
    moment = _now(now)
    window = math.floor(moment.timestamp() / rule.window_seconds)
    digest = _digest(rule, key)
    expires = datetime.fromtimestamp((window + 2) * rule.window_seconds, UTC)
    current = upsert_increment(
        session,
        RateLimitCounter.__table__,
        {"scope": rule.scope, "key_hash": digest, "window_start": window},
        amount=cost,
        extra={"expires_at": expires},
    )
    previous = _previous(session, rule, digest, window)
    return _decide(rule, current, previous, moment, stored=current)


def peek(
    session: Session, rule: RateLimit, key: str, *, now: datetime | None = None
) -> RateDecision:
    """The decision a hit would get now, without counting one (e.g. to refuse a login early
    and count only failures); ``count`` is the (estimated) count that hit would make."""
    moment = _now(now)
    window = math.floor(moment.timestamp() / rule.window_seconds)
    digest = _digest(rule, key)
    stored = _stored(session, rule, digest, window)
    previous = _previous(session, rule, digest, window)
    return _decide(rule, stored + 1, previous, moment, stored=stored)


def reset(session: Session, rule: RateLimit, key: str) -> None:
    """Forget every window of ``key`` (e.g. after a successful sign-in)."""
    session.execute(
        delete(RateLimitCounter).where(
            RateLimitCounter.scope == rule.scope, RateLimitCounter.key_hash == _digest(rule, key)
        )
    )


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete counters whose window can no longer matter; returns how many."""
    moment = _now(now)
    result = session.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at < moment))
    return int(result.rowcount or 0)
