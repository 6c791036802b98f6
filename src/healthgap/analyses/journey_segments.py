"""Who a journey (or an insight note) is about, chosen from the insight domain's stored
segmentations: the picker's choices, the reference a choice makes, the check that a new
reference names a stored segment, and what a stored reference means now.

Stored segmentations belong to a workspace: the web app passes the served workspace's id;
with ``workspace_id=None`` (the CLI, which has no served workspace) every segmentation stored
in the database counts. Run ids are the database's own, so a reference is checked against
the same database it was made in; a file from elsewhere that names another run is refused
(:func:`healthgap.journeys.segment_refs.segment_ref_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from healthgap.analyses.journey_values import FORM
from healthgap.errors import InputError, Problem
from healthgap.journeys import SegmentRef
from healthgap.journeys.segment_refs import (
    DESCRIBED,
    ResolvedSegment,
    StoredSegment,
    choice_label,
    choice_value,
    parse_choice,
    reference_to,
    resolve_segment_ref,
    segment_ref_problems,
    stored_segment_key,
)
from healthgap.store import Database, list_segment_runs

__all__ = [
    "KEEP",
    "NO_WORKSPACE",
    "SegmentRef",
    "TEMPLATE",
    "STORED_KEY",
    "check_segment_reference",
    "choice_value",
    "journey_segment",
    "note_segment_choices",
    "segment_key_problems",
    "segment_from_choice",
    "segment_picker",
    "stored_segments",
]

#: The workspace id to pass when none is served (the web app without a workspace): no
#: workspace has it, so no segmentation is offered or accepted.
NO_WORKSPACE = 0
#: Picker values besides the stored segments: keep the current reference as it is (one whose
#: segmentation was removed), or keep the template's own persona (a new journey).
KEEP, TEMPLATE = "keep", ""
Locate = Callable[[str], tuple[str, int | None, str]]


def _in_form(_field: str) -> tuple[str, int | None, str]:
    return FORM, None, "segment"


def stored_segments(database: Database, workspace_id: int | None) -> list[StoredSegment]:
    """Every named segment of the stored segmentations, newest segmentation first."""
    with database.reader() as session:
        runs = list_segment_runs(session, workspace_id=workspace_id)
        return [
            StoredSegment(run.id, run.name, run.created_at.date(), run.n_segments,
                          entry.segment, entry.name)
            for run in runs
            for entry in run.names
        ]  # fmt: skip


def journey_segment(
    database: Database, workspace_id: int | None, ref: SegmentRef
) -> ResolvedSegment:
    """What a journey's reference means now (current, renamed, removed or described)."""
    stored = stored_segments(database, workspace_id) if ref.stored else []
    return resolve_segment_ref(ref, stored)


def segment_picker(
    database: Database, workspace_id: int | None, current: SegmentRef | None = None
) -> dict[str, Any]:
    """The choices of a "who is it about" select, in plain words.

    ``segments`` and ``personas`` are (value, words) pairs, ``has_runs`` says whether any
    segmentation is stored, ``selected`` is the value of ``current`` and ``kept`` describes a
    current reference whose segmentation has since been removed (offered as "keep").
    """
    stored = stored_segments(database, workspace_id)
    picker: dict[str, Any] = {
        "segments": [(choice_value("segment", s.run_id, s.code), choice_label(s, "segment"))
                     for s in stored],
        "personas": [(choice_value("persona", s.run_id, s.code), choice_label(s, "persona"))
                     for s in stored],
        "has_runs": bool(stored),
        "selected": TEMPLATE if current is None else DESCRIBED,
        "kept": None,
    }  # fmt: skip
    if current is not None and current.stored:
        resolved = resolve_segment_ref(current, stored)
        if resolved.status == "removed":
            picker["selected"] = KEEP
            since = resolved.note.split(";")[0]  # "This segmentation has since been removed"
            picker["kept"] = f"Keep “{current.label}” ({since[:1].lower()}{since[1:]})"
        else:
            picker["selected"] = choice_value(current.kind, current.run_id or 0, current.code or "")
    return picker


