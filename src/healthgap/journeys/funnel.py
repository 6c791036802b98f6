r"""The drop-off funnel: how many people reach each stage, and who is lost between stages.

Service-activity data (the input)
---------------------------------
A tidy table with one row per area, service, stage and (optionally) group:

=============  ==========================================================================
``area_code``  GSS code of the area the counts belong to (e.g. ``E06000001``)
``service``    service name, matching a journey's ``service`` (e.g. ``nhs_health_check``)
``stage``      stage name, matching a journey stage's ``funnel_step`` (e.g. ``invited``)
``count``      number of people who reached that stage (whole number, 0 or more)
any others     optional group columns, e.g. ``period``, ``sex``, ``age_group``,
               ``deprivation_quintile``, ``ethnic_group``, ``segment``
=============  ==========================================================================

Each combination of area, service, stage and group values appears at most once.

Funnel statistics
-----------------
For steps :math:`1..K` with counts :math:`n_k` (summed over the rows of each group), step
:math:`k \ge 2` gives three proportions, each with a Wilson score interval
(:func:`healthgap.measures.proportion`):

- conversion from the previous step, :math:`n_k / n_{k-1}`;
- conversion from the first step, :math:`n_k / n_1`;
- drop-off from the previous step, :math:`(n_{k-1} - n_k) / n_{k-1}`.

The first step, a step without data and a step after one with no people get missing values.
A count larger than the step before it is refused (rule ``count_above_previous_step``): a
funnel only loses people, so such data mix up populations (e.g. bookings without invitations).

References: Wilson EB (1927), J Am Stat Assoc 22:209-212; Cabinet Office Customer Insight
Forum, *Customer journey mapping: guide for practitioners* (2007), on measuring the experience.

>>> import pandas as pd
>>> activity = pd.DataFrame({"area_code": "E1", "service": "hc",
...                          "stage": ["invited", "attended"], "count": [200, 90]})
>>> table = funnel_table(activity, service="hc", steps=["invited", "attended"])
>>> row = table[table["statistic"] == "conversion from previous step"].iloc[-1]
>>> int(row["count"]), [round(float(row[c]), 3) for c in ("value", "lowercl", "uppercl")]
(90, [0.45, 0.383, 0.519])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.journeys.model import Journey
from healthgap.measures.proportions import proportion

__all__ = [
    "FUNNEL_STATISTICS",
    "SERVICE_ACTIVITY_COLUMNS",
    "apply_service_counts",
    "check_service_activity",
    "funnel_table",
    "journey_funnel",
]

SERVICE_ACTIVITY_COLUMNS: tuple[str, ...] = ("area_code", "service", "stage", "count")
FUNNEL_STATISTICS: tuple[str, ...] = (
    "conversion from previous step",
    "conversion from first step",
    "drop-off from previous step",
)


def check_service_activity(
    activity: pd.DataFrame, source: str = "service activity"
) -> pd.DataFrame:
    """Validate a service-activity table; return it with ``count`` as whole numbers.

    Rules: ``missing_column``, ``bad_count`` (not a whole number 0 or more), ``missing_value``
    and ``duplicate_row``; rows are numbered as in a spreadsheet (first data row = 2).
    """
    missing = [c for c in SERVICE_ACTIVITY_COLUMNS if c not in activity.columns]
    if missing:
        raise InputError(
            [Problem(source, 1, c, "missing_column", f"service activity needs a {c!r} column")
             for c in missing]
        )  # fmt: skip
    frame = activity.reset_index(drop=True)
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    problems: list[Problem] = []
    counts = pd.to_numeric(frame["count"], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts.fillna(0) % 1 != 0)
    problems += [
        Problem(source, int(r), "count", "bad_count", f"{v!r} is not a whole number 0 or more")
        for r, v in zip(rows[bad], frame.loc[bad, "count"], strict=True)
    ]
    for column in SERVICE_ACTIVITY_COLUMNS[:3]:
        empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        problems += [
            Problem(source, int(r), column, "missing_value", f"{column} is empty")
            for r in rows[empty]
        ]
    keys = [c for c in frame.columns if c != "count"]
    repeated = frame.duplicated(keys, keep="first")
    problems += [
        Problem(source, int(r), None, "duplicate_row", "this area, service, stage and group repeat")
        for r in rows[repeated]
    ]
    if problems:
        raise InputError(problems)
    return frame.assign(count=counts.astype("int64"))


def _select(
    activity: pd.DataFrame,
    service: str,
    area_codes: Sequence[str] | None,
    filters: Mapping[str, object] | None,
    source: str,
) -> pd.DataFrame:
    frame = check_service_activity(activity, source)
    keep = frame["service"] == service
    if area_codes is not None:
        keep &= frame["area_code"].isin(list(area_codes))
    for column, value in (filters or {}).items():
        if column not in frame.columns:
            raise InputError(
                [Problem(source, 1, column, "missing_column", f"no {column!r} column to filter on")]
            )
        keep &= frame[column] == value
    return frame[keep]


def _funnel_from_counts(
    counts: pd.DataFrame, by: list[str], steps: Sequence[str], confidence: float, source: str
) -> pd.DataFrame:
    """``counts`` has ``by`` columns, ``step`` and ``count``: one row per group and step."""
    order = {step: i + 1 for i, step in enumerate(steps)}
    groups = counts[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"step": list(steps)}), how="cross")
    frame = grid.merge(counts, on=[*by, "step"], how="left")
    frame["step_order"] = frame["step"].map(order)
    frame = frame.sort_values([*by, "step_order"], kind="stable").reset_index(drop=True)
    # Steps are complete and sorted within each group, so the previous step is one row up and
    # the first step is the group's first row.
    frame["previous_count"] = frame["count"].shift(1).where(frame["step_order"] > 1)
    first_row = pd.Series(np.arange(len(frame))).where(frame["step_order"] == 1).ffill()
    frame["first_count"] = frame["count"].to_numpy()[first_row.astype(int).to_numpy()]
    above = frame["count"] > frame["previous_count"]
    if above.any():
        raise InputError([
            Problem(source, None, "count", "count_above_previous_step",
                    f"{r['step']!r} has {int(r['count'])} people but the step before has "
                    f"{int(r['previous_count'])}"
                    + (f" ({', '.join(f'{k}={r[k]}' for k in by)})" if by else ""))
            for _, r in frame[above].iterrows()
        ])  # fmt: skip
    parts = []
    numerators = {
        FUNNEL_STATISTICS[0]: (frame["count"], frame["previous_count"]),
        FUNNEL_STATISTICS[1]: (frame["count"], frame["first_count"]),
        FUNNEL_STATISTICS[2]: (frame["previous_count"] - frame["count"], frame["previous_count"]),
    }
    for statistic, (x, n) in numerators.items():
        part = frame.assign(statistic=statistic, numerator=x, denominator=n)
        part.loc[part["step_order"] == 1, ["numerator", "denominator"]] = np.nan
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    valid = long["numerator"].notna() & (long["denominator"] > 0)
    long["row"] = np.arange(len(long))
    estimated = proportion(
        long[valid], keys=["row"], numerator="numerator", denominator="denominator",
        confidence=confidence, source=source,
    )[["row", "value", "lowercl", "uppercl", "confidence"]]  # fmt: skip
    long = long.merge(estimated, on="row", how="left").drop(columns="row")
    long["confidence"] = long["confidence"].fillna(f"{confidence:.0%}")
    long["method"] = "Wilson"
    columns = [*by, "step", "step_order", "count", "previous_count", "first_count", "statistic",
               "numerator", "denominator", "value", "lowercl", "uppercl", "confidence",
               "method"]  # fmt: skip
    out = long[columns].sort_values([*by, "step_order"], kind="stable").reset_index(drop=True)
    for column in ("count", "previous_count", "first_count", "numerator", "denominator"):
        out[column] = out[column].astype("Int64")
    return out


def funnel_table(
    activity: pd.DataFrame,
    *,
    service: str,
    steps: Sequence[str],
    by: Sequence[str] = (),
    area_codes: Sequence[str] | None = None,
    filters: Mapping[str, object] | None = None,
    confidence: float = 0.95,
    source: str = "service activity",
) -> pd.DataFrame:
    """Funnel of ``service`` through ``steps`` from a service-activity table.

    Counts are summed over all rows of each group of ``by`` (e.g. ``("area_code",)`` for one
    funnel per area, ``()`` for one overall), after keeping ``area_codes`` and the rows whose
    columns equal ``filters`` (e.g. ``{"period": "2024/25"}``).

    Returns
    -------
    DataFrame
        ``by`` columns, ``step``, ``step_order``, ``count``, ``previous_count``,
        ``first_count``, ``statistic`` (one of :data:`FUNNEL_STATISTICS`), ``numerator``,
        ``denominator``, ``value``, ``lowercl``, ``uppercl``, ``confidence``, ``method``.
    """
    if not steps or len(set(steps)) != len(steps):
        raise InputError("give the funnel's steps in order, each once", rule="bad_steps")
    frame = _select(activity, service, area_codes, filters, source)
    frame = frame[frame["stage"].isin(list(steps))]
    counts = frame.groupby([*by, "stage"], as_index=False, sort=False)["count"].sum()
    counts = counts.rename(columns={"stage": "step"})
    return _funnel_from_counts(counts, list(by), steps, confidence, source)


def journey_funnel(journey: Journey, *, confidence: float = 0.95) -> pd.DataFrame:
    """Funnel of the journey's own stage counts (stages in order; uncounted stages left out)."""
    stages = [s for s in journey.ordered_stages() if s.count is not None]
    if not stages:
        raise InputError(
            f"journey {journey.id!r} has no stage counts; add counts or apply service data",
            rule="no_counts",
        )
    counts = pd.DataFrame({"step": [s.name for s in stages], "count": [s.count for s in stages]})
    return _funnel_from_counts(counts, [], counts["step"].tolist(), confidence, journey.id)


def apply_service_counts(
    journey: Journey,
    activity: pd.DataFrame,
    *,
    area_codes: Sequence[str] | None = None,
    filters: Mapping[str, object] | None = None,
    source: str = "service activity",
) -> Journey:
    """A copy of ``journey`` whose stage counts are summed from service-activity data.

    Rows of the journey's ``service`` whose ``stage`` equals a stage's ``funnel_step`` are
    summed (over ``area_codes`` and ``filters``); stages without data keep no count.
    """
    if not journey.service:
        raise InputError(
            f"journey {journey.id!r} names no service to take counts from", rule="no_service"
        )
    frame = _select(activity, journey.service, area_codes, filters, source)
    totals = frame.groupby("stage")["count"].sum()
    stages = tuple(
        replace(s, count=int(totals[s.funnel_step]), count_source=s.count_source or source)
        if s.funnel_step in totals.index
        else replace(s, count=None)
        for s in journey.stages
    )
    return replace(journey, stages=stages)
