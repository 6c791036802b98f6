"""The database rate limiter: hand-checked decisions, hashed keys, and exact counts when
threads and separate processes hit the same key at once (SQLite WAL and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from healthgap.errors import InputError
from healthgap.store import Database, RateLimit, hit, peek, purge_expired
from healthgap.store.rate_limits import RateLimitCounter, reset

# 2026-01-10 12:00:00 UTC is a whole multiple of 60 s, so minute windows start there.
T0 = datetime(2026, 1, 10, 12, 0, 0, tzinfo=UTC)
FIXED = RateLimit("test:fixed", limit=3, window_seconds=60, sliding=False)
SLIDING = RateLimit("test:sliding", limit=10, window_seconds=60)


def _hit(database: Database, rule: RateLimit, key: str, at: datetime):
    with database.unit_of_work() as session:
        return hit(session, rule, key, now=at)


def test_fixed_window(database: Database) -> None:
    decisions = [_hit(database, FIXED, "203.0.113.9", T0 + timedelta(seconds=s)) for s in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert decisions[3].retry_after_seconds == 57  # the window ends at T0 + 60 s
    assert _hit(database, FIXED, "203.0.113.9", T0 + timedelta(seconds=60)).allowed
    assert _hit(database, FIXED, "198.51.100.1", T0).allowed  # another key is separate


def test_sliding_window_weights_the_previous_window(database: Database) -> None:
    for second in range(8):  # 8 hits in the first window
        _hit(database, SLIDING, "k", T0 + timedelta(seconds=second))
    # 15 s into the next window: estimate = current + 8 * (1 - 15/60) = current + 6
    at = T0 + timedelta(seconds=75)
    decisions = [_hit(database, SLIDING, "k", at) for _ in range(5)]
    assert [d.count for d in decisions] == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert [d.allowed for d in decisions] == [True, True, True, True, False]
    # a retry makes the count 6 (refused hits count too): 6 + 8 (1 - f) <= 10 from f = 1/2,
    # i.e. 15 s later
    assert decisions[-1].retry_after_seconds == 15
    with database.reader() as session:
        assert not peek(session, SLIDING, "k", now=at + timedelta(seconds=14)).allowed
        assert peek(session, SLIDING, "k", now=at + timedelta(seconds=15)).allowed


def test_peek_does_not_count_and_reset_forgets(database: Database) -> None:
    with database.reader() as session:
        assert peek(session, FIXED, "user:ann", now=T0).count == 1  # what a hit would make
    for _ in range(3):
        _hit(database, FIXED, "user:ann", T0)
    with database.reader() as session:
        assert not peek(session, FIXED, "user:ann", now=T0).allowed
    with database.unit_of_work() as session:
        reset(session, FIXED, "user:ann")
    assert _hit(database, FIXED, "user:ann", T0).count == 1


def test_keys_are_stored_only_as_digests_and_old_windows_purged(database: Database) -> None:
    _hit(database, FIXED, "203.0.113.9", T0)
    _hit(database, FIXED, "203.0.113.9", T0 + timedelta(minutes=5))
    with database.reader() as session:
        rows = session.scalars(select(RateLimitCounter)).all()
    assert all("203.0.113.9" not in row.key_hash and len(row.key_hash) == 64 for row in rows)
    with database.unit_of_work() as session:
        assert purge_expired(session, now=T0 + timedelta(minutes=5)) == 1
    with database.reader() as session:
        assert len(session.scalars(select(RateLimitCounter)).all()) == 1


def test_bad_rules_are_refused() -> None:
    with pytest.raises(InputError, match="bad_rate_limit"):
        RateLimit("", limit=1, window_seconds=60)
    with pytest.raises(InputError, match="bad_rate_limit"):
        RateLimit("x", limit=0, window_seconds=60)


def test_no_hit_is_lost_across_threads(database: Database) -> None:
    rule = RateLimit("test:threads", limit=1_000, window_seconds=3600, sliding=False)
    at = T0 + timedelta(seconds=1)
    barrier = threading.Barrier(6)

    def hammer() -> None:
        barrier.wait()
        for _ in range(20):
            _hit(database, rule, "shared", at)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _hit(database, rule, "shared", at).count == 121


HAMMER = """
import sys, time
from datetime import datetime, UTC
from healthgap.store import Database, RateLimit, hit
rule = RateLimit("test:processes", limit=1000, window_seconds=3600, sliding=False)
db = Database(sys.argv[1], run_migrations=False)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
at, allowed = datetime(2026, 1, 10, 12, 0, 1, tzinfo=UTC), 0
for _ in range(25):
    with db.unit_of_work() as session:
        allowed += hit(session, rule, "shared", now=at).allowed
print(allowed)
"""


def test_no_hit_is_lost_across_processes(database: Database) -> None:
    url = database.url.render_as_string(hide_password=False)
    start_at = time.time() + 6.0
    workers = [
        subprocess.Popen([sys.executable, "-c", HAMMER, url, str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert out.strip() == "25"
    rule = RateLimit("test:processes", limit=1000, window_seconds=3600, sliding=False)
    assert _hit(database, rule, "shared", T0 + timedelta(seconds=1)).count == 76
