"""Request dependencies, in one place: the database, the signed-in user and role checks, and
the services the app builds once in its lifespan (the served workspace, its source for the
use cases, the planner, the job runner).

Route signatures read as prose: ``def page(request: Request, user: Viewer, source: Source)``.
A request without a signed-in user gets :class:`LoginRequiredError`, which the app turns into a
redirect to the login page (or an ``HX-Redirect`` for HTMX requests); a user whose role is too
low gets 403. Both are decided here, on the server, whatever the page shows.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from healthgap.analyses.pledges import PledgeConfig
from healthgap.errors import PermissionDenied, Problem
from healthgap.store import Database, Role, User, session_user
from healthgap.web.glossary_links import link_fragment_terms
from healthgap.web.job_kinds import SharedExecutor, import_handler, job_handlers, report_handlers
from healthgap.web.jobs import JobRunner
from healthgap.web.planning import Planner
from healthgap.web.problem_words import PlainProblem, plain_problems
from healthgap.web.security import LoginThrottle, csrf_token
from healthgap.web.settings import Settings
from healthgap.web.source import ServedSource
from healthgap.web.workspaces import WorkspaceService

__all__ = [
    "Admin",
    "Analyst",
    "DataDir",
    "DatabaseDep",
    "Jobs",
    "LoginLimiter",
    "LoginRequiredError",
    "SESSION_KEY",
    "PlannerDep",
    "PledgeSettings",
    "Services",
    "SettingsDep",
    "SourceDep",
    "Staff",
    "Viewer",
    "Workspaces",
    "current_user",
    "is_htmx",
    "database",
    "lifespan",
    "pledge_config",
    "render",
    "require",
    "services",
    "settings",
    "show_problems",
]


class LoginRequiredError(Exception):
    """The request needs a signed-in user and has none."""


@dataclass
class Services:
    """What every request shares, built once when the app starts (see :func:`lifespan`)."""

    workspaces: WorkspaceService
    source: ServedSource
    jobs: JobRunner
    executor: SharedExecutor | None = None
    _planner: Planner | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def planner(self) -> Planner:
        """The Plan page's models, built on first use (or while warming), under a lock so
        that two first requests build one."""
        self.workspaces.workspace()  # a clear WorkspaceError page when none is served
        with self._lock:
            if self._planner is None:
                self._planner = Planner(self.source)
            return self._planner

    def close(self) -> None:
        self.jobs.shutdown()
        if self.executor is not None:
            self.executor.close()


def _build_services(app: FastAPI) -> Services:
    settings = app.state.settings
    workspaces = WorkspaceService(
        app.state.database,
        settings.workspace,
        settings.workspace_name,
        cache_dir=settings.data_dir,
        background=settings.prepare_in_background,
        in_child=settings.prepare_in_background and settings.prepare_in_child_process,
    )
    jobs = JobRunner(app.state.database, settings.data_dir / "jobs",
                     stale_seconds=settings.job_stale_seconds)  # fmt: skip
    built = Services(workspaces, ServedSource(workspaces), jobs, SharedExecutor(settings))
    jobs.handlers.update(job_handlers(built.planner, built.executor, settings))
    # the jobs of other pages (the insight pages'), registered by create_app
    for kinds in getattr(app.state, "job_kinds", ()):
        jobs.handlers.update(kinds(built, app.state.database, settings))
    jobs.handlers["data_import"] = import_handler(workspaces.reload)
    for seed in getattr(app.state, "seeders", []):
        workspaces.after_load(lambda seed=seed: seed(built))
    jobs.handlers.update(report_handlers(built.source))
    jobs.start()  # claims queued jobs, and those a stopped server left running
    for warm in app.state.warmers:
        workspaces.after_warm(lambda warm=warm: warm(built))
    # Sum the workspace to every level (and fit the Plan baseline) in a background thread,
    # so the first visitor of a national workspace does not wait for it.
    workspaces.start_warming()
    return built


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the services when the app starts and stop the job runner when it stops.

    A second client of an app already running (as tests make) shares its services.
    """
    if getattr(app.state, "services", None) is not None:
        yield
        return
    app.state.services = _build_services(app)
    app.state.workspaces = app.state.services.workspaces
    if getattr(app.state, "freeze_after_start", False):
        # In a server process (healthgap serve), what start-up made (modules, the app, its
        # caches) lives as long as the process: moved out of the garbage collector's
        # generations, a full collection during a burst of requests no longer walks it all
        # (each took 0.1-1 s under a burst of MECC syncs). And the young generation is
        # collected every 20,000 new objects rather than 700: a burst keeps thousands of
        # requests' objects alive, which each small collection walked again (a third of
        # the server's CPU per sync in benchmarks/bench_mecc_sync.py). Not in tests, which
        # start many apps in one process and let each go.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        app.state.services.close()
        app.state.services = None


