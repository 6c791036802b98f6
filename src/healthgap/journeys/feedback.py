"""The feedback loop: "what you told us, what we are doing", for the people who took part.

:func:`build_feedback_summary` turns a journey (its pain points, evidence and improvement
actions) and/or a set of insight notes (their themes and quotes) into plain-language content:
how we listened, the main things people told us (with a quote free of personal data where one
exists), what is being done about each (status in words, who, by when), and what has no answer
yet, so that nobody is told a story of progress that is not true. Rendering to an accessible,
printable HTML fragment is done by :mod:`healthgap.reports.journey_feedback`. A
:class:`FeedbackSend` records when and how the summary went back to participants.

>>> from datetime import date
>>> from healthgap.journeys.templates import load_template
>>> summary = build_feedback_summary(journey=load_template("demo_health_check"),
...                                  prepared_on=date(2025, 4, 1))
>>> summary.what_we_are_doing[0].text
'Rewrite the invitation in plain words with a text link to book online'
>>> summary.what_we_are_doing[0].status
'agreed and starting soon'
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from healthgap.errors import InputError, Problem
from healthgap.journeys.insight import INSIGHT_METHODS, InsightNote, touchpoint_ref
from healthgap.journeys.model import Journey
from healthgap.journeys.personal_data import find_personal_data

__all__ = [
    "FEEDBACK_CHANNELS",
    "STATUS_WORDS",
    "Action",
    "FeedbackSend",
    "FeedbackSummary",
    "Heard",
    "build_feedback_summary",
    "check_feedback_send",
    "feedback_to_dict",
]

#: Improvement status in words for participants.
STATUS_WORDS: dict[str, str] = {
    "proposed": "being looked at",
    "agreed": "agreed and starting soon",
    "in_progress": "under way",
    "done": "done",
    "dropped": "looked at, but we cannot do this for now",
}
FEEDBACK_CHANNELS: tuple[str, ...] = ("email", "post", "text message", "meeting", "web page")
_PLURALS = {"focus_group": "focus groups", "interview": "interviews", "survey": "survey responses",
            "complaint": "complaints"}  # fmt: skip


@dataclass(frozen=True)
class Heard:
    """One thing people told us: a theme, how often it came up, and a quote."""

    theme: str
    mentions: int
    quote: str = ""


@dataclass(frozen=True)
class Action:
    """One thing being done, what it answers, its status in words, who and by when."""

    text: str
    status: str
    answers: tuple[str, ...] = ()
    owner: str = ""
    due: date | None = None
    where: str = ""


@dataclass(frozen=True)
class FeedbackSummary:
    """Structured content of a "what you told us, what we are doing" page or sheet."""

    title: str
    prepared_on: date
    how_we_listened: str
    what_you_told_us: tuple[Heard, ...]
    what_we_are_doing: tuple[Action, ...]
    not_yet: tuple[str, ...] = ()
    contact: str = ""
    journey_id: str | None = None
    note_ids: tuple[str, ...] = ()
    synthetic: bool = False


@dataclass(frozen=True)
class FeedbackSend:
    """A record that a summary was sent: when, how, to whom and to how many people."""

    title: str
    sent_on: date
    channel: str
    audience: str
    recipients: int | None = None
    journey_id: str | None = None
    note_ids: tuple[str, ...] = field(default=())


def check_feedback_send(send: FeedbackSend, *, today: date | None = None) -> FeedbackSend:
    """Return ``send`` or raise :class:`InputError` (``unknown_channel``, ``missing_value``,
    ``bad_recipients``, ``future_date``)."""
    problems = []

    def add(column: str, rule: str, message: str) -> None:
        problems.append(Problem("feedback send", None, column, rule, message))

    if send.channel not in FEEDBACK_CHANNELS:
        add("channel", "unknown_channel", f"channel must be one of {', '.join(FEEDBACK_CHANNELS)}")
    if not send.audience.strip():
        add("audience", "missing_value", "say who it was sent to (e.g. focus group members)")
    if send.recipients is not None and send.recipients < 1:
        add("recipients", "bad_recipients", "the number of recipients must be 1 or more")
    if send.sent_on > (today or date.today()):
        add("sent_on", "future_date", "record a send once it has happened")
    if problems:
        raise InputError(problems)
    return send


def _clean_quote(quotes: Iterable[str], used: set[str]) -> str:
    """The first quote not shown yet that has no likely personal data ("" if none)."""
    for quote in quotes:
        text = quote.strip()
        if text and text not in used and not find_personal_data(text):
            used.add(text)
            return text
    return ""


def _how_we_listened(notes: list[InsightNote], journey: Journey | None) -> str:
    parts = []
    for method in INSIGHT_METHODS:
        chosen = [n for n in notes if n.method == method]
        if not chosen:
            continue
        people = sum(n.sample_size or 0 for n in chosen)
        if method == "complaint" and people:
            parts.append(f"{people} complaint{'s' if people > 1 else ''}")
            continue
        if method in ("focus_group", "interview") or len(chosen) > 1:
            text = (
                f"{len(chosen)} {_PLURALS[method] if len(chosen) > 1 else INSIGHT_METHODS[method]}"
            )
        else:
            text = f"a {INSIGHT_METHODS[method]}"
        parts.append(text + (f" ({people} people)" if people else ""))
    if not parts and journey is not None:
        sources = sorted({e.source for t in journey.touchpoints for e in t.evidence if e.source})
        return (
            "We brought together what people told us: " + "; ".join(sources) + "."
            if sources
            else ""
        )
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"We listened through {listed}."


def _stems(text: str) -> set[str]:
    return {word[:5] for word in re.findall(r"[a-z]{4,}", text.lower())}


def _shared_words(theme: str, quote: str) -> int:
    """How many words (of 4 letters or more, compared by their first five) two texts share.

    >>> _shared_words("No help to stop smoking", "Nobody called me about the smoking.")
    1
    """
    return len(_stems(theme) & _stems(quote))


def _heard(
    journey: Journey | None, notes: list[InsightNote]
) -> tuple[Counter[str], dict[str, list[str]]]:
    mentions: Counter[str] = Counter()
    quotes: dict[str, list[str]] = defaultdict(list)
    # A note's quotes are not tied to one of its themes, so a theme takes its quote first
    # from notes about it alone, then from quotes sharing a word with it; the order the
    # notes come in decides nothing else.
    candidates: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for note in notes:
        for theme in note.themes:
            mentions[theme] += note.sample_size or 1
            candidates[theme] += [
                (len(note.themes), -_shared_words(theme, quote), note.id, quote)
                for quote in note.quotes
            ]
    for theme, found in candidates.items():
        quotes[theme] = [quote for *_, quote in sorted(found)]
    if journey is not None and not notes:
        for tp in journey.touchpoints:
            weight = sum(e.count or 0 for e in tp.evidence) or 1
            for pain in tp.pain_points:
                mentions[pain] += weight
                quotes[pain] += [e.quote for e in tp.evidence if e.quote]
    return mentions, quotes


def build_feedback_summary(
    *,
    journey: Journey | None = None,
    notes: Iterable[InsightNote] = (),
    prepared_on: date,
    title: str = "",
    contact: str = "",
    max_themes: int = 6,
) -> FeedbackSummary:
    """Plain-language feedback content from a journey, insight notes, or both.

    Themes come from the notes (weighted by sample size) or, with no notes, from the journey's
    pain points (weighted by evidence counts). An improvement answers the themes of notes
    linked to its touchpoint and the pain points of that touchpoint.
    """
    chosen = list(notes)
    if journey is None and not chosen:
        raise InputError("give a journey or some insight notes", rule="nothing_to_summarise")
    mentions, quotes = _heard(journey, chosen)
    used: set[str] = set()
    heard = tuple(
        Heard(theme, count, _clean_quote(quotes[theme], used))
        for theme, count in mentions.most_common(max_themes)
    )
    actions = []
    if journey is not None:
        for item in journey.improvements:
            tp = journey.touchpoint(item.touchpoint)
            ref = touchpoint_ref(journey.id, tp.id)
            answers = [t for n in chosen if ref in n.touchpoints for t in n.themes]
            answers += list(tp.pain_points)
            actions.append(
                Action(text=item.text, status=STATUS_WORDS.get(item.status, item.status),
                       answers=tuple(dict.fromkeys(answers)), owner=item.owner, due=item.due,
                       where=tp.name)
            )  # fmt: skip
    answered = {a for action in actions if "cannot" not in action.status for a in action.answers}
    not_yet = tuple(h.theme for h in heard if h.theme not in answered)
    default_title = f"What you told us about {journey.title}" if journey else "What you told us"
    return FeedbackSummary(
        title=title or default_title,
        prepared_on=prepared_on,
        how_we_listened=_how_we_listened(chosen, journey),
        what_you_told_us=heard,
        what_we_are_doing=tuple(actions),
        not_yet=not_yet,
        contact=contact,
        journey_id=journey.id if journey else None,
        note_ids=tuple(n.id for n in chosen),
        synthetic=bool((journey and journey.synthetic) or any(n.synthetic for n in chosen)),
    )


def feedback_to_dict(summary: FeedbackSummary) -> dict[str, Any]:
    """JSON-ready form of a summary (dates as ISO text), as stored with a send."""

    def clean(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return clean(asdict(summary))
