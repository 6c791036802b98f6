"""Reading one field at a time from a campaign mapping, collecting every problem found.

:class:`FieldReader` gives typed values back and records a
:class:`~healthgap.errors.Problem` (naming the field and the rule) for each bad one, so that a
campaign form or file is checked in full before anything is saved.

>>> reader = FieldReader({"title": "", "weeks": [1, "x"]}, "campaign.yaml")
>>> reader.text("title", min_length=3, max_length=120)
''
>>> reader.integer_list("weeks", minimum=1, maximum=52)
[1]
>>> [(p.column, p.rule) for p in reader.problems]
[('title', 'required'), ('weeks[1]', 'not_a_whole_number')]
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from healthgap.engage.pledge_text import clean_text, text_length
from healthgap.errors import Problem

__all__ = ["FieldReader", "normalised_email"]

E = TypeVar("E", bound=enum.Enum)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GSS = re.compile(r"^[A-Z]\d{8}$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SAFE_PATH = re.compile(r"^(?:/[A-Za-z0-9._/-]+|https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._/%-]*)?)$")


def normalised_email(value: str) -> str | None:
    """The address in normal form (domain lower-cased, IDNA checked), or ``None`` if it is not
    a valid address. No network look-up is made.

    >>> normalised_email("Ann.Smith@Example.ORG"), normalised_email("not an email")
    ('Ann.Smith@example.org', None)
    """
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


class FieldReader:
    """Typed access to ``data`` with problems collected in :attr:`problems`."""

    def __init__(self, data: Mapping[str, Any], source: str, prefix: str = "") -> None:
        self.data = data if isinstance(data, Mapping) else {}
        self.source = source
        self.prefix = prefix
        self.problems: list[Problem] = []
        if not isinstance(data, Mapping):
            self.problem("", "not_a_mapping", "expected a set of named fields")

    def nested(self, data: Any, prefix: str) -> FieldReader:
        """A reader of ``data`` whose problems go to this reader, named ``prefix.field``."""
        child = FieldReader(data if isinstance(data, Mapping) else {}, self.source, prefix)
        child.problems = self.problems
        if not isinstance(data, Mapping):
            child.problem("", "not_a_mapping", "expected a set of named fields")
        return child

    def problem(self, name: str, rule: str, message: str) -> None:
        column = ".".join(part for part in (self.prefix, name) if part) or None
        self.problems.append(Problem(self.source, None, column, rule, message))

    def _raw(self, name: str) -> Any:
        value = self.data.get(name)
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, name: str, *, min_length: int, max_length: int, required: bool = True) -> str:
        value = clean_text(self._raw(name))
        if not value:
            if required:
                self.problem(name, "required", "this is required")
            return ""
        length = text_length(value)
        if length < min_length or length > max_length:
            self.problem(
                name,
                "bad_length",
                f"use {min_length} to {max_length} characters (this has {length})",
            )
        return value

    def slug(self, name: str) -> str:
        value = clean_text(self._raw(name))
        if not value:
            self.problem(name, "required", "this is required")
        elif not _SLUG.match(value) or len(value) > 60:
            self.problem(
                name, "bad_slug", "use up to 60 lower-case letters, digits and single hyphens"
            )
        return value

    def day(self, name: str) -> date:
        value = self._raw(name)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            rule = "required" if value is None else "bad_date"
            self.problem(name, rule, "give a date as YYYY-MM-DD")
            return date.min

    def gss_code(self, name: str, prefixes: Mapping[str, str]) -> str:
        value = clean_text(self._raw(name)).upper()
        if not _GSS.match(value):
            self.problem(name, "bad_gss_code", "give an ONS area code: a letter and 8 digits")
        elif value[:3] not in prefixes:
            kinds = ", ".join(f"{k} ({v})" for k, v in prefixes.items())
            self.problem(name, "unsupported_area_type", f"use an area code starting {kinds}")
        return value

    def email(self, name: str) -> str:
        value = clean_text(self._raw(name))
        if not value:
            self.problem(name, "required", "this is required")
            return ""
        normal = normalised_email(value)
        if normal is None:
            self.problem(name, "bad_email", f"{value!r} is not a valid email address")
            return value
        return normal

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        self.problem(name, "not_true_or_false", "use true or false")
        return default

    def choice(self, name: str, kind: type[E], *, default: E | None = None) -> E | None:
        value = self._raw(name)
        if value is None:
            if default is None:
                self.problem(name, "required", "this is required")
            return default
        try:
            return kind(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(str(k.value) for k in kind)
            self.problem(name, "unknown_choice", f"{value!r} is not one of {allowed}")
            return default

    def _list(self, name: str) -> list[Any] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, Iterable):
            self.problem(name, "not_a_list", "expected a list")
            return None
        return list(value)

    def items(self, name: str) -> list[Any]:
        return self._list(name) or []

    def choice_list(
        self, name: str, kind: type[E], *, required: bool = False, default: Iterable[E] = ()
    ) -> list[E]:
        values = self._list(name)
        if not values:
            if required:
                self.problem(name, "required", "choose at least one")
            return list(default)
        chosen: list[E] = []
        for i, value in enumerate(values):
            try:
                item = kind(str(value).strip().lower())
            except ValueError:
                allowed = ", ".join(str(k.value) for k in kind)
                self.problem(f"{name}[{i}]", "unknown_choice", f"{value!r} is not one of {allowed}")
                continue
            if item in chosen:
                self.problem(f"{name}[{i}]", "duplicate", f"{value!r} is listed twice")
            else:
                chosen.append(item)
        return chosen

    def integer(
        self, name: str, *, minimum: int, maximum: int, default: int | None = None
    ) -> int | None:
        value = self.data.get(name)
        if value is None:
            if default is None:
                self.problem(name, "required", "this is required")
            return default
        return self._whole(name, value, minimum, maximum)

    def _whole(self, name: str, value: Any, minimum: int, maximum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problem(name, "not_a_whole_number", f"{value!r} is not a whole number")
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(name, "not_a_whole_number", f"{value!r} is not a whole number")
            return None
        if not minimum <= number <= maximum:
            self.problem(name, "out_of_range", f"use a number from {minimum} to {maximum}")
            return None
        return number

    def integer_list(
        self, name: str, *, minimum: int, maximum: int, default: Iterable[int] = ()
    ) -> list[int]:
        values = self._list(name)
        if values is None:
            return list(default)
        numbers = [self._whole(f"{name}[{i}]", v, minimum, maximum) for i, v in enumerate(values)]
        return [n for n in numbers if n is not None]

    def text_list(
        self, name: str, *, max_items: int, max_length: int, unique: bool = False
    ) -> tuple[str, ...]:
        values = self._list(name) or []
        if len(values) > max_items:
            self.problem(name, "too_many", f"give at most {max_items}")
        texts: list[str] = []
        for i, raw in enumerate(values[:max_items]):
            value = clean_text(raw)
            if not value:
                self.problem(f"{name}[{i}]", "required", "remove empty entries")
            elif text_length(value) > max_length:
                self.problem(f"{name}[{i}]", "bad_length", f"use at most {max_length} characters")
            elif unique and value.casefold() in {t.casefold() for t in texts}:
                self.problem(f"{name}[{i}]", "duplicate", f"{value!r} is listed twice")
            else:
                texts.append(value)
        return tuple(texts)

    def path_list(self, name: str, *, max_items: int) -> tuple[str, ...]:
        paths = self.text_list(name, max_items=max_items, max_length=300)
        for i, path in enumerate(paths):
            if not _SAFE_PATH.match(path) or ".." in path:
                self.problem(
                    f"{name}[{i}]",
                    "bad_logo_path",
                    "use a site path starting / or an https:// address, without '..'",
                )
        return paths

    def colour(self, name: str, *, default: str) -> str | None:
        value = clean_text(self._raw(name)) or default
        if not _COLOUR.match(value):
            self.problem(name, "bad_colour", "give a colour as #RRGGBB")
            return None
        return value.upper()

    def reject_unknown(self, known: set[str]) -> None:
        for name in sorted(set(self.data) - known):
            self.problem(str(name), "unknown_field", "this field is not part of a campaign")
