"""An assessment: its scope, the individual round of ratings and the consensus round.

Each participant first rates alone (level, rationale, evidence references, confidence);
the facilitator then shows the spread of those ratings and records, item by item, the level
the group agrees with its reason (and, optionally, a target level). The individual ratings
are kept: a consensus is a separate decision that does not erase the spread (frameworks.md
§10). A rating off the scale is refused; a rating without evidence is accepted but flagged,
except on items whose pack makes evidence required (the NSMC criteria), where it is refused.

>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> nsmc = shipped_catalogue().get("nsmc_benchmarks")
>>> check_rating(nsmc, Rating("ann", "behaviour", "fully_met", evidence=("plan p.4",))).level
'fully_met'
>>> check_rating(nsmc, Rating("ann", "behaviour", "fully_met"))
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  <rating>, column 'evidence': [evidence_required] item 'behaviour' needs evidence ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

from healthgap.assessment._tables import blank_missing, tidy
from healthgap.assessment.actions import Action, StatusChange
from healthgap.assessment.model import FrameworkVersion
from healthgap.data.validate import GSS_PATTERN
from healthgap.errors import InputError, Problem

__all__ = [
    "CONFIDENCE_LEVELS",
    "PARTICIPANT_ROLES",
    "ROUNDS",
    "Assessment",
    "Consensus",
    "Participant",
    "Rating",
    "Scope",
    "check_consensus",
    "check_rating",
    "check_scope",
    "consensus_frame",
    "latest_ratings",
    "ratings_frame",
]

CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "medium", "high")
PARTICIPANT_ROLES: tuple[str, ...] = ("participant", "facilitator")
#: The rounds an assessment goes through, in order.
ROUNDS: tuple[str, ...] = ("individual", "consensus", "closed")
_GSS = re.compile(GSS_PATTERN)
#: Order of flag rows within an item: people's own ratings, then the group's.
ROUND_ORDER = {"individual": 0, "consensus": 1}


@dataclass(frozen=True)
class Scope:
    """What is assessed: a place (GSS code, any level), a topic and a period."""

    place_code: str
    topic: str
    period: str
    place_name: str = ""
    place_level: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Participant:
    """Someone taking part; ``key`` is how ratings refer to them (the store uses its id)."""

    key: str
    name: str
    role: str = "participant"


@dataclass(frozen=True)
class Rating:
    """One participant's rating of one item in the individual round."""

    participant: str
    item_id: str
    level: str
    rationale: str = ""
    evidence: tuple[str, ...] = ()
    confidence: str | None = None
    rated_at: datetime | None = None


@dataclass(frozen=True)
class Consensus:
    """The level a group agreed for one item, with its reason (and an optional target)."""

    item_id: str
    level: str
    reason: str
    target: str | None = None
    evidence: tuple[str, ...] = ()
    decided_by: str = ""
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Assessment:
    """One assessment of one framework version, with everything recorded so far."""

    framework_id: str
    version: str
    scope: Scope
    mode: str
    participants: tuple[Participant, ...] = ()
    ratings: tuple[Rating, ...] = ()
    consensus: tuple[Consensus, ...] = ()
    actions: tuple[Action, ...] = ()
    history: tuple[StatusChange, ...] = ()
    round: str = "individual"
    id: int | None = None
    title: str = ""

    def agreed(self) -> dict[str, Consensus]:
        """The consensus per item id."""
        return {c.item_id: c for c in self.consensus}


def check_scope(scope: Scope) -> Scope:
    """Refuse a scope without a GSS place code, a topic or a period (all problems at once)."""
    problems = []
    code = scope.place_code.strip()
    if not _GSS.match(code):
        problems.append(
            Problem(
                "<scope>",
                None,
                "place_code",
                "bad_area_code",
                f"{scope.place_code!r} is not a GSS code (a letter and 8 digits, "
                "e.g. E06000001 or E54000008)",
            )
        )
    for name in ("topic", "period"):
        if not str(getattr(scope, name)).strip():
            problems.append(
                Problem("<scope>", None, name, "missing_field", f"give the assessment a {name}")
            )
    if problems:
        raise InputError(problems)
    return replace(scope, place_code=code, topic=scope.topic.strip(), period=scope.period.strip())


