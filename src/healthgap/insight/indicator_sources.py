"""Readers of small-area indicator sources: the IMD domain files, wide CSV/Excel/Parquet files
(Local Health, a user's own), and the workspace's long ``indicators`` table.

Each returns an :class:`~healthgap.insight.indicators.IndicatorTable` checked by
:func:`~healthgap.insight.indicators.indicator_table`, so every problem names the file, the
spreadsheet row and the column.

>>> import pandas as pd
>>> long = pd.DataFrame({"area_code": ["E01000001", "E01000002"], "indicator": "smoking",
...                      "value": [12.0, 20.0]})
>>> indicators_from_long(long, vintage="2021").values["smoking"].tolist()
[12.0, 20.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW, read_table_file
from healthgap.errors import InputError, Problem
from healthgap.insight.indicators import IMD_DOMAINS, IndicatorTable, indicator_table

__all__ = ["indicators_from_long", "read_imd_domains", "read_indicator_file"]


def read_indicator_file(
    path: str | Path,
    *,
    area_column: str | None = None,
    vintage: str | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    missing: str = "error",
) -> IndicatorTable:
    """Read a wide CSV/Excel/Parquet file of small-area indicators (see :func:`indicator_table`).

    Local Health's MSOA file, for instance, reads with ``missing="drop"``: its
    ``geography`` column ("MSOA 2011") gives the vintage, and the areas where Local Health
    suppressed life expectancy are left out with a warning.
    """
    frame = read_table_file(path, sheet=sheet)
    return indicator_table(
        frame,
        name=Path(path).name,
        area_column=area_column,
        vintage=vintage,
        columns=columns,
        missing=missing,
    )


def read_imd_domains(
    path: str | Path, *, measure: str = "score", include_overall: bool = False
) -> IndicatorTable:
    """The seven IMD domains of an LSOA file in ``../shared/data/imd/`` as indicators.

    ``measure`` is ``"score"`` (IMD 2025; the 2019 LSOA file carries no domain scores) or
    ``"rank"`` (1 = most deprived); ``include_overall`` adds the overall IMD. The vintage
    comes from the code column (``lsoa21_code`` -> 2021, ``lsoa11_code`` -> 2011).

    Raises
    ------
    InputError
        ``bad_measure`` for another measure, or ``missing_column`` when the file has no
        domain columns of that measure.
    """
    if measure not in ("score", "rank"):
        raise InputError(f"measure must be 'score' or 'rank', not {measure!r}", rule="bad_measure")
    frame = read_table_file(path)
    prefixes = list(IMD_DOMAINS) + (["IMD"] if include_overall else [])
    wanted = [f"{p}_{measure}" for p in prefixes if f"{p}_{measure}" in frame.columns]
    if not wanted:
        raise InputError(
            [
                Problem(
                    Path(path).name,
                    None,
                    f"<domain>_{measure}",
                    "missing_column",
                    f"the file has no IMD domain {measure} columns",
                )
            ]
        )
    return indicator_table(frame, name=Path(path).name, columns=wanted)


def indicators_from_long(
    long: pd.DataFrame,
    *,
    name: str = "indicators",
    vintage: str,
    indicator: str = "indicator",
    value: str = "value",
    filters: Mapping[str, object] | None = None,
) -> IndicatorTable:
    """The workspace's long ``indicators`` table (one row per area and indicator) as a table.

    ``filters`` keeps rows whose columns equal the given values (e.g. ``{"sex": "persons",
    "period": "2016-18"}``), so that each area has one value per indicator; two rows left
    for the same area and indicator are a ``duplicate_area`` problem.
    """
    rows = long
    for column, wanted in dict(filters or {}).items():
        rows = rows[rows[column] == wanted]
    positions = pd.Series(np.arange(len(long)) + 2, index=long.index)[rows.index]
    twice = rows.duplicated(["area_code", indicator], keep="first")
    found = FileProblems(name)
    found.add_rows(
        positions,
        twice,
        indicator,
        "duplicate_area",
        "area "
        + rows["area_code"].astype(str)
        + " has this indicator twice; filter by period or sex",
    )
    found.raise_if_any()
    wide = rows.pivot(index="area_code", columns=indicator, values=value)
    wide.columns = [str(c) for c in wide.columns]
    first_rows = positions.groupby(rows["area_code"].to_numpy()).min()
    wide = wide.reset_index().assign(**{ROW: first_rows.reindex(wide.index).to_numpy()})
    return indicator_table(wide, name=name, vintage=vintage)
