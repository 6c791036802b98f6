"""The insight pages' background jobs: a segmentation of the served workspace's small areas
(``segment_areas``) and an equity audit of many small areas (``equity_audit``).

Each takes only JSON parameters, so a job found in the database after a restart runs again
from them alone (see :mod:`healthgap.web.jobs`). The segmentation job stores its run
(:func:`healthgap.web.insight.store_bundle`) and its result bundle says which run it made;
the audit job's result is the audit itself. Both also leave their result in this process's
page cache, so the page that follows does not compute it again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from healthgap.analyses import (
    IndicatorSource,
    audit_service_equity,
    segment_areas,
)
from healthgap.errors import InputError
from healthgap.reports.bundle import Provenance, ResultBundle
from healthgap.store import Database
from healthgap.web.deps import Services
from healthgap.web.insight import load_run, run_bundle, saved_runs, store_bundle
from healthgap.web.settings import Settings

__all__ = ["SEGMENT_JOB", "EQUITY_JOB", "audit_key", "insight_job_handlers", "segment_params"]

Progress = Callable[[int, int], None]
SEGMENT_JOB = "segment_areas"
EQUITY_JOB = "equity_audit"


def segment_params(
    *, workspace_id: int, owner_id: int, name: str, choices: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON parameters of a segmentation job from the Segments form's checked choices."""
    return {
        "workspace_id": workspace_id,
        "owner_id": owner_id,
        "name": name,
        "columns": list(choices["columns"]),
        "n_segments": choices["n_segments"],
        "method": choices["method"],
        "seed": choices["seed"],
        "weights": choices["weights"],
    }


def audit_key(service: str, area: str) -> tuple[str, str, str]:
    """The page cache key of one audit (the cache adds the workspace's content)."""
    return ("equity", service, area)


def insight_job_handlers(
    services: Services, database: Database, settings: Settings
) -> dict[str, Callable[[Mapping[str, Any], Progress], ResultBundle]]:
    """``kind -> handler(params, progress)`` for the job runner."""

    def segment(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        workspace_id = services.workspaces.workspace_id
        if workspace_id != params["workspace_id"]:
            raise InputError(
                "the served workspace changed since this segmentation was asked for; run it again",
                rule="workspace_changed",
            )
        done = _already_stored(database, workspace_id, params)
        if done is not None:  # a job run again after its process died had stored it
            return _made(done, params["name"])
        steps = [1]  # the fit's steps, then storing and preparing the page: two more

        def fitted(step: int, total: int) -> None:
            steps[0] = total + 2
            progress(step, steps[0])

        bundle = segment_areas(
            services.source,
            indicators=(IndicatorSource(columns=tuple(params["columns"])),),
            n_segments=params["n_segments"],
            method=params["method"],
            seed=params["seed"],
            weights=params["weights"],
            boundaries=settings.boundaries,
            progress=fitted,
            executor=services.executor.get() if services.executor is not None else None,
        )
        run_id = store_bundle(
            database,
            workspace_id=workspace_id,
            owner_id=params["owner_id"],
            name=params["name"],
            bundle=bundle,
        )
        progress(steps[0] - 1, steps[0])
        run = load_run(database, workspace_id, run_id)
        if run is not None:  # the page of the new run shows this very result
            run_bundle(services, database, run, settings.boundaries, fresh=bundle)
        return _made(run_id, params["name"], bundle)

    def audit(params: Mapping[str, Any], progress: Progress) -> ResultBundle:
        service, area = params["service"], params["area"]
        bundle = audit_service_equity(
            services.source, service=service, area=area or None, progress=progress
        )
        return services.workspaces.memo(audit_key(service, area), lambda: bundle)

    return {SEGMENT_JOB: segment, EQUITY_JOB: audit}


def _already_stored(
    database: Database, workspace_id: int | None, params: Mapping[str, Any]
) -> int | None:
    for run in saved_runs(database, workspace_id):
        if (
            run.name == params["name"]
            and run.kind == "open"
            and run.seed == params["seed"]
            and [s.get("columns") for s in run.inputs.get("indicators", [])] == [params["columns"]]
        ):
            return run.id
    return None


def _made(run_id: int, name: str, bundle: ResultBundle | None = None) -> ResultBundle:
    """The job's own result: which stored run it made (the run itself is in the store)."""
    provenance = bundle.provenance if bundle is not None else Provenance(source="segments")
    return ResultBundle(
        question=f"Segmentation '{name}' stored",
        provenance=provenance,
        summary={"run_id": run_id, "name": name},
    )
