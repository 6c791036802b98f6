"""Many phones syncing at the same moment: the web app serves the waiting syncs together
(one read of their sessions, one transaction) and answers each as if it had come alone."""

from __future__ import annotations

import asyncio
import uuid

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, login

import healthgap.web.mecc_sync_groups as mecc_sync
from healthgap.analyses import link_staff_account
from healthgap.analyses.mecc_logging import local_today
from healthgap.store import Database, end_user_sessions
from healthgap.store.mecc import count_contacts
from healthgap.web.grouped_calls import GroupedCalls


def _entry(**changes: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "contact_date": local_today().isoformat(),
        "setting": "acute",
        "organisation": "acute",
        "team": "ed",
        "topics": ["alcohol"],
        "action": "advice",
        "destination": None,
        **changes,
    }


def _phone(app, database: Database, name: str, role: str, staff_id: str | None):  # noqa: ANN001, ANN202
    """A signed-in login's cookies and CSRF token."""
    add_user(database, role, name)
    if staff_id:
        link_staff_account(database, staff_id=staff_id, username=name)
    client = login(TestClient(app, base_url="http://testserver"), name)
    token = client.get("/mecc/session.json").json()["csrf_token"]
    return dict(client.cookies), token


def _stored(database: Database) -> int:
    with database.reader() as session:
        return count_contacts(session)


def test_syncs_sent_together_are_served_together_and_each_answered(
    app,  # noqa: ANN001
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    groups: list[int] = []
    serve = mecc_sync.sync_group

    def counted(database: Database, items: list) -> list:  # type: ignore[type-arg]
        groups.append(len(items))
        return serve(database, items)

    monkeypatch.setattr(mecc_sync, "sync_group", counted)
    nurse = _phone(app, database, "nurse", "staff", "acute-0002")
    porter = _phone(app, database, "porter", "staff", "acute-0003")
    analyst = _phone(app, database, "analyst", "analyst", None)
    gone = _phone(app, database, "gone", "staff", "acute-0004")
    with database.unit_of_work() as session:
        from healthgap.store import User

        gone_id = session.query(User.id).filter(User.username == "gone").scalar()
        end_user_sessions(session, user_id=gone_id)  # signed out elsewhere
    queue = [_entry(), _entry(topics=["gambling"]), _entry()]
    before = _stored(database)

    async def send(phone, entries):  # noqa: ANN001, ANN202
        cookies, token = phone
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=cookies
        ) as client:
            return await client.post(
                "/mecc/sync", json={"entries": entries}, headers={"X-CSRF-Token": token}
            )

    async def burst():  # noqa: ANN202
        return await asyncio.gather(
            *[send(nurse, queue) for _ in range(3)],  # a replay while the first is on its way
            send(porter, [_entry(), _entry()]),
            send(analyst, [_entry()]),
            send(gone, [_entry()]),
            *[send(porter, [_entry()]) for _ in range(10)],
        )

    answers = asyncio.run(burst())
    nurse_answers = [a.json() for a in answers[:3]]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert sorted(a["inserted"] for a in nurse_answers) == [0, 0, 2]
    assert sum(a["duplicates"] for a in nurse_answers) == 4
    for answer in nurse_answers:
        assert answer["stored"] == [queue[0]["client_id"], queue[2]["client_id"]]
        assert [(p["position"], p["rule"]) for p in answer["problems"]] == [(2, "unknown_topic")]
    assert answers[3].json()["inserted"] == 2
    assert (answers[4].status_code, answers[4].json()["problems"][0]["rule"]) == (
        403,
        "not_linked",
    )
    assert (answers[5].status_code, answers[5].json()["problems"][0]["rule"]) == (
        401,
        "signed_out",
    )
    assert all(a.json()["inserted"] == 1 for a in answers[6:])
    assert _stored(database) == before + 2 + 2 + 10
    assert sum(groups) == len(answers) and max(groups) > 1  # served in groups


def test_a_failed_call_fails_its_group_and_the_next_group_goes_on() -> None:
    calls: list[list[int]] = []

    def run(items: list[int]) -> list[int]:
        calls.append(items)
        if -1 in items:
            raise RuntimeError("the database went away")
        return [item * 10 for item in items]

    grouped: GroupedCalls[int, int] = GroupedCalls(run, most=3)

    async def burst() -> list[object]:
        return await asyncio.gather(
            *(grouped.submit(n) for n in (1, -1, 2, 3, 4, 5, 6)), return_exceptions=True
        )

    first = asyncio.run(burst())
    # every call takes the items waiting when it starts, three at most, in order
    assert calls == [[1, -1, 2], [3, 4, 5], [6]]
    assert all(isinstance(r, RuntimeError) for r in first[:3])
    assert first[3:] == [30, 40, 50, 60]
    # a new event loop (tests start apps on several) gets a queue of its own
    assert asyncio.run(burst())[3:] == [30, 40, 50, 60]
