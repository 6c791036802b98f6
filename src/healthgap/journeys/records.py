"""Journeys to and from plain records (dicts): the shape of the JSON, YAML and CSV files.

A journey file is one mapping (JSON or YAML)::

    format: healthgap-journey/1
    id, title, goal, kind (as_is | to_be), version, version_date, based_on, service,
    description, provenance, reconstructed, synthetic
    segment: {kind: segment | persona, id, label, run_id, code, run_name}
      (run_id and code name a stored segmentation's segment; without them the segment or
      persona is one the team describes, and id is required)
    stages: [{id, name, order, description, funnel_step, count, count_source}]
    touchpoints: [{id, stage, order, name, lane, channel, organisation, wait, wait_days,
                   what_happens, person_does, person_thinks, person_feels, emotion,
                   moment_of_truth, pain_points: [..], evidence: [{quote, count, source}]}]
    improvements: [{id, touchpoint, text, kind, owner, due, status, assessment_action_id}]

The field lists below (:data:`FIELDS`) are the single definition used by every format; text
cells (CSV) and native values (JSON/YAML) are both accepted. Every problem in a file is
collected before anything is returned, so an import is all-or-nothing.

>>> data = journey_to_dict(journey_from_dict({"id": "j", "title": "T", "goal": "G",
...     "version_date": "2024-05-01", "segment": {"kind": "persona", "id": "p", "label": "P"},
...     "stages": [{"id": "s", "name": "S", "order": 1}],
...     "touchpoints": [{"id": "t", "stage": "s", "order": 1, "name": "Letter", "emotion": -1,
...                      "pain_points": ["jargon"], "evidence": [{"quote": "confusing"}]}]}))
>>> data["touchpoints"][0]["emotion"], data["touchpoints"][0]["evidence"][0]["quote"]
(-1.0, 'confusing')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from healthgap.errors import InputError, Problem
from healthgap.journeys.model import (
    Evidence,
    Improvement,
    Journey,
    SegmentRef,
    Stage,
    Touchpoint,
)
from healthgap.journeys.segment_refs import stored_segment_key
from healthgap.journeys.validation import Where, journey_problems

__all__ = [
    "FIELDS",
    "FORMAT",
    "LIST_SEPARATOR",
    "Field",
    "coerce",
    "journey_from_dict",
    "journey_from_parts",
    "journey_to_dict",
    "parse_record",
    "segment_to_dict",
]

FORMAT = "healthgap-journey/1"
LIST_SEPARATOR = "|"  # how a list (pain points) is written in one CSV cell


@dataclass(frozen=True)
class Field:
    """One field of a record: ``kind`` is text, int, count, number, bool, date or list."""

    name: str
    kind: str = "text"
    required: bool = False


FIELDS: dict[str, tuple[Field, ...]] = {
    "journey": (
        Field("id", required=True), Field("title", required=True), Field("goal", required=True),
        Field("segment_kind", required=True), Field("segment_id"),
        Field("segment_label", required=True), Field("segment_run_id", "int"),
        Field("segment_code"), Field("segment_run_name"),
        Field("version_date", "date", required=True),
        Field("kind"), Field("version", "int"), Field("based_on"), Field("service"),
        Field("description"), Field("provenance"), Field("reconstructed", "bool"),
        Field("synthetic", "bool"),
    ),
    "stages": (
        Field("id", required=True), Field("name", required=True),
        Field("order", "int", required=True), Field("description"), Field("funnel_step"),
        Field("count", "count"), Field("count_source"),
    ),
    "touchpoints": (
        Field("id", required=True), Field("stage", required=True),
        Field("order", "int", required=True), Field("name", required=True), Field("lane"),
        Field("channel"), Field("organisation"), Field("wait"), Field("wait_days", "number"),
        Field("what_happens"), Field("person_does"), Field("person_thinks"),
        Field("person_feels"), Field("emotion", "number"), Field("moment_of_truth", "bool"),
        Field("pain_points", "list"),
    ),
    "evidence": (Field("quote"), Field("count", "count"), Field("source")),
    "improvements": (
        Field("id", required=True), Field("touchpoint", required=True),
        Field("text", required=True), Field("kind"), Field("owner"), Field("due", "date"),
        Field("status"), Field("assessment_action_id"),
    ),
}  # fmt: skip

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def coerce(value: object, kind: str) -> tuple[object, str | None]:
    """``(parsed, None)`` or ``(None, reason)``; blank values parse to None.

    >>> coerce("2", "int"), coerce("two", "int")[1], coerce("yes", "bool"), coerce("-1", "count")[1]
    ((2, None), 'is not a whole number', (True, None), 'is negative')
    """
    if _blank(value):
        return None, None
    text = value.strip() if isinstance(value, str) else value
    if kind == "text":
        if isinstance(text, bool | list | dict | tuple):
            return None, "is not text"
        return str(text), None
    if kind in ("int", "count"):
        number: object = text
        if isinstance(text, str):
            try:
                number = float(text)
            except ValueError:
                return None, "is not a whole number"
        if isinstance(number, bool) or not isinstance(number, int | float):
            return None, "is not a whole number"
        if not math.isfinite(number) or number != int(number):
            return None, "is not a whole number"
        if kind == "count" and number < 0:
            return None, "is negative"
        return int(number), None
    if kind == "number":
        try:
            number = float(text) if not isinstance(text, bool) else math.nan
        except (TypeError, ValueError):
            return None, "is not a number"
        return (number, None) if math.isfinite(number) else (None, "is not a number")
    if kind == "bool":
        if isinstance(text, bool):
            return text, None
        word = str(text).lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE, None
        return None, "must be yes or no"
    if kind == "date":
        if isinstance(text, datetime):
            return text.date(), None
        if isinstance(text, date):
            return text, None
        try:
            return date.fromisoformat(str(text)), None
        except ValueError:
            return None, "is not a date (YYYY-MM-DD)"
    if kind == "list":
        # An empty list counts as missing, so that a required list (themes) must hold something.
        if isinstance(text, str):
            items = tuple(p.strip() for p in text.split(LIST_SEPARATOR) if p.strip())
        elif isinstance(text, list | tuple) and all(isinstance(p, str) for p in text):
            items = tuple(p.strip() for p in text if p.strip())
        else:
            return None, "must be a list of texts"
        return items or None, None
    raise ValueError(f"unknown field kind {kind!r}")


def parse_record(
    raw: Mapping[str, Any],
    part: str,
    locate: Callable[[str], tuple[str, int | None, str]],
    *,
    extra: Sequence[str] = (),
    specs: Sequence[Field] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Values of one record of ``part`` by :data:`FIELDS`, and the problems of its cells.

    ``locate(column)`` gives the (file, row, column) of a cell; ``extra`` names keys that are
    allowed but parsed elsewhere (e.g. a touchpoint's nested ``evidence`` list); ``specs``
    replaces ``FIELDS[part]`` for records of other kinds (e.g. insight notes).
    """
    found: list[Problem] = []
    specs = FIELDS[part] if specs is None else specs
    known = {f.name for f in specs} | set(extra)
    for key in raw:
        if key not in known:
            found.append(
                Problem(*locate(str(key)), "unknown_field", f"{key!r} is not a field of {part}")
            )
    values: dict[str, Any] = {}
    for spec in specs:
        parsed, reason = coerce(raw.get(spec.name), spec.kind)
        if reason:
            message = f"{raw.get(spec.name)!r} {reason}"
            found.append(Problem(*locate(spec.name), f"bad_{spec.kind}", message))
        elif parsed is None and spec.required:
            found.append(Problem(*locate(spec.name), "missing_value", f"{spec.name} is required"))
        if parsed is not None:
            values[spec.name] = parsed
    return values, found


