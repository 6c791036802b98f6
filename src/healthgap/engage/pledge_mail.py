"""Reminder emails and the pluggable senders that deliver them.

A sender is anything with ``send(message: EmailMessage) -> None`` (:class:`MailSender`).
Three are provided:

- :class:`FileMailSender` (the default): each message becomes an ``.eml`` file in a folder,
  written atomically, for development, tests and hand delivery;
- :class:`ConsoleMailSender`: prints messages, for development only;
- :class:`SmtpMailSender`: a real mail server, with STARTTLS or TLS and a login.

:func:`mail_sender_from_settings` picks one from settings such as those of the web app
(``mail_backend = file | console | smtp`` plus ``mail_folder`` or ``smtp_*``).

Every reminder names the pledge, links to the check-in for its week, and carries a one-click
unsubscribe (``List-Unsubscribe`` with ``List-Unsubscribe-Post``, RFC 8058) and a delete link.
Messages are plain text, so nothing the person typed can become markup in a mail client.

>>> links = ReminderLinks("https://x/c/T", "https://x/u/T", "https://x/d/T")
>>> m = reminder_message(campaign_title="Small changes", pledge_text="Walk at lunch",
...                      week=4, links=links, to="sam@example.org", sender="noreply@x")
>>> m["Subject"], m["List-Unsubscribe-Post"]
('Week 4: how is your pledge going?', 'List-Unsubscribe=One-Click')
"""

from __future__ import annotations

import email.policy
import os
import smtplib
import ssl
import sys
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol, TextIO

from healthgap.errors import InputError

__all__ = [
    "ConsoleMailSender",
    "FileMailSender",
    "MailSender",
    "ReminderLinks",
    "SmtpMailSender",
    "mail_sender_from_settings",
    "reminder_message",
]


class MailSender(Protocol):
    """Delivers one message; raises ``OSError`` (or ``smtplib.SMTPException``) on failure."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class ReminderLinks:
    """Absolute URLs the web layer builds from the signed tokens."""

    checkin_url: str
    unsubscribe_url: str
    delete_url: str


def reminder_message(
    *,
    campaign_title: str,
    pledge_text: str,
    week: int,
    links: ReminderLinks,
    to: str,
    sender: str,
) -> EmailMessage:
    """The plain-text reminder for ``week``, with unsubscribe headers."""
    # Header lines up to RFC 5322's 998 characters: the default 78 would fold the long
    # List-Unsubscribe URL into encoded words, which mail programs cannot follow.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["Subject"] = f"Week {week}: how is your pledge going?"
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["List-Unsubscribe"] = f"<{links.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "\n".join(
            [
                "Hello,",
                "",
                f"{week} week{'s' if week != 1 else ''} ago you made a pledge in the "
                f"{campaign_title} campaign:",
                "",
                f"    {pledge_text}",
                "",
                "How is it going? Tell us in one click (it takes a few seconds):",
                links.checkin_url,
                "",
                "Whatever you answer, every small change counts.",
                "",
                "Stop these reminders (one click):",
                links.unsubscribe_url,
                "",
                "Delete your pledge and everything we hold about it:",
                links.delete_url,
            ]
        )
    )
    return message


class FileMailSender:
    """Writes each message to ``folder`` as ``<time>-<id>.eml`` (complete files only)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid1().hex}.eml"  # uuid1 sorts by time on one machine
        with tempfile.NamedTemporaryFile("wb", dir=self.folder, delete=False, suffix=".tmp") as f:
            f.write(message.as_bytes())
            temporary = Path(f.name)
        temporary.replace(self.folder / name)


class ConsoleMailSender:
    """Prints each message to ``stream``: for development, never for real addresses."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        stream = self.stream or sys.stdout
        stream.write(message.as_string() + "\n" + "-" * 72 + "\n")
        stream.flush()


@dataclass(frozen=True)
class SmtpMailSender:
    """Sends through an SMTP server. ``security`` is ``starttls`` (port 587), ``tls``
    (port 465) or ``none`` (a local relay only)."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    security: str = "starttls"
    timeout: float = 20.0

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def mail_sender_from_settings(settings: Mapping[str, object]) -> MailSender:
    """The sender named by ``settings["mail_backend"]`` (default ``file``).

    Keys: ``mail_folder`` (file; default ``outbox``), ``smtp_host``, ``smtp_port``,
    ``smtp_username``, ``smtp_password``, ``smtp_security``.

    >>> type(mail_sender_from_settings({"mail_backend": "console"})).__name__
    'ConsoleMailSender'
    """
    backend = str(settings.get("mail_backend") or "file").lower()
    if backend == "file":
        return FileMailSender(str(settings.get("mail_folder") or "outbox"))
    if backend == "console":
        return ConsoleMailSender()
    if backend == "smtp":
        host = settings.get("smtp_host")
        security = str(settings.get("smtp_security") or "starttls")
        if not host or security not in ("starttls", "tls", "none"):
            raise InputError(
                "SMTP needs smtp_host, and smtp_security must be starttls, tls or none",
                rule="bad_mail_settings",
            )
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        return SmtpMailSender(
            host=str(host),
            port=int(str(settings.get("smtp_port") or default_port)),
            username=str(settings["smtp_username"]) if settings.get("smtp_username") else None,
            password=str(settings["smtp_password"]) if settings.get("smtp_password") else None,
            security=security,
        )
    raise InputError(
        f"mail_backend {backend!r} is not one of file, console, smtp", rule="bad_mail_settings"
    )
