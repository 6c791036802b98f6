"""The journey map's data model: journey → ordered stages → ordered touchpoints, plus ideas.

A :class:`Journey` describes how one segment or persona (a stored segment or its persona card
from the insight domain's segmentations, or a persona the team describes) moves through a
service towards a goal, either as it is now (``as_is``) or as it should be (``to_be``), in a
numbered, dated version. Stages are the big steps (e.g. invited → booked → attended);
touchpoints are the interactions inside a stage, each in one swimlane (front stage, back stage,
systems, partners, or the person acting alone) with what happens, what the person does, thinks
and feels, an emotion score from -2 to +2, a moment-of-truth flag, pain points and evidence. A
stage may carry the measured number of people who reached it, which gives the drop-off funnel.
Improvement ideas and actions point at a touchpoint and, optionally, at an action of an
assessment action plan.

Objects are immutable; editing makes a new object (see :mod:`healthgap.journeys.editing`).
Validation lives in :mod:`healthgap.journeys.validation`; constructing an object checks nothing,
so that a file with several problems can report all of them at once.

>>> from datetime import date
>>> j = Journey(id="j", title="T", goal="G", segment=SegmentRef("persona", "p1", "Sam"),
...             version_date=date(2024, 5, 1),
...             stages=(Stage("b", "Booked", 2), Stage("a", "Invited", 1)),
...             touchpoints=(Touchpoint("t2", "a", 2, "Reminder"),
...                          Touchpoint("t1", "a", 1, "Letter"),
...                          Touchpoint("t3", "b", 1, "Phone call")))
>>> [s.id for s in j.ordered_stages()], [t.id for t in j.sequence()]
(['a', 'b'], ['t1', 't2', 't3'])
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "EMOTION_MAX",
    "EMOTION_MIN",
    "EMOTION_WORDS",
    "IMPROVEMENT_KINDS",
    "IMPROVEMENT_STATUSES",
    "LANES",
    "LANE_LABELS",
    "SEGMENT_KINDS",
    "Evidence",
    "Improvement",
    "Journey",
    "JourneyKind",
    "SegmentRef",
    "Stage",
    "Touchpoint",
    "emotion_words",
]

EMOTION_MIN, EMOTION_MAX = -2.0, 2.0
#: Plain words for the whole-number emotion scores, used in tables and screen-reader text.
EMOTION_WORDS: dict[int, str] = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}

#: Swimlanes of the map, top to bottom. "person" holds what the person does on their own.
LANES: tuple[str, ...] = ("person", "front_stage", "back_stage", "systems", "partners")
LANE_LABELS: dict[str, str] = {
    "person": "The person",
    "front_stage": "Front stage (staff the person meets)",
    "back_stage": "Back stage (staff and processes out of sight)",
    "systems": "Systems",
    "partners": "Partners (other organisations)",
}
SEGMENT_KINDS: tuple[str, ...] = ("segment", "persona")
IMPROVEMENT_KINDS: tuple[str, ...] = ("idea", "action")
IMPROVEMENT_STATUSES: tuple[str, ...] = ("proposed", "agreed", "in_progress", "done", "dropped")


class JourneyKind(enum.StrEnum):
    """Whether a map shows the journey as it is now or as it should become."""

    as_is = "as_is"
    to_be = "to_be"


def emotion_words(score: float | None) -> str:
    """Plain words for an emotion score (rounded to the nearest whole point).

    >>> emotion_words(-2), emotion_words(0.4), emotion_words(None)
    ('very negative', 'neutral', 'not recorded')
    """
    if score is None:
        return "not recorded"
    return EMOTION_WORDS.get(int(round(score)), "out of range")


@dataclass(frozen=True)
class SegmentRef:
    """The segment or persona a journey belongs to: ``kind`` is "segment" or "persona".

    A reference to the insight domain names a stored segmentation (``run_id``, with its name
    ``run_name`` when it was chosen) and one of its segments (``code``: 1..k for an open run,
    the supplier's code for a lookup); "persona" then means that segment's persona card.
    ``label`` is the segment's name as shown when it was chosen, so the journey stays
    readable after the segmentation is renamed or removed. Without ``run_id`` the reference
    is a persona the team describes in its own words (``label``), named by ``id``; for a
    stored segment ``id`` is :func:`healthgap.journeys.segment_refs.stored_segment_key`.
    """

    kind: str
    id: str
    label: str
    run_id: int | None = None
    code: str | None = None
    run_name: str = ""

    @property
    def stored(self) -> bool:
        """Whether this names a stored segmentation's segment (not a described persona)."""
        return self.run_id is not None


@dataclass(frozen=True)
class Evidence:
    """What a touchpoint's description rests on: a quote, a count (e.g. complaints), a source."""

    quote: str = ""
    count: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Stage:
    """A big step of the journey.

    ``funnel_step`` names this stage in service-activity data (its ``stage`` column) and
    ``count`` is the number of people who reached it, where measured.
    """

    id: str
    name: str
    order: int
    description: str = ""
    funnel_step: str | None = None
    count: int | None = None
    count_source: str = ""


@dataclass(frozen=True)
class Touchpoint:
    """One interaction inside a stage, drawn in one swimlane (see :data:`LANES`)."""

    id: str
    stage: str
    order: int
    name: str
    lane: str = "front_stage"
    channel: str = ""
    organisation: str = ""
    wait: str = ""
    wait_days: float | None = None
    what_happens: str = ""
    person_does: str = ""
    person_thinks: str = ""
    person_feels: str = ""
    emotion: float | None = None
    moment_of_truth: bool = False
    pain_points: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Improvement:
    """An improvement idea or agreed action at a touchpoint.

    ``assessment_action_id`` optionally links it to an action of an assessment action plan.
    """

    id: str
    touchpoint: str
    text: str
    kind: str = "idea"
    owner: str = ""
    due: date | None = None
    status: str = "proposed"
    assessment_action_id: str | None = None


@dataclass(frozen=True)
class Journey:
    """A journey map: one segment or persona, one goal, as-is or to-be, one dated version.

    ``based_on`` is the id of the as-is journey a to-be journey redesigns; ``service`` names
    the service in service-activity data (its ``service`` column). ``reconstructed`` marks
    content rebuilt from secondary descriptions rather than a checked source, and ``synthetic``
    marks made-up worked examples.
    """

    id: str
    title: str
    goal: str
    segment: SegmentRef
    version_date: date
    kind: str = JourneyKind.as_is.value
    version: int = 1
    based_on: str | None = None
    service: str | None = None
    description: str = ""
    provenance: str = ""
    reconstructed: bool = False
    synthetic: bool = False
    stages: tuple[Stage, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    improvements: tuple[Improvement, ...] = field(default=())

    def ordered_stages(self) -> list[Stage]:
        """Stages by their ``order``."""
        return sorted(self.stages, key=lambda s: (s.order, s.id))

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id (KeyError when there is none)."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id (KeyError when there is none)."""
        for touchpoint in self.touchpoints:
            if touchpoint.id == touchpoint_id:
                return touchpoint
        raise KeyError(touchpoint_id)

    def touchpoints_in(self, stage_id: str) -> list[Touchpoint]:
        """The touchpoints of one stage, by their ``order``."""
        found = [t for t in self.touchpoints if t.stage == stage_id]
        return sorted(found, key=lambda t: (t.order, t.id))

    def sequence(self) -> list[Touchpoint]:
        """Every touchpoint in journey order: by stage order, then touchpoint order.

        Touchpoints in a stage the journey does not have come last (validation reports them).
        """
        rank = {s.id: i for i, s in enumerate(self.ordered_stages())}
        return sorted(self.touchpoints, key=lambda t: (rank.get(t.stage, len(rank)), t.order, t.id))

    def improvements_at(self, touchpoint_id: str) -> list[Improvement]:
        """Ideas and actions attached to one touchpoint."""
        return [i for i in self.improvements if i.touchpoint == touchpoint_id]
