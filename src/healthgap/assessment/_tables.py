"""Build tidy tables with explicit column types, so an empty table has the same columns and
types as a full one (pandas would otherwise make an empty column float)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["blank_missing", "tidy"]


def tidy(
    columns: Mapping[str, Sequence[Any]], types: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A DataFrame whose columns take ``types[name]`` (default text).

    >>> empty = tidy({"item_id": [], "count": []}, {"count": "int64"})
    >>> list(empty.columns), empty["count"].dtype == "int64", len(empty)
    (['item_id', 'count'], True, 0)
    """
    types = types or {}
    return pd.DataFrame(
        {
            name: pd.Series(list(values), dtype=types.get(name, "str"))
            for name, values in columns.items()
        }
    )


def blank_missing(values: pd.Series, blank: str = "") -> pd.Series:
    """Text with missing values as ``blank`` (whatever dtype a merge or map left behind).

    >>> blank_missing(pd.Series([1.0, None]).map({1.0: "one"})).tolist()
    ['one', '']
    """
    return values.astype("object").where(values.notna(), blank)
