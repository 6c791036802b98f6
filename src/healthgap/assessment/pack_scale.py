"""Read and check the rating scale of a content pack.

Rules: levels listed lowest first with whole-number positions that strictly increase
(``levels_not_ordered``), unique keys (``duplicate_level``), a RAG band of red, amber or
green (``unknown_rag``), an optional ``#RRGGBB`` colour (``bad_colour``, default: the band's
colour), and special answers chosen from ``dont_know`` and ``not_applicable``
(``unknown_special``), whose keys no level may take (``reserved_key``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from healthgap.assessment.model import RAG_COLOURS, SPECIAL_ANSWERS, Level, Scale, SpecialAnswer
from healthgap.assessment.pack_reader import PackReader

__all__ = ["parse_scale"]

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LEVEL = {"key", "value", "label", "rag", "colour", "descriptor"}
_DEFAULT_SPECIAL = {answer.key: answer for answer in SPECIAL_ANSWERS}


def parse_scale(reader: PackReader, top: Mapping[str, Any]) -> Scale | None:
    """The pack's scale, or ``None`` (with problems recorded) when it is unusable."""
    spec = reader.mapping(top.get("scale"), "scale", reader.line(top, "scale"))
    if spec is None:
        return None
    reader.repeated_keys(spec, "scale.")
    reader.unknown_keys(spec, {"id", "name", "levels", "special"}, "scale.")
    scale_id = reader.ident(spec, "id", "scale.id")
    name = reader.wording(spec, "name", "scale.name")
    entries = reader.listing(spec.get("levels"), "scale.levels", reader.line(spec, "levels"))
    levels: list[Level] = []
    for i, entry in enumerate(entries or []):
        level = _level(reader, entries, i, entry, levels)
        if level is not None:
            levels.append(level)
    if entries is not None and len(entries) < 2:
        reader.problem(
            spec, "levels", "scale.levels", "too_few_levels", "a scale needs at least two levels"
        )
    special = _special(reader, spec)
    for level in levels:
        if level.key in _DEFAULT_SPECIAL:
            reader.problem(
                spec,
                "levels",
                "scale.levels",
                "reserved_key",
                f"level key {level.key!r} is reserved for the special answer",
            )
    if scale_id is None or name is None or len(levels) != len(entries or []) or len(levels) < 2:
        return None
    return Scale(scale_id, name, tuple(levels), tuple(special))


def _level(
    reader: PackReader, entries: Any, i: int, entry: Any, before: list[Level]
) -> Level | None:
    where = f"scale.levels[{i}]"
    spec = reader.mapping(entry, where, reader.line(entries, i))
    if spec is None:
        return None
    reader.unknown_keys(spec, _LEVEL, where + ".")
    key = reader.text(spec, "key", where + ".key")
    label = reader.wording(spec, "label", where + ".label")
    descriptor = reader.wording(spec, "descriptor", where + ".descriptor", required=False)
    value = spec.get("value")
    ok = True
    if isinstance(value, bool) or not isinstance(value, int):
        reader.problem(
            spec,
            "value",
            where + ".value",
            "bad_level_value",
            "value must be a whole number giving the level's position",
        )
        ok = False
    elif before and value <= before[-1].value:
        reader.problem(
            spec,
            "value",
            where + ".value",
            "levels_not_ordered",
            f"list levels lowest first: {value} does not follow {before[-1].value}",
        )
        ok = False
    if key is not None and key in {lv.key for lv in before}:
        reader.problem(
            spec, "key", where + ".key", "duplicate_level", f"level key {key!r} is used twice"
        )
        ok = False
    rag = str(spec.get("rag", ""))
    if rag not in RAG_COLOURS:
        reader.problem(
            spec,
            "rag",
            where + ".rag",
            "unknown_rag",
            f"rag must be one of {', '.join(RAG_COLOURS)}, not {rag!r}",
        )
        ok = False
    colour = str(spec.get("colour", RAG_COLOURS.get(rag, "#000000")))
    if not _COLOUR.match(colour):
        reader.problem(
            spec,
            "colour",
            where + ".colour",
            "bad_colour",
            f"colour must be #RRGGBB, not {colour!r}",
        )
        ok = False
    if not ok or key is None or label is None:
        return None
    return Level(key, int(value), label, rag, colour.upper(), descriptor)


def _special(reader: PackReader, spec: Mapping[str, Any]) -> list[SpecialAnswer]:
    """Special answers: default both; a list of keys, or a mapping of key to label."""
    chosen = spec.get("special")
    if chosen is None:
        return list(SPECIAL_ANSWERS)
    out: list[SpecialAnswer] = []
    labels = chosen if isinstance(chosen, Mapping) else None
    keys = list(chosen) if isinstance(chosen, list | Mapping) else []
    if not keys and chosen:
        reader.problem(
            spec,
            "special",
            "scale.special",
            "not_a_list",
            "special must list dont_know and/or not_applicable",
        )
    for key in keys:
        if key not in _DEFAULT_SPECIAL:
            reader.problem(
                spec,
                "special",
                "scale.special",
                "unknown_special",
                f"{key!r} is not a special answer (use dont_know, not_applicable)",
            )
            continue
        label = _DEFAULT_SPECIAL[key].label
        if labels is not None and labels[key] is not None:
            label = reader.wording(labels, key, f"scale.special.{key}") or label
        out.append(SpecialAnswer(key, label))
    return out
