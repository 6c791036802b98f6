"""The action plan of a self-assessment and the saved plan shown beside its ratings.

The gap between an item's agreed level and its target becomes SMART actions, each linked to
the item (and optionally an indicator), owned by a role, due by a date and tracked through
its statuses over time (every change kept). A facilitator keeps the plan; see
:mod:`healthgap.analyses.assessment_workshop` for the rest of the workshop.
"""

from __future__ import annotations

from datetime import date

from healthgap.analyses.assessment_access import done, facilitator
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.store import assessment_actions as plans
from healthgap.store.assessment_queries import action_of, link_plan

__all__ = ["add_action", "change_action_status", "link_plan_scenario"]


def _due(value: date | str) -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"{text!r} is not a date (YYYY-MM-DD)" if text else "give a due date"
        raise InputError([Problem("<action>", None, "due", "bad_date", message)]) from None


def add_action(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    item_id: str,
    text: str,
    owner_role: str,
    due: date | str,
    indicator: str | None = None,
    today: date | None = None,
) -> ResultBundle:
    """Add a SMART action linked to an item (and optionally an indicator); a facilitator
    only. A due date before ``today`` (default: the date today) is refused."""
    with database.unit_of_work() as session:
        me = facilitator(session, assessment_id, user_id, "change the action plan")
        row = plans.create_action(
            session,
            assessment_id=assessment_id,
            item_id=item_id,
            text=text,
            owner_role=owner_role,
            due=_due(due),
            indicator=indicator or None,
            changed_by=me.name,
            today=today or date.today(),
        )
        action_id = row.id
    return done("add an action", assessment_id=assessment_id, action_id=action_id)


def change_action_status(
    database: Database,
    assessment_id: int,
    action_id: int,
    *,
    user_id: int,
    status: str,
    note: str = "",
) -> ResultBundle:
    """Move an action to ``status`` (kept in its history with the date and the note)."""
    with database.unit_of_work() as session:
        me = facilitator(session, assessment_id, user_id, "change the action plan")
        action_of(session, assessment_id=assessment_id, action_id=action_id)
        plans.set_action_status(
            session, action_id=action_id, status=status, note=note, changed_by=me.name
        )
    return done("track an action", assessment_id=assessment_id, action_id=action_id, status=status)


def link_plan_scenario(
    database: Database, assessment_id: int, *, user_id: int, scenario_id: int | None
) -> ResultBundle:
    """Show a saved plan's intervention volumes beside the ratings (None: no plan)."""
    with database.unit_of_work() as session:
        facilitator(session, assessment_id, user_id, "choose the plan shown beside the ratings")
        link_plan(session, assessment_id=assessment_id, scenario_id=scenario_id)
    return done("link a plan", assessment_id=assessment_id, scenario_id=scenario_id)