def _described_key(label: str) -> str:
    """An id for a described persona, made from its words ("Men aged 40-74" -> men-aged-40-74)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:64] or "persona"


def segment_from_choice(
    database: Database,
    workspace_id: int | None,
    choice: str,
    *,
    described: str = "",
    current: SegmentRef | None = None,
) -> SegmentRef | None:
    """The reference a picker's choice makes: a stored segment or persona card, a persona the
    team describes (``described``: its words), the ``current`` one kept, or None (a new
    journey keeps its template's). A choice naming a segment that is not stored is refused
    with a problem at the picker (``segment``); an empty description at ``segment_label``."""
    choice = choice.strip()
    if choice == KEEP and current is not None:
        return current
    if choice == TEMPLATE and current is None:
        return None
    if choice == DESCRIBED:
        label = described.strip()
        if not label:
            raise InputError([Problem(FORM, None, "segment_label", "missing_value",
                                      "describe the persona the journey is about")])  # fmt: skip
        if current is not None and not current.stored and current.label == label:
            return current
        return SegmentRef("persona", _described_key(label), label)
    parsed = parse_choice(choice)
    if parsed is None:
        raise InputError([Problem(FORM, None, "segment", "unknown_segment",
                                  "choose who the journey is about from the list")])  # fmt: skip
    kind, run_id, code = parsed
    stored = stored_segments(database, workspace_id)
    match = next((s for s in stored if (s.run_id, s.code) == (run_id, code)), None)
    if match is None:  # refused by the check, in the same words as a file's reference
        words = f"segment {code} of segmentation {run_id}"
        return SegmentRef(kind, stored_segment_key(run_id, code), words, run_id=run_id, code=code)
    return reference_to(match, kind)


def check_segment_reference(
    database: Database,
    workspace_id: int | None,
    before: SegmentRef | None,
    after: SegmentRef,
    locate: Locate = _in_form,
) -> None:
    """Refuse a reference that names a segmentation or segment not stored. Only a reference
    being made is checked (new, or naming another segment): a journey whose segmentation was
    removed since keeps its reference and can still be edited."""
    if not after.stored:
        return
    if before is not None and (before.run_id, before.code) == (after.run_id, after.code):
        return
    problems = segment_ref_problems(after, stored_segments(database, workspace_id), locate)
    if problems:
        raise InputError(problems)


#: What a stored segment's id looks like (:func:`stored_segment_key`).
STORED_KEY = re.compile(r"^segmentation-\d+-segment-")


def segment_key_problems(
    database: Database,
    workspace_id: int | None,
    keys: Iterable[str],
    *,
    already: Iterable[str] = (),
    where: tuple[str, int | None, str] = (FORM, None, "segment_ids"),
) -> list[Problem]:
    """Problems of insight-note links to stored segments that are not stored (``keys`` the
    note names; ``already`` those it named before, kept even if since removed). Ids of
    personas a team describes are not checked."""
    wanted = [k for k in dict.fromkeys(keys) if STORED_KEY.match(k) and k not in set(already)]
    if not wanted:
        return []
    stored = {stored_segment_key(s.run_id, s.code) for s in stored_segments(database, workspace_id)}
    return [
        Problem(*where, "unknown_segment",
                f"there is no stored segment {key!r}: choose a segment from the list of "
                "stored segmentations, or describe the persona in your own words")
        for key in wanted if key not in stored
    ]  # fmt: skip


def note_segment_choices(
    database: Database, workspace_id: int | None, referenced: Mapping[str, str]
) -> list[tuple[str, str]]:
    """What insight notes can be about, as (id, words): the stored segments first (newest
    segmentation first), then the segments and personas already ``referenced`` (id ->
    label) by journeys and notes, a removed stored segment saying so."""
    stored = stored_segments(database, workspace_id)
    choices = {stored_segment_key(s.run_id, s.code): choice_label(s, "segment") for s in stored}
    rest = {
        key: label + (" (its segmentation has since been removed)" if STORED_KEY.match(key) else "")
        for key, label in referenced.items()
        if key not in choices
    }
    return [*choices.items(), *sorted(rest.items(), key=lambda item: item[1].lower())]
