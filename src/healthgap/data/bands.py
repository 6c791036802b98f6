"""Age bands in user data: parse labels, and re-band single years or finer bands.

A band is ``[age_start, age_end)``; the open top band has ``age_end = inf``. Re-banding sums
each input band into the target band containing it. When an input band straddles a target
boundary (e.g. an ``85+`` open band against ``85-89`` and ``90+``), that boundary cannot be
reached: the coarser bands the data allow are kept and a :class:`BandingWarning` says which
measures need more.

>>> parse_age_labels(pd.Series(["<1", "1-4", "10 – 14", "90+", "7", "old"])).to_dict("list")
{'age_start': [0.0, 1.0, 10.0, 90.0, 7.0, nan], 'age_end': [1.0, 5.0, 15.0, inf, 8.0, nan]}
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS, band_labels
from healthgap.errors import BandingWarning, InputError

__all__ = ["achievable_starts", "band_coverage_problems", "parse_age_labels", "reband"]

_RANGE = r"^(\d+)\s*(?:-|–|—|to)\s*(\d+)$"
_OPEN = r"^(\d+)\s*(?:\+|plus|and over|and older|or over)$"
_UNDER = r"^(?:<|under|less than)\s*(\d+)$"


def parse_age_labels(labels: pd.Series) -> pd.DataFrame:
    """Start and end (exclusive; ``inf`` if open) of each age label; NaN where unreadable.

    Understands ``"<1"``, ``"Under 1"``, ``"1-4"`` (hyphen, en or em dash, "to"),
    ``"90+"``, ``"90 and over"`` and single years ``"7"``.
    """
    # Files repeat a few labels many times: parse each distinct label once.
    codes, uniques = pd.factorize(labels.astype(str))
    parsed = _parse_distinct(pd.Series(uniques, dtype=str))
    return pd.DataFrame(
        {col: parsed[col].to_numpy()[codes] for col in ("age_start", "age_end")},
        index=labels.index,
    )


def _parse_distinct(labels: pd.Series) -> pd.DataFrame:
    text = labels.str.strip().str.lower()
    start = pd.Series(np.nan, index=labels.index)
    end = pd.Series(np.nan, index=labels.index)
    ranges = text.str.extract(_RANGE).astype(float)
    has_range = ranges[0].notna()
    start[has_range], end[has_range] = ranges[0][has_range], ranges[1][has_range] + 1
    opens = text.str.extract(_OPEN)[0].astype(float)
    start[opens.notna()], end[opens.notna()] = opens[opens.notna()], np.inf
    under = text.str.extract(_UNDER)[0].astype(float)
    start[under.notna()], end[under.notna()] = 0.0, under[under.notna()]
    single = pd.to_numeric(text.where(text.str.fullmatch(r"\d+"), None), errors="coerce")
    start[single.notna()], end[single.notna()] = single[single.notna()], single[single.notna()] + 1
    bad = start >= end
    start[bad], end[bad] = np.nan, np.nan
    return pd.DataFrame({"age_start": start, "age_end": end})


def achievable_starts(
    bands: pd.DataFrame, target_starts: Sequence[int] = STANDARD_STARTS
) -> tuple[int, ...]:
    """Start ages of the finest target-aligned band set the input bands can be summed into.

    A target boundary is kept unless some input band straddles it.

    >>> achievable_starts(pd.DataFrame({"age_start": [0, 85], "age_end": [85, np.inf]}),
    ...                   (0, 1, 5, 85, 90))
    (0, 85)
    """
    pairs = bands[["age_start", "age_end"]].drop_duplicates().to_numpy(dtype=float)
    target = np.asarray(target_starts, dtype=float)
    low = pairs[:, 0].min()
    straddled = ((pairs[:, [0]] < target) & (target < pairs[:, [1]])).any(axis=0)
    keep = ~straddled & (target >= low)
    return tuple(int(t) for t in target[keep])


def reband(
    table: pd.DataFrame,
    value_columns: Sequence[str],
    target_starts: Sequence[int] = STANDARD_STARTS,
) -> pd.DataFrame:
    """Sum ``value_columns`` of ``table`` into the target age bands.

    Parameters
    ----------
    table
        Long table with ``age_start`` and optionally ``age_end`` (exclusive, ``inf`` for
        the open top band). Without ``age_end``, bands end where the next distinct start
        in the table begins and the last is open. Every other column except
        ``value_columns`` is a key.
    value_columns
        Count columns to sum (e.g. ``["person_years"]``).
    target_starts
        Start ages of the wanted band set; the last band is open.

    Returns
    -------
    pandas.DataFrame
        Keys, ``age_start`` (start of the output band) and the summed values, sorted.

    Notes
    -----
    The output band of input band :math:`[a, b)` is the target band :math:`[t_j, t_{j+1})`
    with :math:`t_j \\le a` and :math:`b \\le t_{j+1}`, so each output is

    .. math:: V_j = \\sum_{i: [a_i, b_i) \\subseteq [t_j, t_{j+1})} v_i .

    When the input cannot reach every target boundary (a band straddles one, or the
    data start above 0), the finest reachable subset is used and a
    :class:`~healthgap.errors.BandingWarning` names the missing bands: life expectancy
    with the reference method (PHEindicatormethods) needs the 20 standard bands up to
    90+, and directly standardised rates with ESP2013 need 0-4, 5-9, ..., 90+.

    Examples
    --------
    >>> single = pd.DataFrame({"area_code": "E1", "age_start": range(0, 91),
    ...                        "age_end": [*range(1, 91), np.inf], "n": 1.0})
    >>> out = reband(single, ["n"])
    >>> out["age_start"].tolist()[:4], out["n"].tolist()[:4], float(out["n"].iloc[-1])
    ([0, 1, 5, 10], [1.0, 4.0, 5.0, 5.0], 1.0)
    """
    frame = table.copy()
    if "age_end" not in frame.columns:
        starts = np.sort(frame["age_start"].unique().astype(float))
        ends = dict(zip(starts, [*starts[1:], np.inf], strict=True))
        frame["age_end"] = frame["age_start"].astype(float).map(ends)
    if frame.empty:
        return frame.drop(columns="age_end")
    reached = achievable_starts(frame, target_starts)
    if tuple(reached) != tuple(int(t) for t in target_starts):
        _warn_banding(reached, target_starts)
    edges = np.asarray(reached, dtype=float)
    position = np.searchsorted(edges, frame["age_start"].to_numpy(dtype=float), side="right") - 1
    if (position < 0).any():
        raise InputError("age bands start below the first target band", rule="bad_age_band")
    frame["age_start"] = edges[position].astype(int)
    keys = [c for c in frame.columns if c not in {*value_columns, "age_end"}]
    out = frame.groupby(keys, sort=True, dropna=False, observed=True)[list(value_columns)].sum(
        min_count=1
    )
    return out.reset_index()[[*keys, *value_columns]]


def _warn_banding(reached: Sequence[int], target: Sequence[int]) -> None:
    missing = [lab for s, lab in zip(target, band_labels(target), strict=True) if s not in reached]
    have = ", ".join(band_labels(reached))
    needs = []
    if tuple(target) == STANDARD_STARTS:
        needs.append(
            "life expectancy by the reference method needs the 20 standard bands "
            "0, 1-4, ..., 85-89, 90+"
        )
        esp_ok = all(s in reached for s in (0, *range(5, 95, 5)))
        if not esp_ok:
            needs.append("age-standardised rates (ESP2013) need 0-4, 5-9, ..., 85-89, 90+")
    warnings.warn(
        f"the data only reach the age bands {have}; cannot separate {', '.join(missing)}. "
        + "; ".join(needs),
        BandingWarning,
        stacklevel=3,
    )


def band_coverage_problems(
    frame: pd.DataFrame, keys: Sequence[str], row_column: str, *, complete: bool = True
) -> list[tuple[int, str, str]]:
    """``(row, rule, message)`` for every gap or overlap in each group's age bands.

    ``frame`` has ``keys``, ``age_start``, ``age_end`` and ``row_column`` (the row to
    report). With ``complete``, each group must also start at 0 and end with an open band
    (rule ``missing_age_band``); overlaps are ``overlapping_age_bands`` either way.
    """
    frame = frame.sort_values([*keys, "age_start", "age_end"], kind="stable")
    group = frame.groupby(list(keys), sort=False).ngroup().to_numpy()
    start, end = frame["age_start"].to_numpy(), frame["age_end"].to_numpy()
    rows = frame[row_column].to_numpy()
    first = np.r_[True, group[1:] != group[:-1]]
    last = np.r_[group[1:] != group[:-1], True]
    prev_start, prev_end = np.r_[np.nan, start[:-1]], np.r_[np.nan, end[:-1]]
    exact_repeat = (start == prev_start) & (end == prev_end)  # a duplicate key, reported as such
    checks = [
        ("missing_age_band", first & (start > 0) & complete, "ages 0-{s1:g} missing"),
        ("missing_age_band", ~first & (start > prev_end) & complete, "ages {pe:g}-{s1:g} missing"),
        ("overlapping_age_bands", ~first & (start < prev_end) & ~exact_repeat,
         "the band from {s:g} overlaps the one ending at {pe:g}"),
        ("missing_age_band", last & np.isfinite(end) & complete,
         "no open top band (ages {e:g}+ missing)"),
    ]  # fmt: skip
    # A key left empty by a bad cell (reported on its own) is shown as "?".
    key_values = frame[list(keys)].astype(object).fillna("?").astype(str).to_numpy()
    found = []
    # Labels are built only for rows with a problem; detection above is vectorised.
    for rule, mask, template in checks:
        for i in np.flatnonzero(mask):
            text = template.format(s=start[i], s1=start[i] - 1, pe=prev_end[i], e=end[i])
            found.append((int(rows[i]), rule, f"group {'/'.join(key_values[i])}: {text}"))
    return found
