"""Server-side sessions in the store: started, looked up, ended one by one or all at once
for a user (a new role or password), expired, and many looked up at once; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from healthgap.errors import InputError
from healthgap.store import (
    Database,
    change_password,
    create_user,
    end_session,
    end_user_sessions,
    purge_expired_sessions,
    session_roles,
    session_user,
    set_role,
    start_session,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def _user(database: Database, name: str = "ann", role: str = "analyst") -> int:
    with database.unit_of_work() as session:
        return create_user(session, username=name, password=PASSWORD, role=role).id


def _start(database: Database, user_id: int, at: datetime = T0, age: int = 3600) -> str:
    with database.unit_of_work() as session:
        return start_session(session, user_id=user_id, max_age_seconds=age, now=at)


def _who(database: Database, token: str, at: datetime = T0) -> str | None:
    with database.reader() as session:
        user = session_user(session, token, now=at)
        # The batched look-up of the MECC sync burst follows the very same rules.
        roles = session_roles(session, [token, "not-a-token"], now=at)
    assert roles == ({} if user is None else {token: (user.id, user.role)})
    return None if user is None else user.username


def test_a_session_holds_until_it_expires(database: Database) -> None:
    token = _start(database, _user(database))
    assert _who(database, token) == "ann"
    assert _who(database, token, T0 + timedelta(seconds=3599)) == "ann"
    assert _who(database, token, T0 + timedelta(seconds=3600)) is None
    assert _who(database, "not-a-token") is None
    with database.unit_of_work() as session:
        assert purge_expired_sessions(session, now=T0 + timedelta(hours=2)) == 1


def test_ending_one_session_leaves_the_others(database: Database) -> None:
    user_id = _user(database)
    laptop, phone = _start(database, user_id), _start(database, user_id)
    with database.unit_of_work() as session:
        end_session(session, laptop)
    assert _who(database, laptop) is None
    assert _who(database, phone) == "ann"
    with database.unit_of_work() as session:
        assert end_user_sessions(session, user_id=user_id, keep=phone) == 0
        assert end_user_sessions(session, user_id=user_id) == 1
    assert _who(database, phone) is None


def test_a_new_role_ends_every_session_of_the_user(database: Database) -> None:
    ann, bob = _user(database), _user(database, "bob")
    ann_token, bob_token = _start(database, ann), _start(database, bob)
    with database.unit_of_work() as session:
        set_role(session, user_id=ann, role="analyst")  # the same role: nothing ends
    assert _who(database, ann_token) == "ann"
    with database.unit_of_work() as session:
        set_role(session, user_id=ann, role="viewer")
    assert _who(database, ann_token) is None
    assert _who(database, bob_token) == "bob"


def test_a_new_password_ends_the_other_sessions(database: Database) -> None:
    ann = _user(database)
    here, elsewhere = _start(database, ann), _start(database, ann)
    with database.unit_of_work() as session:
        change_password(
            session,
            user_id=ann,
            current_password=PASSWORD,
            new_password="another long passphrase",
            keep_session=here,
        )
    assert _who(database, here) == "ann"
    assert _who(database, elsewhere) is None


def test_a_new_password_needs_the_current_one_and_the_rules(database: Database) -> None:
    ann = _user(database)
    token = _start(database, ann)
    for current, new, rule in (
        ("wrong", "another long passphrase", "wrong_password"),
        (PASSWORD, "short", "password_too_short"),
    ):
        with pytest.raises(InputError) as caught, database.unit_of_work() as session:
            change_password(session, user_id=ann, current_password=current, new_password=new)
        assert caught.value.problems[0].rule == rule
    assert _who(database, token) == "ann"  # a refused change ends nothing


def test_a_deactivated_user_has_no_session(database: Database) -> None:
    from healthgap.store import User

    ann = _user(database)
    token = _start(database, ann)
    with database.unit_of_work() as session:
        session.get(User, ann).active = False
    assert _who(database, token) is None


def test_many_sessions_are_looked_up_in_one_read(database: Database) -> None:
    from healthgap.store import User

    ann, bob, cat = _user(database), _user(database, "bob", "staff"), _user(database, "cat")
    tokens = {name: _start(database, user) for name, user in (("ann", ann), ("bob", bob))}
    tokens["cat"] = _start(database, cat, at=T0 - timedelta(hours=2))  # expired by T0
    tokens["ann-2"] = _start(database, ann)
    with database.unit_of_work() as session:
        session.get(User, bob).active = False
    with database.reader() as session:
        found = session_roles(session, [*tokens.values(), "forged"], now=T0)
        assert session_roles(session, []) == {}
    assert found == {tokens["ann"]: (ann, "analyst"), tokens["ann-2"]: (ann, "analyst")}
