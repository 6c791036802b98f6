"""Collect every problem found in one user file, each naming the spreadsheet row it came from.

>>> rows = pd.Series([2, 3, 4])
>>> found = FileProblems("p.csv")
>>> found.add_rows(rows, pd.Series([False, True, True]), "deaths", "non_numeric", "not a number")
>>> [(p.row, p.rule) for p in found.items]
[(3, 'non_numeric'), (4, 'non_numeric')]
"""

from __future__ import annotations

import pandas as pd

from healthgap.errors import InputError, Problem

__all__ = ["FileProblems"]


class FileProblems:
    """Problems of one file (``source``), raised together so the user sees all of them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str | None, rule: str, message: str) -> None:
        """Record one problem."""
        self.items.append(Problem(self.source, row, column, rule, message))

    def add_rows(
        self,
        rows: pd.Series,
        mask: pd.Series,
        column: str,
        rule: str,
        message: str | pd.Series,
    ) -> None:
        """One problem per True entry of ``mask``.

        ``rows`` gives the spreadsheet row of each index label of ``mask``; ``message`` is
        one text for all, or a Series with a text per row.
        """
        hits = rows.loc[mask[mask].index].tolist()
        texts = message[mask] if isinstance(message, pd.Series) else None
        for i, row in enumerate(hits):
            text = str(texts.iloc[i]) if texts is not None else str(message)
            self.items.append(Problem(self.source, int(row), column, rule, text))

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every problem recorded so far, if there are any."""
        if self.items:
            raise InputError(self.items)
