"""Persistence of the web workspace: users, the workspace registry, saved scenarios, and the
practice bank (case studies, research library, review workflow and full-text search).

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
from healthgap.store.database import Database, make_engine, migrate, normalise_url
from healthgap.store.models import Role, SavedScenario, User, WorkspaceEntry
from healthgap.store.practice import case_key, research_key
from healthgap.store.practice_repository import (
    FoundDocument,
    case_studies,
    case_studies_due_for_review,
    documents_linked_to,
    found_documents,
    get_case_study,
    get_research_entry,
    import_research,
    install_seed,
    research_entries,
    save_case_study,
    save_research_entry,
)
from healthgap.store.practice_review import (
    UploadedFile,
    add_attachment,
    add_comment,
    attachments,
    audit_trail,
    comments,
    member_role,
    moves_for,
    set_member_role,
    transition,
)
from healthgap.store.practice_search import (
    Hit,
    SearchResult,
    more_like_this,
    ranked_search,
    similar_terms,
)
from healthgap.store.scenarios import (
    get_scenario,
    list_scenarios,
    list_workspaces,
    register_workspace,
    save_scenario,
)

__all__ = [
    "Database",
    "FoundDocument",
    "Hit",
    "Role",
    "SavedScenario",
    "SearchResult",
    "UploadedFile",
    "User",
    "WorkspaceEntry",
    "accept_invite",
    "add_attachment",
    "add_comment",
    "attachments",
    "audit_trail",
    "authenticate",
    "case_key",
    "case_studies",
    "case_studies_due_for_review",
    "comments",
    "create_user",
    "documents_linked_to",
    "found_documents",
    "get_case_study",
    "get_research_entry",
    "get_scenario",
    "import_research",
    "install_seed",
    "invite_user",
    "list_scenarios",
    "list_users",
    "list_workspaces",
    "make_engine",
    "member_role",
    "migrate",
    "more_like_this",
    "moves_for",
    "normalise_url",
    "ranked_search",
    "register_workspace",
    "research_entries",
    "research_key",
    "save_case_study",
    "save_research_entry",
    "save_scenario",
    "set_member_role",
    "set_role",
    "similar_terms",
    "transition",
]
