"""Insight notes: what people said in focus groups, interviews, surveys and complaints.

Each :class:`InsightNote` records how the insight was gathered (method, date, sample size and
the consent basis), its themes, a short summary and quotes kept without personal data, and what
it describes: segments or personas (by id), journeys (by id) and touchpoints (as
``"journey-id/touchpoint-id"``). Notes are read from and written to JSON, YAML or CSV (lists in
one CSV cell separated by ``|``), searched by words and links, and summarised by theme.

>>> from datetime import date
>>> note = InsightNote(id="fg1", title="Drivers' focus group", method="focus_group",
...                    held_on=date(2025, 2, 1), sample_size=8, consent_basis="written consent",
...                    themes=("appointment times",), quotes=("Mornings only, no good to me",),
...                    touchpoints=("demo-health-check-as-is/booking-call",))
>>> [n.id for n in search_insight_notes([note], "mornings")]
['fg1']
>>> theme_summary([note])[["theme", "notes", "people"]].to_dict("records")
[{'theme': 'appointment times', 'notes': 1, 'people': 8}]
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from healthgap.data.csv_export import neutralise_cell, restore_cell
from healthgap.errors import InputError, Problem
from healthgap.journeys.model import Journey
from healthgap.journeys.personal_data import personal_data_problems
from healthgap.journeys.records import LIST_SEPARATOR, Field, parse_record
from healthgap.journeys.validation import ID_PATTERN

__all__ = [
    "CONSENT_BASES",
    "INSIGHT_FIELDS",
    "INSIGHT_METHODS",
    "InsightNote",
    "insight_link_problems",
    "insight_note_problems",
    "insight_notes_from_records",
    "note_personal_data",
    "read_insight_notes",
    "search_insight_notes",
    "theme_summary",
    "touchpoint_ref",
    "write_insight_notes",
]

INSIGHT_METHODS: dict[str, str] = {
    "focus_group": "focus group",
    "interview": "interview",
    "survey": "survey",
    "complaint": "complaint",
}
#: Suggested wording for the consent basis (any text is accepted; it must not be empty).
CONSENT_BASES: tuple[str, ...] = (
    "written consent",
    "verbal consent, recorded",
    "anonymous survey, no personal data kept",
    "complaints process under the published privacy notice",
)
INSIGHT_FIELDS: tuple[Field, ...] = (
    Field("id", required=True), Field("title", required=True), Field("method", required=True),
    Field("held_on", "date", required=True), Field("sample_size", "count"),
    Field("consent_basis", required=True), Field("themes", "list", required=True),
    Field("summary"), Field("quotes", "list"), Field("segment_ids", "list"),
    Field("journey_ids", "list"), Field("touchpoints", "list"), Field("synthetic", "bool"),
)  # fmt: skip


@dataclass(frozen=True)
class InsightNote:
    """One piece of insight from one method, with what it describes."""

    id: str
    title: str
    method: str
    held_on: date
    consent_basis: str
    themes: tuple[str, ...]
    sample_size: int | None = None
    summary: str = ""
    quotes: tuple[str, ...] = ()
    segment_ids: tuple[str, ...] = ()
    journey_ids: tuple[str, ...] = ()
    touchpoints: tuple[str, ...] = ()
    synthetic: bool = False


def touchpoint_ref(journey_id: str, touchpoint_id: str) -> str:
    """The reference of a touchpoint in an insight note.

    >>> touchpoint_ref("stop-smoking-as-is", "first-call")
    'stop-smoking-as-is/first-call'
    """
    return f"{journey_id}/{touchpoint_id}"


def insight_note_problems(
    note: InsightNote, source: str = "<insight>", row: int | None = None
) -> list[Problem]:
    """Broken rules of one note: ``bad_id``, ``unknown_method``, ``missing_value`` (consent
    basis or themes), ``bad_sample_size`` and ``bad_touchpoint_ref``."""
    found = []

    def add(column: str, rule: str, message: str) -> None:
        found.append(Problem(source, row, column, rule, message))

    if not ID_PATTERN.match(note.id):
        add("id", "bad_id", f"id {note.id!r} is not a slug (letters, digits, '.', '_', '-')")
    if note.method not in INSIGHT_METHODS:
        add("method", "unknown_method", f"method {note.method!r} must be one of "
            f"{', '.join(INSIGHT_METHODS)}")  # fmt: skip
    if not note.consent_basis.strip():
        add("consent_basis", "missing_value", "say on what basis the insight was gathered")
    if not note.themes:
        add("themes", "missing_value", "give at least one theme")
    if note.sample_size is not None and note.sample_size < 1:
        add("sample_size", "bad_sample_size", "sample size must be 1 or more")
    for ref in note.touchpoints:
        parts = ref.split("/")
        if len(parts) != 2 or not all(ID_PATTERN.match(p) for p in parts):
            add("touchpoints", "bad_touchpoint_ref", f"{ref!r} is not 'journey-id/touchpoint-id'")
    return found


def note_personal_data(
    note: InsightNote, source: str = "<insight>", row: int | None = None
) -> list[Problem]:
    """Warnings for likely personal data in a note's title, quotes and summary."""
    texts = [(source, row, "title", note.title)]
    texts += [(source, row, f"quotes[{i + 1}]", q) for i, q in enumerate(note.quotes)]
    texts.append((source, row, "summary", note.summary))
    return personal_data_problems(texts)


