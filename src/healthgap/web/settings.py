"""Typed settings of the web app, read from arguments or ``HEALTHGAP_*`` environment variables."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the app factory needs; nothing is read at import time.

    >>> s = Settings(data_dir=Path("/tmp/hg"), secret_key="x" * 32)
    >>> s.resolved_database_url()
    'sqlite:////tmp/hg/healthgap.db'
    """

    model_config = SettingsConfigDict(env_prefix="HEALTHGAP_", extra="forbid")

    data_dir: Path = Field(
        default=Path(".healthgap"),
        description="Folder of the embedded SQLite database and the session secret.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; PostgreSQL e.g. postgresql://u@host/db."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs session cookies; kept in <data_dir>/secret_key when not given.",
    )
    workspace: Path | None = Field(default=None, description="Workspace folder to serve.")
    workspace_name: str = "default"
    prepare_in_background: bool = Field(
        default=True,
        description="Sum the workspace to every level in a background thread at start (off: "
        "the first page that needs it does so; tests use this to stay single-threaded).",
    )
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    cookie_secure: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set behind TLS)."
    )
    login_max_failures: int = Field(
        default=5, gt=0, description="Failed sign-ins per account name in the window."
    )
    login_max_failures_per_address: int = Field(
        default=30, gt=0, description="Failed sign-ins per client address in the window."
    )
    login_window_seconds: int = Field(default=300, gt=0)
    # Heavy work and background jobs (docs/scale.md).
    scheduler: str | None = Field(
        default=None,
        description="Dask scheduler for background jobs, e.g. tcp://10.0.0.5:8786 (default: "
        "run them in the server process).",
    )
    compute_workers: int = Field(
        default=0, ge=0, description="Start a local Dask cluster of this many worker processes."
    )
    job_stale_seconds: float = Field(
        default=30.0, gt=0, description="A running job whose heartbeat is older is run again."
    )
    uncertainty_draws: int = Field(default=200, ge=10, le=100_000)
    sensitivity_draws: int = Field(default=500, ge=100, le=100_000)
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="Comma-separated addresses of the reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed; none by default, so a client cannot choose "
        "the address the login limit counts.",
    )
    max_upload_bytes: int = Field(
        default=256 * 1024**2,
        gt=0,
        description="Largest request body (all uploaded files together), refused with 413 "
        "while it streams in, before it is read whole.",
    )
    # Disclosure defaults for published outputs (ecosystem.md section 2.5).
    suppress_counts_up_to: int = Field(default=7, ge=0)
    round_counts_to: int = Field(default=5, ge=1)

    # Pledge campaigns (docs/pledges.md): public address, reminder mail, rate limits.
    public_url: str | None = Field(
        default=None,
        description="Address of the site as the public reaches it, e.g. https://pledge.example"
        ".org: links in reminder emails and share metadata (default: each request's own).",
    )
    mail_backend: Literal["file", "console", "smtp"] = Field(
        default="file", description="Reminder mail: .eml files, the console, or SMTP."
    )
    mail_folder: Path | None = Field(default=None, description="Default: <data_dir>/outbox.")
    mail_from: str = "healthgap@localhost"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    pledge_ip_limit: int = Field(default=60, gt=0, description="Pledges per address per window.")
    pledge_ip_window_seconds: int = Field(default=600, gt=0)
    pledge_campaign_limit: int = Field(
        default=20_000, gt=0, description="Pledges per campaign per window (a flood stop)."
    )
    pledge_campaign_window_seconds: int = Field(default=60, gt=0)

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("secret_key must have at least 32 characters")
        return value

    def uvicorn_proxy_options(self) -> dict[str, object]:
        """uvicorn's proxy settings: forwarded headers believed only from the configured
        proxies (uvicorn itself would believe them from 127.0.0.1 by default).

        >>> Settings(secret_key="x" * 32).uvicorn_proxy_options()
        {'proxy_headers': False, 'forwarded_allow_ips': ''}
        """
        proxies = (self.forwarded_allow_ips or "").strip()
        return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies}

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'healthgap.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept (mode 600) in the data folder."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:  # exclusive create: of two server processes starting together, one writes
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_urlsafe(48))
        for _ in range(50):  # the other process may still be writing it
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        return path.read_text().strip()

    def pledge_settings(self) -> dict[str, Any]:
        """The pledge settings as plain values (secrets revealed), for
        :meth:`healthgap.analyses.pledges.PledgeConfig.from_settings`."""
        names = [n for n in type(self).model_fields if n.startswith(("mail_", "smtp_", "pledge_"))]
        values: dict[str, Any] = {name: getattr(self, name) for name in names}
        values["mail_folder"] = self.mail_folder or self.data_dir / "outbox"
        values["smtp_password"] = (
            self.smtp_password.get_secret_value() if self.smtp_password else None
        )
        values["public_url"] = self.public_url
        values["secret_key"] = self.resolved_secret_key()
        return values
