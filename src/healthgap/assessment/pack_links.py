"""Read the parts of a content pack that select or link items: modes, orderings, the data
steps and the tools placed on components.

Every id they name must be an item of the pack (rule ``broken_link``); an ordering must
list every top-level item (``ordering_incomplete``); data steps are numbered 1, 2, 3 ...
(``bad_step_number``) and link only to known indicators (``unknown_indicator``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthgap.assessment.indicators import INDICATORS
from healthgap.assessment.model import DataStep, Item, Mode, Ordering, Tool, Wording
from healthgap.assessment.pack_reader import PackReader

__all__ = ["ALL_ITEMS", "parse_data_steps", "parse_modes", "parse_orderings", "parse_tools"]

#: ``items: all`` in a mode or ordering selects every item; ``items: top`` the top-level ones.
ALL_ITEMS = "all"


def _resolve_ids(
    reader: PackReader, spec: Mapping[str, Any], where: str, items: list[Item], known: set[str]
) -> tuple[str, ...]:
    """The item ids listed under ``items`` of a mode or ordering (``all`` = every item)."""
    if spec.get("items") == ALL_ITEMS:
        return tuple(item.id for item in items)
    if spec.get("items") == "top":
        return tuple(item.id for item in items if item.parent is None)
    listed = reader.id_list(spec, "items", where + ".items")
    for item_id in listed:
        if item_id not in known:
            reader.problem(
                spec,
                "items",
                where + ".items",
                "broken_link",
                f"item {item_id!r} is not in this pack",
            )
    for dup in sorted({i for i in listed if listed.count(i) > 1}):
        reader.problem(
            spec, "items", where + ".items", "duplicate_item_id", f"item {dup!r} is listed twice"
        )
    return tuple(listed)


def parse_modes(
    reader: PackReader, top: Mapping[str, Any], items: list[Item], known: set[str]
) -> tuple[list[Mode], str]:
    if "modes" not in top:
        return [Mode(ALL_ITEMS, Wording("All items"), tuple(i.id for i in items))], ALL_ITEMS
    entries = reader.listing(top.get("modes"), "modes", reader.line(top, "modes")) or []
    out: list[Mode] = []
    for i, entry in enumerate(entries):
        where = f"modes[{i}]"
        spec = reader.mapping(entry, where, reader.line(entries, i))
        if spec is None:
            continue
        reader.unknown_keys(spec, {"id", "label", "items"}, where + ".")
        mode_id = reader.ident(spec, "id", where + ".id")
        label = reader.wording(spec, "label", where + ".label")
        ids = _resolve_ids(reader, spec, where, items, known)
        if mode_id in {m.id for m in out}:
            reader.problem(spec, "id", where + ".id", "duplicate_mode", f"mode {mode_id!r} twice")
        elif mode_id and label:
            out.append(Mode(mode_id, label, ids))
    default = str(top.get("default_mode", out[0].id if out else ""))
    if out and default not in {m.id for m in out}:
        reader.problem(
            top,
            "default_mode",
            "default_mode",
            "broken_link",
            f"default_mode {default!r} is not one of the modes",
        )
    return out, default


def parse_orderings(
    reader: PackReader, top: Mapping[str, Any], items: list[Item], known: set[str]
) -> tuple[list[Ordering], str | None]:
    if "orderings" not in top:
        return [], None
    entries = reader.listing(top.get("orderings"), "orderings", reader.line(top, "orderings"))
    top_ids = {item.id for item in items if item.parent is None}
    out: list[Ordering] = []
    for i, entry in enumerate(entries or []):
        where = f"orderings[{i}]"
        spec = reader.mapping(entry, where, reader.line(entries, i))
        if spec is None:
            continue
        reader.unknown_keys(spec, {"id", "label", "items"}, where + ".")
        ordering_id = reader.ident(spec, "id", where + ".id")
        label = reader.wording(spec, "label", where + ".label")
        ids = _resolve_ids(reader, spec, where, items, known)
        missing = sorted(top_ids - set(ids))
        if missing:
            reader.problem(
                spec,
                "items",
                where + ".items",
                "ordering_incomplete",
                f"the ordering leaves out {', '.join(missing)}",
            )
        if ordering_id and label:
            out.append(Ordering(ordering_id, label, ids))
    default = top.get("default_ordering", out[0].id if out else None)
    if default is not None and default not in {o.id for o in out}:
        reader.problem(
            top,
            "default_ordering",
            "default_ordering",
            "broken_link",
            f"default_ordering {default!r} is not one of the orderings",
        )
    return out, None if default is None else str(default)


def parse_data_steps(
    reader: PackReader, top: Mapping[str, Any], item_ids: set[str]
) -> tuple[list[DataStep], list[str]]:
    if "data_steps" not in top:
        return [], []
    block = reader.mapping(top["data_steps"], "data_steps", reader.line(top, "data_steps"))
    if block is None:
        return [], []
    reader.unknown_keys(block, {"supports", "steps"}, "data_steps.")
    supports = reader.id_list(block, "supports", "data_steps.supports")
    for item_id in supports:
        if item_id not in item_ids:
            reader.problem(
                block,
                "supports",
                "data_steps.supports",
                "broken_link",
                f"item {item_id!r} is not in this pack",
            )
    entries = reader.listing(block.get("steps"), "data_steps.steps", reader.line(block, "steps"))
    out: list[DataStep] = []
    for i, entry in enumerate(entries or []):
        where = f"data_steps.steps[{i}]"
        spec = reader.mapping(entry, where, reader.line(entries, i))
        if spec is None:
            continue
        reader.unknown_keys(spec, {"number", "id", "title", "indicators"}, where + ".")
        if spec.get("number") != i + 1:
            reader.problem(
                spec,
                "number",
                where + ".number",
                "bad_step_number",
                f"steps are numbered 1, 2, 3 ... in order; expected {i + 1}",
            )
        step_id = reader.ident(spec, "id", where + ".id")
        title = reader.wording(spec, "title", where + ".title")
        indicators = reader.id_list(spec, "indicators", where + ".indicators")
        for indicator in indicators:
            if indicator not in INDICATORS:
                reader.problem(
                    spec,
                    "indicators",
                    where + ".indicators",
                    "unknown_indicator",
                    f"indicator {indicator!r} is not one healthgap provides",
                )
        if step_id and title:
            out.append(DataStep(i + 1, step_id, title, tuple(indicators)))
    return out, supports


def parse_tools(reader: PackReader, top: Mapping[str, Any], item_ids: set[str]) -> list[Tool]:
    if "tools" not in top:
        return []
    entries = reader.listing(top.get("tools"), "tools", reader.line(top, "tools"))
    out: list[Tool] = []
    for i, entry in enumerate(entries or []):
        where = f"tools[{i}]"
        spec = reader.mapping(entry, where, reader.line(entries, i))
        if spec is None:
            continue
        reader.unknown_keys(spec, {"id", "title", "component", "framework", "focus"}, where + ".")
        tool_id = reader.text(spec, "id", where + ".id")
        title = reader.wording(spec, "title", where + ".title")
        focus = reader.wording(spec, "focus", where + ".focus")
        framework = reader.ident(spec, "framework", where + ".framework")
        component = str(spec.get("component", ""))
        if component not in item_ids:
            reader.problem(
                spec,
                "component",
                where + ".component",
                "broken_link",
                f"component {component!r} is not an item of this pack",
            )
        if tool_id and title and focus and framework:
            out.append(Tool(tool_id, title, component, framework, focus))
    return out
