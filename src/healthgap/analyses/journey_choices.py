"""The choices a journey or insight-note form offers, in words (value, label), so that the
interfaces name lanes, feelings, statuses and methods exactly as the core defines them.

>>> choices = journey_choices()
>>> choices["emotions"][1]
('-2', '−2: very negative')
>>> [value for value, _ in choices["lanes"]][:2]
['person', 'front_stage']
"""

from __future__ import annotations

from healthgap.journeys.feedback import FEEDBACK_CHANNELS
from healthgap.journeys.insight import CONSENT_BASES, INSIGHT_METHODS
from healthgap.journeys.model import (
    EMOTION_WORDS,
    IMPROVEMENT_STATUSES,
    LANE_LABELS,
    LANES,
    SEGMENT_KINDS,
    emotion_words,
)
from healthgap.reports.formatting import signed

__all__ = ["feeling", "journey_choices", "lane_label"]


def lane_label(lane: str) -> str:
    """The words of a swimlane ("front_stage" -> "Front stage (staff the person meets)")."""
    return LANE_LABELS.get(lane, lane.replace("_", " "))


def feeling(score: float | None) -> str:
    """An emotion score in words, e.g. ``feeling(-2.0)`` -> "−2 (very negative)".

    >>> feeling(1.0), feeling(0.0), feeling(None)
    ('+1 (positive)', '0 (neutral)', 'not recorded')
    """
    if score is None:
        return "not recorded"
    return f"{signed(score, decimals=0)} ({emotion_words(score)})"


def journey_choices() -> dict[str, list[tuple[str, str]]]:
    """Lanes, feelings (-2 to +2), improvement kinds and statuses, segment and journey kinds,
    insight methods, suggested consent bases and feedback channels."""
    return {
        "lanes": [(lane, LANE_LABELS[lane]) for lane in LANES],
        "emotions": [("", "Not recorded")]
        + [(str(k), f"{signed(k, decimals=0)}: {w}") for k, w in sorted(EMOTION_WORDS.items())],
        "improvement_kinds": [("idea", "Idea"), ("action", "Agreed action")],
        "statuses": [(s, s.replace("_", " ").capitalize()) for s in IMPROVEMENT_STATUSES],
        "segment_kinds": [(k, k.capitalize()) for k in SEGMENT_KINDS],
        "journey_kinds": [("as_is", "As is"), ("to_be", "To be")],
        "methods": [(k, v.capitalize()) for k, v in INSIGHT_METHODS.items()],
        "consent_bases": [(c, c) for c in CONSENT_BASES],
        "channels": [(c, c.capitalize()) for c in FEEDBACK_CHANNELS],
    }
