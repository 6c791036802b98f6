"""Insight notes in the database: check, save, import, search, show, link and export.

A note records what people said in a focus group, interviews, a survey or complaints, how
(method, date, sample size, consent basis) and what it is about (themes, and links to
segments or personas, journeys and touchpoints). Quotes are kept without personal data:
before anything is saved, the personal-data check (:func:`healthgap.journeys.
find_personal_data`) runs on the quotes and the summary. When it finds something, nothing is
saved unless the person chose what to do (``personal_data``): ``"stop"`` (the default) refuses
with the warnings as problems (rules ``personal_data_<kind>``), ``"redact"`` replaces what was
found with "[name removed]" etc., and ``"keep"`` saves the text as written after a person
checked it. Links must name stored journeys and touchpoints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.journey_maps import STORE_SOURCE
from healthgap.analyses.journey_segments import note_segment_choices, segment_key_problems
from healthgap.errors import InputError, Problem
from healthgap.journeys import (
    InsightNote,
    insight_link_problems,
    note_personal_data,
    read_insight_notes,
    redact,
    theme_summary,
    write_insight_notes,
)
from healthgap.journeys.insight import INSIGHT_FIELDS, INSIGHT_METHODS, insight_note_problems
from healthgap.journeys.records import parse_record
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.store import Database
from healthgap.store import journey_insight as notes_store
from healthgap.store import journeys as journeys_store

__all__ = [
    "PERSONAL_DATA_CHOICES",
    "check_insight_note",
    "export_insight_notes",
    "import_insight_notes",
    "insight_note_from_values",
    "link_insight_note",
    "read_notes_file",
    "save_insight_note",
    "search_notes",
    "segment_choices",
    "show_insight_note",
]

PERSONAL_DATA_CHOICES = ("stop", "redact", "keep")
FORM = "<form>"
NOTE_METHOD = "insight notes with a personal-data check on quotes"


def insight_note_from_values(values: Mapping[str, Any], *, source: str = FORM) -> InsightNote:
    """A note from form or command values (lists as lists, or text with one item a line or
    separated by ``|``); its id comes from the title when not given."""
    raw = dict(values)
    for name in ("themes", "quotes", "segment_ids", "journey_ids", "touchpoints"):
        if isinstance(raw.get(name), str):
            raw[name] = [p.strip() for p in re.split(r"[\n|]", raw[name]) if p.strip()]
    if not str(raw.get("id") or "").strip():
        title = str(raw.get("title") or "")
        # from the title without what looks like personal data, so no name ends up in an id
        words = redact(title).replace("[", "").replace("]", "").replace(" removed", "")
        raw["id"] = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:60] or "note"
    parsed, problems = parse_record(raw, "insight notes", lambda c: (source, None, c),
                                    specs=INSIGHT_FIELDS)  # fmt: skip
    if problems:
        raise InputError(problems)
    note = InsightNote(**parsed)
    problems = insight_note_problems(note, source)
    if problems:
        raise InputError(problems)
    return note


def read_notes_file(path: str | os.PathLike[str]) -> list[InsightNote]:
    """Read and check insight notes from a JSON, YAML or CSV file; nothing is stored."""
    return read_insight_notes(path)


def _personal_data(note: InsightNote, choice: str) -> tuple[InsightNote, list[Problem]]:
    if choice not in PERSONAL_DATA_CHOICES:
        raise InputError(
            f"personal data: choose {', '.join(PERSONAL_DATA_CHOICES)}", rule="bad_choice"
        )
    found = note_personal_data(note, f"insight note {note.id!r}")
    if not found or choice == "keep":
        return note, found
    if choice == "redact":
        cleaned = replace(note, title=redact(note.title), summary=redact(note.summary),
                          quotes=tuple(redact(q) for q in note.quotes))  # fmt: skip
        return cleaned, found
    raise InputError(found)


def _link_problems(database: Database, notes: Iterable[InsightNote]) -> list[Problem]:
    notes = list(notes)
    wanted = {ref.partition("/")[0] for n in notes for ref in n.touchpoints}
    wanted |= {j for n in notes for j in n.journey_ids}
    with database.reader() as session:
        journeys = [found.journey for key in sorted(wanted)
                    if (found := journeys_store.get_journey(session, key)) is not None]  # fmt: skip
    return insight_link_problems(notes, journeys)


def _note_bundle(note: InsightNote, question: str, **summary: Any) -> ResultBundle:
    return ResultBundle(
        question=question,
        provenance=Provenance(
            f"{STORE_SOURCE}: insight note {note.id}",
            methods=(NOTE_METHOD,),
            synthetic=note.synthetic,
        ),  # fmt: skip
        summary={"note": note, **summary},
    )


def check_insight_note(values: Mapping[str, Any]) -> ResultBundle:
    """Parse a note and run the personal-data check, saving nothing: ``summary["found"]``
    lists the warnings and ``summary["redacted"]`` the note as it would be redacted."""
    note = insight_note_from_values(values)
    found = note_personal_data(note, FORM)
    redacted, _ = _personal_data(note, "redact")
    return _note_bundle(note, "check an insight note", found=found, redacted=redacted)


def save_insight_note(
    database: Database,
    note: InsightNote | Mapping[str, Any],
    *,
    personal_data: str = "stop",
    replace_existing: bool = False,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> ResultBundle:
    """Save a note (new, or over the same id with ``replace_existing``) after the
    personal-data check and the link check; nothing is saved on any problem. A stored
    segment it is newly attached to must be one of ``workspace_id``'s segmentations (None:
    of any workspace)."""
    if not isinstance(note, InsightNote):
        note = insight_note_from_values(note)
    note, found = _personal_data(note, personal_data)
    with database.reader() as session:
        before = notes_store.get_insight_note(session, note.id) if replace_existing else None
    problems = _link_problems(database, [note])
    problems += segment_key_problems(database, workspace_id, note.segment_ids,
                                     already=before.segment_ids if before else ())  # fmt: skip
    if problems:
        raise InputError(problems)
    with database.unit_of_work() as session:
        if not replace_existing and notes_store.get_insight_note(session, note.id) is not None:
            raise InputError(
                [Problem(FORM, None, "id", "duplicate_id", f"an insight note {note.id!r} "
                         "already exists: give this one another id")]
            )  # fmt: skip
        notes_store.save_insight_note(session, note, user_id=user_id)
    return _note_bundle(note, "save an insight note", found=found, saved=True)


def import_insight_notes(
    database: Database,
    path: str | os.PathLike[str],
    *,
    personal_data: str = "stop",
    user_id: int | None = None,
) -> ResultBundle:
    """Save every note of a JSON, YAML or CSV file (a note with an id already stored replaces
    it), all or nothing: any problem, a personal-data warning included, stores none."""
    notes = read_insight_notes(path)
    checked, problems, found = [], [], []
    for note in notes:
        try:
            cleaned, hits = _personal_data(note, personal_data)
        except InputError as error:
            problems += error.problems
            continue
        checked.append(cleaned)
        found += hits
    problems += _link_problems(database, checked)
    for note in checked:
        with database.reader() as session:
            before = notes_store.get_insight_note(session, note.id)
        problems += segment_key_problems(
            database, None, note.segment_ids, already=before.segment_ids if before else (),
            where=(str(path), None, f"{note.id}: segment_ids"),
        )  # fmt: skip
    if problems:
        raise InputError(problems)
    with database.unit_of_work() as session:
        for note in checked:
            notes_store.save_insight_note(session, note, user_id=user_id)
    return ResultBundle(
        question="import insight notes",
        provenance=Provenance(
            str(path), methods=(NOTE_METHOD,), synthetic=any(n.synthetic for n in checked)
        ),  # fmt: skip
        summary={"saved": len(checked), "notes": checked, "found": found},
    )


def _notes_table(notes: list[InsightNote]) -> pd.DataFrame:
    rows = [
        {"note": n.id, "title": n.title, "method": INSIGHT_METHODS.get(n.method, n.method),
         "held_on": n.held_on, "sample_size": n.sample_size, "consent_basis": n.consent_basis,
         "themes": "; ".join(n.themes), "quotes": len(n.quotes),
         "segments": "; ".join(n.segment_ids), "journeys": "; ".join(n.journey_ids),
         "touchpoints": "; ".join(n.touchpoints), "synthetic": n.synthetic}
        for n in notes
    ]  # fmt: skip
    columns = ["note", "title", "method", "held_on", "sample_size", "consent_basis", "themes",
               "quotes", "segments", "journeys", "touchpoints", "synthetic"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def search_notes(
    database: Database,
    text: str = "",
    *,
    method: str | None = None,
    theme: str | None = None,
    segment_id: str | None = None,
    journey_id: str | None = None,
    touchpoint: str | None = None,
) -> ResultBundle:
    """Notes holding every word of ``text`` and matching every filter, newest first, with
    a summary by theme."""
    with database.reader() as session:
        notes = notes_store.find_insight_notes(
            session, text, method=method or None, theme=theme or None,
            segment_id=segment_id or None, journey_id=journey_id or None,
            touchpoint=touchpoint or None,
        )  # fmt: skip
    return ResultBundle(
        question="search insight notes",
        provenance=Provenance(
            STORE_SOURCE, methods=(NOTE_METHOD,), synthetic=any(n.synthetic for n in notes)
        ),  # fmt: skip
        tables={
            "notes": Table(_notes_table(notes), "insight notes found"),
            "themes": Table(theme_summary(notes), "themes of the notes found"),
        },  # fmt: skip
        summary={"notes": notes, "text": text},
    )


def show_insight_note(database: Database, key: str) -> ResultBundle:
    """One note, with the names of the journeys and touchpoints it is linked to."""
    with database.reader() as session:
        note = notes_store.get_insight_note(session, key)
        if note is None:
            raise InputError(f"there is no insight note {key!r}", rule="unknown_note")
        names: dict[str, str] = {}
        for ref in (*note.journey_ids, *note.touchpoints):
            journey_key, _, point = ref.partition("/")
            found = journeys_store.get_journey(session, journey_key)
            if found is None:
                continue
            names[ref] = (
                found.journey.title
                if not point
                else f"{found.journey.touchpoint(point).name} ({found.journey.title})"
                if point in {t.id for t in found.journey.touchpoints}
                else ref
            )
    return _note_bundle(note, "show an insight note", link_names=names)


def link_insight_note(
    database: Database,
    key: str,
    *,
    segment_id: str | None = None,
    journey_id: str | None = None,
    touchpoint: str | None = None,
    remove: bool = False,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> ResultBundle:
    """Attach a note to (or, with ``remove``, detach it from) a segment, a journey or a
    touchpoint (``"journey-id/touchpoint-id"``); a stored segment must be one of
    ``workspace_id``'s segmentations (None: of any workspace)."""
    note = show_insight_note(database, key).summary["note"]
    changes: dict[str, tuple[str, ...]] = {}
    for name, value in (("segment_ids", segment_id), ("journey_ids", journey_id),
                        ("touchpoints", touchpoint)):  # fmt: skip
        if not value:
            continue
        current = getattr(note, name)
        changes[name] = (
            tuple(v for v in current if v != value)
            if remove
            else tuple(dict.fromkeys((*current, value)))
        )
    if not changes:
        raise InputError(
            [Problem(FORM, None, "link", "missing_value", "choose what to link the note to")]
        )
    changed = replace(note, **changes)
    return save_insight_note(database, changed, personal_data="keep", replace_existing=True,
                             user_id=user_id, workspace_id=workspace_id)  # fmt: skip


def export_insight_notes(database: Database, out: str | os.PathLike[str], **filters: Any) -> Path:
    """Write the notes found by :func:`search_notes` (``filters``) as JSON, YAML or CSV."""
    notes = search_notes(database, filters.pop("text", ""), **filters).summary["notes"]
    return write_insight_notes(notes, out)


def segment_choices(database: Database, workspace_id: int | None = None) -> list[tuple[str, str]]:
    """What notes can be about, as (id, words): the stored segments of ``workspace_id``'s
    segmentations (None: of every workspace), then the segments and personas already
    referenced by journeys and notes, so that notes name them by the same id."""
    with database.reader() as session:
        listing = journeys_store.list_journeys(session)
        found = {j.key: journeys_store.get_journey(session, j.key) for j in listing}
        notes = notes_store.find_insight_notes(session, limit=1000)
    labels = {s.journey.segment.id: s.journey.segment.label for s in found.values() if s}
    for note in notes:
        for segment in note.segment_ids:
            labels.setdefault(segment, segment)
    return note_segment_choices(database, workspace_id, labels)
