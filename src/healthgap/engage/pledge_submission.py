"""Checking a pledge form as a person filled it in, with messages in plain English.

:func:`validate_pledge` takes the raw form (:class:`PledgeForm`, strings and ticks as the
browser sent them) and returns a clean :class:`PledgeSubmission`, or raises
:class:`~healthgap.errors.InputError` listing every problem, each naming the form field and
saying what to do. Nothing is stored here.

Rules, in short:

- choose a set pledge **or** write your own (3 to 280 characters; an own pledge needs a
  theme); text is kept as plain text, emoji and right-to-left scripts included, with
  invisible control characters taken out (see :mod:`healthgap.engage.pledge_text`);
- a display name (up to 50 characters) or anonymous; ticking "anonymous" drops the name;
- optional postcode district that must exist (a full postcode is cut to its district);
- optional age band and group (the campaign's list of groups if it has one);
- consent to the pledge being shown and counted is required;
- an email address only with a tick for reminders (and/or, separately, the campaign's
  marketing offer); an email without either tick is refused rather than kept unasked;
- under-16s may pledge only as part of a group and never leave an email address;
- the hidden "leave this empty" field must be empty (bots fill it in);
- every form carries an idempotency key, so a form sent twice is stored once.

>>> from healthgap.engage.campaigns import campaign_from_mapping, example_campaign
>>> from datetime import date
>>> campaign = campaign_from_mapping(example_campaign())
>>> form = PledgeForm(set_pledge="walk-at-lunch", display_name="Sam", consent=True,
...                   audience="community", idempotency_key="k" * 24)
>>> pledge = validate_pledge(campaign, form, today=date(2026, 1, 5))
>>> pledge.theme.value, pledge.display_name, pledge.email
('activity', 'Sam', None)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date

from healthgap.engage.campaign_fields import normalised_email
from healthgap.engage.campaigns import Audience, Campaign, Theme
from healthgap.engage.pledge_moderation import ContentFlag, screen_text
from healthgap.engage.pledge_postcodes import district_from_input
from healthgap.engage.pledge_text import clean_text, text_length
from healthgap.errors import InputError, Problem

__all__ = [
    "AGE_BANDS",
    "MAX_NAME_LENGTH",
    "MAX_PLEDGE_LENGTH",
    "PledgeForm",
    "PledgeSubmission",
    "new_idempotency_key",
    "pledger_reference",
    "validate_pledge",
]

MAX_PLEDGE_LENGTH = 280
MIN_PLEDGE_LENGTH = 3
MAX_NAME_LENGTH = 50
MAX_GROUP_LENGTH = 80
#: Age bands offered on the form (key -> label).
AGE_BANDS: dict[str, str] = {
    "under-16": "Under 16",
    "16-24": "16 to 24",
    "25-34": "25 to 34",
    "35-44": "35 to 44",
    "45-54": "45 to 54",
    "55-64": "55 to 64",
    "65-74": "65 to 74",
    "75-plus": "75 or over",
}
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FORM = "pledge form"


@dataclass(frozen=True)
class PledgeForm:
    """The fields of the public form exactly as submitted (web layer fills this in)."""

    idempotency_key: str = ""
    set_pledge: str = ""
    own_text: str = ""
    own_theme: str = ""
    display_name: str = ""
    anonymous: bool = False
    postcode_district: str = ""
    age_band: str = ""
    group: str = ""
    audience: str = ""
    consent: bool = False
    reminders: bool = False
    marketing: bool = False
    email: str = ""
    honeypot: str = ""


@dataclass(frozen=True)
class PledgeSubmission:
    """A checked pledge, ready to store. ``fingerprint`` identifies its content, so that a
    replayed form (same key, same content) is told apart from a reused key."""

    idempotency_key: str
    set_pledge_code: str | None
    text: str
    theme: Theme
    display_name: str | None
    postcode_district: str | None
    age_band: str | None
    group: str | None
    audience: Audience
    email: str | None
    reminders: bool
    marketing: bool
    flags: frozenset[ContentFlag]
    fingerprint: str

    @property
    def is_own_pledge(self) -> bool:
        return self.set_pledge_code is None


def new_idempotency_key() -> str:
    """A fresh random key for one rendering of the form (put it in a hidden field).

    >>> len(new_idempotency_key()) >= 32
    True
    """
    return secrets.token_urlsafe(24)


def pledger_reference(browser_id: str, secret: str | bytes) -> str:
    """A pseudonymous reference for counting unique pledgers: an HMAC-SHA256 of a random
    browser identifier (a first-party cookie) under the server's secret. The identifier
    itself is never stored.

    >>> ref = pledger_reference("abc", "secret")
    >>> ref == pledger_reference("abc", "secret") != pledger_reference("abd", "secret")
    True
    """
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, browser_id.encode(), hashlib.sha256).hexdigest()[:32]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, rule: str, message: str) -> None:
        self.problems.append(Problem(FORM, None, field, rule, message))


def _pledge_text(campaign: Campaign, form: PledgeForm, check: _Checker) -> tuple:
    code = clean_text(form.set_pledge)
    own = clean_text(form.own_text)
    if code and own:
        check.add(
            "own_text", "both_pledges", "Choose a pledge from the list or write your own, not both."
        )
        return None, "", Theme.diet
    if code:
        chosen = campaign.set_pledge(code)
        if chosen is None:
            check.add("set_pledge", "unknown_pledge", "Choose one of the pledges on the list.")
            return None, "", Theme.diet
        return chosen.code, chosen.text, chosen.theme
    if not campaign.allow_own_pledges:
        check.add("set_pledge", "required", "Choose one of the pledges on the list.")
        return None, "", Theme.diet
    if not own:
        check.add("own_text", "required", "Choose a pledge from the list or write your own.")
        return None, "", Theme.diet
    length = text_length(own)
    if length > MAX_PLEDGE_LENGTH:
        check.add(
            "own_text",
            "too_long",
            f"Your pledge is {length} characters long. Please keep it to "
            f"{MAX_PLEDGE_LENGTH} characters or fewer.",
        )
    elif length < MIN_PLEDGE_LENGTH:
        check.add("own_text", "too_short", "Your pledge is too short. Please say a bit more.")
    theme_name = clean_text(form.own_theme).lower()
    if theme_name not in {t.value for t in campaign.themes}:
        check.add("own_theme", "required", "Choose what your pledge is about.")
        return None, own, Theme.diet
    return None, own, Theme(theme_name)


def _optional_details(campaign: Campaign, form: PledgeForm, check: _Checker) -> dict:
    name = None if form.anonymous else (clean_text(form.display_name) or None)
    if name and text_length(name) > MAX_NAME_LENGTH:
        check.add(
            "display_name",
            "too_long",
            f"Please keep your name to {MAX_NAME_LENGTH} characters or fewer, or pledge "
            "anonymously.",
        )
    district = None
    if clean_text(form.postcode_district):
        district = district_from_input(form.postcode_district)
        if district is None:
            check.add(
                "postcode_district",
                "unknown_district",
                "We do not recognise that postcode district. Enter the first part of your "
                "postcode, like TS24, or leave it empty.",
            )
    age = clean_text(form.age_band) or None
    if age is not None and age not in AGE_BANDS:
        check.add(
            "age_band", "unknown_age_band", "Choose an age band from the list, or leave it empty."
        )
    group = clean_text(form.group) or None
    if group and campaign.groups:
        match = next((g for g in campaign.groups if g.casefold() == group.casefold()), None)
        if match is None:
            check.add(
                "group", "unknown_group", "Choose your group from the list, or leave it empty."
            )
        group = match
    elif group and text_length(group) > MAX_GROUP_LENGTH:
        check.add(
            "group",
            "too_long",
            f"Please keep the group name to {MAX_GROUP_LENGTH} characters or fewer.",
        )
    return {"display_name": name, "postcode_district": district, "age_band": age, "group": group}


def _audience(campaign: Campaign, form: PledgeForm, check: _Checker) -> Audience:
    if len(campaign.audiences) == 1:
        return campaign.audiences[0]
    chosen = clean_text(form.audience).lower()
    if chosen not in {a.value for a in campaign.audiences}:
        check.add(
            "audience",
            "required",
            "Tell us whether you are pledging as staff or as a member of the public.",
        )
        return campaign.audiences[0]
    return Audience(chosen)


def _contact(campaign: Campaign, form: PledgeForm, age: str | None, check: _Checker) -> str | None:
    typed = clean_text(form.email)
    if form.marketing and campaign.marketing_sender is None:
        check.add(
            "marketing", "not_offered", "This campaign does not send news. Please untick that box."
        )
    wants_mail = form.reminders or (form.marketing and campaign.marketing_sender is not None)
    if age == "under-16" and (typed or wants_mail):
        check.add(
            "email",
            "under_16_email",
            "We cannot take email addresses from people under 16. Please leave it empty.",
        )
        return None
    if not typed:
        if wants_mail:
            check.add(
                "email",
                "required",
                "Enter your email address so we can send you reminders, or untick the box.",
            )
        return None
    if not wants_mail:
        check.add(
            "email",
            "email_without_opt_in",
            "You gave an email address but did not ask for reminders. Tick the box to get "
            "reminders, or leave the email address empty.",
        )
        return None
    address = normalised_email(typed)
    if address is None:
        check.add(
            "email",
            "bad_email",
            "Enter an email address in the right format, like name@example.com.",
        )
    return address


def _fingerprint(values: dict) -> str:
    payload = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def validate_pledge(campaign: Campaign, form: PledgeForm, *, today: date) -> PledgeSubmission:
    """Check ``form`` for ``campaign`` on ``today`` (the campaign's local date).

    Raises
    ------
    InputError
        Every problem found, each with the form field (``column``), a rule key and a plain
        English message for the person.
    """
    check = _Checker()
    if clean_text(form.honeypot):
        check.add(
            "website", "honeypot_filled", "Please leave the field marked 'leave this empty' empty."
        )
    if not _KEY.match(form.idempotency_key or ""):
        check.add(
            "idempotency_key",
            "bad_form_key",
            "This form has expired. Please reload the page and try again.",
        )
    if not campaign.is_open(today):
        when = campaign.starts_on if today < campaign.starts_on else campaign.ends_on
        verb = "opens" if today < campaign.starts_on else "closed"
        check.add("campaign", "campaign_closed", f"This campaign {verb} on {when:%-d %B %Y}.")
    code, text, theme = _pledge_text(campaign, form, check)
    details = _optional_details(campaign, form, check)
    if details["age_band"] == "under-16" and not details["group"]:
        check.add(
            "group",
            "under_16_needs_group",
            "People under 16 can pledge as part of a group, like a school or club. "
            "Please add your group.",
        )
    audience = _audience(campaign, form, check)
    email = _contact(campaign, form, details["age_band"], check)
    if not form.consent:
        check.add(
            "consent",
            "consent_required",
            "Tick the box to agree to your pledge being shown and counted.",
        )
    if check.problems:
        raise InputError(check.problems)
    values = {
        "set_pledge_code": code,
        "text": text,
        "theme": theme,
        **details,
        "audience": audience,
        "email": email,
        "reminders": bool(form.reminders),
        "marketing": bool(form.marketing and campaign.marketing_sender),
    }
    flags = screen_text(
        text if code is None else "", details["display_name"] or "", details["group"] or ""
    )
    return PledgeSubmission(
        idempotency_key=form.idempotency_key,
        flags=flags,
        fingerprint=_fingerprint(values),
        **values,
    )
