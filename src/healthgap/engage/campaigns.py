"""Pledge campaigns: what a campaign offers, to whom, for how long, and how it is moderated.

A :class:`Campaign` is built from a plain mapping (a YAML file, a web form, or the JSON kept
in the database) by :func:`campaign_from_mapping`, which checks every field and reports all
problems at once, each naming the field (``set_pledges[2].duration_days``) and the rule
broken. :func:`campaign_to_mapping` gives the mapping back, JSON-ready, so that
``campaign_from_mapping(campaign_to_mapping(c)) == c``.

The structure follows the pledge-tool design in ``frameworks.md`` section 7: a campaign has
a title, dates, a place (ONS GSS code), themes, a catalogue of set pledges written in the
SMART way (specific, measurable, achievable, relevant, time-bound: each has a duration),
partner branding, staff and/or community audiences and pre- or post-moderation.

>>> c = campaign_from_mapping(example_campaign())
>>> c.title, c.moderation.value, [p.code for p in c.set_pledges][:2]
('Small changes, big difference', 'post', ['water-not-fizzy', 'walk-at-lunch'])
>>> campaign_from_mapping(campaign_to_mapping(c)) == c
True
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from healthgap.engage.campaign_fields import FieldReader
from healthgap.errors import InputError

__all__ = [
    "Audience",
    "Branding",
    "Campaign",
    "ModerationMode",
    "SetPledge",
    "Theme",
    "campaign_from_mapping",
    "campaign_to_mapping",
    "example_campaign",
]


class Theme(enum.StrEnum):
    """What a pledge is about (``frameworks.md`` section 7)."""

    diet = "diet"
    activity = "activity"
    alcohol = "alcohol"
    tobacco = "tobacco"
    wellbeing = "wellbeing"

    @property
    def label(self) -> str:
        return _THEME_LABELS[self]


_THEME_LABELS = {
    Theme.diet: "Eating well",
    Theme.activity: "Being active",
    Theme.alcohol: "Drinking less alcohol",
    Theme.tobacco: "Stopping smoking",
    Theme.wellbeing: "Mental wellbeing",
}


class Audience(enum.StrEnum):
    """Who may pledge: the organisation's own staff, the public, or both."""

    staff = "staff"
    community = "community"


class ModerationMode(enum.StrEnum):
    """``pre``: nothing shows on the wall until a moderator approves it. ``post``: pledges
    show at once unless the content filter holds them; moderators can still hide them."""

    pre = "pre"
    post = "post"


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: ONS GSS area types a campaign may cover (local authorities, health bodies, nations).
PLACE_PREFIXES: dict[str, str] = {
    "E06": "unitary authority",
    "E07": "non-metropolitan district",
    "E08": "metropolitan district",
    "E09": "London borough",
    "E10": "county",
    "E11": "metropolitan county",
    "E12": "region",
    "E38": "sub-ICB location",
    "E54": "integrated care board",
    "E92": "England",
    "W06": "Welsh unitary authority",
    "W11": "Welsh local health board",
    "S08": "Scottish NHS health board",
    "S12": "Scottish council area",
    "N09": "Northern Ireland district",
}
FOLLOW_UP_ANSWER_DAYS = 14  # time left after the last reminder to answer its check-in


@dataclass(frozen=True)
class SetPledge:
    """One pledge of the catalogue: a stable ``code``, its theme, the SMART wording, how many
    days it runs for, and short tips."""

    code: str
    theme: Theme
    text: str
    duration_days: int
    tips: tuple[str, ...] = ()


@dataclass(frozen=True)
class Branding:
    """Partner names and logos shown on the campaign page, and its accent colour.

    The colour is used behind white text, so it must reach the WCAG 2.2 AA contrast ratio
    of 4.5:1 against white.
    """

    partners: tuple[str, ...] = ()
    logo_paths: tuple[str, ...] = ()
    colour: str = "#005EB8"


