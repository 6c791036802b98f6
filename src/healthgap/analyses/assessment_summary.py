"""The summary of a self-assessment for a Health and Wellbeing Board, and its exports.

:func:`assessment_summary` gathers everything a board summary shows as one
:class:`~healthgap.reports.bundle.ResultBundle`: the spread of individual ratings and the
agreed level of every item, the weakest link and the strengths, the evidence and
contradiction flags, the place's data linked to each item (and Tool A's pre-filled data
steps), the radar, heatmap and (for the Population Intervention Triangle) triangle charts,
each with a table of the same values, and the action plan with its history. The files are
written by :mod:`healthgap.reports.assessment_exports` (CSV, XLSX, JSON and an accessible HTML
summary).

Ratings are ordinal: no table holds an average, median, total or score, and the heatmap of
topics keeps the order in which the assessments were made (no league table). Participants
are numbered unless ``anonymise=False``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from healthgap.analyses.assessment_access import (
    provenance_with,
    scope_summary,
    viewer_of,
)
from healthgap.analyses.assessment_evidence import AreaEvidence
from healthgap.analyses.assessment_views import HIDDEN_UNTIL_CLOSED
from healthgap.assessment import (
    PIT_POSITIONS,
    Assessment,
    FrameworkVersion,
    assessment_report,
    heatmap_table,
    triangle_table,
)
from healthgap.errors import PermissionDenied
from healthgap.reports.assessment_charts import (
    heatmap_chart,
    heatmap_readable,
    radar_chart,
    radar_readable,
    triangle_chart,
    triangle_readable,
)
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.store import Database, Role, User
from healthgap.store.assessment_load import get_assessment
from healthgap.store.assessment_queries import visible_assessments

__all__ = ["TABLE_TITLES", "assessment_summary"]

#: What each table of the summary holds (its title in files and on the page).
TABLE_TITLES = {
    "scope": "what was assessed, with which framework version",
    "items": "every item: spread of individual ratings, agreed level, weakest link, "
    "strength, flags and linked indicators",
    "counts": "how many participants chose each answer for each item",
    "ratings": "individual ratings (participants numbered), with rationale and evidence",
    "weakest_link": "the weakest link: items with the lowest agreed level",
    "strengths": "strengths: items agreed in the top band",
    "flags": "ratings without evidence, and ratings the data contradict",
    "evidence": "the place's data linked to each item",
    "data_steps": "Tool A's data steps, pre-filled from healthgap's measures",
    "profile": "current, target and previous agreed levels (the radar's values)",
    "actions": "action plan",
    "action_history": "every status change of every action",
    "action_timeline": "actions by status over time",
    "radar_table": "the radar chart as a table",
    "heatmap": "agreed levels by topic at this place (rows in the order assessed)",
    "heatmap_table": "the heatmap as a table",
    "heatmap_places": "agreed levels by place on this topic (rows in the order assessed)",
    "heatmap_places_table": "the heatmap of places as a table",
    "triangle_table": "the triangle as a table",
}


def _heatmap_rows(
    database: Database,
    version: FrameworkVersion,
    current: Assessment,
    user_id: int,
    by: str = "topic",
) -> list[Assessment]:
    """Assessments of the same framework that the user may open and whose individual round
    is closed, in the order they were made (never by rating): ``by="topic"`` the topics
    assessed at this place; ``by="place"`` the places assessed on this topic and period (the
    latest assessment of each place)."""
    scope = current.scope
    with database.reader() as session:
        user = session.get(User, user_id)
        admin = user is not None and user.role == Role.admin
        rows = visible_assessments(session, user_id=user_id, everything=admin)
        chosen = [
            record
            for record, _ in sorted(rows, key=lambda pair: (pair[0].created_at, pair[0].id))
            if record.framework_id == version.framework_id and record.round != "individual"
        ]
        if by == "topic":
            ids = [r.id for r in chosen if r.place_code == scope.place_code]
        else:
            same = [
                r
                for r in chosen
                if r.topic.casefold() == scope.topic.casefold() and r.period == scope.period
            ]
            latest = {r.place_code: r.id for r in same}  # later assessments replace earlier
            ids = [r.id for r in same if latest[r.place_code] == r.id]
        return [get_assessment(session, assessment_id=i).assessment for i in ids]


def _title(version: FrameworkVersion, assessment: Assessment) -> str:
    scope = assessment.scope
    return f"{version.title.text}: {scope.topic}, {scope.place_name or scope.place_code}"


def by_indicator(evidence: pd.DataFrame) -> list[dict[str, Any]]:
    """The evidence once per indicator (items share indicators), naming the items that link
    to it: ``[{"indicator", "label", "items", "rows"}]`` in the order first linked."""
    groups = []
    for indicator, rows in evidence.groupby("indicator", sort=False):
        items = rows[["item_number", "item_name"]].drop_duplicates()
        shown = rows.drop(columns=["item_id", "item_number", "item_name"]).drop_duplicates()
        groups.append(
            {
                "indicator": indicator,
                "label": str(rows["indicator_label"].iloc[0]),
                "items": "; ".join(items["item_number"] + " " + items["item_name"]),
                "rows": _records(shown),
            }
        )
    return groups


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


def assessment_summary(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    evidence: AreaEvidence | None = None,
    anonymise: bool = True,
    as_of: date | None = None,
) -> ResultBundle:
    """Everything the board summary shows (see the module docstring).

    Tables: those of :func:`healthgap.assessment.assessment_report` plus ``radar_table``,
    ``heatmap``, ``heatmap_table`` (topics at this place), ``heatmap_places`` and
    ``heatmap_places_table`` (places on this topic and period, when the user may open more
    than one) and, for the triangle, ``triangle_table``. Charts: ``radar``, ``heatmap``,
    ``heatmap_places`` and (PIT) ``triangle``. ``summary["report"]`` is the core's
    :class:`~healthgap.assessment.AssessmentReport` the exports are written from.
    Refused while the individual round is open.
    """
    with database.reader() as session:
        viewer_of(session, assessment_id, user_id)
        loaded = get_assessment(session, assessment_id=assessment_id)
    version, assessment = loaded.version, loaded.assessment
    if assessment.round == "individual":
        raise PermissionDenied(HIDDEN_UNTIL_CLOSED)
    report = assessment_report(
        version,
        assessment,
        data=None if evidence is None else evidence.data,
        previous=loaded.previous,
        as_of=as_of,
        anonymise=anonymise,
    )
    synthetic = report.synthetic
    title = _title(version, assessment)
    tables = {name: Table(frame, TABLE_TITLES[name]) for name, frame in report.tables.items()}
    profile = report.tables["profile"]
    names = {level.value: level.label.text for level in version.scale.levels}
    charts = {"radar": radar_chart(profile, title=title, level_labels=names, synthetic=synthetic)}
    readable = {"radar": radar_readable(profile, names)}
    heatmap = heatmap_table(version, _heatmap_rows(database, version, assessment, user_id))
    if not heatmap.empty:
        tables["heatmap"] = Table(heatmap, TABLE_TITLES["heatmap"])
        charts["heatmap"] = heatmap_chart(
            heatmap, title=f"{version.title.text}: topics at this place", synthetic=synthetic
        )
        readable["heatmap"] = heatmap_readable(heatmap)
    places = _heatmap_rows(database, version, assessment, user_id, by="place")
    if len(places) > 1:  # one place alone is its radar; side by side, never ranked
        by_place = heatmap_table(version, places, by="place")
        tables["heatmap_places"] = Table(by_place, TABLE_TITLES["heatmap_places"])
        charts["heatmap_places"] = heatmap_chart(
            by_place,
            title=f"{version.title.text}: {assessment.scope.topic} by place",
            synthetic=synthetic,
        )
        readable["heatmap_places"] = heatmap_readable(by_place).rename(
            columns={"row_label": "place_label"}
        )
    if {item.attributes.get("pit_position") for item in version.items} >= set(PIT_POSITIONS):
        triangle = triangle_table(version, assessment)
        charts["triangle"] = triangle_chart(triangle, title=title, synthetic=synthetic)
        readable["triangle"] = triangle_readable(triangle)
    for name, frame in readable.items():
        tables[f"{name}_table"] = Table(frame, TABLE_TITLES[f"{name}_table"])
    items = report.tables["items"]
    summary = scope_summary(version, assessment) | {
        "report": report,
        "title": title,
        "synthetic": synthetic,
        "anonymised": anonymise,
        "source": version.source.citation,
        "reconstruction_note": version.reconstruction_note,
        "weakest": _records(report.tables["weakest_link"]),
        "strengths": _records(report.tables["strengths"]),
        "flags": _records(report.tables["flags"]),
        "items_table": _records(items),
        "agreed": int((items["status"] == "agreed").sum()),
        "disagreements": int(items["disagreement"].sum()),
        "actions": _records(report.tables["actions"]),
        "readable": {name: _records(frame) for name, frame in readable.items()},
        "readable_columns": {name: list(frame.columns) for name, frame in readable.items()},
        "data_steps": _records(report.tables["data_steps"]),
        "evidence": by_indicator(report.tables["evidence"]),
        "data_notes": [] if evidence is None else list(evidence.notes),
        "data_period": "" if evidence is None else evidence.period,
        "comparison": "" if evidence is None else evidence.comparison,
        "plan_name": "" if evidence is None else evidence.plan_name,
        "previous": loaded.previous is not None,
    }
    return ResultBundle(
        question="summarise a self-assessment",
        provenance=provenance_with(evidence),
        tables=tables,
        charts=charts,
        metadata={
            "framework": f"{version.framework_id} version {version.version}",
            "place": assessment.scope.place_code,
            "topic": assessment.scope.topic,
            "ratings": "ordinal: counted, never averaged; no ranking of places",
        },
        summary=summary,
    )
