"""Ethnic group classifications of the 2021 Census (England and Wales) and their mapping.

ONS's 2021 classification has 19 detailed categories in 5 high-level groups. Service data
also needs a sixth, "Not stated" (the "+1"), for records where ethnicity is unknown or was
not given; ONS uses "Does not apply" for the same slot in census tables, which is read as
such. NHS records still use the 2001-based one-letter ethnic category codes (A-Z); they
map onto the 2021 categories, except that code C ("Any other White background") cannot be
split into Gypsy or Irish Traveller, Roma and Other White, so it is read as Other White.

>>> to_high_level(pd.Series(["Indian", "white and black caribbean", "Z"])).tolist()
['Asian, Asian British or Asian Welsh', 'Mixed or Multiple ethnic groups', 'Not stated']
>>> len(DETAILED), len(HIGH_LEVEL)
(19, 5)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "DETAILED",
    "HIGH_LEVEL",
    "NHS_CODES",
    "NOT_STATED",
    "normalise_detailed",
    "to_high_level",
]

ASIAN = "Asian, Asian British or Asian Welsh"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
MIXED = "Mixed or Multiple ethnic groups"
WHITE = "White"
OTHER = "Other ethnic group"
NOT_STATED = "Not stated"

#: The five high-level groups, in ONS's order.
HIGH_LEVEL: tuple[str, ...] = (ASIAN, BLACK, MIXED, WHITE, OTHER)

#: The 19 detailed categories and their high-level group, in ONS's order.
DETAILED: dict[str, str] = {
    "Bangladeshi": ASIAN,
    "Chinese": ASIAN,
    "Indian": ASIAN,
    "Pakistani": ASIAN,
    "Other Asian": ASIAN,
    "African": BLACK,
    "Caribbean": BLACK,
    "Other Black": BLACK,
    "White and Asian": MIXED,
    "White and Black African": MIXED,
    "White and Black Caribbean": MIXED,
    "Other Mixed or Multiple ethnic groups": MIXED,
    "English, Welsh, Scottish, Northern Irish or British": WHITE,
    "Irish": WHITE,
    "Gypsy or Irish Traveller": WHITE,
    "Roma": WHITE,
    "Other White": WHITE,
    "Arab": OTHER,
    "Any other ethnic group": OTHER,
}

#: NHS ethnic category codes (2001-based) -> 2021 detailed category.
NHS_CODES: dict[str, str] = {
    "A": "English, Welsh, Scottish, Northern Irish or British",
    "B": "Irish",
    "C": "Other White",
    "D": "White and Black Caribbean",
    "E": "White and Black African",
    "F": "White and Asian",
    "G": "Other Mixed or Multiple ethnic groups",
    "H": "Indian",
    "J": "Pakistani",
    "K": "Bangladeshi",
    "L": "Other Asian",
    "M": "Caribbean",
    "N": "African",
    "P": "Other Black",
    "R": "Chinese",
    "S": "Any other ethnic group",
    "Z": NOT_STATED,
    "99": NOT_STATED,
}

_UNKNOWN = {"not stated", "not known", "unknown", "does not apply", "refused", ""}


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


_LOOKUP: dict[str, str] = {
    **{_key(name): name for name in DETAILED},
    **{_key(group): group for group in HIGH_LEVEL},
    **{_key(word): NOT_STATED for word in _UNKNOWN},
}


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes of each value and its distinct values as text: the labels of millions of
    service records are read once per distinct label, not once per record."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()


def _expand(codes: np.ndarray, found: pd.Series, index: pd.Index) -> pd.Series:
    """Values of ``found`` (one per distinct label) spread back to every row; NaN for empty
    cells (code -1)."""
    table = np.append(found.to_numpy(dtype=object), np.nan)
    return pd.Series(table[codes], index=index, dtype=object)


def normalise_detailed(values: pd.Series) -> pd.Series:
    """2021 category names (detailed, high-level or "Not stated") from labels in any case,
    with or without the group prefix ("White: Irish"), or NHS codes; NaN if unknown.

    >>> normalise_detailed(pd.Series(["white: irish", "N", "Martian"])).tolist()
    ['Irish', 'African', nan]
    """
    codes, text = _distinct(values)
    by_code = text.str.upper().map(NHS_CODES)
    named = text.map(_key).map(_LOOKUP)
    # ONS writes detailed categories after their group: "White: Irish"
    after_colon = text.str.split(":", n=1).str[-1].map(_key).map(_LOOKUP)
    found = by_code.fillna(named).fillna(after_colon)
    out = _expand(codes, found, values.index)
    # an empty cell reads as "" and so as Not stated, as it always did
    return out.where(codes >= 0, _LOOKUP[""])


def to_high_level(values: pd.Series) -> pd.Series:
    """The high-level group (or "Not stated") of each label; NaN where unknown."""
    codes, detailed = pd.factorize(normalise_detailed(values), use_na_sentinel=True)
    groups = pd.Series([DETAILED.get(name, name) for name in detailed], dtype=object)
    return _expand(codes, groups, values.index)
