r"""MECC dashboards as tidy tables: reach, activity, staff recording and referrals.

Every function takes a contact log (columns :data:`~healthgap.engage.mecc.LOG_COLUMNS`, one
row per entry, several topics joined by ``|``) and returns one row per group, with small
numbers controlled by a :class:`~healthgap.disclosure.DisclosurePolicy` (default: counts of
1-7 suppressed, others rounded to the nearest 5, rates on fewer than 10 events withheld and
flagged ``u`` below 20; ``policy=None`` gives raw figures for internal analysis only, such as
the run chart rules). The controlled columns are named in ``disclosure_note`` and the policy's
sentence is in ``frame.attrs["disclosure"]``.

Formulas
--------
- Conversations per week: entries whose ``contact_date`` falls in the week (Monday start);
  weeks with none are listed with 0.
- Conversations per member of staff per week: :math:`C / (S \times W)` for :math:`C`
  conversations logged by the :math:`S` staff counted over :math:`W` weeks, with Poisson limits
  on :math:`C` (exact below 10 events, Byar's from 10) divided by :math:`S W`.
- Staff recording any: staff in post with at least one entry in the period over staff in
  post, as a percentage with Wilson score limits.
- Breakdowns by topic count a conversation once under every topic it raised, so topic rows
  add up to more than the conversations.

References: PHE, HEE and London South Bank University, *Evaluation guide for MECC programmes*
(2020), activity and output metrics (summarised in ``frameworks.md`` section 8); Wilson
(1927) and Breslow & Day (1987) for the limits, via :mod:`healthgap.measures.intervals`.

>>> logs = pd.DataFrame({"client_id": ["a", "b", "c"], "staff_id": ["s1", "s1", "s2"],
...     "contact_date": pd.to_datetime(["2024-04-01", "2024-04-03", "2024-04-09"]),
...     "organisation": "rxa", "team": "ed", "setting": "acute",
...     "topics": ["tobacco", "alcohol|tobacco", "tobacco"], "action": "advice",
...     "destination": None})
>>> weekly_conversations(logs, policy=None)[["week_start", "conversations"]].to_dict("list")
... # doctest: +NORMALIZE_WHITESPACE
{'week_start': [Timestamp('2024-04-01 00:00:00'), Timestamp('2024-04-08 00:00:00')],
 'conversations': [2, 1]}
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc import LOG_COLUMNS, TOPIC_SEPARATOR
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.errors import InputError, Problem
from healthgap.measures.intervals import poisson_limits
from healthgap.measures.proportions import proportion

__all__ = [
    "DEFAULT_POLICY",
    "conversation_breakdown",
    "conversations_per_staff",
    "filter_period",
    "referrals_by_destination",
    "staff_recording",
    "weekly_conversations",
    "week_start",
]

DEFAULT_POLICY = DisclosurePolicy()
_LOG_KEYS = ("organisation", "team", "setting", "action", "destination", "staff_id")
_STAFF_KEYS = ("organisation", "team")


def week_start(dates: pd.Series) -> pd.Series:
    """The Monday starting the week of each date (weeks as the NHS reports them, Mon-Sun).

    >>> week_start(pd.Series(pd.to_datetime(["2024-04-07", "2024-04-08"]))).dt.day.tolist()
    [1, 8]
    """
    days = pd.to_datetime(dates).dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def filter_period(logs: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    """Entries with ``start <= contact_date <= end`` (either bound may be None), after
    checking that ``logs`` has the log columns."""
    missing = [c for c in LOG_COLUMNS if c not in logs.columns]
    if missing:
        raise InputError(
            [Problem("contact log", None, c, "missing_column", "column absent") for c in missing]
        )
    dates = pd.to_datetime(logs["contact_date"])
    keep = pd.Series(True, index=logs.index)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates <= pd.Timestamp(end)
    return logs.loc[keep].assign(contact_date=dates[keep])


def _check_keys(by: Sequence[str], allowed: Sequence[str]) -> list[str]:
    unknown = [k for k in by if k not in allowed]
    if unknown:
        raise InputError(
            f"cannot group by {', '.join(unknown)}; choose from {', '.join(allowed)}",
            rule="unknown_group",
        )
    return list(by)


def _control(
    frame: pd.DataFrame,
    policy: DisclosurePolicy | None,
    counts: Sequence[str],
    rate_count: str | None = None,
) -> pd.DataFrame:
    """Apply ``policy`` to ``counts`` (and the rate behind ``value``), noting what it did."""
    if policy is None:
        out = frame.assign(disclosure_note="")
        out.attrs["disclosure"] = "Disclosure control: none (internal use only)."
        return out
    out, notes = policy.for_columns(counts=counts, rate_count=rate_count).apply(frame)
    out.attrs["disclosure"] = " ".join(notes)
    return out


def _topic_rows(logs: pd.DataFrame) -> pd.DataFrame:
    """One row per entry and topic raised (``topic`` column)."""
    topics = logs["topics"].astype(str).str.split(TOPIC_SEPARATOR, regex=False)
    return logs.assign(topic=topics).explode("topic", ignore_index=True)


def weekly_conversations(
    logs: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Conversations per week (``week_start``, a Monday) for each group of ``by``.

    ``by`` may hold ``topic`` and any of organisation, team, setting, action, destination.
    Every week from the first to the last (of the period, or of the data) is listed for every
    group found, with 0 where nothing was logged, so that run charts see the quiet weeks.
    """
    keys = _check_keys(by, (*_LOG_KEYS, "topic"))
    rows = filter_period(logs, start, end)
    if "topic" in keys:
        rows = _topic_rows(rows)
    rows = rows.assign(week_start=week_start(rows["contact_date"]))
    counts = rows.groupby([*keys, "week_start"], dropna=False).size().rename("conversations")
    first = pd.Timestamp(start) if start is not None else rows["week_start"].min()
    last = pd.Timestamp(end) if end is not None else rows["week_start"].max()
    if pd.isna(first):
        empty = pd.DataFrame(columns=[*keys, "week_start", "conversations"])
        return _control(empty, policy, ["conversations"])
    weeks = pd.date_range(week_start(pd.Series([first])).iloc[0], last, freq="W-MON")
    groups = rows[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"week_start": weeks}), how="cross")
    out = grid.merge(counts.reset_index(), on=[*keys, "week_start"], how="left")
    out["conversations"] = out["conversations"].fillna(0).astype(int)
    out = out.sort_values([*keys, "week_start"], kind="stable").reset_index(drop=True)
    return _control(out, policy, ["conversations"])


