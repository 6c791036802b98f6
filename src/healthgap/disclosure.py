"""Statistical disclosure control shared by the core and every output path.

One :class:`DisclosurePolicy` says which small counts are suppressed, how the others are
rounded and when a rate is withheld or flagged. It lives outside ``healthgap.reports`` so that
core domains (for example the MECC dashboards in ``healthgap.engage``) apply the very same
rule that the report writers apply; ``healthgap.reports.tables`` re-exports it.

>>> frame = pd.DataFrame({"team": ["A", "B"], "conversations": [3, 42]})
>>> policy = DisclosurePolicy().for_columns(counts=("conversations",))
>>> safe, _ = policy.apply(frame)
>>> safe["conversations"].tolist()
[nan, 40.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

__all__ = ["DisclosurePolicy"]


@dataclass(frozen=True)
class DisclosurePolicy:
    """Statistical disclosure control for anything published (ecosystem.md section 2.5).

    Defaults: counts of 1-7 suppressed, other counts rounded to the nearest 5 (NHS
    Digital HES practice), no rate on fewer than 10 events and rates on fewer than 20
    flagged ``u`` (ONS). ``count_columns`` are the event counts controlled; denominators
    (person-years) are not disclosive and are left alone. ``rate_count_column`` holds
    the events behind a rate (e.g. ``total_count`` of a DSR); the rate rules apply only
    to tables that have it.
    """

    suppress_from: int = 1
    suppress_to: int = 7
    rounding_base: int = 5
    rate_min_events: int = 10
    flag_below: int = 20
    count_columns: tuple[str, ...] = ("count", "deaths", "deaths_used", "total_count", "observed")
    rate_count_column: str = "total_count"

    @property
    def note(self) -> str:
        """The sentence shown in every output's metadata."""
        return (
            f"Disclosure control: counts of {self.suppress_from}-{self.suppress_to} are "
            f"suppressed and other counts rounded to the nearest {self.rounding_base}; rates "
            f"on fewer than {self.rate_min_events} events are not shown and rates on fewer "
            f"than {self.flag_below} are flagged 'u' (unreliable)."
        )

    def for_columns(
        self, *, counts: Sequence[str], rate_count: str | None = None
    ) -> DisclosurePolicy:
        """The same thresholds applied to other columns: ``counts`` are the event counts to
        suppress and round; ``rate_count`` (if any) holds the events behind ``value``."""
        return replace(
            self,
            count_columns=tuple(counts),
            rate_count_column=rate_count if rate_count is not None else "",
        )

    def apply(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        """A controlled copy of ``frame`` with a ``disclosure_note`` column, and the notes.

        Notes already in ``disclosure_note`` (a table controlled earlier, e.g. by a core
        function, then by a report writer) are kept; applying a policy twice changes
        nothing more, because suppressed counts are empty and rounded ones stay rounded.

        >>> policy = DisclosurePolicy().for_columns(counts=("conversations",))
        >>> once, _ = policy.apply(pd.DataFrame({"conversations": [3, 42]}))
        >>> twice, _ = policy.apply(once)
        >>> twice.equals(once), twice["disclosure_note"].tolist()
        (True, ['conversations suppressed (1-7)', 'conversations rounded to nearest 5'])
        """
        out = frame.copy()
        row_notes = np.full(len(out), "", dtype=object)
        if "disclosure_note" in out.columns:
            row_notes = out["disclosure_note"].fillna("").astype(str).to_numpy(dtype=object)
        value_columns = [c for c in out.columns if c == "value" or c.startswith(("lower", "upper"))]
        if self.rate_count_column and self.rate_count_column in out.columns:
            events = pd.to_numeric(out[self.rate_count_column], errors="coerce").to_numpy()
            withheld = events < self.rate_min_events
            out.loc[withheld, value_columns] = np.nan
            row_notes = _add(row_notes, withheld, f"rate not shown (< {self.rate_min_events})")
            flagged = ~withheld & (events < self.flag_below)
            out["value_flag"] = np.where(flagged, "u", "")
            row_notes = _add(row_notes, flagged, f"u: rate on fewer than {self.flag_below} events")
        for column in [c for c in self.count_columns if c in out.columns]:
            counts = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
            small = (counts >= self.suppress_from) & (counts <= self.suppress_to)
            rounded = np.floor(counts / self.rounding_base + 0.5) * self.rounding_base
            changed = ~small & np.isfinite(counts) & (rounded != counts)
            out[column] = np.where(small, np.nan, rounded)
            row_notes = _add(
                row_notes, small, f"{column} suppressed ({self.suppress_from}-{self.suppress_to})"
            )
            row_notes = _add(
                row_notes, changed, f"{column} rounded to nearest {self.rounding_base}"
            )
        out["disclosure_note"] = row_notes
        return out, [self.note]


def _add(notes: np.ndarray, mask: np.ndarray, text: str) -> np.ndarray:
    """Append ``text`` to the notes of the rows in ``mask`` (joined with '; ')."""
    joined = np.where(notes == "", text, notes + "; " + text)
    return np.where(mask, joined, notes)
