"""The feedback loop: "what you told us, what we are doing" for the people who took part, and
a record of when it went back to them.

The summary is built from a stored journey (its improvements and their status, and the notes
linked to it or its touchpoints) and/or a set of insight notes (chosen by id, or by segment
or theme), in plain words (:func:`healthgap.journeys.build_feedback_summary`); quotes with
likely personal data are never shown. It is returned as a page fragment and as a whole
document to print on A4 or send. Recording a send keeps the content exactly as sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from markupsafe import Markup

from healthgap.analyses.journey_maps import STORE_SOURCE, stored_journey
from healthgap.errors import InputError
from healthgap.journeys import FeedbackSend, InsightNote, build_feedback_summary
from healthgap.journeys.feedback import FEEDBACK_CHANNELS
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.journey_outputs import feedback_html, feedback_sheet
from healthgap.store import Database
from healthgap.store import journey_insight as notes_store

__all__ = ["FEEDBACK_CHANNELS", "feedback_sends", "feedback_summary", "record_feedback_sent"]

FEEDBACK_METHOD = "feedback summary: themes weighted by people, improvements with their status"


def _notes(
    database: Database,
    journey_key: str | None,
    note_ids: Sequence[str],
    segment_id: str | None,
    theme: str | None,
) -> list[InsightNote]:
    with database.reader() as session:
        if note_ids:
            found = {k: notes_store.get_insight_note(session, k) for k in note_ids}
            missing = [k for k, note in found.items() if note is None]
            if missing:
                raise InputError(
                    f"there is no insight note {', '.join(map(repr, missing))}",
                    rule="unknown_note",
                )
            return [n for n in found.values() if n is not None]
        if journey_key or segment_id or theme:
            return notes_store.find_insight_notes(
                session, journey_id=journey_key, segment_id=segment_id, theme=theme, limit=500
            )
    return []


def _build(
    database: Database,
    journey_key: str | None,
    note_ids: Sequence[str],
    segment_id: str | None,
    theme: str | None,
    prepared_on: date | None,
    title: str,
    contact: str,
):  # noqa: ANN202 - a FeedbackSummary
    journey = stored_journey(database, journey_key).journey if journey_key else None
    notes = _notes(database, journey_key, note_ids, segment_id, theme)
    if journey is None and not notes:
        raise InputError(
            "choose a journey or insight notes to summarise (no notes match)",
            rule="nothing_to_summarise",
        )
    return build_feedback_summary(
        journey=journey, notes=notes, prepared_on=prepared_on or date.today(),
        title=title.strip(), contact=contact.strip(),
    )  # fmt: skip


def _sends_table(database: Database, journey_key: str | None) -> pd.DataFrame:
    with database.reader() as session:
        sends = notes_store.list_feedback_sends(session, journey_id=journey_key)
    return pd.DataFrame(
        [{"title": s.send.title, "sent_on": s.send.sent_on, "channel": s.send.channel,
          "audience": s.send.audience, "recipients": s.send.recipients,
          "journey": s.send.journey_id or "", "notes": "; ".join(s.send.note_ids)}
         for s in sends],
        columns=["title", "sent_on", "channel", "audience", "recipients", "journey", "notes"],
    )  # fmt: skip


def feedback_summary(
    database: Database,
    *,
    journey_key: str | None = None,
    note_ids: Sequence[str] = (),
    segment_id: str | None = None,
    theme: str | None = None,
    prepared_on: date | None = None,
    title: str = "",
    contact: str = "",
) -> ResultBundle:
    """The summary for participants (``summary["feedback"]``), as a page fragment
    (``summary["html"]``) and a whole printable document (``summary["sheet"]``), with the
    sends recorded so far."""
    built = _build(database, journey_key, note_ids, segment_id, theme, prepared_on, title,
                   contact)  # fmt: skip
    heard = pd.DataFrame(
        [{"theme": h.theme, "mentions": h.mentions, "quote": h.quote}
         for h in built.what_you_told_us],
        columns=["theme", "mentions", "quote"],
    )  # fmt: skip
    doing = pd.DataFrame(
        [{"action": a.text, "status": a.status, "owner": a.owner, "due": a.due,
          "where": a.where, "answers": "; ".join(a.answers)} for a in built.what_we_are_doing],
        columns=["action", "status", "owner", "due", "where", "answers"],
    )  # fmt: skip
    return ResultBundle(
        question="what you told us, what we are doing",
        provenance=Provenance(
            STORE_SOURCE, methods=(FEEDBACK_METHOD,), synthetic=built.synthetic
        ),  # fmt: skip
        tables={
            "heard": Table(heard, "what you told us"),
            "doing": Table(doing, "what we are doing"),
            "sends": Table(_sends_table(database, journey_key), "feedback sent so far"),
        },
        summary={
            "feedback": built,
            "html": Markup(feedback_html(built, inline_style=False)),  # escaped by its template
            "sheet": feedback_sheet(built),
        },
    )


def record_feedback_sent(
    database: Database,
    *,
    sent_on: date,
    channel: str,
    audience: str,
    recipients: int | None = None,
    journey_key: str | None = None,
    note_ids: Sequence[str] = (),
    segment_id: str | None = None,
    theme: str | None = None,
    prepared_on: date | None = None,
    title: str = "",
    contact: str = "",
    user_id: int | None = None,
    today: date | None = None,
) -> ResultBundle:
    """Record that the summary (built as :func:`feedback_summary` builds it) was sent on
    ``sent_on`` by ``channel`` to ``audience``; the content is kept as sent."""
    built = _build(database, journey_key, note_ids, segment_id, theme, prepared_on, title,
                   contact)  # fmt: skip
    send = FeedbackSend(
        title=built.title, sent_on=sent_on, channel=channel, audience=audience.strip(),
        recipients=recipients, journey_id=journey_key, note_ids=built.note_ids,
    )  # fmt: skip
    with database.unit_of_work() as session:
        send_id = notes_store.record_feedback_send(
            session, send, built, user_id=user_id, today=today
        )
    return ResultBundle(
        question="record that feedback was sent",
        provenance=Provenance(STORE_SOURCE, synthetic=built.synthetic),
        summary={"send_id": send_id, "send": send},
    )


def feedback_sends(database: Database, *, journey_key: str | None = None) -> ResultBundle:
    """Every recorded send (of one journey), newest first."""
    return ResultBundle(
        question="feedback sent",
        provenance=Provenance(STORE_SOURCE),
        tables={"sends": Table(_sends_table(database, journey_key), "feedback sent")},
    )