def insight_notes_from_records(
    records: Sequence[Mapping[str, Any]], source: str = "<insight>", *, csv_rows: bool = False
) -> list[InsightNote]:
    """Notes from plain records (JSON/YAML list items or CSV rows), all-or-nothing.

    Problems are located by JSON path (``[2].method``) or, with ``csv_rows``, by spreadsheet
    row. Duplicate ids are refused (rule ``duplicate_id``).
    """
    problems: list[Problem] = []
    notes: list[InsightNote] = []
    for i, raw in enumerate(records):
        row = i + 2 if csv_rows else None

        def locate(column: str, i: int = i, row: int | None = row) -> tuple[str, int | None, str]:
            return source, row, column if csv_rows else f"[{i + 1}].{column}"

        if not isinstance(raw, Mapping):
            problems.append(Problem(source, row, None, "wrong_shape", "each note is a mapping"))
            continue
        values, found = parse_record(raw, "insight notes", locate, specs=INSIGHT_FIELDS)
        problems += found
        if found:
            continue
        note = InsightNote(**values)
        problems += [
            Problem(p.file, p.row, locate(p.column or "")[2], p.rule, p.message)
            for p in insight_note_problems(note, source, row)
        ]
        notes.append(note)
    seen: set[str] = set()
    for i, note in enumerate(notes):
        if note.id in seen:
            problems.append(Problem(source, None, f"[{i + 1}].id", "duplicate_id",
                                    f"note id {note.id!r} is used twice"))  # fmt: skip
        seen.add(note.id)
    if problems:
        raise InputError(problems)
    return notes


def _record(note: InsightNote) -> dict[str, Any]:
    out = asdict(note)
    out["held_on"] = note.held_on.isoformat()
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


