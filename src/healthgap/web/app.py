"""The app factory: ``create_app(settings)`` builds a fresh app with its own database.

Nothing is created at import time (no global app, engine or settings), so tests build one app
per test over a fresh SQLite file and ``healthgap serve`` builds one from its options.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from healthgap.analyses import glossary_terms
from healthgap.errors import (
    InputError,
    MethodError,
    PermissionDenied,
    Problem,
    StorageError,
    WorkspaceError,
)
from healthgap.reports.formatting import FILTERS
from healthgap.reports.labels import label, level_name
from healthgap.store import Database, RateLimit
from healthgap.web.access import guard_every_route
from healthgap.web.deps import LoginRequiredError, Services, lifespan, render, show_problems
from healthgap.web.glossary_links import glossary_filter
from healthgap.web.guards import (
    BodySizeLimit,
    add_headers,
    security_headers,
    too_large_message,
)
from healthgap.web.insight_jobs import insight_job_handlers
from healthgap.web.middleware import SecurityHeadersAndLog
from healthgap.web.problem_words import PlainProblem, rule_title
from healthgap.web.routes.area import cached_profile, profile_key
from healthgap.web.security import LoginThrottle, check_csrf
from healthgap.web.settings import Settings
from healthgap.web.workspaces import AREA_TABLES, PageNotReadyError, WorkspaceNotReadyError

__all__ = ["create_app"]

HERE = Path(__file__).parent
log = logging.getLogger("healthgap.web")


def warm_pooled(services: Services) -> None:
    """Pool the small-area tables of the latest years once (regions' and the country's
    fifths read them)."""
    from healthgap.analyses import latest_period

    period = latest_period(services.source)
    if period is not None:
        for name in ("population", "deaths"):
            services.workspaces.area_rows().pooled(name, period)


def seed_prepared(services: Services) -> None:
    """Hand what the preparation's child process computed (the Plan baseline, the
    country's profile) to the caches, before any page can ask for them."""
    extras = services.workspaces.extras
    if "plan_baseline" in extras:
        services.planner().warm(extras["plan_baseline"])
    kept = extras.get("profiles") or {}
    if kept.get("hashes") == dict(services.source.hashes()):  # for this very content
        for code, bundle in kept.get("bundles", {}).items():
            services.workspaces.seed(profile_key(code), bundle, AREA_TABLES)


def warm_planner(services: Services) -> None:
    services.planner().warm()


def warm_country_profile(services: Services) -> None:
    # The country's profile ranks all its small areas by deprivation (about 2 s on the
    # national demo): the most visited page, so it is ready before anyone asks.
    areas = services.source.areas()
    for code in areas.loc[areas["level"].astype(str) == "country", "area_code"].astype(str):
        cached_profile(services, code)


