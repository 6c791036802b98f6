r"""Campaign analysis: pledges and pledgers, sharing, conversion and follow-up, as tidy tables.

Every function takes the plain tables that the store exports and returns a tidy DataFrame,
one row per group and statistic. Counts come in ``count``; proportions in ``value`` (a
percentage) with Wilson score limits ``lowercl``/``uppercl`` from
:func:`healthgap.measures.proportion`, the ``count`` and ``denominator`` behind them,
``confidence``, ``statistic`` and ``method``. Rejected pledges are left out of everything.

The tables here are **not yet fit to publish**: pass them through the disclosure policy of
:mod:`healthgap.reports.engage_tables` (small counts suppressed, others rounded) before they
leave the analyst's hands.

Definitions
-----------
- *Pledges*: pledges not rejected by moderation. *Unique pledgers*: distinct pseudonymous
  pledger references (one per browser); a pledge without one counts as its own pledger.
- *Conversion*: pledges / page views of the pledge page, by day or overall. Days whose view
  counter shows fewer views than pledges are reported with no value (the counter missed
  views), never as more than 100%.
- *Follow-up outcome*: among the answers for a reminder week, the share "I kept it",
  "Partly" and "Not yet". *Response*: answers / reminders sent for that week.

Wilson limits for :math:`x` of :math:`n` at level :math:`c` (:math:`z=\Phi^{-1}((1+c)/2)`):
:math:`\big(2x+z^2 \mp z\sqrt{z^2+4x(1-x/n)}\big) / \big(2(n+z^2)\big)` (Wilson 1927).

>>> import pandas as pd
>>> pledges = pd.DataFrame({"pledge_id": [1, 2, 3], "theme": ["diet", "diet", "activity"],
...     "pledger": ["a", "a", None], "status": ["published", "pending", "published"]})
>>> out = pledge_counts(pledges, by=("theme",))
>>> out.pivot(index="theme", columns="statistic", values="count").to_dict("index")
{'activity': {'pledges': 1, 'unique pledgers': 1}, 'diet': {'pledges': 2, 'unique pledgers': 1}}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.engage.pledge_followup import CheckinOutcome
from healthgap.engage.pledge_privacy import local_day
from healthgap.errors import InputError
from healthgap.measures import proportion

__all__ = [
    "EVENT_KINDS",
    "conversion",
    "district_counts",
    "event_counts",
    "followup_outcomes",
    "followup_response",
    "pledge_counts",
]

#: Kinds of counted event on a campaign's pages.
EVENT_KINDS: tuple[str, ...] = ("page_view", "share", "click_through")
PLEDGE_KEYS: tuple[str, ...] = (
    "day",
    "theme",
    "postcode_district",
    "group",
    "age_band",
    "audience",
    "set_pledge_code",
)


def _need(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"the {name} table has no column {', '.join(missing)}", rule="missing_column"
        )


def _live_pledges(pledges: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    unknown = [k for k in by if k not in PLEDGE_KEYS]
    if unknown:
        raise InputError(
            f"cannot group pledges by {', '.join(unknown)}; use {', '.join(PLEDGE_KEYS)}",
            rule="unknown_key",
        )
    _need(pledges, ["pledge_id"], "pledges")
    live = pledges if "status" not in pledges.columns else pledges[pledges["status"] != "rejected"]
    live = live.copy()
    if "day" in by and "day" not in live.columns:
        _need(live, ["created_at"], "pledges")
        live["day"] = local_day(live["created_at"])
    _need(live, list(by), "pledges")
    for key in by:
        live[key] = live[key].astype(object).where(live[key].notna(), "not given")
    return live


def pledge_counts(pledges: pd.DataFrame, *, by: Sequence[str] = ()) -> pd.DataFrame:
    """Pledges and unique pledgers per group of ``by`` (any of :data:`PLEDGE_KEYS`).

    Missing values of a key are grouped as "not given".
    """
    keys = list(by)
    live = _live_pledges(pledges, keys)
    pledger = live["pledger"] if "pledger" in live.columns else pd.Series(np.nan, index=live.index)
    live["pledger_key"] = pledger.astype(object).where(
        pledger.notna(), "pledge:" + live["pledge_id"].astype(str)
    )
    if keys:
        grouped = live.groupby(keys, sort=True, dropna=False)
        counts = grouped.agg(pledges=("pledge_id", "size"), pledgers=("pledger_key", "nunique"))
        counts = counts.reset_index()
    else:
        counts = pd.DataFrame({"pledges": [len(live)], "pledgers": [live["pledger_key"].nunique()]})
    tidy = counts.melt(
        id_vars=keys, value_vars=["pledges", "pledgers"], var_name="statistic", value_name="count"
    )
    tidy["statistic"] = tidy["statistic"].map({"pledges": "pledges", "pledgers": "unique pledgers"})
    tidy["count"] = tidy["count"].astype("int64")
    return tidy.sort_values([*keys, "statistic"], kind="stable").reset_index(drop=True)


def district_counts(pledges: pd.DataFrame) -> pd.DataFrame:
    """Pledges per postcode district (pledges without a district are left out): the table
    behind the map, before disclosure control."""
    live = _live_pledges(pledges, [])
    _need(live, ["postcode_district"], "pledges")
    with_district = live[live["postcode_district"].notna()]
    counts = with_district.groupby("postcode_district").size().rename("count").reset_index()
    counts["statistic"] = "pledges"
    return counts[["postcode_district", "statistic", "count"]]


def event_counts(events: pd.DataFrame, *, by: Sequence[str] = ("channel",)) -> pd.DataFrame:
    """Page views, shares and click-throughs (arrivals from a shared link) per group.

    ``events`` has ``day``, ``kind`` (one of :data:`EVENT_KINDS`), ``channel`` and ``count``.
    """
    _need(events, ["kind", "count", *by], "events")
    unknown = sorted(set(events["kind"]) - set(EVENT_KINDS))
    if unknown:
        raise InputError(f"unknown event kinds: {', '.join(unknown)}", rule="unknown_event")
    keys = [*by, "kind"]
    out = events.groupby(keys, sort=True)["count"].sum().reset_index()
    out = out.rename(columns={"kind": "statistic"})
    out["count"] = out["count"].astype("int64")
    return out[[*by, "statistic", "count"]]


def conversion(
    pledges: pd.DataFrame,
    events: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Percentage of pledge-page views that ended in a pledge, overall or by ``("day",)``."""
    keys = list(by)
    if set(keys) - {"day"}:
        raise InputError("conversion can be split by day only", rule="unknown_key")
    counts = pledge_counts(pledges, by=keys)
    made = counts[counts["statistic"] == "pledges"].drop(columns="statistic")
    views = events[events["kind"] == "page_view"]
    views = (
        views.groupby(keys)["count"].sum().reset_index()
        if keys
        else pd.DataFrame({"count": [views["count"].sum()]})
    )
    if keys:
        table = views.rename(columns={"count": "denominator"}).merge(made, on=keys, how="outer")
    else:
        table = pd.concat([views.rename(columns={"count": "denominator"}), made], axis=1)
    table = table.fillna({"count": 0, "denominator": 0})
    usable = (table["denominator"] > 0) & (table["count"] <= table["denominator"])
    label = f"{confidence * 100:g}%"
    parts = []
    if usable.any():
        parts.append(
            proportion(
                table[usable],
                keys=keys,
                numerator="count",
                denominator="denominator",
                multiplier=100,
                confidence=confidence,
                source="conversion",
            ).assign(method="Wilson")
        )
    if (~usable).any():
        unusable = table[~usable]
        reason = np.where(
            unusable["denominator"] == 0,
            "not calculated: no page views counted",
            "not calculated: fewer page views than pledges",
        )
        parts.append(
            unusable.assign(value=np.nan, lowercl=np.nan, uppercl=np.nan, confidence=label,
                            method=reason)
        )  # fmt: skip
    columns = [*keys, "count", "denominator", "value", "lowercl", "uppercl", "confidence",
               "statistic", "method"]  # fmt: skip
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    result["statistic"] = "pledges per 100 page views"
    result = result[columns]
    return result.sort_values(keys).reset_index(drop=True) if keys else result


