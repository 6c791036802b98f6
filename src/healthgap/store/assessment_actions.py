"""Stored action plans: create, read, update and delete actions, keeping every status change.

Each action is checked by :func:`healthgap.assessment.check_action` against the framework
version its assessment was made with. A status change appends to the history, so progress
can be shown over time; an edit that names the ``expected_revision`` it started from is
refused when someone else changed the action meanwhile.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from healthgap.assessment import Action, ActionStatus, StatusChange, check_action
from healthgap.errors import InputError
from healthgap.store.assessment import saved_version
from healthgap.store.assessment_models import ActionChangeRecord, ActionRecord, AssessmentRecord

__all__ = [
    "action_history",
    "actions_and_history",
    "create_action",
    "delete_action",
    "list_actions",
    "set_action_status",
    "update_action",
]


def _action(session: Session, action_id: int) -> ActionRecord:
    found = session.get(ActionRecord, action_id)
    if found is None:
        raise InputError(f"no action with id {action_id}", rule="unknown_action")
    return found


def _checked(session: Session, assessment_id: int, action: Action, today: date | None) -> Action:
    record = session.get(AssessmentRecord, assessment_id)
    if record is None:
        raise InputError(f"no assessment with id {assessment_id}", rule="unknown_assessment")
    return check_action(saved_version(record), action, today=today)


def create_action(
    session: Session,
    *,
    assessment_id: int,
    item_id: str,
    text: str,
    owner_role: str,
    due: date,
    indicator: str | None = None,
    changed_by: str = "",
    today: date | None = None,
) -> ActionRecord:
    """Add a SMART action linked to an item (and an indicator); its history starts at
    ``not_started``. ``today`` refuses a due date already past."""
    action = _checked(
        session, assessment_id, Action(item_id, text, owner_role, due, indicator=indicator), today
    )
    row = ActionRecord(
        assessment_id=assessment_id,
        item_id=action.item_id,
        indicator=action.indicator,
        text=action.text,
        owner_role=action.owner_role,
        due=action.due,
        status=action.status,
    )
    session.add(row)
    session.flush()
    session.add(
        ActionChangeRecord(
            action_id=row.id, status=row.status, note="created", changed_by=changed_by
        )
    )
    session.flush()
    return row


def update_action(
    session: Session,
    *,
    action_id: int,
    text: str | None = None,
    owner_role: str | None = None,
    due: date | None = None,
    indicator: str | None = None,
    item_id: str | None = None,
    expected_revision: int | None = None,
) -> ActionRecord:
    """Change the wording, owner, due date, indicator or item of an action."""
    row = _action(session, action_id)
    if expected_revision is not None and expected_revision != row.revision:
        raise InputError(
            f"action {action_id} was changed meanwhile (revision {row.revision}); reload it",
            rule="action_conflict",
        )
    merged = Action(
        item_id or row.item_id,
        row.text if text is None else text,
        row.owner_role if owner_role is None else owner_role,
        due or row.due,
        row.status,
        row.indicator if indicator is None else (indicator or None),
    )
    action = _checked(session, row.assessment_id, merged, None)
    row.item_id, row.text, row.owner_role = action.item_id, action.text, action.owner_role
    row.due, row.indicator, row.revision = action.due, action.indicator, row.revision + 1
    session.flush()
    return row


def set_action_status(
    session: Session, *, action_id: int, status: str, note: str = "", changed_by: str = ""
) -> ActionRecord:
    """Move an action to ``status`` and record the change in its history."""
    if status not in ActionStatus.__members__:
        raise InputError(
            f"status is one of {', '.join(ActionStatus.__members__)}, not {status!r}",
            rule="unknown_status",
        )
    row = _action(session, action_id)
    row.status, row.revision = status, row.revision + 1
    session.add(
        ActionChangeRecord(
            action_id=row.id, status=status, note=note.strip(), changed_by=changed_by
        )
    )
    session.flush()
    return row


def delete_action(session: Session, *, action_id: int) -> None:
    """Remove an action entered by mistake, with its history (use ``dropped`` to keep it)."""
    _action(session, action_id)
    session.execute(delete(ActionChangeRecord).where(ActionChangeRecord.action_id == action_id))
    session.execute(delete(ActionRecord).where(ActionRecord.id == action_id))


def list_actions(session: Session, *, assessment_id: int) -> list[ActionRecord]:
    return list(
        session.scalars(
            select(ActionRecord)
            .where(ActionRecord.assessment_id == assessment_id)
            .order_by(ActionRecord.due, ActionRecord.id)
        )
    )


def action_history(session: Session, *, action_id: int) -> list[ActionChangeRecord]:
    return list(
        session.scalars(
            select(ActionChangeRecord)
            .where(ActionChangeRecord.action_id == action_id)
            .order_by(ActionChangeRecord.changed_at, ActionChangeRecord.id)
        )
    )


def actions_and_history(
    session: Session, assessment_id: int
) -> tuple[tuple[Action, ...], tuple[StatusChange, ...]]:
    """The plan of an assessment as core objects, for reports and exports."""
    rows = list_actions(session, assessment_id=assessment_id)
    actions = tuple(
        Action(r.item_id, r.text, r.owner_role, r.due, r.status, r.indicator, r.id, r.created_at)
        for r in rows
    )
    changes = session.scalars(
        select(ActionChangeRecord)
        .where(ActionChangeRecord.action_id.in_([r.id for r in rows]))
        .order_by(ActionChangeRecord.changed_at, ActionChangeRecord.id)
    )
    history = tuple(
        StatusChange(c.action_id, c.status, c.changed_at, c.note, c.changed_by) for c in changes
    )
    return actions, history
