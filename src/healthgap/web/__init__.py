"""The web workspace: a thin FastAPI + Jinja2 + HTMX layer over the core.

Build an app with :func:`create_app` from typed :class:`Settings`; nothing is created at
import time. See ``docs/web.md``.
"""

from healthgap.web.app import create_app
from healthgap.web.serving import create_app_from_environment, settings_environment
from healthgap.web.settings import Settings

__all__ = ["Settings", "create_app", "create_app_from_environment", "settings_environment"]
