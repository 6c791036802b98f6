"""Postcode districts (outward codes such as ``TS24`` or ``SW1A``) that really exist.

The list of districts comes from the ONS Postcode Directory (ONSPD) as packaged by the
``uk-postcodes-parsing`` library (MIT licence; its data are ONSPD, February 2025 release,
under the Open Government Licence, with the Northern Ireland terms that the library states).
Nothing is typed in by hand here: updating that package updates the list. Only the district
is kept: when a person types a full postcode, the inward part is dropped before anything is
stored, because the map needs no more.

>>> district_from_input(" ts24 8ab ")
'TS24'
>>> district_from_input("sw1a"), district_from_input("ZZ99"), district_from_input("hello")
('SW1A', None, None)
"""

from __future__ import annotations

import re
from functools import cache

from uk_postcodes_parsing.outcodes.index import get_all_outcodes

__all__ = ["DISTRICT_SOURCE", "district_from_input", "known_districts", "postcode_area"]

DISTRICT_SOURCE = "ONS Postcode Directory (February 2025) via the uk-postcodes-parsing package"
#: Shape of an outward code: area letters, district digit(s), optional sub-district letter.
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_INWARD = re.compile(r"^[0-9][A-Z]{2}$")


@cache
def known_districts() -> frozenset[str]:
    """Every postcode district in the packaged ONSPD extract (about 3,000)."""
    return frozenset(code for code in get_all_outcodes() if _OUTWARD.match(code))


def postcode_area(district: str) -> str:
    """The area letters of a district: ``"TS24"`` -> ``"TS"``.

    >>> postcode_area("SW1A"), postcode_area("B9")
    ('SW', 'B')
    """
    match = re.match(r"^[A-Z]+", district)
    return match.group() if match else ""


def district_from_input(value: str) -> str | None:
    """The existing district that ``value`` names, or ``None``.

    ``value`` may be a district (``"ts24"``) or a full postcode, with or without the space
    (``"TS24 8AB"``, ``"ts248ab"``); case and spaces do not matter.
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) >= 5 and _INWARD.match(compact[-3:]):
        compact = compact[:-3]
    if not _OUTWARD.match(compact):
        return None
    return compact if compact in known_districts() else None
