"""Stored segmentations and stage-of-change suggestions (persistence only).

Checking is done before anything reaches here: the use cases check indicators, lookups,
names and suggestions with the insight core and pass plain values. Every function takes a
``Session`` from :meth:`healthgap.store.Database.unit_of_work`, so a run and all its rows are
written in one transaction or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from healthgap.errors import InputError, Problem
from healthgap.store.models import utcnow
from healthgap.store.segment_models import (
    SegmentAssignment,
    SegmentName,
    SegmentRun,
    StageSuggestion,
)

__all__ = [
    "delete_segment_run",
    "get_segment_run",
    "list_segment_runs",
    "rename_stored_segments",
    "save_segment_run",
    "save_stage_suggestion",
    "segment_assignments",
    "stage_suggestions",
]

MAX_RUN_NAME = 120
KINDS = ("open", "lookup")


def _check_run_name(session: Session, workspace_id: int, name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_RUN_NAME:
        raise InputError(
            [
                Problem(
                    "<form>",
                    None,
                    "name",
                    "bad_run_name",
                    f"give the segmentation a name of 1 to {MAX_RUN_NAME} characters",
                )
            ]
        )
    taken = session.scalar(
        select(SegmentRun.id).where(
            SegmentRun.workspace_id == workspace_id, SegmentRun.name == name
        )
    )
    if taken is not None:
        raise InputError(
            [
                Problem(
                    "<form>",
                    None,
                    "name",
                    "duplicate_name",
                    f"a segmentation called {name!r} already exists; choose another name",
                )
            ]
        )
    return name


def save_segment_run(
    session: Session,
    *,
    workspace_id: int,
    owner_id: int | None,
    name: str,
    kind: str,
    inputs: Mapping[str, Any],
    record: Mapping[str, Any],
    method: str,
    seed: int | None,
    version: str,
    stability: float | None,
    segments: Mapping[str, str],
    names: Sequence[Mapping[str, Any]],
    quality: Sequence[Mapping[str, Any]] | None = None,
) -> SegmentRun:
    """Store a segmentation: its inputs, record, the segment of every key and the names.

    ``names`` holds one mapping per segment (``segment``, ``name``, and optionally
    ``basis``); the name is also kept as the ``suggested`` one. ``quality`` holds the
    quality and stability of each number of segments tried (an open run's selection).
    """
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}", rule="bad_kind")
    run = SegmentRun(
        workspace_id=workspace_id,
        owner_id=owner_id,
        name=_check_run_name(session, workspace_id, name),
        kind=kind,
        inputs=dict(inputs),
        record=dict(record),
        method=method,
        seed=seed,
        version=version,
        n_segments=len(names),
        n_areas=len(segments),
        stability=None if stability is None else float(stability),
        quality=None if quality is None else [dict(row) for row in quality],
    )
    run.names = [
        SegmentName(
            segment=str(entry["segment"]),
            position=position,
            name=str(entry["name"]),
            suggested=str(entry["name"])[:200],
            basis=str(entry.get("basis", "")),
            edited=False,
        )
        for position, entry in enumerate(names)
    ]
    session.add(run)
    session.flush()
    if segments:
        session.execute(
            insert(SegmentAssignment),
            [{"run_id": run.id, "key": str(k), "segment": str(s)} for k, s in segments.items()],
        )
    return run


def list_segment_runs(session: Session, *, workspace_id: int | None) -> list[SegmentRun]:
    """The workspace's segmentations (every workspace's with None), newest first, with their
    names."""
    query = select(SegmentRun).options(selectinload(SegmentRun.names))
    if workspace_id is not None:
        query = query.where(SegmentRun.workspace_id == workspace_id)
    return list(session.scalars(query.order_by(SegmentRun.created_at.desc(), SegmentRun.id.desc())))


def get_segment_run(session: Session, *, run_id: int, workspace_id: int) -> SegmentRun | None:
    """One segmentation of the workspace (None when there is no such run in it)."""
    return session.scalar(
        select(SegmentRun)
        .where(SegmentRun.id == run_id, SegmentRun.workspace_id == workspace_id)
        .options(selectinload(SegmentRun.names))
    )


def segment_assignments(session: Session, *, run_id: int) -> dict[str, str]:
    """Key (area code or postcode) -> segment of every key of a run."""
    rows = session.execute(
        select(SegmentAssignment.key, SegmentAssignment.segment).where(
            SegmentAssignment.run_id == run_id
        )
    )
    return {str(key): str(segment) for key, segment in rows}


def rename_stored_segments(
    session: Session, *, run: SegmentRun, names: Mapping[str, str], user_id: int | None
) -> SegmentRun:
    """Store checked names (segment -> name); only changed names are marked edited."""
    for entry in run.names:
        new = names.get(entry.segment)
        if new is not None and new != entry.name:
            entry.name = new
            entry.edited = new != entry.suggested
            entry.updated_by = user_id
            entry.updated_at = utcnow()
    session.flush()
    return run


def delete_segment_run(session: Session, *, run: SegmentRun) -> None:
    """Remove a run with its names, assignments and suggestions."""
    session.execute(delete(SegmentAssignment).where(SegmentAssignment.run_id == run.id))
    session.execute(delete(StageSuggestion).where(StageSuggestion.run_id == run.id))
    session.delete(run)
    session.flush()


def stage_suggestions(session: Session, *, workspace_id: int, grouping: str) -> list[dict]:
    """A team's own suggestions for the cells of a grouping, as ``StageContent`` cells."""
    rows = session.scalars(
        select(StageSuggestion)
        .where(StageSuggestion.workspace_id == workspace_id, StageSuggestion.grouping == grouping)
        .order_by(StageSuggestion.id)
    )
    return [
        {
            "segment": row.segment,
            "behaviour": row.behaviour,
            "stage": row.stage,
            "message": row.message,
            "channel": row.channel,
            "offer": row.offer,
        }
        for row in rows
    ]


def save_stage_suggestion(
    session: Session,
    *,
    workspace_id: int,
    grouping: str,
    run_id: int | None,
    segment: str,
    behaviour: str,
    stage: str,
    message: str,
    channel: str,
    offer: str,
    user_id: int | None,
) -> StageSuggestion:
    """Create or replace one cell's message, channel and offer (already checked)."""
    row = session.scalar(
        select(StageSuggestion).where(
            StageSuggestion.workspace_id == workspace_id,
            StageSuggestion.grouping == grouping,
            StageSuggestion.segment == segment,
            StageSuggestion.behaviour == behaviour,
            StageSuggestion.stage == stage,
        )
    )
    if row is None:
        row = StageSuggestion(
            workspace_id=workspace_id,
            run_id=run_id,
            grouping=grouping,
            segment=segment,
            behaviour=behaviour,
            stage=stage,
        )
        session.add(row)
    row.message, row.channel, row.offer = message, channel, offer
    row.updated_by, row.updated_at = user_id, utcnow()
    session.flush()
    return row
