"""Improvements linked to actions of the assessment domain's stored action plans.

An improvement may name an action of an assessment action plan by its number
(``assessment_action_id``). When an improvement is added or its link changed, the number must
name a stored action, so a map never points at an action that does not exist; the map then
says what the action is, in which plan, how far it has got and when it is due. A link read
from a file is kept as written (the plan may live in another database) and shown as "not
found here" until that plan is stored.

>>> from datetime import date
>>> from healthgap.store.journeys import LinkedAction
>>> action_in_words(LinkedAction("7", "Checks at the depot", "in_progress", date(2025, 9, 30),
...                              "Heart health, Eastbridge"))
'Action 7 of "Heart health, Eastbridge": Checks at the depot (in progress, due 30 September 2025)'
"""

from __future__ import annotations

from dataclasses import replace

from healthgap.analyses.journey_values import FORM
from healthgap.errors import InputError, Problem
from healthgap.journeys import Journey
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.store import journeys as stored
from healthgap.store.journeys import LinkedAction

__all__ = ["action_in_words", "check_assessment_links", "with_assessment_actions"]


def action_in_words(action: LinkedAction) -> str:
    """One linked action in a sentence: number, plan, text, status and due date."""
    due = f"{action.due.day} {action.due:%B %Y}"
    status = action.status.replace("_", " ")
    return f'Action {action.id} of "{action.plan}": {action.text} ({status}, due {due})'


def check_assessment_links(database: Database, before: Journey, after: Journey) -> None:
    """Refuse an edit that links an improvement to an assessment action that is not stored
    (only links the edit adds or changes are checked)."""
    old = {m.id: m.assessment_action_id for m in before.improvements}
    new = {m.id: m.assessment_action_id for m in after.improvements
           if m.assessment_action_id and old.get(m.id) != m.assessment_action_id}  # fmt: skip
    if not new:
        return
    with database.reader() as session:
        found = stored.linked_assessment_actions(session, new.values())
    missing = sorted({link for link in new.values() if link.strip() not in found})
    if missing:
        raise InputError(
            [Problem(FORM, None, "assessment_action_id", "unknown_assessment_action",
                     f"There is no action {link!r} in the stored assessment action plans: give "
                     "the number of a stored action, or leave it empty") for link in missing]
        )  # fmt: skip


def with_assessment_actions(database: Database, bundle: ResultBundle) -> ResultBundle:
    """The bundle of a journey with its improvements' linked actions described in words
    (column ``assessment_action_words``)."""
    table = bundle.tables["improvements"]
    frame = table.frame.copy()
    links = [str(link) for link in frame["assessment_action"] if link]
    with database.reader() as session:
        found = stored.linked_assessment_actions(session, links)
    frame["assessment_action_words"] = [
        "" if not link else
        action_in_words(found[str(link).strip()]) if str(link).strip() in found else
        f"Action {link}: not found in the assessment action plans stored here"
        for link in frame["assessment_action"]
    ]  # fmt: skip
    tables = {**bundle.tables, "improvements": replace(table, frame=frame)}
    return replace(bundle, tables=tables)
