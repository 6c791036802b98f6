"""The one exception and warning tree of healthgap.

Every error a user can cause is an :class:`InputError`, carrying one or more
:class:`Problem` records, each naming the file, row, column and rule broken, so
that the CLI and the web app can show a table of problems instead of a traceback.

Exceptions::

    HealthgapError                 base of everything healthgap raises on purpose
    ├── InputError                 bad user data or arguments; .problems lists every one found
    ├── MethodError                a method cannot give an answer for these data (e.g. too small)
    ├── WorkspaceError             a workspace folder is missing, damaged or of another version
    ├── StorageError               the database refused a write (web app)
    │   └── ConflictError          someone else saved a newer version first (optimistic lock)
    ├── PermissionDenied           the user's role does not allow the action (web app)
    ├── ComputeError               a compute cluster cannot be reached or lost the work
    └── NotFittedError             a model was used before ``fit`` (also an AttributeError)

Warnings::

    HealthgapWarning (UserWarning)
    ├── SuppressionWarning         some values were suppressed (reason in the output rows)
    ├── BandingWarning             data do not reach the standard 20 age bands
    └── SmallNumbersWarning        results rest on small counts; pool years or areas
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

__all__ = [
    "BandingWarning",
    "ComputeError",
    "ConflictError",
    "HealthgapError",
    "HealthgapWarning",
    "InputError",
    "MethodError",
    "NotFittedError",
    "PermissionDenied",
    "Problem",
    "SmallNumbersWarning",
    "StorageError",
    "SuppressionWarning",
    "WorkspaceError",
]


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place.

    ``row`` is the 1-based data row as a spreadsheet user would count it
    (the header is row 1, so the first data row is row 2), or ``None`` when the
    problem concerns the whole file or column. ``rule`` is a short stable
    machine-readable key (e.g. ``"negative_count"``); ``message`` is the human
    sentence.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: [{self.rule}] {self.message}"


class HealthgapError(Exception):
    """Base class of every error healthgap raises on purpose."""


class InputError(HealthgapError, ValueError):
    """Bad data or arguments from the user; ``problems`` lists every problem found.

    >>> err = InputError([Problem("deaths.csv", 3, "deaths", "negative_count", "is -1")])
    >>> print(err)
    1 problem found:
      deaths.csv, row 3, column 'deaths': [negative_count] is -1
    """

    def __init__(self, problems: Iterable[Problem] | str, *, rule: str = "invalid_argument"):
        if isinstance(problems, str):
            problems = [Problem("<arguments>", None, None, rule, problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        shown = self.problems[:50]
        lines = [head, *(f"  {p}" for p in shown)]
        if n > len(shown):
            lines.append(f"  ... and {n - len(shown)} more")
        return "\n".join(lines)

    def __str__(self) -> str:  # keep one-problem errors readable in plain Python too
        return self._summary()

    def to_frame(self):  # noqa: ANN201 - pandas is imported lazily to keep this module light
        import pandas as pd

        return pd.DataFrame(
            [p.as_dict() for p in self.problems],
            columns=["file", "row", "column", "rule", "message"],
        )


class MethodError(HealthgapError):
    """A method cannot give an answer for these data (e.g. a population too small)."""


class WorkspaceError(HealthgapError):
    """A workspace folder is missing, damaged, or written by an incompatible version."""


class StorageError(HealthgapError):
    """The database refused a write; nothing was written."""


class ConflictError(StorageError):
    """A save carried a stale version: someone else saved first; nothing was written.

    ``current_version`` is the version now stored, so the interface can offer a reload.
    """

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class ComputeError(HealthgapError):
    """The Dask scheduler cannot be reached in time, or the cluster lost the work."""


class PermissionDenied(HealthgapError):  # noqa: N818 - the documented name, as in the tree
    """The signed-in user's role does not allow this action."""


class NotFittedError(HealthgapError, AttributeError):
    """A model was asked for results before ``fit`` was called on it."""


class HealthgapWarning(UserWarning):
    """Base class of healthgap's warnings, so users can filter them in one go."""


class SuppressionWarning(HealthgapWarning):
    """Some values were suppressed; the reason is in each output row."""


class BandingWarning(HealthgapWarning):
    """The data do not reach the standard 20 age bands (e.g. an 85+ open band)."""


class SmallNumbersWarning(HealthgapWarning):
    """Results rest on small counts; pool years or areas for a stable answer."""
