"""Signed links for the person who pledged: check in, unsubscribe, delete my pledge.

Tokens are made by ``itsdangerous`` (HMAC-SHA1 over a timestamped, URL-safe payload, with a
salt per purpose so that an unsubscribe token can never be used to delete). The payload
names the pledge by its random public id, never by its row number, so a token cannot
reach a later pledge that happens to reuse a row number. A token says nothing secret: it
only proves that the server issued it. Each purpose has its own lifetime; after that the
person is told the link has expired.

>>> tokens = PledgeTokens("a server secret of enough length")
>>> t = tokens.make(TokenPurpose.checkin, "p-abc", week=4)
>>> tokens.read(TokenPurpose.checkin, t)
TokenClaim(public_id='p-abc', week=4)
>>> tokens.read(TokenPurpose.delete, t)
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  link, column 'token': [bad_link] This link is not valid. Please use the link from your \
email or pledge page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from healthgap.errors import InputError, Problem

__all__ = ["DEFAULT_LIFETIMES", "PledgeTokens", "TokenClaim", "TokenPurpose"]


class TokenPurpose(enum.StrEnum):
    checkin = "checkin"
    unsubscribe = "unsubscribe"
    delete = "delete"


#: How long each kind of link works. Check-in links outlive the last reminder (12 weeks)
#: with room to answer; unsubscribe and delete links last as long as any data is kept.
DEFAULT_LIFETIMES: dict[TokenPurpose, timedelta] = {
    TokenPurpose.checkin: timedelta(days=120),
    TokenPurpose.unsubscribe: timedelta(days=800),
    TokenPurpose.delete: timedelta(days=800),
}
_MIN_SECRET = 16


@dataclass(frozen=True)
class TokenClaim:
    """What a valid token says: which pledge, and for a check-in which week."""

    public_id: str
    week: int | None = None


def _problem(rule: str, message: str) -> InputError:
    return InputError([Problem("link", None, "token", rule, message)])


class PledgeTokens:
    """Make and read the signed tokens of one server secret."""

    def __init__(
        self,
        secret: str | bytes,
        *,
        lifetimes: dict[TokenPurpose, timedelta] | None = None,
    ) -> None:
        if len(secret) < _MIN_SECRET:
            raise InputError(
                f"the signing secret must be at least {_MIN_SECRET} characters",
                rule="weak_secret",
            )
        self._secret = secret
        self._lifetimes = {**DEFAULT_LIFETIMES, **(lifetimes or {})}

    def _serializer(self, purpose: TokenPurpose) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"healthgap.pledge.{purpose.value}")

    def make(self, purpose: TokenPurpose, public_id: str, *, week: int | None = None) -> str:
        """A URL-safe token for ``purpose`` on the pledge ``public_id``."""
        if (purpose is TokenPurpose.checkin) != (week is not None):
            raise InputError("check-in tokens, and only they, name a week", rule="bad_token_week")
        payload: dict[str, object] = {"p": public_id}
        if week is not None:
            payload["w"] = int(week)
        return str(self._serializer(purpose).dumps(payload))

    def read(self, purpose: TokenPurpose, token: str) -> TokenClaim:
        """The claim of a genuine, unexpired ``token`` made for ``purpose``.

        Raises
        ------
        InputError
            ``expired_link`` or ``bad_link``, with a message for the person.
        """
        max_age = int(self._lifetimes[purpose].total_seconds())
        try:
            payload = self._serializer(purpose).loads(token, max_age=max_age)
        except SignatureExpired:
            raise _problem(
                "expired_link",
                "This link has expired. Links in our emails work for a limited time.",
            ) from None
        except BadSignature:
            raise _problem(
                "bad_link",
                "This link is not valid. Please use the link from your email or pledge page.",
            ) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("p"), str):
            raise _problem("bad_link", "This link is not valid.")
        week = payload.get("w")
        return TokenClaim(public_id=payload["p"], week=int(week) if week is not None else None)
