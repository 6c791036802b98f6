"""What the pledge use cases need from the server's settings, as one plain value.

The web app and the scheduled commands build a :class:`PledgeConfig` from the same settings
(``HEALTHGAP_*`` variables or options, see ``docs/pledges.md``), so a reminder link signed by
``healthgap pledges send-reminders`` is read back by the web page it opens.

>>> config = PledgeConfig.from_settings({"secret_key": "s" * 32, "pledge_ip_limit": 5})
>>> config.per_ip.limit, config.per_ip.window_seconds, config.base_url("http://x:8000/")
(5, 600, 'http://x:8000')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from healthgap.engage.pledge_mail import MailSender, mail_sender_from_settings
from healthgap.engage.pledge_tokens import PledgeTokens
from healthgap.store.rate_limits import RateLimit

__all__ = ["PledgeConfig"]

MAIL_KEYS = (
    "mail_backend",
    "mail_folder",
    "smtp_host",
    "smtp_port",
    "smtp_username",
    "smtp_password",
    "smtp_security",
)


@cache
def _tokens(secret: str) -> PledgeTokens:
    return PledgeTokens(secret)


@dataclass(frozen=True)
class PledgeConfig:
    """The signing secret, the public address, the rate limits and the mail settings."""

    secret: str
    public_url: str | None = None
    per_ip: RateLimit = RateLimit("pledge:ip", 60, 600)
    per_campaign: RateLimit = RateLimit("pledge:campaign", 20_000, 60, sliding=False)
    mail: Mapping[str, Any] = field(default_factory=dict)
    mail_from: str = "healthgap@localhost"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> PledgeConfig:
        """From plain settings (``secret_key``, ``public_url``, ``pledge_*``, ``mail_*``,
        ``smtp_*``), as :meth:`healthgap.web.Settings.pledge_settings` gives them."""
        ip = RateLimit(
            "pledge:ip",
            int(settings.get("pledge_ip_limit") or 60),
            int(settings.get("pledge_ip_window_seconds") or 600),
        )
        campaign = RateLimit(  # a flood stop: a fixed window is enough, and one query less
            "pledge:campaign",
            int(settings.get("pledge_campaign_limit") or 20_000),
            int(settings.get("pledge_campaign_window_seconds") or 60),
            sliding=False,
        )
        public = settings.get("public_url")
        return cls(
            secret=str(settings["secret_key"]),
            public_url=str(public).rstrip("/") if public else None,
            per_ip=ip,
            per_campaign=campaign,
            mail={key: settings.get(key) for key in MAIL_KEYS},
            mail_from=str(settings.get("mail_from") or "healthgap@localhost"),
        )

    @property
    def tokens(self) -> PledgeTokens:
        """The signer of check-in, unsubscribe and delete links."""
        return _tokens(self.secret)

    def base_url(self, request_base: str | None = None) -> str:
        """The public address: the configured one, else the request's, else loopback."""
        return (self.public_url or request_base or "http://127.0.0.1:8000").rstrip("/")

    def mail_sender(self) -> MailSender:
        """The sender the settings name (a folder of ``.eml`` files by default)."""
        return mail_sender_from_settings(self.mail)
