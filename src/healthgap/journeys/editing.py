"""Edit a journey without drag and drop: add, change, move up or down, remove (pure).

Every function returns a new, validated :class:`~healthgap.journeys.model.Journey` (or raises
:class:`~healthgap.errors.InputError` naming the broken rule) so that a web form or the CLI can
apply one keyboard action at a time. Orders are renumbered 1, 2, 3 ... after each change.

>>> from healthgap.journeys.templates import load_template
>>> j = load_template("stop_smoking")
>>> [t.id for t in j.touchpoints_in("thinking")]
['decides', 'brief-advice']
>>> j = move_touchpoint(j, "brief-advice", "up")
>>> [t.id for t in j.touchpoints_in("thinking")]
['brief-advice', 'decides']
>>> [t.id for t in move_touchpoint(j, "brief-advice", "up").touchpoints_in("thinking")]
['brief-advice', 'decides']
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from typing import Any

from healthgap.errors import InputError
from healthgap.journeys.model import Improvement, Journey, JourneyKind, Stage, Touchpoint
from healthgap.journeys.validation import check_journey

__all__ = [
    "add_improvement",
    "add_stage",
    "add_touchpoint",
    "move_stage",
    "move_touchpoint",
    "next_version",
    "remove_improvement",
    "remove_stage",
    "remove_touchpoint",
    "start_to_be",
    "update_improvement",
    "update_journey_details",
    "update_stage",
    "update_touchpoint",
]

DIRECTIONS = {"up": -1, "down": 1}


def _renumbered(journey: Journey) -> Journey:
    """Stage orders 1..n, and touchpoint orders 1..n within each stage, keeping the sequence."""
    stages = tuple(replace(s, order=i + 1) for i, s in enumerate(journey.ordered_stages()))
    rank: dict[str, int] = {}
    for stage in journey.ordered_stages():
        for i, tp in enumerate(journey.touchpoints_in(stage.id)):
            rank[tp.id] = i + 1
    touchpoints = tuple(replace(t, order=rank.get(t.id, t.order)) for t in journey.touchpoints)
    return check_journey(replace(journey, stages=stages, touchpoints=touchpoints))


def _check_changes(kind: type, changes: dict[str, Any], frozen: tuple[str, ...]) -> None:
    allowed = {f.name for f in fields(kind)} - set(frozen)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InputError(
            f"cannot change {', '.join(unknown)} of a {kind.__name__.lower()}", rule="unknown_field"
        )


def _missing(what: str, key: str) -> InputError:
    return InputError(f"there is no {what} {key!r} in this journey", rule=f"unknown_{what}")


def update_journey_details(journey: Journey, **changes: Any) -> Journey:
    """Change the journey's own fields (title, goal, segment, description, ...); the id is
    fixed because insight notes and stored versions refer to it."""
    _check_changes(Journey, changes, ("id", "stages", "touchpoints", "improvements", "version"))
    return check_journey(replace(journey, **changes))


def add_stage(journey: Journey, stage: Stage) -> Journey:
    """Add a stage; its ``order`` places it (an order already taken puts it just before)."""
    earlier = [s for s in journey.stages if s.order < stage.order]
    later = [replace(s, order=s.order + 1) if s.order >= stage.order else s
             for s in journey.stages if s.order >= stage.order]  # fmt: skip
    return _renumbered(replace(journey, stages=(*earlier, stage, *later)))


def update_stage(journey: Journey, stage_id: str, **changes: Any) -> Journey:
    """Change fields of one stage (not its id or order: use :func:`move_stage`)."""
    _check_changes(Stage, changes, ("id", "order"))
    if stage_id not in {s.id for s in journey.stages}:
        raise _missing("stage", stage_id)
    stages = tuple(replace(s, **changes) if s.id == stage_id else s for s in journey.stages)
    return check_journey(replace(journey, stages=stages))


def move_stage(journey: Journey, stage_id: str, direction: str) -> Journey:
    """Swap a stage with the one before (``"up"``) or after (``"down"``) it."""
    ordered = journey.ordered_stages()
    ids = [s.id for s in ordered]
    if stage_id not in ids:
        raise _missing("stage", stage_id)
    i, j = ids.index(stage_id), ids.index(stage_id) + DIRECTIONS[direction]
    if 0 <= j < len(ordered):
        ordered[i], ordered[j] = ordered[j], ordered[i]
    stages = tuple(replace(s, order=k + 1) for k, s in enumerate(ordered))
    return check_journey(replace(journey, stages=stages))


def remove_stage(journey: Journey, stage_id: str) -> Journey:
    """Remove an empty stage (move or remove its touchpoints first)."""
    if stage_id not in {s.id for s in journey.stages}:
        raise _missing("stage", stage_id)
    if journey.touchpoints_in(stage_id):
        raise InputError(
            f"stage {stage_id!r} still has touchpoints; move or remove them first",
            rule="stage_not_empty",
        )
    return _renumbered(
        replace(journey, stages=tuple(s for s in journey.stages if s.id != stage_id))
    )


def add_touchpoint(journey: Journey, touchpoint: Touchpoint, *, at_end: bool = True) -> Journey:
    """Add a touchpoint to its stage: last (``at_end``) or at its own ``order``."""
    if at_end:
        last = max((t.order for t in journey.touchpoints_in(touchpoint.stage)), default=0)
        touchpoint = replace(touchpoint, order=last + 1)
    else:
        shifted = tuple(
            replace(t, order=t.order + 1)
            if t.stage == touchpoint.stage and t.order >= touchpoint.order
            else t
            for t in journey.touchpoints
        )
        journey = replace(journey, touchpoints=shifted)
    return _renumbered(replace(journey, touchpoints=(*journey.touchpoints, touchpoint)))


def update_touchpoint(journey: Journey, touchpoint_id: str, **changes: Any) -> Journey:
    """Change fields of one touchpoint (``stage`` moves it to the end of that stage)."""
    _check_changes(Touchpoint, changes, ("id", "order"))
    current = _find(journey, touchpoint_id)
    if "stage" in changes and changes["stage"] != current.stage:
        last = max((t.order for t in journey.touchpoints_in(changes["stage"])), default=0)
        changes["order"] = last + 1
    touchpoints = tuple(
        replace(t, **changes) if t.id == touchpoint_id else t for t in journey.touchpoints
    )
    return _renumbered(replace(journey, touchpoints=touchpoints))


def _find(journey: Journey, touchpoint_id: str) -> Touchpoint:
    try:
        return journey.touchpoint(touchpoint_id)
    except KeyError:
        raise _missing("touchpoint", touchpoint_id) from None


def move_touchpoint(journey: Journey, touchpoint_id: str, direction: str) -> Journey:
    """Move a touchpoint one place ``"up"`` or ``"down"`` in journey order.

    Inside a stage it swaps with its neighbour; past the first or last touchpoint of a stage it
    moves to the end of the previous stage or the start of the next one; at either end of the
    journey nothing changes.
    """
    if direction not in DIRECTIONS:
        raise InputError("move 'up' or 'down'", rule="bad_direction")
    current = _find(journey, touchpoint_id)
    step = DIRECTIONS[direction]
    siblings = journey.touchpoints_in(current.stage)
    position = [t.id for t in siblings].index(touchpoint_id)
    target = position + step
    if 0 <= target < len(siblings):
        other = siblings[target]
        swapped = {current.id: other.order, other.id: current.order}
        touchpoints = tuple(
            replace(t, order=swapped[t.id]) if t.id in swapped else t for t in journey.touchpoints
        )
        return _renumbered(replace(journey, touchpoints=touchpoints))
    stages = [s.id for s in journey.ordered_stages()]
    neighbour = stages.index(current.stage) + step
    if not 0 <= neighbour < len(stages):
        return journey
    into = stages[neighbour]
    existing = journey.touchpoints_in(into)
    order = (existing[-1].order + 1 if existing else 1) if step < 0 else 0
    moved = replace(current, stage=into, order=order)
    touchpoints = tuple(moved if t.id == touchpoint_id else t for t in journey.touchpoints)
    return _renumbered(replace(journey, touchpoints=touchpoints))


def remove_touchpoint(journey: Journey, touchpoint_id: str) -> Journey:
    """Remove a touchpoint that has no improvements attached."""
    _find(journey, touchpoint_id)
    attached = journey.improvements_at(touchpoint_id)
    if attached:
        raise InputError(
            f"touchpoint {touchpoint_id!r} has {len(attached)} improvement(s) attached; "
            "move or remove them first",
            rule="touchpoint_has_improvements",
        )
    kept = tuple(t for t in journey.touchpoints if t.id != touchpoint_id)
    return _renumbered(replace(journey, touchpoints=kept))


def add_improvement(journey: Journey, improvement: Improvement) -> Journey:
    """Attach an improvement idea or action to a touchpoint."""
    return check_journey(replace(journey, improvements=(*journey.improvements, improvement)))


def update_improvement(journey: Journey, improvement_id: str, **changes: Any) -> Journey:
    """Change fields of one improvement (e.g. ``status``, ``owner``, ``due``)."""
    _check_changes(Improvement, changes, ("id",))
    if improvement_id not in {m.id for m in journey.improvements}:
        raise _missing("improvement", improvement_id)
    items = tuple(
        replace(m, **changes) if m.id == improvement_id else m for m in journey.improvements
    )
    return check_journey(replace(journey, improvements=items))


def remove_improvement(journey: Journey, improvement_id: str) -> Journey:
    """Remove one improvement."""
    if improvement_id not in {m.id for m in journey.improvements}:
        raise _missing("improvement", improvement_id)
    items = tuple(m for m in journey.improvements if m.id != improvement_id)
    return check_journey(replace(journey, improvements=items))


def next_version(journey: Journey, version_date: date) -> Journey:
    """The same content as a new dated version (version number + 1)."""
    return replace(journey, version=journey.version + 1, version_date=version_date)


def start_to_be(as_is: Journey, *, new_id: str, version_date: date, title: str = "") -> Journey:
    """A to-be journey to redesign, copied from ``as_is`` with the same stage and touchpoint
    ids (so that :func:`~healthgap.journeys.compare.compare_journeys` matches them) and no
    measured counts or improvements."""
    if as_is.kind != JourneyKind.as_is:
        raise InputError(f"{as_is.id!r} is not an as-is journey", rule="not_as_is")
    return check_journey(
        replace(
            as_is,
            id=new_id,
            title=title or f"{as_is.title} (to be)",
            kind=JourneyKind.to_be.value,
            version=1,
            version_date=version_date,
            based_on=as_is.id,
            stages=tuple(replace(s, count=None, count_source="") for s in as_is.stages),
            improvements=(),
        )
    )
