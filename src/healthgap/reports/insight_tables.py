"""Insight tables for publication: disclosure control and the ecological caveat, per table kind.

Each kind of insight output has its own small-number rule, applied through
:class:`~healthgap.reports.tables.DisclosurePolicy` (the same engine as every other
export):

- ``stages`` (survey shares): cells of 1-7 respondents suppressed, others rounded to 5,
  and no share shown on fewer than 10 respondents (a share and its base would reveal the
  count), shares on fewer than 20 flagged ``u``;
- ``uptake``, ``ratios``, ``missing`` (equity audit by group) and ``funnel`` (by area):
  activity counts of 1-7 suppressed and others rounded to 5; no rate on fewer than 10
  events and rates on fewer than 20 flagged;
- ``profile``, ``summary`` and ``segments`` (segmentation): counts of areas and residents
  are not disclosive, so nothing is suppressed, but every row carries the ecological
  caveat: segments describe areas, not the people in them.

>>> import pandas as pd
>>> shares = pd.DataFrame({"segment": [1, 1], "stage": ["action", "maintenance"],
...                        "respondents": [4, 60], "value": [0.04, 0.6]})
>>> safe, notes = control(shares, "stages")
>>> safe["value"].tolist(), safe["respondents"].tolist()
([nan, 0.6], [nan, 60.0])
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from healthgap.errors import InputError
from healthgap.insight.profiles import ECOLOGICAL_NOTE
from healthgap.reports.tables import DisclosurePolicy, write_table

__all__ = ["ECOLOGICAL_NOTE", "KINDS", "control", "insight_policy", "write_insight_table"]

#: kind -> (count columns controlled, column of the events behind the rates, ecological)
KINDS: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "stages": (("respondents",), "respondents", True),
    "uptake": (("activity",), "activity", False),
    "ratios": (("activity", "reference_activity"), "activity", False),
    "missing": (("activity",), "activity", False),
    "funnel": (("observed",), "observed", False),
    "profile": ((), "", True),
    "summary": ((), "", True),
    "segments": ((), "", True),
}


def insight_policy(kind: str, base: DisclosurePolicy | None = None) -> DisclosurePolicy:
    """The disclosure policy for an insight table of ``kind`` (thresholds from ``base``)."""
    if kind not in KINDS:
        raise InputError(
            f"unknown insight table kind {kind!r}; use one of {', '.join(KINDS)}",
            rule="unknown_table_kind",
        )
    counts, events, _ = KINDS[kind]
    return replace(
        base or DisclosurePolicy(), count_columns=counts, rate_count_column=events or "__no_rate__"
    )


def control(
    frame: pd.DataFrame, kind: str, base: DisclosurePolicy | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """A controlled copy of ``frame`` and its notes (the ecological caveat where it applies)."""
    safe, notes = insight_policy(kind, base).apply(frame)
    if KINDS[kind][2]:
        safe["ecological_note"] = ECOLOGICAL_NOTE
        notes = [*notes, ECOLOGICAL_NOTE]
    return safe, notes


def write_insight_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    kind: str,
    *,
    synthetic: bool = False,
    metadata: Mapping[str, str] | None = None,
    base: DisclosurePolicy | None = None,
) -> Path:
    """Write an insight table as CSV or XLSX, disclosure-controlled for its ``kind``."""
    policy = insight_policy(kind, base)
    out = frame.copy()
    info = dict(metadata or {})
    if KINDS[kind][2]:
        out["ecological_note"] = ECOLOGICAL_NOTE
        info.setdefault("ecological", ECOLOGICAL_NOTE)
    return write_table(out, path, metadata=info, synthetic=synthetic, policy=policy)
