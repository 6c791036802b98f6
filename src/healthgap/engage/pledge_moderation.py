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
from functools import cache, lru_cache

from better_profanity import Profanity
from better_profanity.utils import get_complete_path_of_file, read_wordlist
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


def _library_words() -> list[str]:
    return list(read_wordlist(get_complete_path_of_file("profanity_wordlist.txt")))


class _WordsByLength(list):
    """The library's list of word variants, searched only among the words that can have
    the length of the string asked about. The library's own equality
    (``VaryingString.__eq__``, which refuses other lengths first) still decides, so the
    answer is unchanged; a word new to the process costs a few comparisons, not hundreds."""

    def __init__(self, words: list) -> None:
        super().__init__(words)
        self._by_length: dict[int, list] = {}
        for word in words:
            for length in range(word._min_len, word._max_len + 1):
                self._by_length.setdefault(length, []).append(word)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(word == item for word in self._by_length.get(len(item), ()))
        return super().__contains__(item)


@cache
def _word_filter() -> Profanity:
    """The library's single-word entries (all but a few dozen of its list)."""
    words = [w for w in _library_words() if " " not in w]
    censor = Profanity(words=words)
    censor.load_censor_words(custom_words=words, whitelist_words=list(HEALTH_VOCABULARY))
    censor.CENSOR_WORDSET = _WordsByLength(censor.CENSOR_WORDSET)
    return censor


@cache
def _phrase_filter() -> Profanity:
    """The library's multi-word entries, matched over the whole text as the library does."""
    phrases = [w for w in _library_words() if " " in w]
    return Profanity(words=phrases)


@lru_cache(maxsize=100_000)
def _token_is_profane(token: str) -> bool:
    return _word_filter().contains_profanity(token)


def _contains_profanity(text: str) -> bool:
    """``better-profanity``'s answer for ``text``, computed word by word with a cache.

    The library compares every word with every entry of its list in Python (tens of
    milliseconds for a short pledge), so each distinct word is checked once per process and
    remembered; multi-word entries are still matched over the whole text. The answer is the
    library's own (``tests/engage/test_pledge_moderation.py`` checks the equivalence).
    """
    words = dict.fromkeys(text.lower().split())
    return any(_token_is_profane(w) for w in words) or _phrase_filter().contains_profanity(text)


@cache
def _links() -> LinkifyIt:
    return LinkifyIt()


def screen_text(*texts: str) -> frozenset[ContentFlag]:
    """The reasons to hold these texts (a pledge, a display name, a group) for moderation."""
    flags: set[ContentFlag] = set()
    for text in texts:
        if not text:
            continue
        if _contains_profanity(text):
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
