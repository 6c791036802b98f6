"""Read and check one content pack (a YAML file) into a :class:`FrameworkVersion`.

A pack is one version of one framework. Every problem found is reported at once, each
naming the file, the line (in the ``row`` field of :class:`~healthgap.errors.Problem`), the
field and the rule broken; a pack with any problem builds nothing. Rules include
``missing_version``, ``duplicate_item_id``, ``unknown_level``, ``broken_link`` (a mode,
ordering, parent, related item, tool component or data step naming something that does not
exist), ``unknown_indicator``, ``unknown_field`` (a misspelt key), ``duplicate_key`` and
``yaml_syntax``. Links between packs (a tool naming another framework) are checked by
:mod:`healthgap.assessment.catalogue`.

The format is described in ``docs/assessment.md``; the shipped packs in
``healthgap/assessment/content/`` are examples of every feature.

>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> hinst = shipped_catalogue().get("hinst_cbo")
>>> len(hinst.top_items()), [m.id for m in hinst.modes], hinst.default_mode
(12, ['quick', 'full'], 'quick')
>>> parse_pack_text("framework: {id: x, title: X}\\n", "mine.yaml")
Traceback (most recent call last):
...
healthgap.errors.InputError: 5 problems found:
  mine.yaml, row 1, column 'framework.version': [missing_version] ...
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from healthgap.assessment.indicators import INDICATORS
from healthgap.assessment.model import (
    FrameworkVersion,
    Item,
    Section,
    Source,
    Wording,
)
from healthgap.assessment.pack_links import (
    parse_data_steps,
    parse_modes,
    parse_orderings,
    parse_tools,
)
from healthgap.assessment.pack_reader import PackReader
from healthgap.assessment.pack_scale import parse_scale
from healthgap.assessment.pack_yaml import read_yaml_text, to_plain
from healthgap.errors import InputError

__all__ = ["PACK_FORMAT", "load_pack", "parse_pack", "parse_pack_text"]

PACK_FORMAT = "healthgap-assessment-pack/1"
_TOP = {
    "format",
    "framework",
    "scale",
    "sections",
    "items",
    "modes",
    "default_mode",
    "orderings",
    "default_ordering",
    "data_steps",
    "tools",
}
_FRAMEWORK = {"id", "title", "summary", "version", "released", "source", "reconstruction_note"}
_ITEM = {
    "id",
    "number",
    "section",
    "name",
    "prompt",
    "parent",
    "guidance",
    "evidence_prompt",
    "evidence_required",
    "indicators",
    "related",
    "descriptors",
    "attributes",
}
_PLACEHOLDERS = {"topic", "place"}


def load_pack(path: str | Path) -> FrameworkVersion:
    """Read and check the pack at ``path``; problems name ``path``'s file name and lines."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no content pack at {str(path)!r}", rule="no_pack")
    version = parse_pack_text(path.read_text(encoding="utf-8"), path.name)
    return _with_origin(version, str(path))


def parse_pack_text(text: str, source: str) -> FrameworkVersion:
    """Check YAML text as a pack; ``source`` is the file name used in problems."""
    return parse_pack(read_yaml_text(text, source), source=source)


def parse_pack(content: Any, *, source: str) -> FrameworkVersion:
    """Check pack content (from YAML, or a snapshot saved with an assessment)."""
    reader = PackReader(source)
    top = reader.mapping(content, "<pack>", 1)
    if top is None:
        raise InputError(reader.problems)
    reader.repeated_keys(top, "")
    reader.unknown_keys(top, _TOP, "")
    fmt = top.get("format", PACK_FORMAT)
    if fmt != PACK_FORMAT:
        reader.problem(
            top,
            "format",
            "format",
            "unknown_format",
            f"this healthgap reads packs of format {PACK_FORMAT!r}, not {fmt!r}",
        )
    head = _framework_head(reader, top)
    scale = parse_scale(reader, top)
    sections = _sections(reader, top)
    items, item_ids = _items(reader, top, {s.id for s in sections}, scale)
    modes, default_mode = parse_modes(reader, top, items, item_ids)
    orderings, default_ordering = parse_orderings(reader, top, items, item_ids)
    steps, supports = parse_data_steps(reader, top, item_ids)
    tools = parse_tools(reader, top, item_ids)
    if reader.problems or head is None or scale is None:
        raise InputError(reader.problems)
    return FrameworkVersion(
        **head,
        scale=scale,
        sections=tuple(sections),
        items=tuple(items),
        modes=tuple(modes),
        default_mode=default_mode,
        orderings=tuple(orderings),
        default_ordering=default_ordering,
        data_steps=tuple(steps),
        data_steps_support=tuple(supports),
        tools=tuple(tools),
        content=MappingProxyType(to_plain(top)),
    )


