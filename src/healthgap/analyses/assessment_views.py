"""What each person sees of a self-assessment: their list, an overview, the consensus round
and the action plan (their own rating sheet is :mod:`healthgap.analyses.assessment_rating`).

Each function takes the :class:`~healthgap.store.Database`, the acting account's id and
plain arguments, and returns one :class:`~healthgap.reports.bundle.ResultBundle` whose
tables are ready to write and whose ``summary`` holds plain values (lists of dicts) for a
page or a console. What is shown follows frameworks.md §10: while the individual round is
open a person sees only their own answers and everyone's completion; the spread, with the
answers numbered rather than named, is shown once a facilitator closes that round. Nothing
is ever averaged or ranked.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from healthgap.analyses.assessment_access import (
    ROUND_LABELS,
    STORE_SOURCE,
    provenance_with,
    records_by_item,
    scope_summary,
    viewer_of,
)
from healthgap.analyses.assessment_evidence import AreaEvidence
from healthgap.analyses.assessment_rating import answers_of
from healthgap.assessment import (
    INDICATORS,
    ActionStatus,
    assessment_report,
)
from healthgap.errors import PermissionDenied
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.store import Database, Role, User, round_progress
from healthgap.store.assessment import assessment_record
from healthgap.store.assessment_load import get_assessment
from healthgap.store.assessment_queries import (
    consensus_revisions,
    invitable_users,
    visible_assessments,
)

__all__ = [
    "action_plan",
    "assessment_overview",
    "consensus_view",
    "my_assessments",
]

LIST_COLUMNS = [
    "assessment_id",
    "title",
    "framework_id",
    "version",
    "place_code",
    "place_name",
    "topic",
    "period",
    "round",
    "my_role",
    "created",
]
HIDDEN_UNTIL_CLOSED = (
    "individual answers stay hidden until a facilitator closes the individual round"
)


def my_assessments(database: Database, *, user_id: int) -> ResultBundle:
    """The assessments the user takes part in (an admin sees every one), newest first."""
    with database.reader() as session:
        user = session.get(User, user_id)
        rows = visible_assessments(
            session, user_id=user_id, everything=user is not None and user.role == Role.admin
        )
        table = pd.DataFrame(
            [
                {
                    "assessment_id": record.id,
                    "title": record.title,
                    "framework_id": record.framework_id,
                    "version": record.framework_version,
                    "place_code": record.place_code,
                    "place_name": record.place_name,
                    "topic": record.topic,
                    "period": record.period,
                    "round": ROUND_LABELS.get(record.round, record.round),
                    "my_role": role,
                    "created": record.created_at.date().isoformat(),
                }
                for record, role in rows
            ],
            columns=LIST_COLUMNS,
        )
    return ResultBundle(
        question="list my assessments",
        provenance=Provenance(STORE_SOURCE),
        tables={"assessments": Table(table, "assessments you take part in")},
        summary={"assessments": table.to_dict("records")},
    )


def assessment_overview(database: Database, assessment_id: int, *, user_id: int) -> ResultBundle:
    """Scope, round, everyone's completion (counts only), the acting user's role and, for a
    facilitator, the accounts that can still be invited."""
    with database.reader() as session:
        me = viewer_of(session, assessment_id, user_id)
        loaded = get_assessment(session, assessment_id=assessment_id)
        progress = pd.DataFrame(round_progress(session, assessment_id=assessment_id))
        plan_id = assessment_record(session, assessment_id).plan_scenario_id
        role = me.role if me is not None else ""
        invitable = (
            [u.username for u in invitable_users(session, assessment_id=assessment_id)]
            if role == "facilitator"
            else []
        )
    summary = scope_summary(loaded.version, loaded.assessment)
    summary |= {
        "my_role": role,
        "participants": progress.to_dict("records"),
        "invitable": invitable,
        "plan_scenario_id": plan_id,
        "actions": len(loaded.assessment.actions),
        "agreed": len(loaded.assessment.consensus),
    }
    return ResultBundle(
        question="show an assessment",
        provenance=Provenance(STORE_SOURCE),
        tables={"progress": Table(progress, "items rated by each participant (no answers)")},
        summary=summary,
    )


def consensus_view(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    evidence: AreaEvidence | None = None,
) -> ResultBundle:
    """The consensus round: per item the spread of the individual ratings (counts per
    level, lowest and highest, whether the group disagrees), the numbered answers with their
    reasons and evidence, the data and its flags, and the agreed level with its revision.

    Refused while the individual round is open (answers stay hidden until it closes)."""
    with database.reader() as session:
        me = viewer_of(session, assessment_id, user_id)
        loaded = get_assessment(session, assessment_id=assessment_id)
        revisions = consensus_revisions(session, assessment_id=assessment_id)
    version, assessment = loaded.version, loaded.assessment
    if assessment.round == "individual":
        raise PermissionDenied(HIDDEN_UNTIL_CLOSED)
    report = assessment_report(
        version, assessment, data=None if evidence is None else evidence.data
    )
    wanted = ("items", "counts", "ratings", "flags", "evidence", "weakest_link", "strengths")
    tables = {name: Table(report.tables[name], name.replace("_", " ")) for name in wanted}
    items = report.tables["items"]
    summary = scope_summary(version, assessment) | {
        "my_role": "" if me is None else me.role,
        "items_table": items.astype(object).where(items.notna(), "").to_dict("records"),
        "counts": records_by_item(report.tables["counts"]),
        "ratings": records_by_item(report.tables["ratings"]),
        "flags": records_by_item(report.tables["flags"]),
        "evidence": records_by_item(report.tables["evidence"]),
        "revisions": {k: {"revision": r, "by": who} for k, (r, who) in revisions.items()},
        "levels": [a for a in answers_of(version, version.items[0].id) if a["is_level"]],
        "all_answers": answers_of(version, version.items[0].id),
        "agreed": int((items["status"] == "agreed").sum()),
        "disagreements": int(items["disagreement"].sum()),
        "data_notes": list(evidence.notes) if evidence is not None else [],
        "data_period": evidence.period if evidence is not None else "",
        "practice_ids": {item.id: item.practice_id for item in version.items},
    }
    return ResultBundle(
        question="run the consensus round",
        provenance=provenance_with(evidence),
        tables=tables,
        summary=summary,
    )


def action_plan(
    database: Database, assessment_id: int, *, user_id: int, as_of: date | None = None
) -> ResultBundle:
    """The action plan in framework order with overdue marks, every status change, and how
    many actions stood at each status over time; plus the choices an action form needs."""
    with database.reader() as session:
        me = viewer_of(session, assessment_id, user_id)
        loaded = get_assessment(session, assessment_id=assessment_id)
    version, assessment = loaded.version, loaded.assessment
    report = assessment_report(version, assessment, as_of=as_of)
    tables = {
        "actions": Table(report.tables["actions"], "action plan"),
        "action_history": Table(report.tables["action_history"], "every status change"),
        "action_timeline": Table(report.tables["action_timeline"], "actions by status over time"),
    }
    plan = report.tables["actions"]
    history = report.tables["action_history"]
    summary = scope_summary(version, assessment) | {
        "my_role": "" if me is None else me.role,
        "actions": plan.astype(object).where(plan.notna(), "").to_dict("records"),
        "history": {
            int(k): g.astype(object).where(g.notna(), "").to_dict("records")
            for k, g in history.groupby("action_id")
        },
        "item_choices": [
            {"id": i.id, "label": f"{i.number} {i.name.text}"}
            for i in version.items_in(assessment.mode)
        ],
        "indicator_choices": [{"id": k, "label": v.label} for k, v in INDICATORS.items()],
        "statuses": [s.value for s in ActionStatus],
        "weakest": report.tables["weakest_link"]["item_id"].tolist(),
    }
    return ResultBundle(
        question="track the action plan",
        provenance=Provenance(STORE_SOURCE),
        tables=tables,
        summary=summary,
    )
