"""Persistence of the web workspace: users, the workspace registry, saved scenarios,
self-assessments, MECC (``healthgap.store.mecc``: directory, contact logs, training, staff
health), pledge campaigns and the shared rate-limit counters.

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
from healthgap.store.mecc import SyncResult, record_contacts, sync_contacts
from healthgap.store.models import Role, SavedScenario, User, WorkspaceEntry
from healthgap.store.pledge_followup import (
    claim_due_reminders,
    count_event,
    record_checkin,
    send_due_reminders,
    unsubscribe,
)
from healthgap.store.pledge_retention import RetentionReport, apply_retention
from healthgap.store.pledges import (
    PledgeReceipt,
    PledgeView,
    delete_pledge,
    get_campaign,
    live_count,
    moderate,
    moderation_queue,
    pledge_frame,
    pledge_view,
    pledge_wall,
    record_pledge,
    save_campaign,
)
from healthgap.store.rate_limits import RateDecision, RateLimit, hit, peek, purge_expired
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
    "PledgeReceipt",
    "PledgeView",
    "RateDecision",
    "RateLimit",
    "RetentionReport",
    "Role",
    "SavedScenario",
    "SyncResult",
    "User",
    "WorkspaceEntry",
    "accept_invite",
    "action_history",
    "add_participant",
    "apply_retention",
    "authenticate",
    "claim_due_reminders",
    "close_assessment",
    "close_consensus_item",
    "count_event",
    "create_action",
    "create_assessment",
    "create_user",
    "delete_action",
    "delete_pledge",
    "get_assessment",
    "get_campaign",
    "get_scenario",
    "hit",
    "invite_user",
    "list_actions",
    "list_assessments",
    "list_scenarios",
    "list_users",
    "list_workspaces",
    "live_count",
    "make_engine",
    "migrate",
    "moderate",
    "moderation_queue",
    "normalise_url",
    "open_consensus_round",
    "peek",
    "pledge_frame",
    "pledge_view",
    "pledge_wall",
    "purge_expired",
    "record_checkin",
    "record_contacts",
    "record_pledge",
    "record_rating",
    "register_workspace",
    "round_progress",
    "save_campaign",
    "save_scenario",
    "send_due_reminders",
    "set_action_status",
    "set_role",
    "sync_contacts",
    "unsubscribe",
    "update_action",
]