def conversations_per_staff(
    logs: pd.DataFrame,
    directory: MeccDirectory,
    *,
    training: pd.DataFrame | None = None,
    by: Sequence[str] = ("organisation",),
    start: date,
    end: date,
    confidence: float = 0.95,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Conversations per member of staff per week, by organisation and/or team.

    With ``training`` (a table with ``staff_id`` and ``completed_on``) only staff trained by
    ``end`` are counted, in the numerator and the denominator: "per trained member of staff".
    Without it, every member of staff in post in ``directory`` counts. Groups are the
    member of staff's own organisation and team in the directory.
    """
    keys = _check_keys(by, _STAFF_KEYS)
    staff = directory.staff[["staff_id", *_STAFF_KEYS]]
    if training is not None:
        done = pd.to_datetime(training["completed_on"]) <= pd.Timestamp(end)
        staff = staff[staff["staff_id"].isin(training.loc[done, "staff_id"])]
    rows = filter_period(logs, start, end)
    rows = rows[rows["staff_id"].isin(staff["staff_id"])]
    per_staff = rows.groupby("staff_id").size().rename("conversations")
    counted = staff.join(per_staff, on="staff_id").fillna({"conversations": 0})
    grouped = counted.groupby(keys) if keys else counted.assign(_all=0).groupby("_all")
    out = grouped.agg(conversations=("conversations", "sum"), staff=("staff_id", "nunique"))
    out = out.reset_index().drop(columns="_all", errors="ignore")
    weeks = ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 7
    exposure = out["staff"].to_numpy(dtype=float) * weeks
    count = out["conversations"].to_numpy(dtype=float)
    lower, upper = poisson_limits(count, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["weeks"] = weeks
        out["value"] = np.where(exposure > 0, count / exposure, np.nan)
        out["lowercl"] = np.where(exposure > 0, lower / exposure, np.nan)
        out["uppercl"] = np.where(exposure > 0, upper / exposure, np.nan)
    out["conversations"] = out["conversations"].astype(int)
    who = "trained member of staff" if training is not None else "member of staff in post"
    out["confidence"] = f"{confidence:.0%}"
    out["statistic"] = f"conversations per {who} per week"
    out["method"] = np.where(count < 10, "Exact Poisson", "Byars")
    return _control(out, policy, ["conversations"], rate_count="conversations")


def staff_recording(
    logs: pd.DataFrame,
    directory: MeccDirectory,
    *,
    by: Sequence[str] = ("organisation",),
    start: date,
    end: date,
    training: pd.DataFrame | None = None,
    confidence: float = 0.95,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Percentage of staff in post (or, with ``training``, of staff trained by ``end``) who
    logged at least one conversation between ``start`` and ``end``, with Wilson limits."""
    keys = _check_keys(by, _STAFF_KEYS)
    staff = directory.staff[["staff_id", *_STAFF_KEYS]]
    if training is not None:
        done = pd.to_datetime(training["completed_on"]) <= pd.Timestamp(end)
        staff = staff[staff["staff_id"].isin(training.loc[done, "staff_id"])]
    recorders = set(filter_period(logs, start, end)["staff_id"])
    flagged = staff.assign(staff_recording=staff["staff_id"].isin(recorders).astype(int), one=1)
    group = keys if keys else ["_all"]
    if not keys:
        flagged = flagged.assign(_all=0)
    sums = flagged.groupby(group, as_index=False)[["staff_recording", "one"]].sum()
    sums = sums.rename(columns={"one": "staff_in_post"})
    out = proportion(
        sums,
        keys=group,
        numerator="staff_recording",
        denominator="staff_in_post",
        multiplier=100,
        confidence=confidence,
    )
    out = out.drop(columns="_all", errors="ignore")
    out[["staff_recording", "staff_in_post"]] = out[["staff_recording", "staff_in_post"]].astype(
        int
    )
    return _control(out, policy, ["staff_recording"], rate_count="staff_recording")


def conversation_breakdown(
    logs: pd.DataFrame,
    *,
    by: Sequence[str] = ("topic", "setting", "organisation"),
    start: date | None = None,
    end: date | None = None,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Conversations by any of topic, setting, organisation, team, action and destination
    (combinations found in the data). With ``topic`` a conversation counts under each topic
    it raised."""
    keys = _check_keys(by, (*_LOG_KEYS, "topic"))
    rows = filter_period(logs, start, end)
    if "topic" in keys:
        rows = _topic_rows(rows)
    if not keys:
        out = pd.DataFrame({"conversations": [len(rows)]})
    else:
        out = rows.groupby(keys, dropna=False).size().rename("conversations").reset_index()
    return _control(out, policy, ["conversations"])


def referrals_by_destination(
    logs: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    policy: DisclosurePolicy | None = DEFAULT_POLICY,
) -> pd.DataFrame:
    """Signposts and referrals by ``destination`` and ``action`` (and ``by``, e.g. topic or
    organisation), in the vocabulary's order of destinations where the data has them."""
    keys = _check_keys(by, (*_LOG_KEYS, "topic"))
    rows = filter_period(logs, start, end)
    rows = rows[rows["destination"].notna() & (rows["destination"].astype(str) != "")]
    if "topic" in keys:
        rows = _topic_rows(rows)
    group = list(dict.fromkeys([*keys, "destination", "action"]))
    out = rows.groupby(group).size().rename("conversations").reset_index()
    return _control(out, policy, ["conversations"])
