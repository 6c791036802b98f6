"""Reminder timing, signed links, reminder emails and the mail senders (a real local SMTP
server included)."""

from __future__ import annotations

import io
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from healthgap.engage import (
    CheckinOutcome,
    ConsoleMailSender,
    FileMailSender,
    PledgeTokens,
    ReminderLinks,
    SmtpMailSender,
    TokenClaim,
    TokenPurpose,
    mail_sender_from_settings,
    parse_outcome,
    reminder_message,
    reminder_schedule,
)
from healthgap.errors import InputError

SECRET = "test secret that is long enough"
LINKS = ReminderLinks(
    "https://hg.example/pledge/checkin/T1",
    "https://hg.example/pledge/unsubscribe/T2",
    "https://hg.example/pledge/delete/T3",
)


def test_reminders_fall_due_whole_weeks_after_pledging() -> None:
    pledged = datetime(2026, 3, 20, 23, 15, tzinfo=UTC)  # UK clocks change on 29 March
    due = dict(reminder_schedule(pledged, (1, 4, 12)))
    assert due[1] - pledged == timedelta(days=7)
    assert due[4] - pledged == timedelta(days=28) and due[12] - pledged == timedelta(days=84)
    with pytest.raises(InputError, match="naive_datetime"):
        reminder_schedule(datetime(2026, 1, 1), (1,))


def test_outcomes_parse_from_forms() -> None:
    assert parse_outcome("not yet") is CheckinOutcome.not_yet
    assert [o.label for o in CheckinOutcome] == ["I kept it", "Partly", "Not yet"]
    with pytest.raises(InputError, match="unknown_outcome"):
        parse_outcome("maybe")


def test_tokens_round_trip_per_purpose() -> None:
    tokens = PledgeTokens(SECRET)
    for purpose in (TokenPurpose.unsubscribe, TokenPurpose.delete):
        assert tokens.read(purpose, tokens.make(purpose, "pid")) == TokenClaim("pid")
    checkin = tokens.make(TokenPurpose.checkin, "pid", week=12)
    assert tokens.read(TokenPurpose.checkin, checkin) == TokenClaim("pid", 12)
    assert "pid" not in checkin or checkin.isascii()  # URL-safe
    for wrong in (TokenPurpose.unsubscribe, TokenPurpose.delete):
        with pytest.raises(InputError, match="bad_link"):
            tokens.read(wrong, checkin)


def test_tampered_foreign_and_expired_tokens_are_refused() -> None:
    tokens = PledgeTokens(SECRET)
    token = tokens.make(TokenPurpose.delete, "pid")
    with pytest.raises(InputError, match="bad_link"):
        tokens.read(TokenPurpose.delete, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(InputError, match="bad_link"):
        PledgeTokens("another secret, also long").read(TokenPurpose.delete, token)
    expired = PledgeTokens(SECRET, lifetimes={TokenPurpose.delete: timedelta(seconds=-1)})
    with pytest.raises(InputError, match="expired_link"):
        expired.read(TokenPurpose.delete, token)
    with pytest.raises(InputError, match="weak_secret"):
        PledgeTokens("short")
    with pytest.raises(InputError, match="bad_token_week"):
        tokens.make(TokenPurpose.checkin, "pid")


def _message(text: str = "Walk <b>more</b> 🚶") -> object:
    return reminder_message(
        campaign_title="Small changes", pledge_text=text, week=1, links=LINKS,
        to="sam@example.org", sender="pledges@hg.example",
    )  # fmt: skip


def test_reminder_message_is_plain_text_with_one_click_unsubscribe() -> None:
    message = _message()
    assert message.get_content_type() == "text/plain"
    assert message["List-Unsubscribe"] == f"<{LINKS.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_content()
    assert "1 week ago" in body and "Walk <b>more</b> 🚶" in body
    for url in (LINKS.checkin_url, LINKS.unsubscribe_url, LINKS.delete_url):
        assert url in body


def test_file_sender_writes_complete_eml_files(tmp_path: Path) -> None:
    sender = FileMailSender(tmp_path / "outbox")
    sender.send(_message())
    sender.send(_message("second"))
    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "sam@example.org"


def test_console_sender_and_settings() -> None:
    stream = io.StringIO()
    ConsoleMailSender(stream).send(_message())
    assert "Subject: Week 1: how is your pledge going?" in stream.getvalue()
    assert isinstance(mail_sender_from_settings({}), FileMailSender)
    smtp = mail_sender_from_settings({"mail_backend": "smtp", "smtp_host": "mail.example",
                                      "smtp_security": "tls"})  # fmt: skip
    assert isinstance(smtp, SmtpMailSender) and smtp.port == 465
    for bad in ({"mail_backend": "pigeon"}, {"mail_backend": "smtp"}):
        with pytest.raises(InputError, match="bad_mail_settings"):
            mail_sender_from_settings(bad)


def test_smtp_sender_delivers_to_a_local_server() -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Recorder(Sink):
        def __init__(self) -> None:
            self.envelopes: list[object] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, ARG002, N802
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port on this machine only
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        SmtpMailSender(host="127.0.0.1", port=port, security="none").send(_message())
    finally:
        controller.stop()
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["sam@example.org"]
    assert b"List-Unsubscribe-Post" in envelope.content
