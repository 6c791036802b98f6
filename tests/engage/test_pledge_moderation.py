"""The content filter and the moderation queue's rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.engage import (
    ContentFlag,
    ModerationMode,
    PledgeStatus,
    check_transition,
    initial_status,
    screen_text,
)
from healthgap.engage.pledge_moderation import HEALTH_VOCABULARY
from healthgap.errors import InputError


@pytest.mark.parametrize(
    "text",
    ["fuck this", "what a load of shit", "Sh1t happens", "you bastard", "f*ck off"],
)
def test_obvious_swearing_is_flagged(text: str) -> None:
    assert ContentFlag.profanity in screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Walk round Scunthorpe every Sunday",
        "Cycle from Penistone to Sheffield",
        "Swim in Essex, Sussex and Middlesex",
        "Visit Cockermouth and Clitheroe on foot",
        "Take the stairs at Shitterton bus stop",  # a real Dorset hamlet
        "Assess my drinking and pass the class",
        "Cut saturated fat and stop getting drunk at weekends",
        "Book my sexual health check and check my breasts monthly",
        "Grow vegetables and pull the weed from my allotment",
        "Learn about cocktails without alcohol; Arsenal fans walk",
    ],
)
def test_place_names_and_health_words_pass(text: str) -> None:
    assert ContentFlag.profanity not in screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "see www.cheap-pills.biz",
        "https://example.com/offer",
        "buy at bit.ly/abc123",
        "mail me at sam@example.org",
    ],
)
def test_links_and_addresses_are_flagged(text: str) -> None:
    assert ContentFlag.link in screen_text(text)


@pytest.mark.parametrize(
    "text", ["walk 5.5 km a day", "e.g. swap crisps for fruit", "at 7.30am, i.e. before work"]
)
def test_ordinary_abbreviations_are_not_links(text: str) -> None:
    assert screen_text(text) == frozenset()


def test_markup_is_flagged_but_comparisons_are_not() -> None:
    assert ContentFlag.markup in screen_text("<img src=x onerror=alert(1)>")
    assert ContentFlag.markup in screen_text("javascript:alert(1)")
    assert screen_text("5 < 6 and 7 > 3 portions") == frozenset()


def test_initial_status_depends_on_mode_and_flags() -> None:
    assert initial_status(ModerationMode.post, frozenset()) is PledgeStatus.published
    assert initial_status(ModerationMode.post, frozenset({ContentFlag.link})) is (
        PledgeStatus.pending
    )
    assert initial_status(ModerationMode.pre, frozenset()) is PledgeStatus.pending


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (PledgeStatus.pending, PledgeStatus.published, True),
        (PledgeStatus.pending, PledgeStatus.rejected, True),
        (PledgeStatus.published, PledgeStatus.rejected, True),
        (PledgeStatus.rejected, PledgeStatus.published, True),
        (PledgeStatus.published, PledgeStatus.pending, False),
        (PledgeStatus.rejected, PledgeStatus.pending, False),
        (PledgeStatus.published, PledgeStatus.published, False),
    ],
)
def test_transitions(current: PledgeStatus, new: PledgeStatus, allowed: bool) -> None:
    if allowed:
        check_transition(current, new)
    else:
        with pytest.raises(InputError, match="bad_transition"):
            check_transition(current, new)


def _library_reference():
    from better_profanity import Profanity

    reference = Profanity()
    reference.load_censor_words(whitelist_words=list(HEALTH_VOCABULARY))
    return reference


_REFERENCE = _library_reference()
_WORDS = ["walk", "Scunthorpe", "fat", "sh1t", "b!tch", "assess", "f*ck", "blow", "job", "2",
          "girls", "1", "cup", "strip", "club", "bull", "water,", "therapist", "Essex", "h3ll",
          "jerk", "off", "more."]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8))
def test_the_cached_check_gives_the_librarys_answer(words: list[str]) -> None:
    text = " ".join(words)
    assert (ContentFlag.profanity in screen_text(text)) == _REFERENCE.contains_profanity(text)
