"""Typed reads from a pack's YAML that collect problems instead of stopping at the first.

Each read names the field by its path (``items[3].indicators``) and the line it was written
on, so the problem table points a pack author at the exact place to fix.

>>> from healthgap.assessment.pack_yaml import read_yaml_text
>>> reader = PackReader("p.yaml")
>>> data = read_yaml_text("id: Bad Id\\nname: {text: Hello, reconstructed: maybe}\\n", "p.yaml")
>>> reader.ident(data, "id", "id"), reader.wording(data, "name", "name")
(None, None)
>>> [(p.row, p.rule) for p in reader.problems]
[(1, 'bad_id'), (2, 'bad_wording')]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from healthgap.assessment.model import Wording
from healthgap.errors import Problem

__all__ = ["PackReader"]

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class PackReader:
    """Collects :class:`~healthgap.errors.Problem` records for one pack file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    @staticmethod
    def line(container: Any, key: Any) -> int | None:
        """Line of ``key`` in a line-aware mapping or list (``None`` for plain data)."""
        finder = getattr(container, "line_of", None)
        return finder(key) if finder is not None else None

    def problem(self, container: Any, key: Any, field: str, rule: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.line(container, key), field, rule, message))

    def problem_at(self, line: int | None, field: str, rule: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, field, rule, message))

    def mapping(self, value: Any, field: str, line: int | None) -> Mapping[str, Any] | None:
        if value is None:
            self.problem_at(line, field, "missing_field", f"the pack needs {field!r}")
            return None
        if not isinstance(value, Mapping):
            self.problem_at(line, field, "not_a_mapping", f"{field!r} must be a mapping of keys")
            return None
        return value

    def listing(self, value: Any, field: str, line: int | None) -> Any:
        if value is None:
            self.problem_at(line, field, "missing_field", f"the pack needs {field!r}")
            return None
        if not isinstance(value, list):
            self.problem_at(line, field, "not_a_list", f"{field!r} must be a list")
            return None
        return value

    def unknown_keys(
        self, mapping: Mapping[str, Any], allowed: Collection[str], prefix: str
    ) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(
                    mapping,
                    key,
                    f"{prefix}{key}",
                    "unknown_field",
                    f"{key!r} is not a field here (allowed: {', '.join(sorted(allowed))})",
                )

    def repeated_keys(self, mapping: Mapping[str, Any], prefix: str) -> None:
        for key, line in getattr(mapping, "repeated_keys", []):
            self.problem_at(
                line,
                f"{prefix}{key}",
                "duplicate_key",
                f"{key!r} is written twice in the same block; only one is kept",
            )

    def text(
        self, mapping: Mapping[str, Any], key: str, field: str, required: bool = True
    ) -> str | None:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(mapping, key, field, "missing_field", f"{field!r} is required")
            return None
        if not isinstance(value, str | int | float):
            self.problem(mapping, key, field, "not_text", f"{field!r} must be text")
            return None
        return str(value).strip()

    def ident(self, mapping: Mapping[str, Any], key: str, field: str) -> str | None:
        value = self.text(mapping, key, field)
        if value is None:
            return None
        if not _ID.match(value):
            self.problem(
                mapping,
                key,
                field,
                "bad_id",
                f"{value!r} is not a valid id: use lower-case letters, digits and _, "
                "starting with a letter",
            )
            return None
        return value

    def wording(
        self, mapping: Mapping[str, Any], key: str, field: str, required: bool = True
    ) -> Wording | None:
        """Text, either plain (from the source) or ``{text, reconstructed, note}``."""
        value = mapping.get(key)
        if value is None:
            if required:
                self.problem(mapping, key, field, "missing_field", f"{field!r} is required")
            return None
        if isinstance(value, str):
            if not value.strip():
                self.problem(mapping, key, field, "missing_field", f"{field!r} is empty")
                return None
            return Wording(" ".join(value.split()))
        if isinstance(value, Mapping):
            text = value.get("text")
            flag = value.get("reconstructed", False)
            extra = set(value) - {"text", "reconstructed", "note"}
            if not isinstance(text, str) or not text.strip() or not isinstance(flag, bool) or extra:
                self.problem(
                    mapping,
                    key,
                    field,
                    "bad_wording",
                    "wording is text, or a mapping with 'text', 'reconstructed' "
                    "(true or false) and an optional 'note'",
                )
                return None
            return Wording(
                " ".join(text.split()), flag, " ".join(str(value.get("note", "")).split())
            )
        self.problem(mapping, key, field, "bad_wording", f"{field!r} must be text")
        return None

    def id_list(
        self, mapping: Mapping[str, Any], key: str, field: str, report: bool = True
    ) -> list[str]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            if report:
                self.problem(mapping, key, field, "not_a_list", f"{field!r} must be a list of ids")
            return []
        return [str(v) for v in value]