def _csv_cell(value: object) -> object:
    """A note's field as a CSV cell. Quotes and themes come from people, so text that a
    spreadsheet would run as a formula is quoted (read back by :func:`read_insight_notes`)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = f" {LIST_SEPARATOR} ".join(value)
    return neutralise_cell(value) if isinstance(value, str) else value


def write_insight_notes(notes: Iterable[InsightNote], path: str | os.PathLike[str]) -> Path:
    """Write notes as ``.json``, ``.yaml`` or ``.csv`` (by suffix)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    records = [_record(n) for n in notes]
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, [f.name for f in INSIGHT_FIELDS], lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _csv_cell(v) for k, v in record.items()})
        target.write_text(buffer.getvalue(), encoding="utf-8")
    elif suffix in (".yaml", ".yml"):
        target.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), "utf-8")
    else:
        target.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def read_insight_notes(path: str | os.PathLike[str]) -> list[InsightNote]:
    """Read notes from a ``.json`` or ``.yaml`` list, or a ``.csv`` file with one note a row."""
    source = Path(path)
    name = str(path)
    if not source.is_file():
        raise InputError([Problem(name, None, None, "file_not_found", "no such file")])
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, None, None, "wrong_encoding", "save as UTF-8")]) from None
    suffix = source.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            f.name for f in INSIGHT_FIELDS if f.required and f.name not in (reader.fieldnames or [])
        ]
        if missing:
            raise InputError([Problem(name, 1, c, "missing_column", f"needs a {c!r} column")
                              for c in missing])  # fmt: skip
        rows = [
            {k: restore_cell(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in reader
        ]
        return insight_notes_from_records(rows, name, csv_rows=True)
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError([Problem(name, None, None, "unreadable_file", str(exc))]) from None
    if not isinstance(data, list):
        raise InputError(
            [Problem(name, None, None, "wrong_shape", "the file holds a list of notes")]
        )
    return insight_notes_from_records(data, name)


def insight_link_problems(
    notes: Iterable[InsightNote], journeys: Iterable[Journey]
) -> list[Problem]:
    """Links from notes to journeys or touchpoints that do not exist (``unknown_journey``,
    ``unknown_touchpoint``)."""
    known = {j.id: {t.id for t in j.touchpoints} for j in journeys}
    found = []
    for note in notes:
        where = f"insight note {note.id!r}"
        for jid in note.journey_ids:
            if jid not in known:
                found.append(
                    Problem(where, None, "journey_ids", "unknown_journey", f"no journey {jid!r}")
                )
        for ref in note.touchpoints:
            jid, _, tid = ref.partition("/")
            if tid not in known.get(jid, set()):
                found.append(
                    Problem(
                        where, None, "touchpoints", "unknown_touchpoint", f"no touchpoint {ref!r}"
                    )
                )
    return found


def search_insight_notes(
    notes: Iterable[InsightNote],
    text: str = "",
    *,
    method: str | None = None,
    theme: str | None = None,
    segment_id: str | None = None,
    journey_id: str | None = None,
    touchpoint: str | None = None,
) -> list[InsightNote]:
    """Notes containing every word of ``text`` (any case) in their title, summary, themes or
    quotes, and matching every filter given; newest first."""
    words = text.lower().split()
    found = []
    for note in notes:
        haystack = " ".join([note.title, note.summary, *note.themes, *note.quotes]).lower()
        if not all(w in haystack for w in words):
            continue
        if method and note.method != method:
            continue
        if theme and theme.lower() not in (t.lower() for t in note.themes):
            continue
        if segment_id and segment_id not in note.segment_ids:
            continue
        if (
            journey_id
            and journey_id not in note.journey_ids
            and not any(ref.startswith(f"{journey_id}/") for ref in note.touchpoints)
        ):
            continue
        if touchpoint and touchpoint not in note.touchpoints:
            continue
        found.append(note)
    return sorted(found, key=lambda n: (n.held_on, n.id), reverse=True)


def theme_summary(notes: Iterable[InsightNote]) -> pd.DataFrame:
    """Per theme: how many notes, by which methods, how many people, and the date range."""
    rows = [
        {"theme": theme, "note": n.id, "method": INSIGHT_METHODS.get(n.method, n.method),
         "people": n.sample_size, "held_on": n.held_on}
        for n in notes for theme in n.themes
    ]  # fmt: skip
    columns = ["theme", "notes", "methods", "people", "first", "last"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    out = frame.groupby("theme", sort=False).agg(
        notes=("note", "nunique"),
        methods=("method", lambda m: ", ".join(sorted(set(m)))),
        people=("people", lambda p: int(p.fillna(0).sum())),
        first=("held_on", "min"),
        last=("held_on", "max"),
    )
    out = out.reset_index().sort_values(
        ["notes", "people", "theme"], ascending=[False, False, True]
    )
    return out[columns].reset_index(drop=True)
