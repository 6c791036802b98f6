"""Editing a stored journey one keyboard action at a time, with no lost update.

A :class:`JourneyEdit` is one change as a form or a command gives it: change the details, add,
change, move up or down, or remove a stage, a touchpoint or an improvement. Values may be text
(from a form: parsed and checked by the same rules as a journey file) or Python values.
:func:`edit_journey` applies it to the version the editor started from and saves the result as
the next version, with a note in words ("Moved touchpoint "Phones to book" up"), so the
history reads as a list of changes.

Every save carries ``expected_version``. When someone else saved in between, nothing is
written and :class:`JourneyConflictError` says so in plain words, with what the other saves
changed, so the second writer knows to reload. The check is made before the edit and again by
the store's conditional update, so two saves at the same moment cannot both pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from healthgap.analyses.journey_actions import check_assessment_links
from healthgap.analyses.journey_maps import journey_bundle, stored_journey
from healthgap.analyses.journey_segments import check_segment_reference
from healthgap.analyses.journey_values import FORM, new_id, parse_fields, touchpoint_parts
from healthgap.errors import ConflictError, InputError, Problem
from healthgap.journeys import (
    Improvement,
    Journey,
    SegmentRef,
    Stage,
    Touchpoint,
    add_improvement,
    add_stage,
    add_touchpoint,
    move_stage,
    move_touchpoint,
    remove_improvement,
    remove_stage,
    remove_touchpoint,
    update_improvement,
    update_journey_details,
    update_stage,
    update_touchpoint,
)
from healthgap.journeys.personal_data import personal_data_problems
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.store import journeys as stored

__all__ = [
    "EDIT_ACTIONS",
    "FORM",
    "JourneyConflictError",
    "JourneyEdit",
    "apply_edit",
    "edit_journey",
    "save_journey_content",
]

EDIT_ACTIONS = (
    "details",
    "add_stage", "update_stage", "move_stage", "remove_stage",
    "add_touchpoint", "update_touchpoint", "move_touchpoint", "remove_touchpoint",
    "add_improvement", "update_improvement", "remove_improvement",
)  # fmt: skip
_DETAILS = ("title", "goal", "kind", "segment_kind", "segment_id", "segment_label",
            "version_date", "service", "description", "based_on")  # fmt: skip


class JourneyConflictError(ConflictError):
    """Someone saved the journey after the editor opened it; nothing was written.

    ``what_happened`` says so in two sentences (for a page that shows the new version at
    once); ``changes`` lists the notes of the versions saved in between ("Version 4: ...").
    """

    def __init__(
        self, what_happened: str, *, current_version: int, changes: tuple[str, ...]
    ) -> None:
        super().__init__(
            f"{what_happened} Open the journey again to see what they changed, then make your "
            "change again if it is still needed.",
            current_version=current_version,
        )
        self.what_happened = what_happened
        self.changes = changes


@dataclass(frozen=True)
class JourneyEdit:
    """One change: ``action`` (one of :data:`EDIT_ACTIONS`), ``target`` (the id of the stage,
    touchpoint or improvement it changes) and ``values`` (field -> value; for a move,
    ``direction`` "up" or "down"; for a touchpoint, ``evidence`` as a list of
    ``{quote, count, source}``)."""

    action: str
    target: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)


def _name(journey: Journey, kind: str, key: str) -> str:
    items = {"stage": journey.stages, "touchpoint": journey.touchpoints}.get(kind, ())
    for item in items:
        if item.id == key:
            return item.name
    for improvement in journey.improvements if kind == "improvement" else ():
        if improvement.id == key:
            return improvement.text
    raise InputError(
        [Problem(FORM, None, kind, f"unknown_{kind}", f"there is no {kind} {key!r} in this "
                 "journey (it may have been removed: reload the page)")]
    )  # fmt: skip


#: Fields whose names alone would not say what changed in the history's words.
_FIELD_WORDS = {
    "emotion": "feeling score",
    "wait_days": "wait in days",
    "segment": "who it is about",
    "version_date": "date of the map",
    "count": "people counted",
    "funnel_step": "step in the service data",
    "based_on": "the as-is journey it redesigns",
    "assessment_action_id": "assessment action",
}


def _changed(before: object, after: object) -> str:
    names = [f.name for f in fields(before) if getattr(before, f.name) != getattr(after, f.name)]  # type: ignore[arg-type]
    return ", ".join(_FIELD_WORDS.get(n, n.replace("_", " ")) for n in names) or "nothing"


def _details(journey: Journey, values: Mapping[str, Any]) -> tuple[Journey, str]:
    chosen = values.get("segment")
    parsed = parse_fields("journey", {k: v for k, v in values.items() if k != "segment"},
                          _DETAILS, adding=False)  # fmt: skip
    segment = {
        k[len("segment_") :]: parsed.pop(k) for k in list(parsed) if k.startswith("segment_")
    }
    if isinstance(chosen, SegmentRef):  # chosen from the stored segments (or described)
        parsed["segment"] = chosen
    elif segment:
        parsed["segment"] = replace(journey.segment, **segment)
    for optional in ("service", "based_on"):
        if optional in parsed and not parsed[optional]:
            parsed[optional] = None
    changed = update_journey_details(journey, **parsed)
    return changed, f"Changed the journey's details: {_changed(journey, changed)}"


def _stage_edit(journey: Journey, edit: JourneyEdit) -> tuple[Journey, str]:
    names = ("name", "description", "funnel_step", "count", "count_source")
    if edit.action == "add_stage":
        parsed = parse_fields("stages", edit.values, names, adding=True)
        parsed["funnel_step"] = parsed["funnel_step"] or None
        stage = Stage(id=new_id(parsed["name"], [s.id for s in journey.stages]),
                      order=_position(journey, str(edit.values.get("after") or "end")),
                      **parsed)  # fmt: skip
        return add_stage(journey, stage), f'Added stage "{stage.name}"'
    name = _name(journey, "stage", edit.target)
    if edit.action == "update_stage":
        parsed = parse_fields("stages", edit.values, names, adding=False)
        if "funnel_step" in parsed:
            parsed["funnel_step"] = parsed["funnel_step"] or None
        changed = update_stage(journey, edit.target, **parsed)
        after = changed.stage(edit.target)
        return (
            changed,
            f'Changed stage "{after.name}": {_changed(journey.stage(edit.target), after)}',
        )
    if edit.action == "move_stage":
        direction = _direction(edit.values)
        return move_stage(journey, edit.target, direction), f'Moved stage "{name}" {direction}'
    inside = journey.touchpoints_in(edit.target)
    if inside:
        raise InputError(
            [Problem(FORM, None, "stage", "stage_not_empty",
                     f'The stage "{name}" still has {len(inside)} touchpoint(s): move them to '
                     "another stage or remove them first")]
        )  # fmt: skip
    return remove_stage(journey, edit.target), f'Removed stage "{name}"'


def _position(journey: Journey, after: str) -> int:
    """Order of a new stage: first (``"start"``), last (``"end"``) or after stage ``after``."""
    orders = {s.id: s.order for s in journey.stages}
    if after == "start":
        return 1
    if after in orders:
        return orders[after] + 1
    if after != "end":
        _name(journey, "stage", after)  # refuses an unknown stage
    return max(orders.values(), default=0) + 1


def _touchpoint_edit(journey: Journey, edit: JourneyEdit) -> tuple[Journey, str]:
    stage_names = {s.id: s.name for s in journey.stages}
    if edit.action == "add_touchpoint":
        parsed, evidence = touchpoint_parts(edit.values, adding=True)
        parsed["lane"] = parsed["lane"] or "front_stage"
        point = Touchpoint(id=new_id(parsed["name"], [t.id for t in journey.touchpoints]),
                           order=1, evidence=evidence or (), **parsed)  # fmt: skip
        where = stage_names.get(point.stage, point.stage)
        return add_touchpoint(journey, point), f'Added touchpoint "{point.name}" to "{where}"'
    name = _name(journey, "touchpoint", edit.target)
    if edit.action == "update_touchpoint":
        parsed, evidence = touchpoint_parts(edit.values, adding=False)
        if evidence is not None:
            parsed["evidence"] = evidence
        changed = update_touchpoint(journey, edit.target, **parsed)
        after = changed.touchpoint(edit.target)
        what = _changed(journey.touchpoint(edit.target), after)
        return changed, f'Changed touchpoint "{after.name}": {what}'
    if edit.action == "move_touchpoint":
        direction = _direction(edit.values)
        moved = move_touchpoint(journey, edit.target, direction)
        return moved, f'Moved touchpoint "{name}" {direction}'
    attached = journey.improvements_at(edit.target)
    if attached:
        raise InputError(
            [Problem(FORM, None, "touchpoint", "touchpoint_has_improvements",
                     f'The touchpoint "{name}" has {len(attached)} improvement(s): remove them '
                     "or attach them to another touchpoint first")]
        )  # fmt: skip
    return remove_touchpoint(journey, edit.target), f'Removed touchpoint "{name}"'


_IMPROVEMENT_FIELDS = ("touchpoint", "text", "kind", "owner", "due", "status",
                       "assessment_action_id")  # fmt: skip


def _improvement_edit(journey: Journey, edit: JourneyEdit) -> tuple[Journey, str]:
    if edit.action == "add_improvement":
        parsed = parse_fields("improvements", edit.values, _IMPROVEMENT_FIELDS, adding=True)
        parsed["kind"] = parsed["kind"] or "idea"
        parsed["status"] = parsed["status"] or "proposed"
        parsed["assessment_action_id"] = parsed["assessment_action_id"] or None
        item = Improvement(id=new_id(parsed["text"], [m.id for m in journey.improvements]),
                           **parsed)  # fmt: skip
        return add_improvement(journey, item), f'Added improvement "{item.text}"'
    text = _name(journey, "improvement", edit.target)
    if edit.action == "update_improvement":
        parsed = parse_fields("improvements", edit.values, _IMPROVEMENT_FIELDS, adding=False)
        if "assessment_action_id" in parsed:
            parsed["assessment_action_id"] = parsed["assessment_action_id"] or None
        changed = update_improvement(journey, edit.target, **parsed)
        return changed, f'Changed improvement "{text}"'
    return remove_improvement(journey, edit.target), f'Removed improvement "{text}"'


def _direction(values: Mapping[str, Any]) -> str:
    direction = str(values.get("direction", "")).strip().lower()
    if direction not in ("up", "down"):
        raise InputError([Problem(FORM, None, "direction", "bad_direction", "move up or down")])
    return direction


def apply_edit(journey: Journey, edit: JourneyEdit) -> tuple[Journey, str]:
    """The journey after ``edit`` and a note saying what changed (pure; nothing is saved)."""
    if edit.action not in EDIT_ACTIONS:
        raise InputError(
            [Problem(FORM, None, "action", "unknown_action",
                     f"{edit.action!r} is not a change this page can make")]
        )  # fmt: skip
    if edit.action == "details":
        return _details(journey, edit.values)
    if edit.action.endswith("_stage"):
        return _stage_edit(journey, edit)
    if edit.action.endswith("_touchpoint"):
        return _touchpoint_edit(journey, edit)
    return _improvement_edit(journey, edit)


def _conflict(
    database: Database, journey: Journey, expected: int, current: int
) -> JourneyConflictError:
    with database.reader() as session:
        history = stored.journey_history(session, journey.id)
    changes = tuple(f"Version {v.version}: {v.note}" for v in history if v.version > expected)
    return JourneyConflictError(
        f'Someone else saved "{journey.title}" while you were editing it: you started from '
        f"version {expected}, and version {current} is saved now. Your change was not saved.",
        current_version=current,
        changes=changes,
    )


def _quote_warnings(journey: Journey) -> tuple[str, ...]:
    texts = [(FORM, None, f"{t.name}: evidence {i + 1}", e.quote)
             for t in journey.touchpoints for i, e in enumerate(t.evidence) if e.quote]  # fmt: skip
    return tuple(f"PersonalDataWarning: {p.column} {p.message}"
                 for p in personal_data_problems(texts))  # fmt: skip


def save_journey_content(
    database: Database,
    journey: Journey,
    *,
    expected_version: int,
    user_id: int | None = None,
    note: str = "saved",
    version_date: date | None = None,
) -> ResultBundle:
    """Save a whole edited journey as the next version, if nobody saved since
    ``expected_version`` (otherwise :class:`JourneyConflictError`, nothing written)."""
    try:
        with database.unit_of_work() as session:
            saved = stored.save_journey(
                session,
                journey,
                expected_version=expected_version,
                user_id=user_id,
                note=note,
                version_date=version_date,
            )
    except ConflictError as error:
        if isinstance(error, JourneyConflictError) or error.current_version is None:
            raise
        raise _conflict(database, journey, expected_version, error.current_version) from None
    bundle = journey_bundle(saved.journey, question="save a journey map",
                            current_version=saved.version)  # fmt: skip
    return replace(bundle, summary={**bundle.summary, "note": note},
                   warnings=_quote_warnings(saved.journey))  # fmt: skip


def edit_journey(
    database: Database,
    key: str,
    edit: JourneyEdit,
    *,
    expected_version: int,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> ResultBundle:
    """Apply one change to journey ``key`` as it was in ``expected_version`` and save it as
    the next version; ``summary["note"]`` says what changed. A segment newly chosen must be
    one of the stored segmentations (of ``workspace_id``; None: of any workspace)."""
    current = stored_journey(database, key)
    if current.version != expected_version:
        raise _conflict(database, current.journey, expected_version, current.version)
    changed, note = apply_edit(current.journey, edit)
    check_assessment_links(database, current.journey, changed)
    check_segment_reference(database, workspace_id, current.journey.segment, changed.segment)
    if changed == current.journey:  # e.g. the first touchpoint moved up: no new version
        bundle = journey_bundle(current.journey, current_version=current.version)
        return replace(bundle, summary={**bundle.summary, "note": "Nothing changed", "added": ""})
    saved = save_journey_content(
        database, changed, expected_version=expected_version, user_id=user_id, note=note
    )
    return replace(saved, summary={**saved.summary, "added": _added(current.journey, changed)})


def _added(before: Journey, after: Journey) -> str:
    """The id of the stage, touchpoint or improvement an edit added ("" when none)."""
    for part in ("stages", "touchpoints", "improvements"):
        new = {i.id for i in getattr(after, part)} - {i.id for i in getattr(before, part)}
        if new:
            return new.pop()
    return ""
