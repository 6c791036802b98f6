"""Users: argon2 password hashing, creation, invitation, roles and sign-in checks.

Every function takes the session of a :meth:`Database.unit_of_work` (writes) or
:meth:`Database.reader` (reads) by keyword, so a caller can group several changes in one
transaction. Passwords and invite tokens are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.errors import InputError, Problem
from healthgap.store.models import Role, User
from healthgap.store.sessions import end_user_sessions

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "accept_invite",
    "authenticate",
    "change_password",
    "create_user",
    "hash_password",
    "invite_user",
    "list_users",
    "set_role",
    "use_password_hasher",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash new passwords with ``hasher`` (tests use argon2's cheapest profile for speed).

    Existing hashes keep verifying: each stores its own argon2 parameters.
    """
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (salted; the parameters are stored in the hash)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``.

    >>> verify_password(hash_password("correct horse battery"), "correct horse battery")
    True
    """
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_new_user(username: str, role: str, password: str | None) -> list[Problem]:
    problems = []
    if not _USERNAME.match(username):
        problems.append(
            Problem(
                "<argument>",
                None,
                "username",
                "invalid_username",
                "use 3 to 64 letters, digits or . _ @ -",
            )
        )
    if role not in {r.value for r in Role}:
        problems.append(
            Problem(
                "<argument>",
                None,
                "role",
                "unknown_role",
                f"{role!r} is not one of {', '.join(r.value for r in Role)}",
            )
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Problem(
                "<argument>",
                None,
                "password",
                "password_too_short",
                f"use at least {MIN_PASSWORD_LENGTH} characters",
            )
        )
    return problems


def create_user(session: Session, *, username: str, password: str, role: str) -> User:
    """Add a user who can sign in at once (used by ``healthgap user create``)."""
    problems = _check_new_user(username, role, password)
    if problems:
        raise InputError(problems)
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def invite_user(session: Session, *, username: str, role: str) -> str:
    """Add a user without a password; return the one-time token for their invite link."""
    problems = _check_new_user(username, role, None)
    if problems:
        raise InputError(problems)
    token = secrets.token_urlsafe(32)
    session.add(User(username=username, role=role, invite_token_hash=_token_hash(token)))
    session.flush()
    return token


def accept_invite(session: Session, *, token: str, password: str) -> User:
    """Set the password of the invited user holding ``token``; the token then stops working."""
    user = session.scalar(select(User).where(User.invite_token_hash == _token_hash(token)))
    if user is None:
        raise InputError("this invite link is not valid or was already used", rule="bad_invite")
    problems = _check_new_user(user.username, user.role, password)
    if problems:
        raise InputError(problems)
    user.password_hash = hash_password(password)
    user.invite_token_hash = None
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this name and password, or ``None``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.password_hash is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def set_role(session: Session, *, user_id: int, role: str) -> User:
    """Change a user's role; a change ends the user's sessions, so the new rights (and
    above all lost ones) hold from their next request."""
    if role not in {r.value for r in Role}:
        raise InputError(f"{role!r} is not a role", rule="unknown_role")
    user = session.get(User, user_id)
    if user is None:
        raise InputError(f"no user with id {user_id}", rule="unknown_user")
    if user.role != role:
        end_user_sessions(session, user_id=user_id)
    user.role = role
    return user


def change_password(
    session: Session,
    *,
    user_id: int,
    current_password: str,
    new_password: str,
    keep_session: str | None = None,
) -> User:
    """Set a new password after checking the current one; every other session of the user
    ends (``keep_session``: the token of the session making the change, which stays)."""
    user = session.get(User, user_id)
    if user is None or user.password_hash is None:
        raise InputError(f"no user with id {user_id}", rule="unknown_user")
    if not verify_password(user.password_hash, current_password):
        raise InputError(
            [Problem("<form>", None, "current_password", "wrong_password",
                     "the current password is not right")]
        )  # fmt: skip
    problems = _check_new_user(user.username, user.role, new_password)
    if problems:
        raise InputError(problems)
    user.password_hash = hash_password(new_password)
    end_user_sessions(session, user_id=user_id, keep=keep_session)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
