"""Check a journey map and name every problem by file, row, column and rule.

The same checks run on a journey read from JSON, YAML or CSV and on one edited through the
Python API; a :class:`Where` turns a place in the journey (a part such as ``"touchpoints"``,
the item's position and a field) into the file, row and column a person can find. The default
names JSON paths (``touchpoints[3].emotion``); :class:`CsvWhere` names the CSV file and the
spreadsheet row.

Rules: ``bad_id``, ``duplicate_id``, ``missing_value``, ``unknown_kind``, ``unknown_segment_kind``,
``bad_version``, ``no_stages``, ``duplicate_order``, ``duplicate_funnel_step``,
``negative_count``, ``unknown_stage``, ``unknown_lane``, ``emotion_out_of_range``,
``negative_wait``, ``unknown_touchpoint``, ``unknown_improvement_kind``, ``unknown_status``.

>>> from datetime import date
>>> from healthgap.journeys.model import Journey, SegmentRef, Stage, Touchpoint
>>> j = Journey(id="j", title="T", goal="G", segment=SegmentRef("persona", "p", "P"),
...             version_date=date(2024, 1, 1), stages=(Stage("s", "S", 1),),
...             touchpoints=(Touchpoint("t", "nowhere", 1, "Letter", emotion=3),))
>>> for p in journey_problems(j, Where("j.json")):
...     print(p.column, p.rule)
touchpoints[1].stage unknown_stage
touchpoints[1].emotion emotion_out_of_range
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from healthgap.errors import InputError, Problem
from healthgap.journeys.model import (
    EMOTION_MAX,
    EMOTION_MIN,
    IMPROVEMENT_KINDS,
    IMPROVEMENT_STATUSES,
    LANES,
    SEGMENT_KINDS,
    Journey,
    JourneyKind,
)

__all__ = ["ID_PATTERN", "CsvWhere", "Where", "check_journey", "journey_problems"]

#: Ids are short slugs so that they can appear in links and in "journey/touchpoint" references.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Where:
    """Names places in a journey as JSON paths inside ``source``."""

    def __init__(self, source: str = "<journey>") -> None:
        self.source = source

    def at(self, part: str, index: int | None, column: str | None) -> tuple[str, int | None, str]:
        """``part`` is "journey", "stages", "touchpoints", "improvements" (0-based ``index``)."""
        if index is None:
            return self.source, None, column or part
        path = f"{part}[{index + 1}]"
        return self.source, None, f"{path}.{column}" if column else path

    def evidence(
        self, touchpoint_index: int, evidence_index: int, column: str
    ) -> tuple[str, int | None, str]:
        return self.at(f"touchpoints[{touchpoint_index + 1}].evidence", evidence_index, column)

    def problem(
        self, part: str, index: int | None, column: str | None, rule: str, message: str
    ) -> Problem:
        return Problem(*self.at(part, index, column), rule, message)


class CsvWhere(Where):
    """Names places as ``<folder>/<part>.csv``, spreadsheet row (header = row 1) and column.

    ``evidence_rows`` maps (touchpoint position, evidence position) to the 0-based data row
    of ``evidence.csv`` it came from.
    """

    def __init__(self, folder: str | Path, evidence_rows: dict[tuple[int, int], int]) -> None:
        super().__init__(str(folder))
        self.folder = Path(folder)
        self.evidence_rows = evidence_rows

    def at(self, part: str, index: int | None, column: str | None) -> tuple[str, int | None, str]:
        file = str(self.folder / f"{part}.csv")
        row = None if index is None else index + 2
        if part == "journey":
            row = 2
        return file, row, column or ""

    def evidence(
        self, touchpoint_index: int, evidence_index: int, column: str
    ) -> tuple[str, int | None, str]:
        row = self.evidence_rows.get((touchpoint_index, evidence_index))
        return self.at("evidence", row, column)


def _duplicates(values: Iterable[object]) -> set[object]:
    return {v for v, n in Counter(values).items() if n > 1}


def _id_problems(part: str, ids: list[str], where: Where) -> list[Problem]:
    found = []
    repeated = _duplicates(ids)
    for i, value in enumerate(ids):
        if not ID_PATTERN.match(value):
            found.append(
                where.problem(
                    part, i, "id", "bad_id",
                    f"id {value!r} must be 1-64 letters, digits, '.', '_' or '-', "
                    "starting with a letter or digit",
                )
            )  # fmt: skip
        elif value in repeated:
            found.append(
                where.problem(part, i, "id", "duplicate_id", f"id {value!r} is used twice")
            )
    return found


def _journey_level(journey: Journey, where: Where) -> list[Problem]:
    found = []
    if not ID_PATTERN.match(journey.id):
        found.append(
            where.problem(
                "journey", None, "id", "bad_id", f"journey id {journey.id!r} is not a slug"
            )
        )
    if journey.kind not in {k.value for k in JourneyKind}:
        found.append(
            where.problem(
                "journey", None, "kind", "unknown_kind",
                f"kind {journey.kind!r} must be one of {', '.join(k.value for k in JourneyKind)}",
            )
        )  # fmt: skip
    if journey.segment.kind not in SEGMENT_KINDS:
        found.append(
            where.problem(
                "journey", None, "segment_kind", "unknown_segment_kind",
                f"segment kind {journey.segment.kind!r} must be 'segment' or 'persona'",
            )
        )  # fmt: skip
    found += _segment_problems(journey, where)
    if journey.version < 1:
        found.append(
            where.problem("journey", None, "version", "bad_version", "version must be 1 or more")
        )
    return found


def _segment_problems(journey: Journey, where: Where) -> list[Problem]:
    """A stored segment needs both its segmentation and its code; any other needs an id."""
    segment, found = journey.segment, []
    if (segment.run_id is None) != (not segment.code):
        missing = "segment_code" if segment.run_id is not None else "segment_run_id"
        found.append(
            where.problem("journey", None, missing, "missing_value",
                          "a stored segment needs both segment_run_id and segment_code")
        )  # fmt: skip
    elif not segment.id:
        found.append(
            where.problem("journey", None, "segment_id", "missing_value",
                          "segment_id is required for a segment or persona you describe")
        )  # fmt: skip
    return found


def _stage_problems(journey: Journey, where: Where) -> list[Problem]:
    stages = list(journey.stages)
    if not stages:
        return [where.problem("stages", None, None, "no_stages", "a journey needs stages")]
    found = _id_problems("stages", [s.id for s in stages], where)
    repeated = _duplicates(s.order for s in stages)
    steps = _duplicates(s.funnel_step for s in stages if s.funnel_step)
    for i, stage in enumerate(stages):
        if stage.order in repeated:
            found.append(
                where.problem(
                    "stages", i, "order", "duplicate_order",
                    f"stage order {stage.order} is used by more than one stage",
                )
            )  # fmt: skip
        if stage.funnel_step in steps:
            found.append(
                where.problem(
                    "stages", i, "funnel_step", "duplicate_funnel_step",
                    f"funnel step {stage.funnel_step!r} is given to more than one stage",
                )
            )  # fmt: skip
        if stage.count is not None and stage.count < 0:
            found.append(
                where.problem("stages", i, "count", "negative_count", f"count {stage.count} < 0")
            )
    return found


def _touchpoint_problems(journey: Journey, where: Where) -> list[Problem]:
    touchpoints = list(journey.touchpoints)
    found = _id_problems("touchpoints", [t.id for t in touchpoints], where)
    stage_ids = [s.id for s in journey.stages]
    repeated = _duplicates((t.stage, t.order) for t in touchpoints)
    for i, tp in enumerate(touchpoints):
        if tp.stage not in stage_ids:
            found.append(
                where.problem(
                    "touchpoints", i, "stage", "unknown_stage",
                    f"stage {tp.stage!r} is not a stage of this journey "
                    f"(stages: {', '.join(stage_ids) or 'none'})",
                )
            )  # fmt: skip
        if (tp.stage, tp.order) in repeated:
            found.append(
                where.problem(
                    "touchpoints", i, "order", "duplicate_order",
                    f"order {tp.order} is used by more than one touchpoint in stage {tp.stage!r}",
                )
            )  # fmt: skip
        if tp.lane not in LANES:
            found.append(
                where.problem(
                    "touchpoints", i, "lane", "unknown_lane",
                    f"lane {tp.lane!r} must be one of {', '.join(LANES)}",
                )
            )  # fmt: skip
        if tp.emotion is not None and not EMOTION_MIN <= tp.emotion <= EMOTION_MAX:
            found.append(
                where.problem(
                    "touchpoints", i, "emotion", "emotion_out_of_range",
                    f"emotion score {tp.emotion:g} is outside -2 to +2",
                )
            )  # fmt: skip
        if tp.wait_days is not None and tp.wait_days < 0:
            found.append(
                where.problem("touchpoints", i, "wait_days", "negative_wait", "wait cannot be < 0")
            )
        for j, item in enumerate(tp.evidence):
            if item.count is not None and item.count < 0:
                file, row, column = where.evidence(i, j, "count")
                found.append(Problem(file, row, column, "negative_count", "count cannot be < 0"))
    return found


def _improvement_problems(journey: Journey, where: Where) -> list[Problem]:
    items = list(journey.improvements)
    found = _id_problems("improvements", [m.id for m in items], where)
    touchpoint_ids = {t.id for t in journey.touchpoints}
    for i, item in enumerate(items):
        if item.touchpoint not in touchpoint_ids:
            found.append(
                where.problem(
                    "improvements", i, "touchpoint", "unknown_touchpoint",
                    f"touchpoint {item.touchpoint!r} is not in this journey",
                )
            )  # fmt: skip
        if item.kind not in IMPROVEMENT_KINDS:
            found.append(
                where.problem(
                    "improvements", i, "kind", "unknown_improvement_kind",
                    f"kind {item.kind!r} must be 'idea' or 'action'",
                )
            )  # fmt: skip
        if item.status not in IMPROVEMENT_STATUSES:
            found.append(
                where.problem(
                    "improvements", i, "status", "unknown_status",
                    f"status {item.status!r} must be one of {', '.join(IMPROVEMENT_STATUSES)}",
                )
            )  # fmt: skip
    return found


def _empty_text(journey: Journey, where: Where) -> list[Problem]:
    """Texts that files require are also required of edits made through the API."""
    places = [("journey", None, name, getattr(journey, name)) for name in ("title", "goal")]
    places.append(("journey", None, "segment_label", journey.segment.label))
    places += [("stages", i, "name", s.name) for i, s in enumerate(journey.stages)]
    places += [("touchpoints", i, "name", t.name) for i, t in enumerate(journey.touchpoints)]
    places += [("improvements", i, "text", m.text) for i, m in enumerate(journey.improvements)]
    return [
        where.problem(part, index, column, "missing_value", f"{column} is required")
        for part, index, column, text in places
        if not str(text).strip()
    ]


def journey_problems(journey: Journey, where: Where | None = None) -> list[Problem]:
    """Every broken rule of ``journey`` (empty when it is valid)."""
    where = where or Where(f"journey {journey.id!r}")
    return [
        *_journey_level(journey, where),
        *_empty_text(journey, where),
        *_stage_problems(journey, where),
        *_touchpoint_problems(journey, where),
        *_improvement_problems(journey, where),
    ]


def check_journey(journey: Journey, where: Where | None = None) -> Journey:
    """Return ``journey`` unchanged, or raise :class:`InputError` listing every problem."""
    problems = journey_problems(journey, where)
    if problems:
        raise InputError(problems)
    return journey
