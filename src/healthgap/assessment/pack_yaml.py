"""Read YAML keeping the line of every mapping key and list entry, for problem tables.

PyYAML's safe loader is used unchanged except that mappings and lists remember where they
were written, and a key written twice in one mapping is recorded (plain PyYAML silently
keeps the last one, which would hide a duplicated item).

>>> data = read_yaml_text("a: 1\\nitems:\\n  - id: x\\n  - id: y\\n", "pack.yaml")
>>> data.key_lines["items"], data["items"].item_lines
(2, [3, 4])
>>> to_plain(data)
{'a': 1, 'items': [{'id': 'x'}, {'id': 'y'}]}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from healthgap.errors import InputError, Problem

__all__ = ["LineList", "LineMap", "read_yaml_text", "to_plain"]


class LineMap(dict):
    """A mapping with the line of itself (``line``) and of each key (``key_lines``)."""

    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.repeated_keys: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int | None:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list with the line of itself (``line``) and of each entry (``item_lines``)."""

    line: int | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    out = LineMap()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in out:
            out.repeated_keys.append((key, line))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an :class:`InputError` naming the line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            [Problem(source, line, None, "yaml_syntax", f"not valid YAML: {reason}")]
        ) from exc


def to_plain(value: Any) -> Any:
    """Plain dicts, lists, strings and numbers (dates as ISO text): JSON-safe content."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
