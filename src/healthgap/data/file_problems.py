"""Collect every problem found in one user file, each naming the spreadsheet row it came from,
with a cap per rule so that a file with millions of bad cells gives a short, complete answer.

>>> rows = pd.Series([2, 3, 4])
>>> found = FileProblems("p.csv")
>>> found.add_rows(rows, pd.Series([False, True, True]), "deaths", "non_numeric", "not a number")
>>> [(p.row, p.rule) for p in found.items]
[(3, 'non_numeric'), (4, 'non_numeric')]
>>> capped = cap_problems([Problem("f", r, "n", "non_numeric", "x") for r in range(2, 7)], 2)
>>> [p.row for p in capped], capped[-1].message
([2, 3, None], 'and 3 more problems of rule non_numeric')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem

__all__ = ["DEFAULT_PROBLEMS_PER_RULE", "FileProblems", "cap_problems", "left_out"]

#: Problems listed per rule and file when no limit is given.
DEFAULT_PROBLEMS_PER_RULE = 100


_COUNT_LINE = re.compile(r"^and ([\d,]+) more problems of rule (\w+)$")


def _more(file: str, column: str | None, rule: str, count: int) -> Problem:
    return Problem(file, None, column, rule, f"and {count:,} more problems of rule {rule}")


def left_out(problem: Problem) -> int:
    """How many problems a counting line of :func:`cap_problems` stands for (0 for an
    ordinary problem).

    >>> left_out(_more("a.csv", "x", "non_numeric", 2900)), left_out(Problem("a", 2, "x", "r", "m"))
    (2900, 0)
    """
    match = _COUNT_LINE.match(problem.message) if problem.row is None else None
    return int(match.group(1).replace(",", "")) if match and match.group(2) == problem.rule else 0


def cap_problems(problems: Iterable[Problem], per_rule: int) -> list[Problem]:
    """At most ``per_rule`` problems per file and rule, in order, then one line per file and
    rule counting the ones left out. Lines that already count left-out problems are merged."""
    kept: list[Problem] = []
    shown: Counter[tuple[str, str]] = Counter()
    hidden: dict[tuple[str, str], list] = {}
    for problem in problems:
        key = (problem.file, problem.rule)
        count = left_out(problem)
        if count:
            hidden.setdefault(key, [problem.column, 0])[1] += count
        elif shown[key] < per_rule:
            shown[key] += 1
            kept.append(problem)
        else:
            entry = hidden.setdefault(key, [problem.column, 0])
            entry[1] += 1
            if entry[0] != problem.column:
                entry[0] = None
    kept += [_more(file, column, rule, n) for (file, rule), (column, n) in hidden.items() if n]
    return kept


class FileProblems:
    """Problems of one file (``source``), raised together so the user sees all of them.

    At most ``per_rule`` problems of each rule are kept; the others are only counted.
    """

    def __init__(self, source: str, per_rule: int = DEFAULT_PROBLEMS_PER_RULE) -> None:
        self.source = source
        self.per_rule = per_rule
        self.items: list[Problem] = []
        self._shown: Counter[str] = Counter()
        self._hidden: Counter[str] = Counter()
        self._hidden_column: dict[str, str | None] = {}
        self.bad_labels: set = set()  # index labels of the rows with a problem

    def _room(self, rule: str, wanted: int, column: str | None) -> int:
        room = max(0, min(wanted, self.per_rule - self._shown[rule]))
        if wanted > room:
            self._hidden[rule] += wanted - room
            previous = self._hidden_column.setdefault(rule, column)
            if previous != column:
                self._hidden_column[rule] = None
        self._shown[rule] += room
        return room

    def add(self, row: int | None, column: str | None, rule: str, message: str) -> None:
        """Record one problem."""
        if self._room(rule, 1, column):
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
        one text for all, or a Series with a text per row. The labels are remembered in
        :attr:`bad_labels` so later whole-file checks can leave those rows out.
        """
        mask = mask.fillna(False).astype(bool)
        labels = mask.index[mask.to_numpy()]
        if labels.empty:
            return
        self.bad_labels.update(labels.tolist())
        room = self._room(rule, len(labels), column)
        hits = rows.loc[labels[:room]].to_numpy()
        texts = message.loc[labels[:room]] if isinstance(message, pd.Series) else None
        for i, row in enumerate(hits):
            text = str(texts.iloc[i]) if texts is not None else str(message)
            self.items.append(Problem(self.source, int(row), column, rule, text))

    def add_positions(
        self,
        rows: np.ndarray,
        positions: np.ndarray,
        column: str | None | Callable[[int], str],
        rule: str,
        texts: Callable[[int], str],
    ) -> None:
        """One problem per position ``i`` (row ``rows[i]``) with message ``texts(i)``;
        ``column`` may also be a function of ``i``."""
        room = self._room(rule, len(positions), None if callable(column) else column)
        for i in positions[:room]:
            where = column(i) if callable(column) else column
            self.items.append(Problem(self.source, int(rows[i]), where, rule, texts(i)))

    @property
    def all(self) -> list[Problem]:
        """Every problem kept, then one line per rule counting those left out."""
        more = [
            _more(self.source, self._hidden_column.get(rule), rule, n)
            for rule, n in self._hidden.items()
        ]
        return [*self.items, *more]

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every problem recorded so far, if there are any."""
        if self.items:
            raise InputError(self.all)
