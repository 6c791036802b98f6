"""The action plan: SMART actions linked to items and indicators, tracked over time.

The gap between an item's agreed level and its target becomes actions (frameworks.md §10).
Each action names what will be done (specific, measurable text), the role that owns it
(assignable), a due date (time-bound), the item it improves and, where one fits, the
indicator that will show progress. Every status change is kept, so progress can be shown
over time.

>>> from datetime import date, datetime
>>> history = [
...     StatusChange(1, "not_started", datetime(2025, 1, 6)),
...     StatusChange(2, "not_started", datetime(2025, 1, 6)),
...     StatusChange(1, "in_progress", datetime(2025, 2, 3)),
...     StatusChange(1, "done", datetime(2025, 3, 3))]
>>> timeline = action_status_timeline(history)
>>> on = timeline[timeline["date"] == date(2025, 2, 3)]
>>> dict(zip(on["status"], on["actions"].astype(int)))
{'not_started': 1, 'in_progress': 1, 'done': 0}
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from healthgap.assessment._tables import tidy
from healthgap.assessment.indicators import INDICATORS, indicator_label
from healthgap.assessment.model import FrameworkVersion
from healthgap.errors import InputError, Problem

__all__ = [
    "MIN_ACTION_TEXT",
    "Action",
    "ActionStatus",
    "StatusChange",
    "action_history_table",
    "action_plan_table",
    "action_status_timeline",
    "check_action",
]

#: Shortest action text accepted: a few words saying what will be done and how much.
MIN_ACTION_TEXT = 15


class ActionStatus(enum.StrEnum):
    """Where an action stands (the Tool A step tracker uses the first three)."""

    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"


@dataclass(frozen=True)
class Action:
    """One SMART action in the plan."""

    item_id: str
    text: str
    owner_role: str
    due: date
    status: str = ActionStatus.not_started.value
    indicator: str | None = None
    id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class StatusChange:
    """A status an action took on, when and why (the plan's history)."""

    action_id: int
    status: str
    changed_at: datetime
    note: str = ""
    changed_by: str = ""


def check_action(version: FrameworkVersion, action: Action, *, today: date | None = None) -> Action:
    """The action with tidied text, or :class:`InputError` listing every problem.

    Rules: ``unknown_item``, ``action_too_vague`` (text shorter than
    :data:`MIN_ACTION_TEXT`), ``missing_owner_role``, ``missing_due_date``,
    ``due_date_past`` (only when ``today`` is given), ``unknown_indicator``,
    ``unknown_status``.
    """
    problems: list[Problem] = []

    def problem(column: str, rule: str, message: str) -> None:
        problems.append(Problem("<action>", None, column, rule, message))

    if not version.has_item(action.item_id):
        problem(
            "item_id", "unknown_item", f"{version.framework_id!r} has no item {action.item_id!r}"
        )
    text = " ".join(action.text.split())
    if len(text) < MIN_ACTION_TEXT:
        problem(
            "text",
            "action_too_vague",
            f"say what will be done, how much and for whom (at least {MIN_ACTION_TEXT} characters)",
        )
    owner = " ".join(action.owner_role.split())
    if not owner:
        problem("owner_role", "missing_owner_role", "name the role that owns the action")
    if not isinstance(action.due, date):
        problem("due", "missing_due_date", "give a due date")
    elif today is not None and action.due < today:
        problem("due", "due_date_past", f"the due date {action.due} is already past")
    if action.indicator not in (None, "") and action.indicator not in INDICATORS:
        problem(
            "indicator",
            "unknown_indicator",
            f"{action.indicator!r} is not an indicator (known: {', '.join(INDICATORS)})",
        )
    if action.status not in ActionStatus.__members__:
        problem(
            "status",
            "unknown_status",
            f"status is one of {', '.join(ActionStatus.__members__)}, not {action.status!r}",
        )
    if problems:
        raise InputError(problems)
    return Action(
        item_id=action.item_id,
        text=text,
        owner_role=owner,
        due=action.due,
        status=action.status,
        indicator=action.indicator or None,
        id=action.id,
        created_at=action.created_at,
    )


def action_plan_table(
    version: FrameworkVersion,
    actions: tuple[Action, ...] | list[Action],
    *,
    as_of: date | None = None,
) -> pd.DataFrame:
    """The plan as a table in framework order, then by due date (never by any score).

    ``overdue`` is true for an action not done or dropped whose due date is before
    ``as_of`` (default: today).
    """
    as_of = as_of or date.today()
    order = {item.id: i for i, item in enumerate(version.ordered_items())}
    frame = tidy(
        {
            "action_id": [a.id for a in actions],
            "item_id": [a.item_id for a in actions],
            "item_number": [version.item(a.item_id).number for a in actions],
            "item_name": [version.item(a.item_id).name.text for a in actions],
            "action": [a.text for a in actions],
            "owner_role": [a.owner_role for a in actions],
            "due": [a.due for a in actions],
            "status": [a.status for a in actions],
            "indicator": [a.indicator or "" for a in actions],
            "indicator_label": [
                indicator_label(a.indicator) if a.indicator else "" for a in actions
            ],
            "_order": [order.get(a.item_id, len(order)) for a in actions],
        },
        {"action_id": "Int64", "due": "object", "_order": "int64"},
    )
    open_action = ~frame["status"].isin([ActionStatus.done.value, ActionStatus.dropped.value])
    frame["overdue"] = open_action & (pd.to_datetime(frame["due"]) < pd.Timestamp(as_of))
    frame = frame.sort_values(["_order", "due", "action_id"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def _utc_naive(moment: datetime) -> datetime:
    """UTC wall time without a zone: PostgreSQL returns aware times, SQLite naive ones."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def action_history_table(history: tuple[StatusChange, ...] | list[StatusChange]) -> pd.DataFrame:
    """Every status change, oldest first."""
    frame = tidy(
        {
            "action_id": [h.action_id for h in history],
            "status": [h.status for h in history],
            "changed_at": [_utc_naive(h.changed_at) for h in history],
            "note": [h.note for h in history],
            "changed_by": [h.changed_by for h in history],
        },
        {"action_id": "Int64", "changed_at": "datetime64[us]"},
    )
    return frame.sort_values(["changed_at", "action_id"], kind="stable").reset_index(drop=True)


def action_status_timeline(history: tuple[StatusChange, ...] | list[StatusChange]) -> pd.DataFrame:
    """How many actions stood at each status on each day a status changed.

    Each action keeps its last status of the day, carried forward until it changes; an
    action appears from its first recorded status on. Returns ``date, status, actions``
    for every status seen, zeros included.
    """
    frame = action_history_table(history)
    if frame.empty:
        return pd.DataFrame({"date": [], "status": [], "actions": []})
    frame["date"] = frame["changed_at"].dt.normalize()
    last = frame.groupby(["date", "action_id"], sort=True)["status"].last()
    wide = last.unstack("action_id").ffill()  # dates x actions, status carried forward
    counts = wide.stack().groupby(level=0).value_counts().rename("actions")
    statuses = [s for s in ActionStatus.__members__ if s in set(frame["status"])]
    grid = pd.MultiIndex.from_product([wide.index, statuses], names=["date", "status"])
    counts.index = counts.index.set_names(["date", "status"])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["date"] = out["date"].dt.date
    return out
