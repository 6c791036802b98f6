"""Warn when quoted text may hold personal data: names, emails, phone numbers, postcodes.

Quotes from focus groups, interviews, surveys and complaints should be kept without anything
that identifies a person. This check finds likely personal data so that a person can remove it
before saving or publishing; it is a warning, not a guarantee (it cannot see a bare first name
in the middle of a sentence without a cue, nor an address written in words).

What it looks for:

- **email**: ``name@domain.tld``;
- **phone_number**: UK and international numbers, found by Google's libphonenumber
  (``phonenumbers``): valid numbers, and possible ones written with a leading ``0`` or ``+``;
- **postcode**: full UK postcodes such as ``SW1A 1AA`` (any case, space optional);
- **nhs_number**: ten digits (3-3-4 spacing allowed) that pass the NHS modulus-11 check;
- **name**: a capitalised word after a title (``Mrs Khan``), an introduction (``my name is``,
  ``I'm``), a relation or role (``my husband Dave``, ``my midwife Sarah``), before a role
  (``Sarah the nurse``), before a reporting verb (``Sarah said``), or two capitalised words in a
  row (``Sarah Jones``). Common capitalised words of health and service text (NHS, GP, Health
  Check, days, months, places such as North, organisations such as Boots) are never names.

>>> [(h.kind, h.text) for h in find_personal_data("Ring Mrs Khan on 0114 496 0999 or a@b.org")]
[('name', 'Khan'), ('phone_number', '0114 496 0999'), ('email', 'a@b.org')]
>>> find_personal_data("The GP said my blood pressure was 140/90 at the Health Check.")
[]
>>> redact("Email me at sam@example.com please")
'Email me at [email removed] please'
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import phonenumbers
import yaml

from healthgap.errors import HealthgapWarning, Problem

__all__ = [
    "PERSONAL_DATA_KINDS",
    "PersonalDataHit",
    "PersonalDataWarning",
    "find_personal_data",
    "personal_data_problems",
    "redact",
    "warn_personal_data",
]

PERSONAL_DATA_KINDS: tuple[str, ...] = ("name", "email", "phone_number", "postcode", "nhs_number")


class PersonalDataWarning(HealthgapWarning):
    """Quoted text may hold personal data; remove it before saving or sharing."""


@dataclass(frozen=True)
class PersonalDataHit:
    """One likely piece of personal data: its kind, the text, and where it is."""

    kind: str
    text: str
    start: int
    end: int


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_NHS_NUMBER = re.compile(r"\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b")
_WORD = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)?"
_RELATIONS = (
    "husband|wife|partner|son|daughter|mum|mom|mam|dad|mother|father|brother|sister|friend|"
    "nan|nana|gran|grandma|grandad|grandson|granddaughter|boyfriend|girlfriend|fiancé|fiance|"
    "neighbour|carer|nurse|doctor|midwife|GP|health visitor|receptionist|pharmacist|adviser|"
    "advisor|coach|social worker|key worker|consultant|support worker|manager|boss"
)
_ROLES = (
    "nurse|midwife|receptionist|reception|doctor|GP|pharmacist|health visitor|adviser|"
    "advisor|coach|consultant|surgery|practice"
)
_NAME_CUES = [
    re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+({_WORD})"),
    re.compile(rf"\b(?:[Mm]y name is|[Mm]y name's|I'm called|I am called|[Nn]amed)\s+({_WORD})"),
    re.compile(rf"\b(?:I'm|I am)\s+({_WORD})\b"),
    re.compile(rf"\b(?:[Mm]y|[Oo]ur|[Hh]er|[Hh]is|[Tt]heir)\s+(?:{_RELATIONS}),?\s+({_WORD})"),
    re.compile(rf"\b({_WORD}),?\s+(?:the|my|our|from|at)\s+(?:{_ROLES})\b"),
    re.compile(rf"\b({_WORD})\s+(?:said|says|told|tells|asked|asks|rang|phoned|texted)\b"),
    # A lookahead, so that "Ring Dave Smith" is tried as "Ring Dave" and as "Dave Smith".
    re.compile(rf"\b(?=({_WORD})\s+({_WORD})\b)"),
]


@functools.cache
def _not_names() -> frozenset[str]:
    """Capitalised words that are never names (editable: ``personal_data_words.yaml``)."""
    text = (resources.files("healthgap.journeys") / "personal_data_words.yaml").read_text("utf-8")
    return frozenset(yaml.safe_load(text)["not_names"].split())


def _nhs_number_valid(digits: str) -> bool:
    """NHS modulus-11 check: weights 10..2 on the first nine digits give the tenth."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _names(text: str) -> list[PersonalDataHit]:
    hits = []
    for pattern in _NAME_CUES:
        for match in pattern.finditer(text):
            groups = list(range(1, (pattern.groups or 0) + 1))
            words = [match.group(g) for g in groups]
            if any(w in _not_names() for w in words):
                continue
            start, end = match.start(groups[0]), match.end(groups[-1])
            hits.append(PersonalDataHit("name", text[start:end], start, end))
    return hits


def _phones(text: str) -> list[PersonalDataHit]:
    hits = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        raw = match.raw_string
        digits = re.sub(r"\D", "", raw)
        valid = phonenumbers.is_valid_number(match.number)
        if valid or (raw.lstrip("(")[:1] in ("0", "+") and len(digits) >= 10):
            hits.append(PersonalDataHit("phone_number", raw, match.start, match.end))
    return hits


def find_personal_data(text: str) -> list[PersonalDataHit]:
    """Likely personal data in ``text``, in order of position (overlaps removed)."""
    if not text:
        return []
    hits = _names(text) + _phones(text)
    hits += [PersonalDataHit("email", m.group(), m.start(), m.end()) for m in _EMAIL.finditer(text)]
    hits += [
        PersonalDataHit("postcode", m.group(), m.start(), m.end()) for m in _POSTCODE.finditer(text)
    ]
    hits += [
        PersonalDataHit("nhs_number", m.group(), m.start(), m.end())
        for m in _NHS_NUMBER.finditer(text)
        if _nhs_number_valid("".join(m.groups()))
    ]
    kept: list[PersonalDataHit] = []
    # Longest first, then drop anything inside a span already kept (e.g. a name inside an email).
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def redact(text: str, hits: Iterable[PersonalDataHit] | None = None) -> str:
    """``text`` with each hit replaced by ``[<kind> removed]``."""
    found = sorted(find_personal_data(text) if hits is None else hits, key=lambda h: -h.start)
    for hit in found:
        label = hit.kind.replace("_", " ")
        text = f"{text[: hit.start]}[{label} removed]{text[hit.end :]}"
    return text


def personal_data_problems(
    texts: Iterable[tuple[str, int | None, str, str]],
) -> list[Problem]:
    """One problem per hit in ``(file, row, column, text)`` entries (rule ``personal_data_<kind>``).

    The problems are warnings for people to act on; callers decide whether to block a save.
    """
    found = []
    for file, row, column, text in texts:
        for hit in find_personal_data(text):
            message = f"may be personal data ({hit.kind.replace('_', ' ')}): {hit.text!r}"
            found.append(Problem(file, row, column, f"personal_data_{hit.kind}", message))
    return found


def warn_personal_data(problems: list[Problem]) -> list[Problem]:
    """Issue one :class:`PersonalDataWarning` listing ``problems`` (if any); return them."""
    if problems:
        lines = "\n".join(f"  {p}" for p in problems[:20])
        warnings.warn(
            f"{len(problems)} possible personal data in quoted text:\n{lines}",
            PersonalDataWarning,
            stacklevel=2,
        )
    return problems