def followup_outcomes(
    checkins: pd.DataFrame, *, by: Sequence[str] = ("week",), confidence: float = 0.95
) -> pd.DataFrame:
    """Share of check-in answers per outcome ("kept", "partly", "not_yet") per group.

    ``checkins`` has ``pledge_id``, ``week`` and ``outcome``; other keys in ``by`` (e.g.
    ``theme``) must be columns of it.
    """
    keys = list(by)
    _need(checkins, ["pledge_id", "outcome", *keys], "check-ins")
    outcomes = [o.value for o in CheckinOutcome]
    bad = sorted(set(checkins["outcome"]) - set(outcomes))
    if bad:
        raise InputError(f"unknown outcomes: {', '.join(map(str, bad))}", rule="unknown_outcome")
    tally = checkins.groupby([*keys, "outcome"]).size().unstack("outcome", fill_value=0)
    tally = tally.reindex(columns=outcomes, fill_value=0)
    answers = tally.sum(axis=1)
    long = tally.stack().rename("count").reset_index()
    long["denominator"] = long.set_index(keys).index.map(answers) if keys else answers.iloc[0]
    result = proportion(
        long,
        keys=[*keys, "outcome"],
        numerator="count",
        denominator="denominator",
        multiplier=100,
        confidence=confidence,
        source="check-ins",
    )
    result["statistic"] = "% of check-in answers"
    return result


def followup_response(
    reminders_sent: pd.DataFrame, checkins: pd.DataFrame, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Percentage of reminders sent for each week that got a check-in answer."""
    _need(reminders_sent, ["pledge_id", "week"], "reminders")
    _need(checkins, ["pledge_id", "week"], "check-ins")
    sent = reminders_sent.groupby("week").size().rename("denominator")
    answered = checkins.merge(reminders_sent[["pledge_id", "week"]], on=["pledge_id", "week"])
    answered = answered.groupby("week").size().rename("count")
    table = pd.concat([sent, answered], axis=1).fillna(0).reset_index()
    result = proportion(
        table[table["denominator"] > 0],
        keys=["week"],
        numerator="count",
        denominator="denominator",
        multiplier=100,
        confidence=confidence,
        source="reminders",
    )
    result["statistic"] = "% of reminders answered"
    return result