def create_app(settings: Settings) -> FastAPI:
    """Build the web app: database (migrated), sessions, CSRF, routes, templates, assets.

    The services every request shares (the served workspace, the planner, the job runner)
    are built in the app's lifespan (:func:`healthgap.web.deps.lifespan`).
    """
    from healthgap.web.routes import ROUTERS

    database = Database(settings.resolved_database_url())
    app = FastAPI(
        title="healthgap",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_csrf)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.services = None
    app.state.seeders = [seed_prepared]
    app.state.warmers = [warm_pooled, warm_planner, warm_country_profile]
    app.state.job_kinds = [insight_job_handlers]
    window = settings.login_window_seconds
    app.state.login_limiter = LoginThrottle(
        database,
        per_account=RateLimit("login:account", settings.login_max_failures, window),
        per_address=RateLimit("login:address", settings.login_max_failures_per_address, window),
    )
    app.state.security_headers = security_headers(https=settings.cookie_secure)
    # autoescape is on for every .html template (Jinja2Templates' default select_autoescape).
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    assert templates.env.autoescape, "templates must autoescape"
    # Show "Local authority", not the level key "la", wherever a page names a level; every
    # number through the one formatter ({{ value|years }}, {{ cost|pounds }}, ...).
    templates.env.filters["level_name"] = level_name
    templates.env.filters["label"] = label
    templates.env.filters["rule_title"] = rule_title
    templates.env.filters.update(FILTERS)
    # Every full page links the first mention of each glossary term in its prose (base.html).
    templates.env.filters["glossary_links"] = glossary_filter(glossary_terms)
    # Chart specs go into <script type="application/json"> with Jinja's tojson, which escapes
    # <, >, & and ' so no label can close the element; NaN is not JSON, so it is refused.
    templates.env.policies["json.dumps_kwargs"] = {"sort_keys": False, "allow_nan": False}
    app.state.templates = templates

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="healthgap_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )

    # Added after the sessions, so it runs before them: a body over the limit is refused
    # while it streams in (see web/guards.py).
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    # Outermost: security headers and the request log, as plain ASGI (web/middleware.py).
    app.add_middleware(SecurityHeadersAndLog, headers=app.state.security_headers)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        """Liveness check for monitors; needs no login and tells nothing private."""
        return JSONResponse({"status": "ok"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """The icon browsers ask for on every page (no login needed, nothing private)."""
        return FileResponse(HERE / "static" / "favicon.png", media_type="image/png")

    for router in ROUTERS:
        app.include_router(router)

    _install_error_pages(app)
    guard_every_route(app)  # a route with no role must be declared public
    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def to_login(request: Request, _exc: LoginRequiredError) -> Response:
        target = "/login"
        if request.method == "GET" and request.url.path != "/":
            target += f"?next={request.url.path}"
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(WorkspaceNotReadyError)
    async def preparing(request: Request, exc: WorkspaceNotReadyError) -> Response:
        context = {"stage": exc.stage, "done": exc.done, "total": exc.total,
                   "working_out": isinstance(exc, PageNotReadyError)}  # fmt: skip
        if request.headers.get("HX-Request"):
            # A fragment that asks again in a few seconds (HTMX swaps 2xx responses only).
            context["retry_url"] = str(request.url)
            return render(request, "_preparing.html", context)
        response = render(request, "preparing.html", context, 503)
        response.headers["Retry-After"] = "2" if context["working_out"] else "5"
        return response

    @app.exception_handler(PermissionDenied)
    async def forbidden(request: Request, exc: PermissionDenied) -> Response:
        message = f"You cannot do this with your account: {exc}. Ask an administrator."
        return show_problems(request, [PlainProblem(message)], 403, title="Not allowed")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        messages = {
            403: "The form had expired or did not come from this site. Go back, reload the "
            "page and try again.",
            404: "There is no page at this address.",
            413: too_large_message(request.app.state.settings.max_upload_bytes),
        }
        message = messages.get(exc.status_code, str(exc.detail))
        return show_problems(request, [PlainProblem(message)], exc.status_code, title="Error")

    @app.exception_handler(RequestValidationError)
    async def form_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem("<form>", None, str(error["loc"][-1]), error["type"], error["msg"])
            for error in exc.errors()
        ]
        return show_problems(request, problems)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return show_problems(request, exc.problems)

    @app.exception_handler(MethodError)
    @app.exception_handler(StorageError)
    @app.exception_handler(WorkspaceError)
    async def service_error(request: Request, exc: Exception) -> Response:
        message = str(exc)
        return show_problems(
            request, [PlainProblem(message[:1].upper() + message[1:])], 409, title="Not available"
        )

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        """Anything unexpected is a bug: logged with a reference, shown without a traceback."""
        reference = uuid.uuid4().hex[:8]
        log.error(
            "unexpected error %s on %s %s",
            reference,
            request.method,
            getattr(request.scope.get("route"), "path", "?"),
            exc_info=exc,
        )
        message = (
            f"Something went wrong on our side: this is a bug in healthgap. Its details were "
            f"written to the server log under reference {reference}; please quote it when you "
            "report the problem."
        )
        try:
            response = render(
                request,
                "error.html",
                {"title": "Sorry, there is a problem", "message": message},
                500,
            )
        except Exception:  # noqa: BLE001 - the page itself failed: plain text, still no trace
            response = HTMLResponse(f"<h1>Sorry, there is a problem</h1><p>{message}</p>", 500)
        response.headers["X-Error-Reference"] = reference
        # This handler answers outside the other middleware: give the headers here.
        add_headers(response.headers, request.app.state.security_headers)
        return response