def services(request: Request) -> Services:
    return request.app.state.services


def database(request: Request) -> Database:
    return request.app.state.database


def settings(request: Request) -> Settings:
    return request.app.state.settings


def _workspaces(request: Request) -> WorkspaceService:
    return services(request).workspaces


def _source(request: Request) -> ServedSource:
    return services(request).source


def _planner(request: Request) -> Planner:
    return services(request).planner()


def _jobs(request: Request) -> JobRunner:
    return services(request).jobs


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _data_dir(request: Request) -> Path:
    """The web app's data folder (database, secret, files users attach)."""
    return Path(request.app.state.settings.data_dir)


def _login_limiter(request: Request) -> LoginThrottle:
    return request.app.state.login_limiter


#: Key of the server-side session token inside the signed session cookie.
SESSION_KEY = "sid"


def pledge_config(request: Request) -> PledgeConfig:
    """The pledge settings (signing secret, public address, limits, mail), read once."""
    state = request.app.state
    if getattr(state, "pledge_config", None) is None:
        state.pledge_config = PledgeConfig.from_settings(state.settings.pledge_settings())
    return state.pledge_config


def current_user(request: Request) -> User:
    """The signed-in, active user of this request's server-side session (one indexed read:
    a session ended by signing out, a new password or a new role is refused at once);
    raises :class:`LoginRequiredError` otherwise."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        raise LoginRequiredError
    with database(request).reader() as session:
        user = session_user(session, token)
    if user is None:
        request.session.pop(SESSION_KEY, None)
        raise LoginRequiredError
    request.state.user = user
    return user


def require(role: Role) -> Callable[[Request], User]:
    """Dependency factory: the signed-in user, who must hold at least ``role``."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if not Role(user.role).allows(role):
            raise PermissionDenied(f"this page needs the {role.value} role")
        return user

    dependency.__name__ = f"require_{role.value}"
    dependency.required_role = role  # type: ignore[attr-defined] - read by web.access
    return dependency


#: Any signed-in role, the staff role included (MECC logging; the use case also requires the
#: login to be linked to a member of staff).
Staff = Annotated[User, Depends(require(Role.staff))]
Viewer = Annotated[User, Depends(require(Role.viewer))]
Analyst = Annotated[User, Depends(require(Role.analyst))]
Admin = Annotated[User, Depends(require(Role.admin))]
DatabaseDep = Annotated[Database, Depends(database)]
DataDir = Annotated[Path, Depends(_data_dir)]
Workspaces = Annotated[WorkspaceService, Depends(_workspaces)]
SourceDep = Annotated[ServedSource, Depends(_source)]
PlannerDep = Annotated[Planner, Depends(_planner)]
Jobs = Annotated[JobRunner, Depends(_jobs)]
LoginLimiter = Annotated[LoginThrottle, Depends(_login_limiter)]
PledgeSettings = Annotated[PledgeConfig, Depends(pledge_config)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """Render a template with the values every page needs (user, CSRF token, nav)."""
    templates: Jinja2Templates = request.app.state.templates
    running = getattr(request.app.state, "services", None)
    summary = (
        running.workspaces.summary()
        if running is not None
        else {"available": False, "name": "", "synthetic": False}
    )
    base = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "workspace": summary,
    }
    response = templates.TemplateResponse(request, template, {**base, **(context or {})}, status)
    if is_htmx(request) and (context or {}).get("link_glossary", True):
        link_fragment_terms(request, response)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def show_problems(
    request: Request,
    problems: Iterable[Problem | PlainProblem],
    status: int = 400,
    *,
    title: str = "There is a problem",
    fields: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Response:
    """Problems in plain words where the user acted: for an HTMX request the GOV.UK error
    summary alone (``_error_summary.html``, swapped into the request's target; the page's
    script highlights each named control), otherwise a page with the summary.

    ``fields`` maps a core column to a control id and ``labels`` a control id to its label
    (:func:`healthgap.web.problem_words.plain_problems`); routes may also leave them in
    ``request.state.problem_fields`` / ``request.state.problem_labels`` before raising.
    """
    fields = fields or getattr(request.state, "problem_fields", None)
    labels = labels or getattr(request.state, "problem_labels", None)
    raw = list(problems)
    shown = [p for p in raw if isinstance(p, PlainProblem)] + plain_problems(
        [p for p in raw if isinstance(p, Problem)], fields=fields, labels=labels
    )
    context = {"errors": shown, "error_title": title}
    if is_htmx(request):
        return render(request, "_error_summary.html", context, status)
    return render(request, "error.html", {"title": title, **context}, status)
