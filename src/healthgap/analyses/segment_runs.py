"""Segmentations kept in the database: a segmentation's bundle stored as a run (its inputs,
record, the segment of every area and the names), and the demo's SYNTHETIC segmentation.

The demo stores one open segmentation of its small areas (four segments, the demo's seed), so
that its worked example journey is about a stored segment's persona card, as a team's would
be: :func:`load_demo_segmentation` makes it once and says which segment holds most of the
most deprived fifth's areas (the people of the worked example).
"""

from __future__ import annotations

import os

import pandas as pd

from healthgap.analyses.segment import segment_areas
from healthgap.analyses.source import WorkspaceSource
from healthgap.datasets import DEFAULT_SEED
from healthgap.journeys.segment_refs import StoredSegment
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database, list_segment_runs, save_segment_run, segment_assignments

__all__ = ["DEMO_SEGMENTATION", "load_demo_segmentation", "store_segmentation"]

#: The name of the demo's stored segmentation (names are unique in a workspace).
DEMO_SEGMENTATION = "SYNTHETIC demo segmentation"
DEMO_SEGMENTS = 4


def store_segmentation(
    database: Database,
    *,
    workspace_id: int,
    owner_id: int | None,
    name: str,
    bundle: ResultBundle,
) -> int:
    """Store a segmentation bundle (of :func:`segment_areas` or a lookup); its new run id."""
    summary = bundle.summary
    segments = bundle.table("segments")
    with database.unit_of_work() as session:
        run = save_segment_run(
            session,
            workspace_id=workspace_id,
            owner_id=owner_id,
            name=name,
            kind=summary["kind"],
            inputs=summary["inputs"],
            record=summary["record"],
            method=summary["method"],
            seed=summary["seed"],
            version=bundle.provenance.software,
            stability=summary["stability"],
            segments=dict(
                zip(segments["area_code"].astype(str), segments["segment"].astype(str), strict=True)
            ),
            names=summary["names"],
            quality=summary.get("quality"),
        )
        return run.id


def _most_deprived(source: WorkspaceSource, assignments: pd.DataFrame) -> str:
    """The segment with the largest share of its areas in the most deprived national fifth
    (the lowest code on a tie); the first segment when deprivation is not in the workspace."""
    codes = sorted(assignments["segment"].astype(str).unique(), key=lambda c: (len(c), c))
    if not source.has("area_deprivation"):
        return codes[0]
    quintiles = source.read("area_deprivation", None, None)[["area_code", "deprivation_quintile"]]
    joined = assignments.astype({"area_code": str, "segment": str}).merge(
        quintiles.astype({"area_code": str}), on="area_code", how="left"
    )
    share = (joined["deprivation_quintile"] == 1).groupby(joined["segment"]).mean()
    return max(codes, key=lambda c: (share.get(c, 0.0), -codes.index(c)))


def load_demo_segmentation(
    database: Database,
    workspace: str | os.PathLike[str],
    *,
    workspace_id: int,
    seed: int = DEFAULT_SEED,
) -> StoredSegment | None:
    """Store the demo's SYNTHETIC segmentation once (four segments of the demo's small areas,
    fitted with ``seed``) and return the segment of the worked example: the one holding most
    of the most deprived fifth's areas. None when the workspace has no area indicators."""
    source = WorkspaceSource.open(workspace)
    if not source.has("area_indicators"):
        return None
    with database.reader() as session:
        run = next((r for r in list_segment_runs(session, workspace_id=workspace_id)
                    if r.name == DEMO_SEGMENTATION), None)  # fmt: skip
        stored = None if run is None else (run.id, run.created_at, run.n_segments,
                                           {n.segment: n.name for n in run.names})  # fmt: skip
    if stored is None:
        bundle = segment_areas(source, n_segments=DEMO_SEGMENTS, seed=seed)
        store_segmentation(database, workspace_id=workspace_id, owner_id=None,
                           name=DEMO_SEGMENTATION, bundle=bundle)  # fmt: skip
        return load_demo_segmentation(database, workspace, workspace_id=workspace_id, seed=seed)
    run_id, created, n_segments, names = stored
    with database.reader() as session:
        assignments = pd.DataFrame(
            list(segment_assignments(session, run_id=run_id).items()),
            columns=["area_code", "segment"],
        )
    code = _most_deprived(source, assignments)
    return StoredSegment(run_id, DEMO_SEGMENTATION, created.date(), n_segments, code, names[code])
