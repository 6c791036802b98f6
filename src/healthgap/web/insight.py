"""What the insight pages share: stored segmentations read back as result bundles (computed
once per run, names and workspace content), and runs stored from a use case's bundle.

Segmentations are computed by :mod:`healthgap.analyses` (``segment_areas``,
``stored_segmentation``, ``lookup_segmentation``) and stored by :mod:`healthgap.store`;
this module only joins the two for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request

from healthgap.analyses import stored_segmentation
from healthgap.analyses.segment_runs import store_segmentation
from healthgap.reports.bundle import ResultBundle
from healthgap.store import (
    Database,
    get_segment_run,
    list_segment_runs,
    segment_assignments,
)
from healthgap.web.deps import Services

__all__ = ["StoredRun", "boundaries_of", "load_run", "run_bundle", "saved_runs", "store_bundle"]


@dataclass(frozen=True)
class StoredRun:
    """A stored segmentation as the pages read it (detached from the session)."""

    id: int
    name: str
    kind: str
    method: str
    seed: int | None
    version: str
    n_segments: int
    n_areas: int
    stability: float | None
    created: str
    inputs: dict[str, Any]
    record: dict[str, Any]
    quality: list[dict[str, Any]] | None
    names: list[dict[str, Any]]


def boundaries_of(request: Request) -> Path | None:
    """The boundary file or folder the app was started with (real areas' maps)."""
    return request.app.state.settings.boundaries


def _as_stored(run: Any) -> StoredRun:
    return StoredRun(
        id=run.id,
        name=run.name,
        kind=run.kind,
        method=run.method,
        seed=run.seed,
        version=run.version,
        n_segments=run.n_segments,
        n_areas=run.n_areas,
        stability=run.stability,
        created=run.created_at.strftime("%d %B %Y %H:%M"),
        inputs=dict(run.inputs),
        record=dict(run.record),
        quality=None if run.quality is None else list(run.quality),
        names=[
            {"segment": n.segment, "name": n.name, "basis": n.basis, "edited": n.edited}
            for n in run.names
        ],
    )


def saved_runs(database: Database, workspace_id: int | None) -> list[StoredRun]:
    if workspace_id is None:
        return []
    with database.reader() as session:
        return [_as_stored(r) for r in list_segment_runs(session, workspace_id=workspace_id)]


def load_run(database: Database, workspace_id: int | None, run_id: int) -> StoredRun | None:
    if workspace_id is None:
        return None
    with database.reader() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=workspace_id)
        return None if run is None else _as_stored(run)


def labels_of(database: Database, run_id: int) -> dict[str, str]:
    with database.reader() as session:
        return segment_assignments(session, run_id=run_id)


def run_bundle(
    running: Services,
    database: Database,
    run: StoredRun,
    boundaries: Path | None,
    fresh: ResultBundle | None = None,
) -> ResultBundle:
    """The stored run's result (profiles, cards, map), computed once per run, names and
    workspace content; ``fresh`` is the result the run itself just made (the same
    segments, names and figures), kept instead of computing them again."""
    names = tuple((n["segment"], n["name"]) for n in run.names)
    return running.workspaces.memo(
        ("segment-run", run.id, names, str(boundaries)),
        lambda: (
            fresh
            or stored_segmentation(
                running.source,
                kind=run.kind,
                labels=labels_of(database, run.id),
                names=run.names,
                inputs=run.inputs,
                record=run.record,
                method=run.method,
                seed=run.seed,
                stability=run.stability,
                quality=run.quality,
                boundaries=boundaries,
            )
        ),
    )


def store_bundle(
    database: Database, *, workspace_id: int, owner_id: int, name: str, bundle: ResultBundle
) -> int:
    """Store a segmentation bundle (inputs, record, segments, names); its new id."""
    return store_segmentation(
        database, workspace_id=workspace_id, owner_id=owner_id, name=name, bundle=bundle
    )
