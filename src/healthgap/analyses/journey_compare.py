"""As-is vs to-be, and the drop-off funnel: comparisons of stored (or file) journeys, the
funnel from a journey's own counts or from service-activity data, and stage counts taken
from service data into a stored journey (saved as a new version with the version check).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.journey_edits import save_journey_content
from healthgap.analyses.journey_maps import (
    JOURNEY_METHOD,
    STORE_SOURCE,
    controlled_funnel,
    funnel_table_of,
    show_journey,
)
from healthgap.analyses.journey_maps import stored_journey as stored_journey_of
from healthgap.errors import InputError, Problem
from healthgap.journeys import (
    Journey,
    apply_service_counts,
    check_service_activity,
    compare_journeys,
    funnel_table,
    journey_funnel,
)
from healthgap.journeys.model import emotion_words
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.journey_charts import comparison_chart, funnel_chart, swimlane_chart
from healthgap.store import Database

__all__ = [
    "apply_service_data",
    "read_service_activity",
    "compare_journey_maps",
    "comparison_bundle",
    "funnel_of_journey",
    "service_funnel",
    "side_by_side",
]

FUNNEL_METHOD = "drop-off funnel: conversion with 95% Wilson score intervals"
STATUS_WORDS = {"kept": "kept", "changed": "changed", "moved": "moved to another stage",
                "added": "new", "removed": "removed"}  # fmt: skip


def _point(journey: Journey, touchpoint_id: str, status: str) -> dict[str, Any]:
    point = journey.touchpoint(touchpoint_id)
    return {
        "id": point.id,
        "name": point.name,
        "lane": point.lane,
        "emotion": point.emotion,
        "feeling": emotion_words(point.emotion),
        "moment_of_truth": point.moment_of_truth,
        "status": STATUS_WORDS.get(status, status),
    }


def side_by_side(as_is: Journey, to_be: Journey, touchpoints: pd.DataFrame) -> list[dict]:
    """Per stage (as-is order, then stages only the to-be has): the touchpoints of each
    version with what happened to them, for a two-column map."""
    status = dict(zip(touchpoints["touchpoint"], touchpoints["status"], strict=True))
    names = {s.id: s.name for s in to_be.ordered_stages()}
    names = {**{s.id: s.name for s in as_is.ordered_stages()}, **names}
    order = [s.id for s in as_is.ordered_stages()]
    order += [s.id for s in to_be.ordered_stages() if s.id not in order]
    have = ({s.id for s in as_is.stages}, {s.id for s in to_be.stages})
    return [
        {
            "stage": names[stage],
            "as_is": [_point(as_is, t.id, status[t.id]) for t in as_is.touchpoints_in(stage)],
            "to_be": [_point(to_be, t.id, status[t.id]) for t in to_be.touchpoints_in(stage)],
            "in_as_is": stage in have[0],
            "in_to_be": stage in have[1],
        }
        for stage in order
    ]


def comparison_bundle(as_is: Journey, to_be: Journey) -> ResultBundle:
    """The comparison of two journeys (matched by stage and touchpoint ids): tables per stage,
    per touchpoint and of the funnel, the emotion curves side by side and both swimlanes."""
    result = compare_journeys(as_is, to_be)
    tables = {
        "stages": Table(result.stages, f"stages as is and to be: {to_be.title}",
                        decimals={c: 2 for c in result.stages.columns if "emotion" in c}),
        "touchpoints": Table(result.touchpoints, f"touchpoints as is and to be: {to_be.title}"),
    }  # fmt: skip
    if not result.funnel.empty:  # conversions only: each journey's own funnel has the counts
        tables["funnel"] = Table(
            result.funnel, f"funnel as is and to be: {to_be.title}",
            columns=[c for c in result.funnel.columns if not c.startswith("count")],
            decimals={c: 4 for c in result.funnel.columns if c.startswith("conversion")},
        )  # fmt: skip
    synthetic = as_is.synthetic or to_be.synthetic
    return ResultBundle(
        question="compare a journey as it is with as it should be",
        provenance=Provenance(
            f"{STORE_SOURCE}: {as_is.id} version {as_is.version} and {to_be.id} version "
            f"{to_be.version}",
            methods=(JOURNEY_METHOD,),
            synthetic=synthetic,
        ),
        tables=tables,
        charts={
            "comparison": comparison_chart(as_is, to_be),
            "swimlane_as_is": swimlane_chart(as_is),
            "swimlane_to_be": swimlane_chart(to_be),
        },
        metadata={
            "as is": f"{as_is.id} version {as_is.version}",
            "to be": f"{to_be.id} version {to_be.version}",
        },  # fmt: skip
        summary={
            "as_is": as_is,
            "to_be": to_be,
            "figures": result.summary,
            "side_by_side": side_by_side(as_is, to_be, result.touchpoints),
        },
    )


def compare_journey_maps(
    database: Database,
    as_is_key: str,
    to_be_key: str | None = None,
    *,
    as_is_version: int | None = None,
    to_be_version: int | None = None,
) -> ResultBundle:
    """Compare two stored journeys (or two versions of one); ``to_be_key`` defaults to the
    to-be journey based on ``as_is_key`` (refused when there is none), and when
    ``as_is_key`` is itself a to-be journey, it is compared with the as-is one it redesigns."""
    if to_be_key is None:
        first = stored_journey_of(database, as_is_key).journey
        if first.kind == "to_be" and first.based_on:  # a redesign: compare it with its as-is
            as_is_key, to_be_key = first.based_on, as_is_key
            as_is_version, to_be_version = to_be_version, as_is_version
        else:
            to_be_key = _redesign_of(database, as_is_key)
    as_is = show_journey(database, as_is_key, version=as_is_version).summary["journey"]
    to_be = show_journey(database, to_be_key, version=to_be_version).summary["journey"]
    return comparison_bundle(as_is, to_be)


def _redesign_of(database: Database, as_is_key: str) -> str:
    from healthgap.store import journeys as stored

    stored_journey_of(database, as_is_key)  # an unknown journey is named as such
    based = []
    with database.reader() as session:
        for listing in stored.list_journeys(session):
            found = stored.get_journey(session, listing.key) if listing.kind == "to_be" else None
            if found is not None and found.journey.based_on == as_is_key:
                based.append(listing.key)
    if not based:
        raise InputError(
            f"journey {as_is_key!r} has no to-be redesign yet; start one, or name the journey "
            "to compare it with",
            rule="no_redesign",
        )
    return based[0]


def _funnel_bundle(funnel: pd.DataFrame, title: str, provenance: Provenance) -> ResultBundle:
    shown = controlled_funnel(funnel)
    first = shown.sort_values("step_order").drop_duplicates("step")
    return ResultBundle(
        question="drop-off funnel",
        provenance=provenance,
        tables={"funnel": funnel_table_of(funnel, title)},
        charts={"funnel": funnel_chart(shown, title=title, synthetic=provenance.synthetic)},
        summary={
            "steps": first["step"].tolist(),
            # people at each step as published: rounded to 5, None where 1 to 7
            "counts": [None if pd.isna(c) else int(c) for c in first["count"]],
        },
    )


def funnel_of_journey(
    journey: Journey,
    *,
    activity: pd.DataFrame | None = None,
    area_codes: Sequence[str] | None = None,
    filters: Mapping[str, object] | None = None,
    source: str = "service activity",
) -> ResultBundle:
    """The funnel of a journey's own stage counts (stages without a count left out), or of
    the counts its stages take from service ``activity`` (over ``area_codes`` and rows
    matching ``filters``)."""
    if activity is not None:
        activity = check_service_activity(activity, source)
        journey = apply_service_counts(
            journey, activity, area_codes=area_codes, filters=filters, source=source
        )
    return _funnel_bundle(
        journey_funnel(journey),
        f"Drop-off: {journey.title}",
        Provenance(
            f"{STORE_SOURCE}: {journey.id} version {journey.version}",
            methods=(FUNNEL_METHOD,),
            synthetic=journey.synthetic,
        ),  # fmt: skip
    )


def service_funnel(
    activity: pd.DataFrame,
    *,
    service: str,
    steps: Sequence[str],
    by: Sequence[str] = (),
    area_codes: Sequence[str] | None = None,
    filters: Mapping[str, object] | None = None,
    source: str = "service activity",
    synthetic: bool = False,
) -> ResultBundle:
    """The funnel of ``service`` through ``steps`` from service-activity data (see
    :func:`healthgap.journeys.funnel_table`), overall or by the ``by`` columns."""
    activity = check_service_activity(activity, source)
    table = funnel_table(activity, service=service, steps=steps, by=by, area_codes=area_codes,
                         filters=filters, source=source)  # fmt: skip
    bundle = _funnel_bundle(
        table, f"Drop-off: {service.replace('_', ' ')}",
        Provenance(source, methods=(FUNNEL_METHOD,), synthetic=synthetic),
    )  # fmt: skip
    if by:
        name = f"Drop-off: {service.replace('_', ' ')}"
        chart = funnel_chart(controlled_funnel(table), title=name, group=by[0],
                             synthetic=synthetic)  # fmt: skip
        bundle = replace(bundle, charts={"funnel": chart})
    return bundle


def apply_service_data(
    database: Database,
    key: str,
    activity: pd.DataFrame,
    *,
    expected_version: int,
    area_codes: Sequence[str] | None = None,
    filters: Mapping[str, object] | None = None,
    source: str = "service activity",
    user_id: int | None = None,
) -> ResultBundle:
    """Fill the stage counts of journey ``key`` from service data (rows of its service whose
    stage is a stage's funnel step) and save them as the next version."""
    journey = stored_journey_of(database, key).journey
    activity = check_service_activity(activity, source)
    counted = apply_service_counts(journey, activity, area_codes=area_codes, filters=filters,
                                   source=source)  # fmt: skip
    if all(s.count is None for s in counted.stages):
        steps = sorted({str(s) for s in activity["stage"].unique()})
        raise InputError(
            f"none of the stages of {journey.title!r} names a step of the service data "
            f"(service {journey.service!r}; its steps: {', '.join(steps)}): set a stage's "
            "funnel step to one of them",
            rule="no_matching_steps",
        )
    return save_journey_content(database, counted, expected_version=expected_version,
                                user_id=user_id, note=f"Stage counts from {source}")  # fmt: skip


def read_service_activity(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A service-activity CSV file (``area_code``, ``service``, ``stage``, ``count`` and any
    group columns), checked: every problem names the file, row and column."""
    name = str(path)
    if not Path(path).is_file():
        raise InputError([Problem(name, None, None, "missing_file", "there is no such file")])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(
            [Problem(name, None, None, "unreadable_file", f"not a CSV file of text ({error})")]
        ) from None
    return check_service_activity(frame, name)
