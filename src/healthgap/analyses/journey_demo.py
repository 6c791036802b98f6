"""The SYNTHETIC worked example in a database: the demo journey with its funnel taken from the
demo's SYNTHETIC service data, its to-be redesign and its insight notes.

The demo's service data (:mod:`healthgap.datasets.service_use`, tables ``service_need`` and
``service_activity`` by LSOA, sex, age band and ethnic group) hold, for each service, the
people who need it (population x prevalence: for the NHS Health Check, people aged 40 to 74
without heart disease) and the activity seen (checks done in five years). The journeys'
funnel reads one count per stage (:data:`healthgap.journeys.SERVICE_ACTIVITY_COLUMNS`), so
:func:`service_steps` turns the two tables into that layout, naming the counts by the
journey stages they measure (:data:`STEP_SOURCES`): everyone eligible is invited once in
five years, so the need counts the people ``invited``, and the activity counts the checks
``completed``. Booking and attendance are not in the demo's data and keep no count.

The persona of the worked example is a man in the most deprived fifth of areas, so its
funnel sums the men of the LSOAs in the most deprived national fifth (:data:`PERSONA_FILTER`).
When the demo workspace is given with its database entry (``workspace_id``), the demo's
SYNTHETIC segmentation is stored too (``segment_runs.load_demo_segmentation``) and the worked
example, its redesign and its insight notes are about the persona card of the segment holding
most of the most deprived fifth's areas, as a team's journeys would be.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from healthgap.analyses.journey_maps import STORE_SOURCE
from healthgap.analyses.segment_runs import load_demo_segmentation
from healthgap.data.workspace import open_workspace
from healthgap.datasets import DEFAULT_SEED
from healthgap.errors import InputError, Problem
from healthgap.journeys import (
    InsightNote,
    Journey,
    apply_service_counts,
    demo_insight_notes,
    load_template,
)
from healthgap.journeys.segment_refs import StoredSegment, reference_to
from healthgap.reports.bundle import Provenance, ResultBundle
from healthgap.store import Database
from healthgap.store.journey_insight import get_insight_note, save_insight_note
from healthgap.store.journeys import create_journey, get_journey

__all__ = [
    "DEMO_JOURNEYS",
    "PERSONA_FILTER",
    "STEP_SOURCES",
    "demo_service_activity",
    "load_demo_journeys",
    "service_steps",
]

#: Worked example: (template, stored id) of the as-is journey and its redesign.
DEMO_JOURNEYS = (
    ("demo_health_check", "demo-health-check-as-is"),
    ("demo_health_check_to_be", "demo-health-check-to-be"),
)
#: Journey stage (``funnel_step``) -> the service-data table whose count measures it.
STEP_SOURCES: dict[str, str] = {"invited": "need", "completed": "activity"}
#: The persona's people in the service data: men in the most deprived national fifth.
PERSONA_FILTER: dict[str, object] = {"sex": "male", "deprivation_quintile": 1}
SERVICE_TABLES = ("service_need", "service_activity", "area_deprivation")
COUNT_SOURCE = {
    "invited": "SYNTHETIC demo service data: men aged 40 to 74 without heart disease in the "
    "most deprived fifth of areas (everyone eligible is invited once in five years)",
    "completed": "SYNTHETIC demo service data: checks done in five years by the same men",
}


def service_steps(
    need: pd.DataFrame,
    activity: pd.DataFrame,
    deprivation: pd.DataFrame | None = None,
    *,
    steps: Mapping[str, str] = STEP_SOURCES,
) -> pd.DataFrame:
    """Need and activity tables (the equity audit's layout) as one count per area, service,
    sex and stage: the journeys' service-activity layout.

    ``need`` has ``service``, ``area_code``, ``sex``, ``population`` and ``prevalence``
    (need = population x prevalence, summed and rounded to whole people); ``activity`` has
    ``service``, ``area_code``, ``sex`` and ``activity``. ``steps`` names the stage each
    measures (``"need"`` or ``"activity"``). With ``deprivation`` (``area_code``,
    ``deprivation_quintile``) each row also carries its area's quintile.

    >>> need = pd.DataFrame({"service": "hc", "area_code": "E1", "sex": "male",
    ...                      "population": [10.0, 30.0], "prevalence": [0.9, 0.9]})
    >>> seen = pd.DataFrame({"service": "hc", "area_code": "E1", "sex": "male", "activity": [14]})
    >>> service_steps(need, seen)[["stage", "count"]].to_dict("records")
    [{'stage': 'invited', 'count': 36}, {'stage': 'completed', 'count': 14}]
    """
    keys = ["area_code", "service", "sex"]
    wanted = {"need": ("population", "prevalence"), "activity": ("activity",)}
    problems = [
        Problem(f"service {table}", None, column, "missing_column", f"needs a {column!r} column")
        for table, frame in (("need", need), ("activity", activity))
        for column in (*keys, *wanted[table])
        if column not in frame.columns
    ]
    if problems:
        raise InputError(problems)
    people = need.assign(count=need["population"] * need["prevalence"])
    totals = {
        "need": people.groupby(keys, observed=True)["count"].sum().round(),
        "activity": activity.groupby(keys, observed=True)["activity"].sum(),
    }
    parts = [
        totals[table].rename("count").reset_index().assign(stage=stage)
        for stage, table in steps.items()
    ]
    out = pd.concat(parts, ignore_index=True)
    for column in keys:
        out[column] = out[column].astype(str)
    out["count"] = out["count"].astype("int64")
    if deprivation is not None:
        quintiles = deprivation[["area_code", "deprivation_quintile"]].astype({"area_code": str})
        out = out.merge(quintiles, on="area_code", how="left")
    return out[out["count"] > 0].reset_index(drop=True)


def _service_tables(
    workspace: str | os.PathLike[str] | None, size: str, seed: int
) -> dict[str, pd.DataFrame]:
    """The demo's service tables: read from the workspace when it holds them, otherwise
    drawn again for the demo's size and seed (the same SYNTHETIC values)."""
    if workspace is not None and Path(workspace).exists():
        opened = open_workspace(workspace)
        if all(opened.has(name) for name in SERVICE_TABLES):
            return {name: opened.read(name) for name in SERVICE_TABLES}
    from healthgap.datasets.insight_demo import generate_insight_demo

    tables = generate_insight_demo(size, seed=seed)  # type: ignore[arg-type]
    return {name: tables[name] for name in SERVICE_TABLES}


def demo_service_activity(
    workspace: str | os.PathLike[str] | None = None,
    *,
    size: str = "small",
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The demo's SYNTHETIC service data in the journeys' layout (:func:`service_steps`)."""
    tables = _service_tables(workspace, size, seed)
    return service_steps(
        tables["service_need"], tables["service_activity"], tables["area_deprivation"]
    )


#: The described persona the templates of the worked example name (replaced by a stored one).
TEMPLATE_PERSONA = "demo-persona-routine-manual-men"


def _about(segment: StoredSegment | None) -> Callable[[Journey], Journey]:
    """The worked example made about the stored segment's persona card (unchanged without)."""
    if segment is None:
        return lambda journey: journey
    return lambda journey: replace(journey, segment=reference_to(segment, "persona"))


def _note_about(note: InsightNote, segment: StoredSegment | None) -> InsightNote:
    """An insight note of the worked example attached to the stored segment instead."""
    if segment is None or TEMPLATE_PERSONA not in note.segment_ids:
        return note
    key = reference_to(segment, "persona").id
    return replace(note, segment_ids=tuple(key if s == TEMPLATE_PERSONA else s
                                           for s in note.segment_ids))  # fmt: skip


def load_demo_journeys(
    database: Database,
    *,
    workspace: str | os.PathLike[str] | None = None,
    size: str = "small",
    seed: int = DEFAULT_SEED,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> ResultBundle:
    """Store the worked example once: the as-is journey with its stage counts from the
    demo's service data, its to-be redesign and the SYNTHETIC insight notes. Nothing is
    changed when they are already stored (``summary["loaded"]`` is False).

    With ``workspace`` and its database entry ``workspace_id``, the demo's SYNTHETIC
    segmentation is stored as well and the worked example is about one of its persona cards
    (``summary["segment"]``: the reference's words, or None)."""
    as_is_key = DEMO_JOURNEYS[0][1]
    with database.reader() as session:
        already = get_journey(session, as_is_key) is not None
    counts: dict[str, int | None] = {}
    segment = None
    if workspace is not None and workspace_id is not None and Path(workspace).exists():
        segment = load_demo_segmentation(database, workspace, workspace_id=workspace_id, seed=seed)
    if not already:
        activity = demo_service_activity(workspace, size=size, seed=seed)
        counted = apply_service_counts(
            load_template(DEMO_JOURNEYS[0][0]), activity, filters=PERSONA_FILTER
        )
        stages = tuple(
            replace(s, count_source=COUNT_SOURCE.get(s.funnel_step or "", s.count_source))
            if s.count is not None
            else s
            for s in counted.stages
        )
        counted = replace(counted, stages=stages)
        counts = {s.name: s.count for s in counted.ordered_stages()}
        about = _about(segment)
        with database.unit_of_work() as session:
            if get_journey(session, as_is_key) is None:  # another process may have been first
                create_journey(session, about(counted), user_id=user_id,
                               note="SYNTHETIC worked example")  # fmt: skip
                redesign = about(load_template(DEMO_JOURNEYS[1][0]))
                if get_journey(session, redesign.id) is None:
                    create_journey(
                        session, redesign, user_id=user_id, note="SYNTHETIC worked example"
                    )
                for note in demo_insight_notes():
                    if get_insight_note(session, note.id) is None:
                        save_insight_note(session, _note_about(note, segment), user_id=user_id)
    return ResultBundle(
        question="load the SYNTHETIC worked example journey",
        provenance=Provenance(
            STORE_SOURCE, methods=("SYNTHETIC demo service data",), synthetic=True
        ),  # fmt: skip
        summary={
            "loaded": not already,
            "journeys": [key for _, key in DEMO_JOURNEYS],
            "stage_counts": counts,
            "segment": None if segment is None else segment.name,
        },
    )
