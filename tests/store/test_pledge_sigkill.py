"""Kill the server with SIGKILL in the middle of a rush of pledges: every pledge it had
acknowledged is in the database, none twice, and every form that was in flight, sent again
after a restart, is stored exactly once (SQLite in WAL mode and PostgreSQL).

The server is ``healthgap serve`` in its own process (see ``benchmarks/pledge_load.py``);
the load generator runs here. A pledge is acknowledged when the server answers 303 with its
receipt, which it does only after the commit.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from healthgap.analyses.pledges import create_campaign, example_campaign
from healthgap.store import Database
from healthgap.store.pledge_tables import Pledge

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
httpx = pytest.importorskip("httpx2", reason="needs the test extra (httpx2)")
from pledge_load import PledgeServer, Submission, open_sessions, rush, submit_once  # noqa: E402

pytestmark = pytest.mark.slow


def _campaign(database: Database) -> None:
    from datetime import date, timedelta

    today = date.today()
    dates = {"starts_on": str(today - timedelta(days=1)), "ends_on": str(today + timedelta(9))}
    create_campaign(database, example_campaign(**dates))


async def _rush_and_kill(server: PledgeServer, kill_after: float):  # noqa: ANN202
    sessions = await open_sessions(server.url, 20)
    stop = asyncio.Event()
    async with httpx.AsyncClient(timeout=10) as client:

        async def killer() -> None:
            await asyncio.sleep(kill_after)
            server.kill()  # SIGKILL: no shutdown, no flush, nothing
            stop.set()

        task = asyncio.create_task(killer())
        duration = kill_after + 2
        result = await rush(client, server.url, sessions, rate=120, duration=duration, stop=stop)
        await task
    return result


async def _send_again(server: PledgeServer, items: list[Submission]) -> dict[str, str]:
    sessions = await open_sessions(server.url, 1)
    receipts = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for item in items:
            # the same form (same key and content), from a browser whose session is new
            fields = {**item.fields, "csrf_token": sessions[0].csrf}
            again = Submission(item.key, fields, sessions[0], item.address)
            public_id = await submit_once(client, server.url, again)
            assert public_id is not None, "a form sent again after the restart was refused"
            receipts[item.key] = public_id
    return receipts


def _stored(database: Database) -> dict[str, str]:
    with database.reader() as session:
        rows = session.execute(select(Pledge.idempotency_key, Pledge.public_id)).all()
    keys = [key for key, _ in rows]
    assert len(keys) == len(set(keys)), "a pledge was stored twice"
    return dict(rows)


def test_sigkill_mid_rush_loses_no_acknowledged_pledge(database: Database, tmp_path: Path) -> None:
    _campaign(database)
    url = str(database.url.render_as_string(hide_password=False))
    server = PledgeServer(tmp_path, database_url=url).start()
    try:
        result = asyncio.run(_rush_and_kill(server, kill_after=3.0))
    finally:
        server.kill()
    assert len(result.receipts) > 50, "the rush acknowledged too little to test anything"
    assert result.failures, "the kill came after the rush: nothing was in flight"
    if database.url.drivername.startswith("sqlite"):
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    stored = _stored(database)
    for key, public_id in result.receipts.items():  # every acknowledged pledge is there
        assert stored.get(key) == public_id
    # Forms in flight at the kill: stored or not, sending them again stores each once.
    in_flight = [item for item in result.sent if item.key not in result.receipts]
    restarted = PledgeServer(tmp_path, database_url=url).start()
    try:
        again = asyncio.run(_send_again(restarted, in_flight))
        replayed = asyncio.run(_send_again(restarted, result.sent[:5]))  # acknowledged ones
    finally:
        restarted.stop()
    stored = _stored(database)
    assert set(stored) == {item.key for item in result.sent}
    print(  # the figures in docs/benchmarks.md (shown with pytest -s)
        f"{database.url.drivername}: sent {len(result.sent)}, acknowledged before the kill "
        f"{len(result.receipts)}, in flight {len(in_flight)} ({len(again)} sent again), "
        f"stored {len(stored)}, none twice"
    )
    assert all(stored[key] == public_id for key, public_id in again.items())
    assert all(replayed[key] == result.receipts[key] for key in replayed)
