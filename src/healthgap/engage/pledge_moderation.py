"""Moderation of pledges: the queue's states, who may move a pledge where, and the filter.

States::

    pending  -> published   (a moderator approves)
    pending  -> rejected    (a moderator rejects)
    published -> rejected   (a moderator hides a pledge already on the wall)
    rejected -> published   (a moderator reinstates a pledge rejected by mistake)

Under pre-moderation every new pledge starts ``pending``. Under post-moderation it starts
``published`` unless the content filter holds it; then it waits, ``pending``, like the rest.
The filter never rejects on its own: it only holds text for a person to look at, so a false
alarm costs a moderator a click, not the pledger their pledge.

The filter looks for swear words (the ``better-profanity`` word list, matching whole words
and their common letter-for-symbol spellings, so "Scunthorpe" and "Essex" pass), links and
email addresses (``linkify-it-py``), and text shaped like HTML. Words that the word list
flags but that a health campaign needs (e.g. "fat", "drunk", "breasts", "sexual") are
allowed: see :data:`HEALTH_VOCABULARY`.

>>> sorted(screen_text("Eat less saturated fat", "Sam"))
[]
>>> sorted(flag.value for flag in screen_text("Buy pills at pills.example.com", "<b>Sam</b>"))
['link', 'markup']
>>> initial_status(ModerationMode.post, frozenset()).value
'published'
"""

from __future__ import annotations

import enum
from functools import cache

from better_profanity import Profanity
from linkify_it import LinkifyIt

from healthgap.engage.campaigns import ModerationMode
from healthgap.engage.pledge_text import looks_like_markup
from healthgap.errors import InputError, Problem

__all__ = [
    "HEALTH_VOCABULARY",
    "ContentFlag",
    "PledgeStatus",
    "check_transition",
    "initial_status",
    "screen_text",
]


class PledgeStatus(enum.StrEnum):
    """Where a pledge is in moderation; only ``published`` pledges show on the wall."""

    pending = "pending"
    published = "published"
    rejected = "rejected"


class ContentFlag(enum.StrEnum):
    """Why the filter held a pledge for a moderator."""

    profanity = "profanity"
    link = "link"
    markup = "markup"


#: Words on the library's list that health pledges use in their ordinary sense; our own
#: choice, reviewed for this campaign type (body parts, screening, diet and drinking words).
HEALTH_VOCABULARY: tuple[str, ...] = (
    "anal",
    "anus",
    "breasts",
    "drunk",
    "fat",
    "kill",
    "menstruate",
    "menstruation",
    "nipple",
    "nipples",
    "pee",
    "penis",
    "pot",
    "rectal",
    "screw",
    "sex",
    "sexual",
    "testicle",
    "vagina",
    "weed",
)

_ALLOWED_MOVES: dict[PledgeStatus, frozenset[PledgeStatus]] = {
    PledgeStatus.pending: frozenset({PledgeStatus.published, PledgeStatus.rejected}),
    PledgeStatus.published: frozenset({PledgeStatus.rejected}),
    PledgeStatus.rejected: frozenset({PledgeStatus.published}),
}


@cache
def _profanity() -> Profanity:
    words = Profanity()
    words.load_censor_words(whitelist_words=list(HEALTH_VOCABULARY))
    return words


@cache
def _links() -> LinkifyIt:
    return LinkifyIt()


def screen_text(*texts: str) -> frozenset[ContentFlag]:
    """The reasons to hold these texts (a pledge, a display name, a group) for moderation."""
    flags: set[ContentFlag] = set()
    for text in texts:
        if not text:
            continue
        if _profanity().contains_profanity(text):
            flags.add(ContentFlag.profanity)
        if _links().test(text):
            flags.add(ContentFlag.link)
        if looks_like_markup(text):
            flags.add(ContentFlag.markup)
    return frozenset(flags)


def initial_status(mode: ModerationMode, flags: frozenset[ContentFlag]) -> PledgeStatus:
    """Status of a new pledge: held when pre-moderated or when the filter raised a flag."""
    if mode is ModerationMode.pre or flags:
        return PledgeStatus.pending
    return PledgeStatus.published


def check_transition(current: PledgeStatus, new: PledgeStatus) -> None:
    """Raise :class:`~healthgap.errors.InputError` unless a moderator may move a pledge from
    ``current`` to ``new``.

    >>> check_transition(PledgeStatus.pending, PledgeStatus.published)
    >>> check_transition(PledgeStatus.published, PledgeStatus.pending)
    Traceback (most recent call last):
    ...
    healthgap.errors.InputError: 1 problem found:
      moderation, column 'status': [bad_transition] a published pledge cannot be made pending
    """
    if new not in _ALLOWED_MOVES[current]:
        message = f"a {current.value} pledge cannot be made {new.value}"
        raise InputError([Problem("moderation", None, "status", "bad_transition", message)])