def _evidence(refs: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(r.strip() for r in refs if r and r.strip())


def check_rating(version: FrameworkVersion, rating: Rating, *, mode: str | None = None) -> Rating:
    """The rating with its answers normalised, or :class:`InputError` naming every problem.

    Rules: ``unknown_item`` (not in the framework, or not in the chosen ``mode``),
    ``level_not_on_scale``, ``unknown_confidence``, ``evidence_required``.
    """
    problems: list[Problem] = []
    try:
        item = version.item(rating.item_id)
    except InputError as err:
        raise InputError(
            [replace(p, file="<rating>", column="item_id") for p in err.problems]
        ) from err
    if mode is not None and rating.item_id not in version.mode(mode).items:
        problems.append(
            Problem(
                "<rating>",
                None,
                "item_id",
                "unknown_item",
                f"item {rating.item_id!r} is not asked in mode {mode!r}",
            )
        )
    try:
        level = version.scale.check_answer(rating.level, item=rating.item_id)
    except InputError as err:
        problems.extend(err.problems)
        level = str(rating.level)
    confidence = None if rating.confidence in (None, "") else str(rating.confidence).lower()
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        problems.append(
            Problem(
                "<rating>",
                None,
                "confidence",
                "unknown_confidence",
                f"confidence is one of {', '.join(CONFIDENCE_LEVELS)}, not {rating.confidence!r}",
            )
        )
    evidence = _evidence(rating.evidence)
    if item.evidence_required and not evidence and version.scale.is_level(level):
        problems.append(
            Problem(
                "<rating>",
                None,
                "evidence",
                "evidence_required",
                f"item {item.id!r} needs evidence for a rating: "
                f"{(item.evidence_prompt or item.prompt).text}",
            )
        )
    if problems:
        raise InputError(problems)
    return replace(
        rating,
        level=level,
        confidence=confidence,
        evidence=evidence,
        rationale=rating.rationale.strip(),
    )


def check_consensus(version: FrameworkVersion, consensus: Consensus) -> Consensus:
    """The agreed level, normalised, or :class:`InputError`: the level must be on the scale,
    a target (if any) must be a level (not "don't know"), and the reason is required."""
    problems: list[Problem] = []
    version.item(consensus.item_id)
    try:
        level = version.scale.check_answer(
            consensus.level, where="<consensus>", item=consensus.item_id
        )
    except InputError as err:
        problems.extend(err.problems)
        level = str(consensus.level)
    target = None if consensus.target in (None, "") else str(consensus.target)
    if target is not None and not version.scale.is_level(target):
        problems.append(
            Problem(
                "<consensus>",
                None,
                "target",
                "level_not_on_scale",
                f"target {target!r} must be one of the levels "
                f"{', '.join(lv.key for lv in version.scale.levels)}",
            )
        )
    if not consensus.reason.strip():
        problems.append(
            Problem(
                "<consensus>",
                None,
                "reason",
                "missing_reason",
                "record why the group agreed this level",
            )
        )
    if problems:
        raise InputError(problems)
    return replace(
        consensus,
        level=level,
        target=target,
        reason=consensus.reason.strip(),
        evidence=_evidence(consensus.evidence),
    )


def latest_ratings(ratings: tuple[Rating, ...] | list[Rating]) -> list[Rating]:
    """The last rating of each participant for each item (earlier ones are history)."""
    latest: dict[tuple[str, str], Rating] = {}
    for rating in ratings:
        latest[(rating.participant, rating.item_id)] = rating
    return list(latest.values())


def item_columns(version: FrameworkVersion) -> pd.DataFrame:
    items = version.ordered_items()
    return tidy(
        {
            "item_id": [i.id for i in items],
            "item_number": [i.number for i in items],
            "item_name": [i.name.text for i in items],
            "item_order": list(range(len(items))),
            "is_sub_question": [i.parent is not None for i in items],
        },
        {"item_order": "int64", "is_sub_question": "bool"},
    )


def _level_columns(version: FrameworkVersion) -> pd.DataFrame:
    scale = version.scale
    keys = list(scale.keys)
    return tidy(
        {
            "level": keys,
            "level_label": [scale.label_of(k) for k in keys],
            "level_position": [scale.value_of(k) for k in keys],
            "rag": [scale.level(k).rag if scale.is_level(k) else "" for k in keys],
            "colour": [scale.level(k).colour if scale.is_level(k) else "#FFFFFF" for k in keys],
        },
        {"level_position": "Int64"},
    )


def ratings_frame(
    version: FrameworkVersion, ratings: tuple[Rating, ...] | list[Rating]
) -> pd.DataFrame:
    """Latest individual ratings as a tidy table with item and level details.

    ``level_position`` orders the levels (empty for "don't know" / "not applicable"); it
    is there to sort and to find the lowest and highest, never to average.
    """
    rows = latest_ratings(ratings)
    frame = tidy(
        {
            "participant": [r.participant for r in rows],
            "item_id": [r.item_id for r in rows],
            "level": [r.level for r in rows],
            "rationale": [r.rationale for r in rows],
            "evidence": ["; ".join(r.evidence) for r in rows],
            "evidence_count": [len(r.evidence) for r in rows],
            "confidence": [r.confidence or "" for r in rows],
            "rated_at": [r.rated_at for r in rows],
        },
        {"evidence_count": "int64", "rated_at": "object"},
    )
    frame = frame.merge(item_columns(version), on="item_id", how="left")
    frame = frame.merge(_level_columns(version), on="level", how="left")
    return frame.sort_values(["item_order", "participant"], kind="stable").reset_index(drop=True)


def consensus_frame(
    version: FrameworkVersion, consensus: tuple[Consensus, ...] | list[Consensus]
) -> pd.DataFrame:
    """The agreed level (and target) of each item as a tidy table."""
    frame = tidy(
        {
            "item_id": [c.item_id for c in consensus],
            "level": [c.level for c in consensus],
            "reason": [c.reason for c in consensus],
            "target": [c.target or "" for c in consensus],
            "consensus_evidence": ["; ".join(c.evidence) for c in consensus],
            "decided_by": [c.decided_by for c in consensus],
            "decided_at": [c.decided_at for c in consensus],
        },
        {"decided_at": "object"},
    )
    frame = frame.merge(item_columns(version), on="item_id", how="left")
    frame = frame.merge(_level_columns(version), on="level", how="left")
    target_labels = {lv.key: lv.label.text for lv in version.scale.levels}
    frame["target_label"] = blank_missing(frame["target"].map(target_labels))
    return frame.sort_values("item_order", kind="stable").reset_index(drop=True)
