"""Checks shared by the MECC tests (use cases, CLI, web): the disclosure rule written out by
hand, and the day the SYNTHETIC demo is loaded on in tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

#: The day the demo is loaded on: its year is 2024-04-01 to 2025-03-30, the generator's default.
MECC_TODAY = date(2025, 3, 31)
DEMO_START, DEMO_END = date(2024, 4, 1), date(2025, 3, 30)
#: Columns that hold counts of people or events in the MECC tables.
COUNTS = (
    "conversations",
    "conversations_trained",
    "staff_recording",
    "staff_trained",
    "received",
    "attributed",
    "mecc_made",
    "n_pairs",
    "numerator",
)


def by_hand(counts: pd.Series) -> pd.Series:
    """The disclosure rule written out: 1-7 suppressed, the rest to the nearest 5."""
    values = counts.astype(float)
    rounded = np.floor(values / 5 + 0.5) * 5
    return rounded.where(~values.between(1, 7), np.nan)


def assert_controlled(frame: pd.DataFrame, where: str) -> None:
    """No count of 1-7 and every count a multiple of 5 (FTE days of sickness absence are
    not counts of people and are left alone)."""
    for column in [c for c in COUNTS if c in frame.columns]:
        values = frame[column]
        if column == "numerator" and "metric" in frame.columns:
            values = values[frame["metric"] != "sickness_absence_rate"]
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        assert not numbers.between(1, 7).any(), (where, column)
        assert (numbers % 5 == 0).all(), (where, column, numbers[numbers % 5 != 0].head())
