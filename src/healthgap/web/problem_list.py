"""The Data page's list of file problems: grouped by rule, filtered by rule, paged.

A national upload can break a rule on thousands of rows; the page shows how many problems of
each kind there are (:func:`~healthgap.web.problem_words.rule_title` names each kind) and
:data:`PAGE_SIZE` rows at a time, so it stays small however many there are.

>>> from healthgap.errors import Problem
>>> rows = [Problem("deaths.csv", r, "deaths", "negative_count", "is -1") for r in range(2, 80)]
>>> page = problem_page(ImportOutcome(problems=rows), "job1", page=2)
>>> page["groups"][0]["title"], page["groups"][0]["count"], len(page["rows"]), page["pages"]
('Counts below zero', 78, 28, 2)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from healthgap.analyses import problems_left_out as left_out
from healthgap.errors import Problem
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.web.problem_words import rule_title

__all__ = ["PAGE_SIZE", "ImportOutcome", "problem_page"]

PAGE_SIZE = 50


@dataclass(frozen=True)
class ImportOutcome:
    """What an upload came to: the tables imported (with notes), or every problem found."""

    problems: list[Problem] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_bundle(self, source: str) -> ResultBundle:
        """The outcome as a job's result (kept in a folder, read by any server process).

        >>> lost = ImportOutcome([Problem("a.csv", None, "x", "missing_column", "no x")])
        >>> ImportOutcome.of_bundle(lost.as_bundle("ws")) == lost
        True
        """
        frame = pd.DataFrame(
            [(p.file, p.row, p.column, p.rule, p.message) for p in self.problems],
            columns=list(_PROBLEM_COLUMNS),
        ).astype({"row": "Int64", "column": "string"})
        return ResultBundle(
            question="check and import uploaded files",
            provenance=Provenance(source),
            tables={"problems": Table(frame, "problems found in the uploaded files")},
            summary={"imported": list(self.imported), "notes": list(self.notes)},
        )

    @classmethod
    def of_bundle(cls, bundle: ResultBundle) -> ImportOutcome:
        frame = bundle.table("problems")
        problems = [
            Problem(
                str(file),
                None if pd.isna(row) else int(row),
                None if pd.isna(column) else str(column),
                str(rule),
                str(message),
            )  # fmt: skip
            for file, row, column, rule, message in frame[list(_PROBLEM_COLUMNS)].itertuples(
                index=False
            )
        ]
        summary = bundle.summary
        return cls(problems, list(summary.get("imported", [])), list(summary.get("notes", [])))


_PROBLEM_COLUMNS = ("file", "row", "column", "rule", "message")


def problem_page(
    outcome: ImportOutcome, job_id: str = "", rule: str = "", page: int = 1
) -> dict[str, Any]:
    """The template context of one page of ``outcome``'s problems (of ``rule``, or all)."""
    # A file's problems of one rule are listed up to a cap, then counted in one line.
    counts: Counter[str] = Counter()
    for problem in outcome.problems:
        counts[problem.rule] += left_out(problem) or 1
    groups = [
        {"rule": key, "title": rule_title(key), "count": n} for key, n in counts.most_common()
    ]
    chosen = [p for p in outcome.problems if not rule or p.rule == rule]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return {
        "outcome": outcome,
        "job_id": job_id,
        "groups": groups,
        "rule": rule if rule in counts else "",
        "rule_name": rule_title(rule) if rule in counts else "",
        "rows": [_in_words(p) for p in chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]],
        "first": (page - 1) * PAGE_SIZE + 1,
        "page": page,
        "pages": pages,
        "total": counts.total(),
        "files": len({p.file for p in outcome.problems}),
    }


def _in_words(problem: Problem) -> Problem:
    """A counting line said in words (its message names the rule's key).

    >>> _in_words(Problem("a.csv", None, "x", "non_numeric", "and 2,900 more problems of rule "
    ...                   "non_numeric")).message
    '2,900 more like these, not listed'
    """
    count = left_out(problem)
    return replace(problem, message=f"{count:,} more like these, not listed") if count else problem
