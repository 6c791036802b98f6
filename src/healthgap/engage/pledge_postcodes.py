"""Postcode districts (outward codes such as ``TS24`` or ``SW1A``) that really exist.

The list of districts comes from the ONS Postcode Directory (ONSPD) as packaged by the
``uk-postcodes-parsing`` library (MIT licence; its data are ONSPD, February 2025 release,
under the Open Government Licence, with the Northern Ireland terms that the library states).
Nothing is typed in by hand here: updating that package updates the list. Only the district
is kept: when a person types a full postcode, the inward part is dropped before anything is
stored, because the map needs no more.

Each district's position for the map (:func:`district_centroids`) is the mean position of its
postcodes in the ONSPD / OS Code-Point Open data (Open Government Licence), shipped as
``engage/data/postcode_districts.csv`` and rebuilt by ``scripts/build_postcode_districts.py``
(``engage/data/README.md`` gives the provenance and licence). :func:`place_districts` puts
the districts that have no position there into one "Other or unknown district" row.

>>> district_from_input(" ts24 8ab ")
'TS24'
>>> district_from_input("sw1a"), district_from_input("ZZ99"), district_from_input("hello")
('SW1A', None, None)
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd
from uk_postcodes_parsing.outcodes.index import get_all_outcodes

__all__ = [
    "CENTROID_SOURCE",
    "DISTRICT_SOURCE",
    "OTHER_DISTRICT",
    "district_centroids",
    "district_from_input",
    "known_districts",
    "place_districts",
    "postcode_area",
]

DISTRICT_SOURCE = "ONS Postcode Directory (February 2025) via the uk-postcodes-parsing package"
#: Shape of an outward code: area letters, district digit(s), optional sub-district letter.
CENTROID_SOURCE = (
    "Mean postcode positions from the ONS Postcode Directory / OS Code-Point Open (Open "
    "Government Licence v3.0). Contains OS data © Crown copyright and database right; "
    "Contains Royal Mail data © Royal Mail copyright and database right; Contains National "
    "Statistics data © Crown copyright and database right"
)
#: The row of districts that have no position on the map.
OTHER_DISTRICT = "Other or unknown district"
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


def district_centroids() -> pd.DataFrame:
    """``outcode``, ``latitude``, ``longitude`` and ``postcodes`` (how many postcodes the mean
    position is over) of each postcode district with a position: about 2,950 rows.

    >>> centroids = district_centroids()
    >>> row = centroids.loc[centroids["outcode"] == "TS24"].iloc[0]
    >>> round(float(row["latitude"]), 1), round(float(row["longitude"]), 1)
    (54.7, -1.2)
    """
    return _centroid_file().copy()


@cache
def _centroid_file() -> pd.DataFrame:
    table = resources.files("healthgap.engage") / "data" / "postcode_districts.csv"
    with table.open("rb") as handle:
        return pd.read_csv(handle, dtype={"outcode": str, "postcodes": "int64"})


def place_districts(counts: pd.DataFrame) -> pd.DataFrame:
    """Exact counts per district (``postcode_district``, ``statistic``, ``count``) with each
    district's ``latitude`` and ``longitude``; the districts with no position are summed into
    one :data:`OTHER_DISTRICT` row (no position), so that disclosure control sees their total,
    never each of them. Apply the disclosure policy after this, not before.

    >>> counts = pd.DataFrame({"postcode_district": ["TS24", "GY1", "JE2"],
    ...                        "statistic": "pledges", "count": [9, 4, 5]})
    >>> placed = place_districts(counts)
    >>> placed[["postcode_district", "count"]].values.tolist()
    [['TS24', 9], ['Other or unknown district', 9]]
    """
    centroids = _centroid_file().set_index("outcode")[["latitude", "longitude"]]
    placed = counts.join(centroids, on="postcode_district")
    unplaced = placed["latitude"].isna()
    other = placed[unplaced]
    rows = placed[~unplaced]
    if len(other):
        summed = pd.DataFrame(
            {
                "postcode_district": [OTHER_DISTRICT],
                "statistic": [other["statistic"].iloc[0]],
                "count": [other["count"].sum()],
            }
        )
        rows = pd.concat([rows, summed], ignore_index=True)
    return rows.reset_index(drop=True)