def _optional(values: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: values[n] for n in names if n in values}


def _segment(meta: Mapping[str, Any]) -> SegmentRef:
    """The journey's segment reference; a stored segment's id is made from its run and code
    when the file does not give one."""
    run_id, code = meta.get("segment_run_id"), meta.get("segment_code")
    key = meta.get("segment_id") or (
        stored_segment_key(run_id, code) if run_id is not None and code else ""
    )
    return SegmentRef(meta["segment_kind"], key, meta["segment_label"], run_id=run_id,
                      code=code, run_name=meta.get("segment_run_name") or "")  # fmt: skip


def journey_from_parts(
    meta: dict[str, Any],
    stages: list[dict[str, Any]],
    touchpoints: list[dict[str, Any]],
    evidence: list[list[dict[str, Any]]],
    improvements: list[dict[str, Any]],
    where: Where,
) -> Journey:
    """Build a journey from parsed records; raise every semantic problem at once."""
    journey = Journey(
        id=meta["id"],
        title=meta["title"],
        goal=meta["goal"],
        segment=_segment(meta),
        version_date=meta["version_date"],
        **_optional(meta, "kind", "version", "based_on", "service", "description",
                    "provenance", "reconstructed", "synthetic"),
        stages=tuple(Stage(**s) for s in stages),
        touchpoints=tuple(
            Touchpoint(**t, evidence=tuple(Evidence(**e) for e in items))
            for t, items in zip(touchpoints, evidence, strict=True)
        ),
        improvements=tuple(Improvement(**m) for m in improvements),
    )  # fmt: skip
    problems = journey_problems(journey, where)
    if problems:
        raise InputError(problems)
    return journey


