"""Values of a journey edit, from a form or a command, parsed by the rules of the journey
files (:data:`healthgap.journeys.records.FIELDS`): text becomes numbers, dates, yes/no and
lists, a blank value clears a field, and every problem names the form control it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from healthgap.errors import InputError, Problem
from healthgap.journeys import Evidence
from healthgap.journeys.records import FIELDS, Field, parse_record

__all__ = ["FORM", "TOUCHPOINT_FIELDS", "evidence_items", "new_id", "parse_fields",
           "touchpoint_parts"]  # fmt: skip

FORM = "<form>"
_BLANK = {"text": "", "list": (), "bool": False}
TOUCHPOINT_FIELDS = ("stage", "name", "lane", "channel", "organisation", "wait", "wait_days",
                     "what_happens", "person_does", "person_thinks", "person_feels", "emotion",
                     "moment_of_truth", "pain_points")  # fmt: skip


def parse_fields(
    part: str, values: Mapping[str, Any], names: Iterable[str], *, adding: bool
) -> dict:
    """Values of ``names`` parsed by the file rules; a blank value clears the field."""
    names = [n for n in names if adding or n in values]
    specs = [f if adding or f.required else Field(f.name, f.kind)
             for f in FIELDS[part] if f.name in names]  # fmt: skip
    raw = {n: values.get(n) for n in names}
    parsed, problems = parse_record(raw, part, lambda column: (FORM, None, column), specs=specs)
    if problems:
        raise InputError(problems)
    for spec in specs:
        if spec.name not in parsed:
            parsed[spec.name] = _BLANK.get(spec.kind)
    return parsed


def evidence_items(values: Mapping[str, Any]) -> tuple[Evidence, ...] | None:
    if "evidence" not in values:
        return None
    items, problems = [], []
    for i, raw in enumerate(values["evidence"] or []):
        parsed, found = parse_record(
            raw, "evidence", lambda column, i=i: (FORM, None, f"evidence-{i + 1}-{column}")
        )
        problems += found
        if any(v not in (None, "") for v in parsed.values()):
            items.append(Evidence(**parsed))
    if problems:
        raise InputError(problems)
    return tuple(items)


def new_id(text: str, taken: Iterable[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "item"
    used, key, n = set(taken), base, 1
    while key in used:
        n += 1
        key = f"{base}-{n}"
    return key


def touchpoint_parts(
    values: Mapping[str, Any], *, adding: bool
) -> tuple[dict, tuple[Evidence, ...] | None]:
    """A touchpoint's fields and evidence, with the problems of both reported together."""
    problems: list[Problem] = []
    parsed: dict = {}
    evidence = None
    try:
        parsed = parse_fields("touchpoints", values, TOUCHPOINT_FIELDS, adding=adding)
    except InputError as error:
        problems += error.problems
    try:
        evidence = evidence_items(values)
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    return parsed, evidence
