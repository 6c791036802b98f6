"""Several server processes behind one port: each builds its app from the environment.

``healthgap serve --workers N`` hands uvicorn an import string and this factory; the
settings reach every process as ``HEALTHGAP_*`` environment variables
(:func:`settings_environment`), so all of them open the same database, the same session
secret (kept in the data folder, created once before the processes start) and the same
workspace. Nothing a request needs lives only in one process's memory: sessions are
signed cookies, jobs and rate limits are database rows; what each process keeps (parsed
tables, fitted models, cached pages) is a cache it can rebuild.
"""

from __future__ import annotations

from fastapi import FastAPI

from healthgap.web.app import create_app
from healthgap.web.settings import Settings

__all__ = ["create_app_from_environment", "settings_environment"]

#: Fields passed to the processes (the secret stays in its file in the data folder).
PASSED = ("data_dir", "database_url", "workspace", "workspace_name", "scheduler",
          "compute_workers", "job_stale_seconds", "cookie_secure")  # fmt: skip


def settings_environment(settings: Settings) -> dict[str, str]:
    """``HEALTHGAP_*`` variables that rebuild ``settings`` in another process.

    >>> from pathlib import Path
    >>> env = settings_environment(Settings(data_dir=Path("/srv/hg"), workspace_name="demo"))
    >>> env["HEALTHGAP_DATA_DIR"], env["HEALTHGAP_WORKSPACE_NAME"], "HEALTHGAP_SECRET_KEY" in env
    ('/srv/hg', 'demo', False)
    """
    out = {}
    for name in PASSED:
        value = getattr(settings, name)
        if value is None:
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        out[f"HEALTHGAP_{name.upper()}"] = text
    return out


def create_app_from_environment() -> FastAPI:
    """The app of one server process, from the ``HEALTHGAP_*`` environment (uvicorn's
    factory for ``--workers``)."""
    app = create_app(Settings())
    app.state.freeze_after_start = True  # a server process (see web.deps.lifespan)
    return app
