"""Pledge campaign tables fit to publish: every one through a disclosure policy.

The analysis core (:mod:`healthgap.engage.pledge_analysis`) returns exact counts. Here each
table gets the :class:`~healthgap.reports.tables.DisclosurePolicy` of its kind before it is
shown, downloaded or charted:

- **count tables** (pledges, pledgers, events, the district map): counts of 1-7 suppressed,
  others rounded to the nearest 5 (:data:`COUNT_POLICY`);
- **percentage tables** (conversion, follow-up): the same on the numerator ``count`` and on
  the ``denominator``, and no percentage on fewer than 10 answers (flagged ``u`` below 20)
  (:data:`PERCENT_POLICY`).

The map table keeps only districts that can be shown; a note says how many were withheld.
Districts with no position on the map are summed into one "Other or unknown district" row
before control (:func:`healthgap.engage.pledge_postcodes.place_districts`).

>>> import pandas as pd
>>> pledges = pd.DataFrame({"pledge_id": range(12),
...     "postcode_district": ["TS24"] * 9 + ["TS25"] * 3, "status": "published"})
>>> table, notes = district_map_table(pledges)
>>> table[["postcode_district", "count", "latitude"]].round(1).values.tolist(), notes[-1]
([['TS24', 10.0, 54.7]], '1 district with 1-7 pledges not shown')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from healthgap.engage import pledge_analysis as analysis
from healthgap.engage.pledge_postcodes import place_districts
from healthgap.reports.tables import DisclosurePolicy, write_table

__all__ = [
    "COUNT_POLICY",
    "PERCENT_POLICY",
    "PledgeTable",
    "controlled_district_counts",
    "district_map_table",
    "pledge_report_tables",
    "publishable",
    "write_pledge_tables",
]

COUNT_POLICY = DisclosurePolicy(count_columns=("count",), rate_count_column="")
PERCENT_POLICY = DisclosurePolicy(
    count_columns=("count", "denominator"), rate_count_column="denominator"
)


@dataclass(frozen=True)
class PledgeTable:
    """An exact table and the policy it must pass before publication."""

    name: str
    frame: pd.DataFrame
    policy: DisclosurePolicy

    def publishable(self) -> tuple[pd.DataFrame, list[str]]:
        return publishable(self.frame, self.policy)


def publishable(
    frame: pd.DataFrame, policy: DisclosurePolicy = COUNT_POLICY
) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` after ``policy`` (the percentage rule reads the exact denominator, before
    the counts are rounded), with a ``disclosure_note`` column, and the notes."""
    return policy.apply(frame)


def district_map_table(
    pledges: pd.DataFrame, policy: DisclosurePolicy = COUNT_POLICY
) -> tuple[pd.DataFrame, list[str]]:
    """Pledges per postcode district for the map, with each district's ``latitude`` and
    ``longitude`` (none for "Other or unknown district"), small counts removed."""
    return controlled_district_counts(place_districts(analysis.district_counts(pledges)), policy)


def controlled_district_counts(
    counts: pd.DataFrame, policy: DisclosurePolicy = COUNT_POLICY
) -> tuple[pd.DataFrame, list[str]]:
    """Exact pledges per district (``postcode_district``, ``statistic``, ``count``) after
    ``policy``, keeping only the districts that can be shown; a note says how many not."""
    controlled, notes = policy.apply(counts)
    hidden = int(controlled["count"].isna().sum())
    shown = controlled[controlled["count"].notna()].reset_index(drop=True)
    if hidden:
        noun = "district" if hidden == 1 else "districts"
        notes = [*notes, f"{hidden} {noun} with {policy.suppress_from}-{policy.suppress_to} "
                         "pledges not shown"]  # fmt: skip
    return shown, notes


def pledge_report_tables(
    pledges: pd.DataFrame,
    events: pd.DataFrame,
    checkins: pd.DataFrame,
    reminders_sent: pd.DataFrame,
) -> list[PledgeTable]:
    """Every analysis table of a campaign, each with its policy (exact, not yet controlled).

    The inputs are the store's exports (:func:`healthgap.store.pledge_exports.pledge_frame`,
    :func:`healthgap.store.pledge_followup.event_frame`, ``checkin_frame`` and
    ``reminders_sent_frame``).
    """
    counts = PledgeTable("pledges_overall", analysis.pledge_counts(pledges), COUNT_POLICY)
    tables = [counts]
    for key in ("theme", "day", "postcode_district", "group", "audience", "age_band"):
        frame = analysis.pledge_counts(pledges, by=(key,))
        tables.append(PledgeTable(f"pledges_by_{key}", frame, COUNT_POLICY))
    for key in ("channel", "day"):
        frame = analysis.event_counts(events, by=(key,))
        tables.append(PledgeTable(f"events_by_{key}", frame, COUNT_POLICY))
    for name, by in (("conversion_overall", ()), ("conversion_by_day", ("day",))):
        frame = analysis.conversion(pledges, events, by=by)
        tables.append(PledgeTable(name, frame, PERCENT_POLICY))
    if len(checkins):
        tables += [
            PledgeTable("followup_by_week", analysis.followup_outcomes(checkins), PERCENT_POLICY),
            PledgeTable(
                "followup_by_week_theme",
                analysis.followup_outcomes(checkins, by=("week", "theme")),
                PERCENT_POLICY,
            ),
        ]
    if len(reminders_sent):
        tables.append(
            PledgeTable(
                "followup_response",
                analysis.followup_response(reminders_sent, checkins),
                PERCENT_POLICY,
            )
        )
    return tables


def write_pledge_tables(
    tables: list[PledgeTable],
    folder: str | os.PathLike[str],
    *,
    suffix: str = ".csv",
    metadata: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> list[Path]:
    """Write each table, under its own policy, as ``<folder>/<name><suffix>`` (``.csv`` or
    ``.xlsx``). Only aggregates leave this way; the record-level export for analysts is
    :func:`healthgap.engage.analysis_export`."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        written.append(
            write_table(
                table.frame,
                target / f"{table.name}{suffix}",
                metadata={**(metadata or {}), "table": table.name},
                synthetic=synthetic,
                policy=table.policy,
            )
        )
    return written
