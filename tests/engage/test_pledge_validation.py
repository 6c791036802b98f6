"""The public pledge form: bad input gets a clear message per field; good input is kept as
plain text (emoji and right-to-left text included) with invisible controls removed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.engage import (
    Audience,
    ContentFlag,
    PledgeForm,
    Theme,
    campaign_from_mapping,
    district_from_input,
    example_campaign,
    known_districts,
    new_idempotency_key,
    validate_pledge,
)
from healthgap.engage.pledge_submission import MAX_PLEDGE_LENGTH
from healthgap.engage.pledge_text import clean_text, text_length
from healthgap.errors import InputError

OPEN_DAY = date(2026, 1, 10)
CAMPAIGN = campaign_from_mapping(example_campaign())
BASE = PledgeForm(
    idempotency_key="a" * 32, set_pledge="walk-at-lunch", consent=True, audience="community"
)


def _check(form: PledgeForm, campaign=CAMPAIGN, today: date = OPEN_DAY):
    return validate_pledge(campaign, form, today=today)


def _rules(form: PledgeForm, campaign=CAMPAIGN, today: date = OPEN_DAY) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        _check(form, campaign, today)
    problems = caught.value.problems
    for problem in problems:  # plain English for the person, never a rule key
        assert problem.file == "pledge form"
        assert problem.message[0].isupper() and problem.message.endswith(".")
        assert "_" not in problem.message
    return {p.column: p.rule for p in problems}


def test_set_pledge_takes_text_and_theme_from_the_catalogue() -> None:
    pledge = _check(replace(BASE, display_name="  Sam  "))
    assert pledge.set_pledge_code == "walk-at-lunch" and pledge.theme is Theme.activity
    assert pledge.text.startswith("Walk for 15 minutes") and pledge.display_name == "Sam"
    assert pledge.audience is Audience.community and pledge.flags == frozenset()


def test_own_pledge_keeps_emoji_and_right_to_left_text() -> None:
    text = "أمشي كل يوم 🚶‍♀️ and drink water 💧"
    pledge = _check(replace(BASE, set_pledge="", own_text=text, own_theme="Activity"))
    assert pledge.text == text and pledge.theme is Theme.activity and pledge.is_own_pledge


def test_html_is_stored_as_typed_and_held_for_moderation() -> None:
    text = '<script>alert("x")</script> I will walk'
    pledge = _check(replace(BASE, set_pledge="", own_text=text, own_theme="activity"))
    assert pledge.text == text
    assert ContentFlag.markup in pledge.flags


def test_control_and_direction_override_characters_are_removed() -> None:
    sneaky = "I will\x00 walk\u202e\u2066 daily\x1b[31m\u2028 ok"
    pledge = _check(replace(BASE, set_pledge="", own_text=sneaky, own_theme="activity"))
    assert pledge.text == "I will walk daily[31m ok"
    assert clean_text("\ufeffhello\ufffe") == "hello"


def test_length_counts_what_a_person_sees() -> None:
    emoji = "🚶‍♀️"
    assert text_length(emoji) == 1
    at_limit = "x" * (MAX_PLEDGE_LENGTH - 1) + emoji
    assert _check(replace(BASE, set_pledge="", own_text=at_limit, own_theme="diet"))
    too_long = replace(
        BASE, set_pledge="", own_text="x" * (MAX_PLEDGE_LENGTH + 1), own_theme="diet"
    )
    assert _rules(too_long) == {"own_text": "too_long"}


@pytest.mark.parametrize("blank", ["", "   ", "\u200b\x00\t"])
def test_empty_pledge_is_refused(blank: str) -> None:
    form = replace(BASE, set_pledge="", own_text=blank, own_theme="diet")
    rules = _rules(form)
    assert rules.get("own_text") in {"required", "too_short"}


def test_both_or_unknown_pledges_and_missing_theme() -> None:
    assert _rules(replace(BASE, own_text="Walk more")) == {"own_text": "both_pledges"}
    assert _rules(replace(BASE, set_pledge="fly-to-the-moon")) == {"set_pledge": "unknown_pledge"}
    own = replace(BASE, set_pledge="", own_text="Walk more")
    assert _rules(own) == {"own_theme": "required"}
    closed_catalogue = campaign_from_mapping(example_campaign(allow_own_pledges=False))
    assert _rules(replace(own, own_theme="diet"), closed_catalogue) == {"set_pledge": "required"}


def test_postcode_districts_must_exist() -> None:
    assert len(known_districts()) > 2_900
    assert {"TS24", "SW1A", "EC1A", "B1", "TD1"} <= known_districts()
    assert district_from_input("ts24 8ab") == "TS24"
    assert district_from_input("SW1A1AA") == "SW1A"
    pledge = _check(replace(BASE, postcode_district=" td1 "))
    assert pledge.postcode_district == "TD1"
    for nonexistent in ("ZZ99", "TS99", "QQ1", "hello", "12345"):
        assert _rules(replace(BASE, postcode_district=nonexistent)) == {
            "postcode_district": "unknown_district"
        }


def test_consent_is_required() -> None:
    assert _rules(replace(BASE, consent=False)) == {"consent": "consent_required"}


def test_email_only_with_reminders_and_marketing_kept_apart() -> None:
    assert _rules(replace(BASE, email="sam@example.org")) == {"email": "email_without_opt_in"}
    assert _rules(replace(BASE, reminders=True)) == {"email": "required"}
    assert _rules(replace(BASE, reminders=True, email="sam@")) == {"email": "bad_email"}
    assert _rules(replace(BASE, marketing=True, reminders=True, email="s@example.org")) == {
        "marketing": "not_offered"
    }
    pledge = _check(replace(BASE, reminders=True, email="Sam@Example.ORG"))
    assert pledge.email == "Sam@example.org" and pledge.reminders and not pledge.marketing
    with_news = campaign_from_mapping(example_campaign(marketing_sender="Example Council"))
    news_only = _check(replace(BASE, marketing=True, email="s@example.org"), with_news)
    assert news_only.marketing and not news_only.reminders


def test_under_16s_pledge_in_a_group_and_leave_no_email() -> None:
    child = replace(BASE, age_band="under-16")
    assert _rules(child) == {"group": "under_16_needs_group"}
    assert _rules(replace(child, group="Year 9", reminders=True, email="k@example.org")) == {
        "email": "under_16_email"
    }
    assert _check(replace(child, group="Year 9")).group == "Year 9"


def test_groups_from_the_campaign_list_and_age_bands() -> None:
    listed = campaign_from_mapping(example_campaign(groups=["Ward 7", "Estates"]))
    assert _check(replace(BASE, group="ward 7"), listed).group == "Ward 7"
    assert _rules(replace(BASE, group="Ward 8"), listed) == {"group": "unknown_group"}
    assert _rules(replace(BASE, age_band="30ish")) == {"age_band": "unknown_age_band"}


def test_anonymous_drops_the_name_and_audience_is_asked_when_both() -> None:
    assert _check(replace(BASE, display_name="Sam", anonymous=True)).display_name is None
    assert _rules(replace(BASE, audience="")) == {"audience": "required"}
    community_only = campaign_from_mapping(example_campaign(audiences=["community"]))
    assert _check(replace(BASE, audience=""), community_only).audience is Audience.community


def test_bots_stale_forms_and_closed_campaigns() -> None:
    assert _rules(replace(BASE, honeypot="http://spam")) == {"website": "honeypot_filled"}
    assert _rules(replace(BASE, idempotency_key="short")) == {"idempotency_key": "bad_form_key"}
    assert _rules(BASE, today=date(2026, 4, 1)) == {"campaign": "campaign_closed"}
    assert _rules(BASE, today=date(2025, 12, 31)) == {"campaign": "campaign_closed"}
    assert _check(BASE, today=date(2026, 3, 31))  # the last day is open


def test_many_problems_are_reported_together() -> None:
    form = PledgeForm(honeypot="x", postcode_district="ZZ99", email="a@b.co")
    rules = _rules(form)
    assert {"website", "idempotency_key", "own_text", "postcode_district", "email", "consent",
            "audience"} <= set(rules)  # fmt: skip


def test_fingerprint_identifies_content_not_the_key() -> None:
    first = _check(BASE)
    assert _check(replace(BASE, idempotency_key=new_idempotency_key())).fingerprint == (
        first.fingerprint
    )
    assert _check(replace(BASE, display_name="Jo")).fingerprint != first.fingerprint


def test_profanity_in_a_name_is_held_not_refused() -> None:
    pledge = _check(replace(BASE, display_name="shit happens"))
    assert pledge.flags == {ContentFlag.profanity}


@given(st.text(max_size=400))
def test_any_text_is_either_accepted_clean_or_refused_with_a_message(text: str) -> None:
    form = replace(BASE, set_pledge="", own_text=text, own_theme="wellbeing")
    try:
        pledge = _check(form)
    except InputError as error:
        assert {p.column for p in error.problems} == {"own_text"}
        return
    assert pledge.text == clean_text(pledge.text)
    assert not any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E for c in pledge.text)
    assert 3 <= text_length(pledge.text) <= MAX_PLEDGE_LENGTH