def _with_origin(version: FrameworkVersion, origin: str) -> FrameworkVersion:
    from dataclasses import replace

    return replace(version, origin=origin)


def _framework_head(reader: PackReader, top: Mapping[str, Any]) -> dict[str, Any] | None:
    head = reader.mapping(top.get("framework"), "framework", reader.line(top, "framework"))
    if head is None:
        return None
    reader.repeated_keys(head, "framework.")
    reader.unknown_keys(head, _FRAMEWORK, "framework.")
    framework_id = reader.ident(head, "id", "framework.id")
    title = reader.wording(head, "title", "framework.title")
    summary = reader.wording(head, "summary", "framework.summary", required=False)
    version = head.get("version")
    if version is None or not str(version).strip():
        reader.problem(
            head,
            "version",
            "framework.version",
            "missing_version",
            "the pack needs a version (e.g. version: '1.0'), so assessments made "
            "with it keep their wording when it is revised",
        )
    source_map = reader.mapping(head.get("source"), "framework.source", reader.line(head, "source"))
    source = None
    if source_map is not None:
        reader.unknown_keys(source_map, {"citation", "evidence", "note"}, "framework.source.")
        citation = reader.text(source_map, "citation", "framework.source.citation")
        tag = str(source_map.get("evidence", ""))
        if tag not in ("R", "V", "A"):
            reader.problem(
                source_map,
                "evidence",
                "framework.source.evidence",
                "bad_evidence_tag",
                f"evidence must be R (checked), V (secondary) or A (assumption), not {tag!r}",
            )
        source = Source(citation or "", tag, str(source_map.get("note", "")).strip())
    if framework_id is None or title is None or version is None or source is None:
        return None
    return {
        "framework_id": framework_id,
        "version": str(version).strip(),
        "title": title,
        "summary": summary or Wording(""),
        "source": source,
        "reconstruction_note": str(head.get("reconstruction_note", "")).strip(),
    }


def _sections(reader: PackReader, top: Mapping[str, Any]) -> list[Section]:
    entries = reader.listing(top.get("sections"), "sections", reader.line(top, "sections"))
    out: list[Section] = []
    for i, entry in enumerate(entries or []):
        where = f"sections[{i}]"
        section = reader.mapping(entry, where, reader.line(entries, i))
        if section is None:
            continue
        reader.unknown_keys(section, {"id", "title", "description"}, where + ".")
        section_id = reader.ident(section, "id", where + ".id")
        title = reader.wording(section, "title", where + ".title")
        description = reader.wording(section, "description", where + ".description", required=False)
        if section_id in {s.id for s in out}:
            reader.problem(
                section,
                "id",
                where + ".id",
                "duplicate_section_id",
                f"section id {section_id!r} is used twice",
            )
        elif section_id and title:
            out.append(Section(section_id, title, description))
    if entries is not None and not entries:
        reader.problem(top, "sections", "sections", "empty", "list at least one section")
    return out


def _items(
    reader: PackReader, top: Mapping[str, Any], section_ids: set[str], scale: Any
) -> tuple[list[Item], set[str]]:
    """The items, and every id declared (links are checked against these, so one broken
    item does not also report every link to it)."""
    entries = reader.listing(top.get("items"), "items", reader.line(top, "items"))
    raw: list[tuple[int, Mapping[str, Any], Item]] = []
    seen: dict[str, int | None] = {}
    for i, entry in enumerate(entries or []):
        where = f"items[{i}]"
        spec = reader.mapping(entry, where, reader.line(entries, i))
        if spec is None:
            continue
        reader.repeated_keys(spec, where + ".")
        reader.unknown_keys(spec, _ITEM, where + ".")
        item_id = reader.ident(spec, "id", where + ".id")
        if item_id in seen:
            reader.problem(
                spec,
                "id",
                where + ".id",
                "duplicate_item_id",
                f"item id {item_id!r} is already used on line {seen[item_id]}",
            )
            continue
        if item_id is not None:
            seen[item_id] = reader.line(spec, "id")
        item = _item(reader, spec, where, item_id, i, section_ids, scale)
        if item is not None:
            raw.append((i, spec, item))
    if entries is not None and not entries:
        reader.problem(top, "items", "items", "empty", "list at least one item")
    ids = set(seen)
    parents = {
        str(s.get("id"))
        for s in entries or []
        if isinstance(s, Mapping) and s.get("parent") is None
    }
    for i, spec, item in raw:
        where = f"items[{i}]"
        if item.parent is not None and item.parent not in parents:
            reader.problem(
                spec,
                "parent",
                where + ".parent",
                "broken_link",
                f"parent {item.parent!r} is not a top-level item of this pack",
            )
        for other in item.related:
            if other not in ids:
                reader.problem(
                    spec,
                    "related",
                    where + ".related",
                    "broken_link",
                    f"related item {other!r} is not in this pack",
                )
    return [item for _, _, item in raw], ids


