"""Persistence of the web workspace: users, the workspace registry, saved scenarios and
self-assessments.

All writes go through :meth:`Database.unit_of_work`; the schema is kept by Alembic migrations,
applied when a :class:`Database` is opened. SQLite by default, PostgreSQL by URL.
"""

from healthgap.store.accounts import (
    accept_invite,
    authenticate,
    create_user,
    invite_user,
    list_users,
    set_role,
)
from healthgap.store.assessment import (
    LoadedAssessment,
    add_participant,
    close_assessment,
    close_consensus_item,
    create_assessment,
    get_assessment,
    list_assessments,
    open_consensus_round,
    record_rating,
    round_progress,
)
from healthgap.store.assessment_actions import (
    action_history,
    create_action,
    delete_action,
    list_actions,
    set_action_status,
    update_action,
)
from healthgap.store.database import Database, make_engine, migrate, normalise_url
from healthgap.store.models import Role, SavedScenario, User, WorkspaceEntry
from healthgap.store.scenarios import (
    get_scenario,
    list_scenarios,
    list_workspaces,
    register_workspace,
    save_scenario,
)

__all__ = [
    "Database",
    "LoadedAssessment",
    "Role",
    "SavedScenario",
    "User",
    "WorkspaceEntry",
    "accept_invite",
    "action_history",
    "add_participant",
    "authenticate",
    "close_assessment",
    "close_consensus_item",
    "create_action",
    "create_assessment",
    "create_user",
    "delete_action",
    "get_assessment",
    "get_scenario",
    "invite_user",
    "list_actions",
    "list_assessments",
    "list_scenarios",
    "list_users",
    "list_workspaces",
    "make_engine",
    "migrate",
    "normalise_url",
    "open_consensus_round",
    "record_rating",
    "register_workspace",
    "round_progress",
    "save_scenario",
    "set_action_status",
    "set_role",
    "update_action",
]
