"""Persistence of the web workspace: users, the workspace registry, saved scenarios and MECC
(``healthgap.store.mecc``: directory, contact logs, training, staff health).

All writes go through :meth:`Database.unit_of_work`; the schema is kept by Alembic migrations,
applied when a :class:`Database` is opened. SQLite by default, PostgreSQL by URL.
"""

from healthgap.store import journey_models as journey_models  # registers the journey tables
from healthgap.store.accounts import (
    accept_invite,
    authenticate,
    create_user,
    invite_user,
    list_users,
    set_role,
)
from healthgap.store.database import Database, make_engine, migrate, normalise_url
from healthgap.store.mecc import SyncResult, record_contacts, sync_contacts
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
    "Role",
    "SavedScenario",
    "SyncResult",
    "User",
    "WorkspaceEntry",
    "accept_invite",
    "authenticate",
    "create_user",
    "get_scenario",
    "invite_user",
    "list_scenarios",
    "list_users",
    "list_workspaces",
    "make_engine",
    "migrate",
    "normalise_url",
    "record_contacts",
    "register_workspace",
    "save_scenario",
    "set_role",
    "sync_contacts",
]