def _item(
    reader: PackReader,
    spec: Mapping[str, Any],
    where: str,
    item_id: str | None,
    index: int,
    section_ids: set[str],
    scale: Any,
) -> Item | None:
    name = reader.wording(spec, "name", where + ".name")
    prompt = reader.wording(spec, "prompt", where + ".prompt")
    guidance = reader.wording(spec, "guidance", where + ".guidance", required=False)
    evidence_prompt = reader.wording(
        spec, "evidence_prompt", where + ".evidence_prompt", required=False
    )
    for field, wording in (("prompt", prompt), ("guidance", guidance)):
        if wording is not None:
            _check_placeholders(reader, spec, field, where + "." + field, wording.text)
    section = str(spec.get("section", ""))
    if section not in section_ids:
        reader.problem(
            spec,
            "section",
            where + ".section",
            "broken_link",
            f"section {section!r} is not listed under sections",
        )
    indicators = reader.id_list(spec, "indicators", where + ".indicators")
    for indicator in indicators:
        if indicator not in INDICATORS:
            reader.problem(
                spec,
                "indicators",
                where + ".indicators",
                "unknown_indicator",
                f"indicator {indicator!r} is not one healthgap provides "
                f"(known: {', '.join(INDICATORS)})",
            )
    descriptors: dict[str, Wording] = {}
    desc = spec.get("descriptors")
    if desc is not None:
        desc_map = reader.mapping(desc, where + ".descriptors", reader.line(spec, "descriptors"))
        for key in desc_map or {}:
            if scale is not None and not scale.is_level(str(key)):
                reader.problem(
                    desc_map,
                    key,
                    f"{where}.descriptors.{key}",
                    "unknown_level",
                    f"level {key!r} is not on the scale {scale.id!r} "
                    f"(levels: {', '.join(lv.key for lv in scale.levels)})",
                )
            text = reader.wording(desc_map, key, f"{where}.descriptors.{key}")
            if text is not None:
                descriptors[str(key)] = text
    attributes = spec.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        reader.problem(
            spec,
            "attributes",
            where + ".attributes",
            "not_a_mapping",
            "attributes must be a mapping of names to text",
        )
        attributes = {}
    required = spec.get("evidence_required", False)
    if not isinstance(required, bool):
        reader.problem(
            spec,
            "evidence_required",
            where + ".evidence_required",
            "not_a_boolean",
            "evidence_required must be true or false",
        )
    parent = spec.get("parent")
    if item_id is None or name is None or prompt is None:
        return None
    return Item(
        id=item_id,
        number=str(spec.get("number", index + 1)),
        section=section,
        name=name,
        prompt=prompt,
        parent=None if parent is None else str(parent),
        guidance=guidance,
        evidence_prompt=evidence_prompt,
        evidence_required=bool(required),
        indicators=tuple(indicators),
        related=tuple(reader.id_list(spec, "related", where + ".related", report=False)),
        descriptors=MappingProxyType(descriptors),
        attributes=MappingProxyType({str(k): str(v) for k, v in attributes.items()}),
    )


def _check_placeholders(
    reader: PackReader, spec: Mapping[str, Any], key: str, where: str, text: str
) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        reader.problem(spec, key, where, "bad_placeholder", f"braces do not pair up: {exc}")
        return
    for name in sorted(names - _PLACEHOLDERS):
        reader.problem(
            spec,
            key,
            where,
            "unknown_placeholder",
            f"{{{name}}} is not a placeholder; use {{topic}} or {{place}}",
        )