@dataclass(frozen=True)
class Campaign:
    """A pledge campaign; build it with :func:`campaign_from_mapping`."""

    slug: str
    title: str
    summary: str
    starts_on: date
    ends_on: date
    place_code: str
    place_name: str
    organiser: str
    privacy_contact: str
    themes: tuple[Theme, ...]
    set_pledges: tuple[SetPledge, ...]
    allow_own_pledges: bool = True
    audiences: tuple[Audience, ...] = (Audience.community,)
    groups: tuple[str, ...] = ()
    moderation: ModerationMode = ModerationMode.post
    reminder_weeks: tuple[int, ...] = (1, 4, 12)
    contact_retention_days: int = 120
    public_retention_days: int = 365
    marketing_sender: str | None = None
    branding: Branding = field(default_factory=Branding)

    def set_pledge(self, code: str) -> SetPledge | None:
        """The catalogue entry with ``code``, or ``None``."""
        return next((p for p in self.set_pledges if p.code == code), None)

    def is_open(self, day: date) -> bool:
        """True on the days pledges are taken (start and end day included)."""
        return self.starts_on <= day <= self.ends_on


def _relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of ``#RRGGBB`` against white.

    >>> round(contrast_with_white("#005EB8"), 2)
    6.38
    """
    return 1.05 / (_relative_luminance(colour) + 0.05)


def _read_set_pledges(reader: FieldReader, themes: tuple[Theme, ...]) -> tuple[SetPledge, ...]:
    pledges = []
    seen: set[str] = set()
    for i, item in enumerate(reader.items("set_pledges")):
        where = f"set_pledges[{i}]"
        sub = reader.nested(item, where)
        code = sub.slug("code")
        theme = sub.choice("theme", Theme)
        text = sub.text("text", min_length=10, max_length=200)
        duration = sub.integer("duration_days", minimum=1, maximum=366)
        tips = sub.text_list("tips", max_items=5, max_length=200)
        sub.reject_unknown({"code", "theme", "text", "duration_days", "tips"})
        if code in seen:
            reader.problem(f"{where}.code", "duplicate_code", f"the code {code!r} is used twice")
        seen.add(code)
        if theme is not None and themes and theme not in themes:
            reader.problem(
                f"{where}.theme",
                "theme_not_in_campaign",
                f"{theme.value!r} is not one of the campaign's themes",
            )
        pledges.append(SetPledge(code, theme or Theme.diet, text, duration or 1, tips))
    return tuple(pledges)


def _read_branding(reader: FieldReader) -> Branding:
    raw = reader.data.get("branding") or {}
    sub = reader.nested(raw, "branding")
    colour = sub.colour("colour", default="#005EB8")
    if colour and contrast_with_white(colour) < 4.5:
        reader.problem(
            "branding.colour",
            "low_contrast",
            f"white text on {colour} has a contrast ratio of {contrast_with_white(colour):.1f};"
            " choose a darker colour (at least 4.5:1)",
        )
    partners = sub.text_list("partners", max_items=12, max_length=120)
    logos = sub.path_list("logo_paths", max_items=12)
    sub.reject_unknown({"partners", "logo_paths", "colour"})
    return Branding(partners=partners, logo_paths=logos, colour=colour or "#005EB8")


def _check_dates_and_follow_up(reader: FieldReader, campaign: dict[str, Any]) -> None:
    starts, ends = campaign["starts_on"], campaign["ends_on"]
    if starts and ends and ends < starts:
        reader.problem("ends_on", "ends_before_start", "the campaign ends before it starts")
    weeks = campaign["reminder_weeks"]
    if list(weeks) != sorted(set(weeks)):
        reader.problem("reminder_weeks", "not_increasing", "list each week once, in order")
    retention = campaign["contact_retention_days"]
    needed = (max(weeks) * 7 + FOLLOW_UP_ANSWER_DAYS) if weeks else 0
    if retention is not None and retention < needed:
        reader.problem(
            "contact_retention_days",
            "shorter_than_follow_up",
            f"email addresses must be kept at least {needed} days after the end so the last "
            f"reminder (week {max(weeks)}) can be sent and answered",
        )


def campaign_from_mapping(data: Mapping[str, Any], *, source: str = "campaign") -> Campaign:
    """Check ``data`` and build a :class:`Campaign`.

    Raises
    ------
    InputError
        Listing every problem; each names the field (``column``) and the rule.
    """
    reader = FieldReader(data, source)
    themes = tuple(reader.choice_list("themes", Theme, required=True))
    values: dict[str, Any] = {
        "slug": reader.slug("slug"),
        "title": reader.text("title", min_length=3, max_length=120),
        "summary": reader.text("summary", min_length=0, max_length=600, required=False),
        "starts_on": reader.day("starts_on"),
        "ends_on": reader.day("ends_on"),
        "place_code": reader.gss_code("place_code", PLACE_PREFIXES),
        "place_name": reader.text("place_name", min_length=2, max_length=120),
        "organiser": reader.text("organiser", min_length=2, max_length=160),
        "privacy_contact": reader.email("privacy_contact"),
        "themes": themes,
        "set_pledges": _read_set_pledges(reader, themes),
        "allow_own_pledges": reader.boolean("allow_own_pledges", default=True),
        "audiences": tuple(
            reader.choice_list("audiences", Audience, default=(Audience.community,))
        ),
        "groups": reader.text_list("groups", max_items=500, max_length=80, unique=True),
        "moderation": reader.choice("moderation", ModerationMode, default=ModerationMode.post),
        "reminder_weeks": tuple(
            reader.integer_list("reminder_weeks", minimum=1, maximum=52, default=(1, 4, 12))
        ),
        "contact_retention_days": reader.integer(
            "contact_retention_days", minimum=0, maximum=730, default=120
        ),
        "public_retention_days": reader.integer(
            "public_retention_days", minimum=0, maximum=1825, default=365
        ),
        "marketing_sender": reader.text(
            "marketing_sender", min_length=2, max_length=160, required=False
        )
        or None,
        "branding": _read_branding(reader),
    }
    if not values["set_pledges"] and not values["allow_own_pledges"]:
        reader.problem(
            "set_pledges", "nothing_to_pledge", "add set pledges or allow people to write their own"
        )
    _check_dates_and_follow_up(reader, values)
    reader.reject_unknown(set(values) | {"branding"})
    if reader.problems:
        raise InputError(reader.problems)
    return Campaign(**values)


def campaign_to_mapping(campaign: Campaign) -> dict[str, Any]:
    """The JSON-ready mapping that :func:`campaign_from_mapping` reads back."""
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "place_code": campaign.place_code,
        "place_name": campaign.place_name,
        "organiser": campaign.organiser,
        "privacy_contact": campaign.privacy_contact,
        "themes": [t.value for t in campaign.themes],
        "set_pledges": [
            {
                "code": p.code,
                "theme": p.theme.value,
                "text": p.text,
                "duration_days": p.duration_days,
                "tips": list(p.tips),
            }
            for p in campaign.set_pledges
        ],
        "allow_own_pledges": campaign.allow_own_pledges,
        "audiences": [a.value for a in campaign.audiences],
        "groups": list(campaign.groups),
        "moderation": campaign.moderation.value,
        "reminder_weeks": list(campaign.reminder_weeks),
        "contact_retention_days": campaign.contact_retention_days,
        "public_retention_days": campaign.public_retention_days,
        "marketing_sender": campaign.marketing_sender,
        "branding": {
            "partners": list(campaign.branding.partners),
            "logo_paths": list(campaign.branding.logo_paths),
            "colour": campaign.branding.colour,
        },
    }


def example_campaign(**overrides: Any) -> dict[str, Any]:
    """A small, valid campaign mapping (made up for examples and tests; not a real campaign).

    Keyword arguments replace top-level fields.
    """
    data: dict[str, Any] = {
        "slug": "small-changes-2026",
        "title": "Small changes, big difference",
        "summary": "Pick one small change for the new year and tell us how it went.",
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
        "place_code": "E06000001",
        "place_name": "Hartlepool",
        "organiser": "Example Public Health Team",
        "privacy_contact": "privacy@example.org",
        "themes": ["diet", "activity", "alcohol", "tobacco", "wellbeing"],
        "set_pledges": [
            {
                "code": "water-not-fizzy",
                "theme": "diet",
                "text": "Swap one sugary drink a day for water for 21 days",
                "duration_days": 21,
                "tips": ["Keep a bottle of water on your desk"],
            },
            {
                "code": "walk-at-lunch",
                "theme": "activity",
                "text": "Walk for 15 minutes at lunchtime on 5 days a week for 4 weeks",
                "duration_days": 28,
                "tips": ["Find a walking buddy", "Plan a route before you go"],
            },
            {
                "code": "two-dry-days",
                "theme": "alcohol",
                "text": "Have at least two alcohol-free days every week for 12 weeks",
                "duration_days": 84,
                "tips": [],
            },
        ],
        "audiences": ["staff", "community"],
        "moderation": "post",
        "reminder_weeks": [1, 4, 12],
        "branding": {"partners": ["Example Council"], "colour": "#005EB8"},
    }
    data.update(overrides)
    return data