def _as_list(raw: Mapping[str, Any], key: str, where: Where) -> tuple[list[Any], list[Problem]]:
    items = raw.get(key, [])
    if items is None:
        return [], []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        return [], [where.problem(key, None, None, "wrong_shape", f"{key} must be a list of items")]
    return items, []


def _evidence(
    touchpoint: Mapping[str, Any], index: int, where: Where
) -> tuple[list[Problem], list[dict[str, Any]]]:
    raw_items = touchpoint.get("evidence") or []
    if not isinstance(raw_items, list) or not all(isinstance(e, Mapping) for e in raw_items):
        message = "evidence must be a list of {quote, count, source}"
        return [where.problem("touchpoints", index, "evidence", "wrong_shape", message)], []
    problems, parsed = [], []
    for j, raw in enumerate(raw_items):
        values, found = parse_record(raw, "evidence", lambda c, j=j: where.evidence(index, j, c))
        problems += found
        parsed.append(values)
    return problems, parsed


def journey_from_dict(data: object, source: str = "<journey>") -> Journey:
    """Read a journey from its JSON/YAML form; :class:`InputError` names every problem."""
    where = Where(source)
    if not isinstance(data, Mapping):
        raise InputError(
            [Problem(source, None, None, "wrong_shape", "a journey file holds one mapping")]
        )
    problems: list[Problem] = []
    if data.get("format", FORMAT) != FORMAT:
        problems.append(
            where.problem("journey", None, "format", "wrong_format",
                          f"format {data.get('format')!r} is not {FORMAT!r}")
        )  # fmt: skip
    segment = data.get("segment") or {}
    if not isinstance(segment, Mapping):
        problems.append(
            where.problem("journey", None, "segment", "wrong_shape", "segment must be a mapping")
        )
        segment = {}
    flat = {
        k: v
        for k, v in data.items()
        if k not in ("segment", "stages", "touchpoints", "improvements", "format")
    }
    flat.update({f"segment_{k}": v for k, v in segment.items()})
    meta, found = parse_record(flat, "journey", lambda c: where.at("journey", None, c))
    problems += found
    parts: dict[str, list[dict[str, Any]]] = {}
    evidence: list[list[dict[str, Any]]] = []
    for key in ("stages", "touchpoints", "improvements"):
        items, found = _as_list(data, key, where)
        problems += found
        parts[key] = []
        for i, item in enumerate(items):
            extra = ("evidence",) if key == "touchpoints" else ()
            values, found = parse_record(
                item, key, lambda c, key=key, i=i: where.at(key, i, c), extra=extra
            )
            problems += found
            parts[key].append(values)
            if key == "touchpoints":
                found, items_of_touchpoint = _evidence(item, i, where)
                problems += found
                evidence.append(items_of_touchpoint)
    if problems:
        raise InputError(problems)
    return journey_from_parts(
        meta, parts["stages"], parts["touchpoints"], evidence, parts["improvements"], where
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def segment_to_dict(segment: SegmentRef) -> dict[str, Any]:
    """A segment reference as a file's ``segment`` mapping: kind, id and label, and for a
    stored segment its run_id, code and run_name."""
    data = asdict(segment)
    if not segment.stored:
        return {k: data[k] for k in ("kind", "id", "label")}
    return data


def journey_to_dict(journey: Journey) -> dict[str, Any]:
    """The JSON/YAML form of ``journey`` (dates as ISO text; round-trips exactly)."""
    meta = {
        f.name: getattr(journey, f.name)
        for f in FIELDS["journey"]
        if not f.name.startswith("segment_")
    }
    touchpoints = []
    for tp in journey.touchpoints:
        row = _clean({k: v for k, v in asdict(tp).items() if k != "evidence"})
        row["evidence"] = [_clean(asdict(e)) for e in tp.evidence]
        touchpoints.append(row)
    return {
        "format": FORMAT,
        **_clean(meta),
        "segment": segment_to_dict(journey.segment),
        "stages": [_clean(asdict(s)) for s in journey.stages],
        "touchpoints": touchpoints,
        "improvements": [_clean(asdict(m)) for m in journey.improvements],
    }
