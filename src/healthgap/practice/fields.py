"""Reading one record field by field while collecting every problem, each naming where it is.

Case studies and research entries arrive from YAML content, web forms, CSV rows and reference
files. :class:`FieldReader` turns a raw mapping into clean values (plain text, dates, enums,
lists) and records a :class:`~healthgap.errors.Problem` for each broken rule instead of stopping
at the first, so a contributor sees the whole list at once.

>>> reader = FieldReader({"title": "<b>Quit</b> clinic", "year": "20x7"}, file="refs.csv", row=4)
>>> reader.line("title", required=True)
'Quit clinic'
>>> reader.integer("year", required=True, low=1800, high=2100) is None
True
>>> [str(p) for p in reader.problems]
["refs.csv, row 4, column 'year': [not_an_integer] '20x7' is not a whole number"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from healthgap.errors import Problem
from healthgap.practice.text import one_line, plain_text

__all__ = ["FieldReader", "GSS_CODE"]

#: ONS GSS code: a letter and 8 digits (the same form as ``healthgap.data.validate``).
GSS_CODE = re.compile(r"^[A-Z]\d{8}$")

T = TypeVar("T")

MAX_LINE = 300
MAX_TEXT = 8000


class FieldReader:
    """Reads fields from ``raw``; every problem goes to :attr:`problems` with file, row, field."""

    def __init__(
        self, raw: Mapping[str, Any], *, file: str, row: int | None = None, prefix: str = ""
    ) -> None:
        self.raw = raw
        self.file = file
        self.row = row
        self.prefix = prefix
        self.problems: list[Problem] = []

    def problem(self, field: str, rule: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.row, self.prefix + field, rule, message))

    def nested(self, field: str) -> FieldReader:
        """A reader for a sub-mapping that reports into the same problem list."""
        value = self.raw.get(field)
        if value is not None and not isinstance(value, Mapping):
            self.problem(field, "not_a_mapping", "should be a set of named fields")
            value = None
        child = FieldReader(
            value or {}, file=self.file, row=self.row, prefix=f"{self.prefix}{field}."
        )
        child.problems = self.problems
        return child

    def _present(self, field: str, required: bool) -> Any:
        value = self.raw.get(field)
        empty = value is None or (isinstance(value, str) and not value.strip())
        empty = empty or (isinstance(value, list | tuple) and not value)
        if empty:
            if required:
                self.problem(field, "missing_field", f"the field {field!r} is required")
            return None
        return value

    def text(self, field: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        """Plain text, paragraphs kept (markup removed); ``""`` when absent."""
        value = self._present(field, required)
        if value is None:
            return ""
        text = plain_text(value)
        if required and not text:
            self.problem(
                field, "missing_field", f"the field {field!r} has no text once markup is removed"
            )
        if len(text) > max_length:
            self.problem(field, "too_long", f"{len(text)} characters; at most {max_length}")
        return text

    def line(self, field: str, *, required: bool = False, max_length: int = MAX_LINE) -> str:
        """One line of plain text; ``""`` when absent."""
        value = self._present(field, required)
        if value is None:
            return ""
        text = one_line(value)
        if required and not text:
            self.problem(
                field, "missing_field", f"the field {field!r} has no text once markup is removed"
            )
        if len(text) > max_length:
            self.problem(field, "too_long", f"{len(text)} characters; at most {max_length}")
        return text

    def lines(
        self,
        field: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        rule: str = "bad_value",
        max_length: int = MAX_LINE,
    ) -> tuple[str, ...]:
        """One-line texts from a YAML list, or one string split on ``;``; repeats dropped."""
        value = self._present(field, required)
        if value is None:
            return ()
        items = value if isinstance(value, list | tuple) else str(value).split(";")
        out: list[str] = []
        refused = False
        for item in items:
            text = one_line(item)
            if not text or text in out:
                continue
            if pattern is not None and not pattern.match(text):
                self.problem(field, rule, f"{text!r} does not have the form {pattern.pattern}")
                refused = True
            elif len(text) > max_length:
                self.problem(field, "too_long", f"an item has {len(text)} characters")
                refused = True
            else:
                out.append(text)
        if required and not out and not refused:
            self.problem(field, "missing_field", f"the field {field!r} needs at least one value")
        return tuple(out)

    def choice(
        self,
        field: str,
        parse: Callable[[str], T],
        *,
        required: bool = False,
        default: T | None = None,
    ) -> T | None:
        """A value read by ``parse`` (an enum's ``parse`` or constructor); ``default`` if absent."""
        value = self._present(field, required)
        if value is None:
            return default
        if not isinstance(value, str) and hasattr(value, "value"):
            value = value.value
        try:
            return parse(str(value).strip())
        except ValueError as exc:
            self.problem(field, "unknown_value", str(exc))
            return default

    def choices(
        self, field: str, parse: Callable[[str], T], *, required: bool = False
    ) -> tuple[T, ...]:
        out: list[T] = []
        for text in self.lines(field, required=required):
            try:
                item = parse(text)
            except ValueError as exc:
                self.problem(field, "unknown_value", str(exc))
                continue
            if item not in out:
                out.append(item)
        return tuple(out)

    def day(self, field: str, *, required: bool = False) -> date | None:
        """A calendar date (``YYYY-MM-DD``)."""
        value = self._present(field, required)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.problem(field, "not_a_date", f"{value!r} is not a date written YYYY-MM-DD")
            return None

    def integer(
        self, field: str, *, required: bool = False, low: int | None = None, high: int | None = None
    ) -> int | None:
        value = self._present(field, required)
        if value is None:
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            self.problem(field, "not_an_integer", f"{value!r} is not a whole number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(field, "out_of_range", f"{number} is outside {low}–{high}")
            return None
        return number

    def number(self, field: str, *, required: bool = False) -> float | None:
        value = self._present(field, required)
        if value is None:
            return None
        try:
            return float(str(value).strip())
        except ValueError:
            self.problem(field, "not_a_number", f"{value!r} is not a number")
            return None

    def records(self, field: str) -> list[tuple[int, FieldReader]]:
        """Readers for a list of mappings (``field[0]``, ``field[1]`` ...)."""
        value = self.raw.get(field)
        if value in (None, "", [], ()):
            return []
        if not isinstance(value, list | tuple):
            self.problem(field, "not_a_list", "should be a list")
            return []
        out: list[tuple[int, FieldReader]] = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                self.problem(f"{field}[{i}]", "not_a_mapping", "should be a set of named fields")
                continue
            child = FieldReader(
                item, file=self.file, row=self.row, prefix=f"{self.prefix}{field}[{i}]."
            )
            child.problems = self.problems
            out.append((i, child))
        return out
