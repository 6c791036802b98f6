"""Campaign definitions: valid ones round-trip; bad ones list every problem by field and rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthgap.engage import (
    Audience,
    ModerationMode,
    Theme,
    campaign_from_mapping,
    campaign_to_mapping,
    example_campaign,
)
from healthgap.engage.campaigns import contrast_with_white
from healthgap.errors import InputError


def _problems(**overrides: object) -> set[tuple[str | None, str]]:
    with pytest.raises(InputError) as caught:
        campaign_from_mapping(example_campaign(**overrides), source="campaign.yaml")
    assert all(p.file == "campaign.yaml" for p in caught.value.problems)
    return {(p.column, p.rule) for p in caught.value.problems}


def test_example_campaign_is_valid_and_round_trips() -> None:
    campaign = campaign_from_mapping(example_campaign())
    assert campaign.starts_on == date(2026, 1, 1) and campaign.ends_on == date(2026, 3, 31)
    assert campaign.themes == tuple(Theme)
    assert campaign.audiences == (Audience.staff, Audience.community)
    assert campaign.moderation is ModerationMode.post
    assert campaign.set_pledge("walk-at-lunch").duration_days == 28
    assert campaign.set_pledge("nope") is None
    assert campaign_from_mapping(campaign_to_mapping(campaign)) == campaign


def test_defaults_fill_optional_settings() -> None:
    data = example_campaign()
    for optional in ("audiences", "moderation", "reminder_weeks", "branding", "summary"):
        data.pop(optional)
    campaign = campaign_from_mapping(data)
    assert campaign.audiences == (Audience.community,)
    assert campaign.reminder_weeks == (1, 4, 12)
    assert campaign.contact_retention_days == 120 and campaign.public_retention_days == 365
    assert campaign.branding.colour == "#005EB8"


def test_every_problem_is_named_by_field_and_rule() -> None:
    pledges = example_campaign()["set_pledges"]
    bad_pledges = [
        {**pledges[0], "theme": "tobacco"},  # not a campaign theme below
        {**pledges[1], "code": pledges[0]["code"], "duration_days": 0},
        {"code": "Bad Code", "theme": "sleep", "text": "short", "duration_days": "x", "tips": []},
    ]
    found = _problems(
        slug="Not A Slug",
        title="",
        starts_on="2026-04-01",
        place_code="X123",
        privacy_contact="not-an-email",
        themes=["diet", "activity", "diet"],
        set_pledges=bad_pledges,
        moderation="sometimes",
        reminder_weeks=[4, 1, 60],
        contact_retention_days=10,
        branding={"colour": "#FFDD00", "logo_paths": ["../../etc/passwd"], "font": "x"},
        extra_field=1,
    )
    expected = {
        ("slug", "bad_slug"),
        ("title", "required"),
        ("ends_on", "ends_before_start"),
        ("place_code", "bad_gss_code"),
        ("privacy_contact", "bad_email"),
        ("themes[2]", "duplicate"),
        ("set_pledges[0].theme", "theme_not_in_campaign"),
        ("set_pledges[1].code", "duplicate_code"),
        ("set_pledges[1].duration_days", "out_of_range"),
        ("set_pledges[2].code", "bad_slug"),
        ("set_pledges[2].theme", "unknown_choice"),
        ("set_pledges[2].text", "bad_length"),
        ("set_pledges[2].duration_days", "not_a_whole_number"),
        ("moderation", "unknown_choice"),
        ("reminder_weeks[2]", "out_of_range"),
        ("reminder_weeks", "not_increasing"),
        ("contact_retention_days", "shorter_than_follow_up"),
        ("branding.colour", "low_contrast"),
        ("branding.logo_paths[0]", "bad_logo_path"),
        ("branding.font", "unknown_field"),
        ("extra_field", "unknown_field"),
    }
    assert expected <= found, expected - found


def test_area_code_must_be_a_supported_area_type() -> None:
    assert ("place_code", "unsupported_area_type") in _problems(place_code="E01000001")
    scottish_board = campaign_from_mapping(example_campaign(place_code="S08000016"))
    assert scottish_board.place_code == "S08000016"


def test_a_campaign_needs_something_to_pledge() -> None:
    assert ("set_pledges", "nothing_to_pledge") in _problems(
        set_pledges=[], allow_own_pledges=False
    )


def test_retention_must_cover_the_last_reminder_and_its_answer() -> None:
    # last reminder at week 12 = 84 days, plus 14 days to answer
    assert campaign_from_mapping(example_campaign(contact_retention_days=98))
    assert ("contact_retention_days", "shorter_than_follow_up") in _problems(
        contact_retention_days=97
    )


def test_contrast_ratio_matches_the_wcag_formula() -> None:
    assert contrast_with_white("#FFFFFF") == pytest.approx(1.0)
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's AA grey


def test_free_text_fields_are_cleaned() -> None:
    campaign = campaign_from_mapping(example_campaign(title="  Walk\u202e more\x00 \n now "))
    assert campaign.title == "Walk more now"


@given(
    weeks=st.lists(st.integers(1, 52), min_size=1, max_size=6, unique=True).map(sorted),
    retention_extra=st.integers(0, 300),
    moderation=st.sampled_from(list(ModerationMode)),
)
def test_valid_settings_round_trip(
    weeks: list[int], retention_extra: int, moderation: ModerationMode
) -> None:
    data = example_campaign(
        reminder_weeks=weeks,
        contact_retention_days=min(730, max(weeks) * 7 + 14 + retention_extra),
        moderation=moderation.value,
    )
    campaign = campaign_from_mapping(data)
    assert campaign.reminder_weeks == tuple(weeks)
    assert campaign_from_mapping(campaign_to_mapping(campaign)) == campaign
