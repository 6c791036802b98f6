r"""Referrals received by lifestyle services that can be attributed to MECC, matched on date,
service and area only, never on a person.

A service sends counts of referrals received (date, service, area); MECC logs say when staff
in organisations of that area signposted or referred someone to that service. A received
referral is *attributable* when an unmatched MECC signpost or referral to the same service,
from the same area, was logged on the same day or up to ``window_days`` before. Each MECC
entry explains at most one received referral; matching takes the oldest open MECC entry
first, which gives the largest possible number of matches (earliest-deadline-first matching
of points to intervals of equal length). The result is therefore an **upper bound** of the
referrals MECC could have caused: a match in time and place is not proof that the person was
the one spoken to.

Formula
-------
For service :math:`s`, area :math:`a` and month :math:`m`: ``received`` :math:`R`,
``attributed`` :math:`A \le R` from the matching, and the attributed share
:math:`100\,A/R` with Wilson score limits.

>>> logs = pd.DataFrame({"client_id": ["x", "y"], "staff_id": "s1", "team": "ed",
...     "contact_date": pd.to_datetime(["2024-04-01", "2024-04-20"]), "organisation": "rxa",
...     "setting": "acute", "topics": "tobacco", "action": "referral",
...     "destination": "stop_smoking"})
>>> received = pd.DataFrame({"received_date": pd.to_datetime(["2024-04-05", "2024-04-06",
...     "2024-05-30"]), "service": "stop_smoking", "area_code": "E06000001", "referrals": 1})
>>> out = attribute_referrals(logs, received, {"rxa": "E06000001"}, policy=None)
>>> out[["month", "received", "attributed", "mecc_made"]].to_dict("list")
{'month': ['2024-04', '2024-05'], 'received': [2, 1], 'attributed': [1, 0], 'mecc_made': [2, 0]}
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW, read_table_file
from healthgap.data.vocab import parse_numbers
from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc_dashboards import DEFAULT_POLICY, filter_period
from healthgap.engage.mecc_dates import parse_dates
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.measures.proportions import proportion

__all__ = ["RECEIVED_COLUMNS", "attribute_referrals", "read_referrals_received"]

#: Columns of a referrals-received table, and the headers accepted for each in a file.
RECEIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "received_date": ("received_date", "date", "referral_date", "date_received"),
    "service": ("service", "destination", "service_code"),
    "area_code": ("area_code", "area", "la_code", "local_authority_code"),
    "referrals": ("referrals", "count", "referrals_received", "number"),
}
_OPTIONAL = {"referrals"}


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def read_referrals_received(
    path: str | os.PathLike[str], *, vocabulary: MeccVocabulary | None = None
) -> pd.DataFrame:
    """Read a service's referrals-received file (CSV or XLSX) into a tidy table.

    One row per date, service and area with a ``referrals`` count (1 when the column is
    absent: one row per referral). ``service`` is a destination code or label of the
    vocabulary. Only these columns are accepted: any other column is refused (rule
    ``unexpected_column``), because attribution never reads anything about a person. Other
    rules: ``missing_column``, ``missing_value``, ``bad_date``, ``unknown_service``,
    ``non_numeric``, ``negative_count``; each problem names the file, row and column.
    """
    vocab = vocabulary or load_vocabulary()
    raw = read_table_file(path)
    found = FileProblems(str(path))
    aliases = {alias: name for name, names in RECEIVED_COLUMNS.items() for alias in names}
    rename: dict[str, str] = {}
    for header in [c for c in raw.columns if c != ROW]:
        name = aliases.get(_normalise(header))
        if name is None or name in rename.values():
            found.add(
                None,
                header,
                "unexpected_column",
                "attribution uses date, service, area and count only and never personal "
                "data; remove this column",
            )
        else:
            rename[header] = name
    for name in RECEIVED_COLUMNS:
        if name not in rename.values() and name not in _OPTIONAL:
            found.add(
                None,
                name,
                "missing_column",
                f"needs a column named one of: {', '.join(RECEIVED_COLUMNS[name])}",
            )
    found.raise_if_any()
    table = raw.rename(columns=rename)
    rows = table[ROW]
    for name in ("received_date", "service", "area_code"):
        empty = table[name].str.strip() == ""
        found.add_rows(rows, empty, name, "missing_value", f"{name} is empty")
    dates = parse_dates(table["received_date"])
    bad = dates.isna() & (table["received_date"].str.strip() != "")
    found.add_rows(
        rows, bad, "received_date", "bad_date", "not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    )
    lookup = {code: code for code in vocab.codes("destinations")}
    lookup |= {label.lower(): code for code, label in vocab.labels("destinations").items()}
    services = table["service"].str.strip().map(lambda v: lookup.get(v, lookup.get(v.lower())))
    unknown = services.isna() & (table["service"].str.strip() != "")
    found.add_rows(
        rows,
        unknown,
        "service",
        "unknown_service",
        f"not one of: {', '.join(vocab.codes('destinations'))}",
    )
    if "referrals" in table.columns:
        counts, unreadable = parse_numbers(table["referrals"])
        found.add_rows(rows, unreadable, "referrals", "non_numeric", "not a number")
        found.add_rows(rows, counts < 0, "referrals", "negative_count", "is below zero")
        found.add_rows(rows, counts.isna() & ~unreadable, "referrals", "missing_value", "empty")
    else:
        counts = pd.Series(1.0, index=table.index)
    found.raise_if_any()
    return pd.DataFrame(
        {
            "received_date": dates.dt.normalize(),
            "service": services,
            "area_code": table["area_code"].str.strip(),
            "referrals": counts.astype(int),
        }
    )


def _daily(
    frame: pd.DataFrame, date: str, count: str | None, days: pd.DatetimeIndex, groups: pd.MultiIndex
) -> np.ndarray:
    """Counts per group (rows) and day (columns)."""
    sizes = frame.groupby(["service", "area_code", date])
    counts = sizes[count].sum() if count else sizes.size()
    table = counts.unstack(date).reindex(index=groups, columns=days, fill_value=0)
    return table.fillna(0).to_numpy(dtype=np.int64)


def _match(made: np.ndarray, received: np.ndarray, window: int) -> np.ndarray:
    """Received referrals matched per group and day: oldest open MECC entry first, each
    entry open from the day it was logged for ``window`` more days."""
    groups, days = made.shape
    open_by_age = np.zeros((groups, window + 1), dtype=np.int64)
    matched = np.zeros_like(received)
    for day in range(days):  # time steps; every group (service x area) moves at once
        open_by_age[:, 1:] = open_by_age[:, :-1].copy()
        open_by_age[:, 0] = made[:, day]
        oldest_first = open_by_age[:, ::-1]
        before = np.cumsum(oldest_first, axis=1) - oldest_first
        take = np.clip(received[:, day, None] - before, 0, oldest_first)
        open_by_age -= take[:, ::-1]
        matched[:, day] = take.sum(axis=1)
    return matched


def attribute_referrals(
    logs: pd.DataFrame,
    received: pd.DataFrame,
    organisation_areas: Mapping[str, str],
    *,
    window_days: int = 28,
    actions: Sequence[str] = ("referral", "signpost"),
    confidence: float = 0.95,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Referrals received per service, area and month, and how many MECC could explain.

    ``received`` is :func:`read_referrals_received` output; ``organisation_areas`` maps each
    organisation code of the logs to its area code (``MeccDirectory.organisations``).
    Returns ``service``, ``area_code``, ``month``, ``received``, ``attributed``,
    ``mecc_made`` (MECC entries to that service from that area logged in the month) and the
    attributed share as ``value`` (%) with Wilson limits. Counts are disclosure-controlled;
    the share is withheld when fewer than the policy's minimum were attributed.
    """
    made = filter_period(logs, None, None)
    made = made[made["action"].isin(actions)].assign(
        service=lambda f: f["destination"],
        area_code=lambda f: f["organisation"].map(organisation_areas),
        day=lambda f: f["contact_date"].dt.normalize(),
    )
    made = made.dropna(subset=["service", "area_code"])
    got = received.assign(day=pd.to_datetime(received["received_date"]).dt.normalize())
    pairs = pd.concat([got[["service", "area_code"]], made[["service", "area_code"]]])
    groups = pd.MultiIndex.from_frame(pairs.drop_duplicates().sort_values(["service", "area_code"]))
    first, last = min(got["day"].min(), made["day"].min()), max(got["day"].max(), made["day"].max())
    days = pd.date_range(first, last, freq="D")
    made_daily = _daily(made, "day", None, days, groups)
    received_daily = _daily(got, "day", "referrals", days, groups)
    matched = _match(made_daily, received_daily, window_days)
    months = days.strftime("%Y-%m")

    def monthly(values: np.ndarray, name: str) -> pd.Series:
        frame = pd.DataFrame(values, index=groups, columns=months)
        return frame.T.groupby(level=0).sum().T.stack().rename(name)

    out = pd.concat(
        [
            monthly(received_daily, "received"),
            monthly(matched, "attributed"),
            monthly(made_daily, "mecc_made"),
        ],
        axis=1,
    )
    out = out.rename_axis(["service", "area_code", "month"]).reset_index()
    out = out[(out["received"] > 0) | (out["mecc_made"] > 0)].reset_index(drop=True)
    keys = ["service", "area_code", "month"]
    share = proportion(
        out[out["received"] > 0],
        keys=keys,
        numerator="attributed",
        denominator="received",
        multiplier=100,
        confidence=confidence,
    ).drop(columns=["attributed", "received"])
    out = out.merge(share, on=keys, how="left")
    out["method"] = out["method"].fillna("Wilson")
    out["window_days"] = window_days
    if policy is None:
        return out.assign(disclosure_note="")
    counts = ["received", "attributed", "mecc_made"]
    controlled, notes = policy.for_columns(counts=counts, rate_count="attributed").apply(out)
    controlled.attrs["disclosure"] = " ".join(notes)
    return controlled
