"""Saved scenarios and the workspace registry (persistence only; the core computes results)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from healthgap.errors import InputError
from healthgap.store.models import SavedScenario, WorkspaceEntry

__all__ = [
    "get_scenario",
    "list_scenarios",
    "list_workspaces",
    "register_workspace",
    "save_scenario",
]

MAX_NAME_LENGTH = 120


def register_workspace(
    session: Session, *, name: str, path: str, is_synthetic: bool
) -> WorkspaceEntry:
    """Register a workspace folder under ``name``, or update the path of an existing one."""
    entry = session.scalar(select(WorkspaceEntry).where(WorkspaceEntry.name == name))
    if entry is None:
        entry = WorkspaceEntry(name=name, path=path, is_synthetic=is_synthetic)
        session.add(entry)
    else:
        entry.path, entry.is_synthetic = path, is_synthetic
    session.flush()
    return entry


def list_workspaces(session: Session) -> list[WorkspaceEntry]:
    return list(session.scalars(select(WorkspaceEntry).order_by(WorkspaceEntry.name)))


def save_scenario(
    session: Session,
    *,
    workspace_id: int,
    owner_id: int,
    name: str,
    area_code: str,
    choices: dict[str, object],
) -> SavedScenario:
    """Save a named scenario; names are unique within a workspace."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InputError(
            f"give the scenario a name of 1 to {MAX_NAME_LENGTH} characters",
            rule="bad_scenario_name",
        )
    try:  # infinity or NaN would be stored as non-standard JSON no view can use
        json.dumps(choices, allow_nan=False)
    except (TypeError, ValueError):
        raise InputError(
            "the scenario's choices must be plain finite numbers and text", rule="bad_choices"
        ) from None
    taken = session.scalar(
        select(SavedScenario.id).where(
            SavedScenario.workspace_id == workspace_id, SavedScenario.name == name
        )
    )
    if taken is not None:
        raise InputError(f"a scenario called {name!r} already exists", rule="duplicate_name")
    scenario = SavedScenario(
        workspace_id=workspace_id,
        owner_id=owner_id,
        name=name,
        area_code=area_code,
        choices=choices,
    )
    session.add(scenario)
    session.flush()
    return scenario


def list_scenarios(session: Session, *, workspace_id: int) -> list[SavedScenario]:
    return list(
        session.scalars(
            select(SavedScenario)
            .where(SavedScenario.workspace_id == workspace_id)
            .order_by(SavedScenario.created_at, SavedScenario.id)
        )
    )


def get_scenario(session: Session, *, scenario_id: int) -> SavedScenario | None:
    return session.get(SavedScenario, scenario_id)
