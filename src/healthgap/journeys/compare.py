"""As-is vs to-be: a stage-by-stage comparison of two versions of a journey (pure).

Stages and touchpoints are matched by id (a to-be map made with
:func:`healthgap.journeys.editing.start_to_be` keeps the as-is ids). The result has three
tables:

- ``stages``: per stage, the touchpoints, mean and lowest emotion, moments of truth, pain
  points and measured count in each version, and the change in mean emotion;
- ``touchpoints``: each touchpoint ``kept``, ``changed`` (with the fields that changed),
  ``moved`` (to another stage), ``added`` or ``removed``, with its emotion in each version;
- ``funnel``: per stage counted in both versions, conversion from the first stage in each
  version and the difference (empty when either version has no counts).

>>> from healthgap.journeys.templates import load_template
>>> result = compare_journeys(load_template("demo_health_check"),
...                           load_template("demo_health_check_to_be"))
>>> result.summary["mean_emotion_as_is"] < result.summary["mean_emotion_to_be"]
True
>>> result.touchpoints.set_index("touchpoint").loc["booking-call", "status"]
'removed'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from healthgap.journeys.funnel import FUNNEL_STATISTICS, journey_funnel
from healthgap.journeys.model import Journey, Touchpoint

__all__ = ["JourneyComparison", "compare_journeys", "stage_summary"]

VERSIONS = ("as_is", "to_be")


@dataclass(frozen=True)
class JourneyComparison:
    """Tables comparing two versions of a journey; ``summary`` holds whole-journey figures."""

    as_is_id: str
    to_be_id: str
    stages: pd.DataFrame
    touchpoints: pd.DataFrame
    funnel: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def stage_summary(journey: Journey) -> pd.DataFrame:
    """Per stage (in order): touchpoints, mean and lowest emotion, moments of truth, pain
    points and the measured count."""
    rows = []
    for stage in journey.ordered_stages():
        points = journey.touchpoints_in(stage.id)
        scores = [t.emotion for t in points if t.emotion is not None]
        rows.append(
            {
                "stage_id": stage.id,
                "stage": stage.name,
                "order": stage.order,
                "touchpoints": len(points),
                "mean_emotion": float(np.mean(scores)) if scores else np.nan,
                "lowest_emotion": float(min(scores)) if scores else np.nan,
                "moments_of_truth": sum(t.moment_of_truth for t in points),
                "pain_points": sum(len(t.pain_points) for t in points),
                "count": stage.count,
            }
        )
    frame = pd.DataFrame(rows)
    frame["count"] = frame["count"].astype("Int64")
    return frame


def _stage_table(as_is: Journey, to_be: Journey) -> pd.DataFrame:
    left, right = stage_summary(as_is), stage_summary(to_be)
    merged = left.merge(right, on="stage_id", how="outer", suffixes=("_as_is", "_to_be"))
    merged["stage"] = merged["stage_to_be"].fillna(merged["stage_as_is"])
    merged["status"] = np.select(
        [merged["order_as_is"].isna(), merged["order_to_be"].isna()],
        ["only to-be", "only as-is"],
        default="both",
    )
    merged["emotion_change"] = merged["mean_emotion_to_be"] - merged["mean_emotion_as_is"]
    merged["_sort"] = merged["order_to_be"].fillna(merged["order_as_is"])
    columns = ["stage_id", "stage", "status"] + [
        f"{name}_{version}"
        for name in ("order", "touchpoints", "mean_emotion", "lowest_emotion",
                     "moments_of_truth", "pain_points", "count")
        for version in VERSIONS
    ] + ["emotion_change"]  # fmt: skip
    return merged.sort_values(["_sort", "stage_id"])[columns].reset_index(drop=True)


def _fields(touchpoint: Touchpoint) -> dict[str, Any]:
    return {k: v for k, v in asdict(touchpoint).items() if k not in ("id", "order")}


def _touchpoint_table(as_is: Journey, to_be: Journey) -> pd.DataFrame:
    before = {t.id: t for t in as_is.sequence()}
    after = {t.id: t for t in to_be.sequence()}
    rows = []
    for tid in [*after, *(t for t in before if t not in after)]:
        old, new = before.get(tid), after.get(tid)
        if old is None or new is None:
            status, changed = ("added" if old is None else "removed"), []
        else:
            a, b = _fields(old), _fields(new)
            changed = [k for k in a if a[k] != b[k]]
            status = "moved" if old.stage != new.stage else ("changed" if changed else "kept")
        current = new or old
        assert current is not None
        rows.append(
            {
                "touchpoint": tid,
                "name": current.name,
                "status": status,
                "changed_fields": ", ".join(changed),
                "stage_as_is": old.stage if old else None,
                "stage_to_be": new.stage if new else None,
                "emotion_as_is": old.emotion if old else None,
                "emotion_to_be": new.emotion if new else None,
                "moment_of_truth_as_is": old.moment_of_truth if old else None,
                "moment_of_truth_to_be": new.moment_of_truth if new else None,
            }
        )
    frame = pd.DataFrame(rows)
    for version in VERSIONS:
        frame[f"emotion_{version}"] = frame[f"emotion_{version}"].astype(float)
    frame["emotion_change"] = frame["emotion_to_be"] - frame["emotion_as_is"]
    return frame


def _funnel_table(as_is: Journey, to_be: Journey) -> pd.DataFrame:
    tables = []
    for version, journey in zip(VERSIONS, (as_is, to_be), strict=True):
        if not any(s.count is not None for s in journey.stages):
            return pd.DataFrame()
        names = {s.name: s.id for s in journey.stages}
        table = journey_funnel(journey)
        table = table[table["statistic"] == FUNNEL_STATISTICS[1]]
        table = table.assign(stage_id=table["step"].map(names))
        tables.append(
            table[["stage_id", "step", "count", "value"]].rename(
                columns={"count": f"count_{version}", "value": f"conversion_{version}",
                         "step": f"stage_{version}"}
            )
        )  # fmt: skip
    merged = tables[0].merge(tables[1], on="stage_id", how="inner")
    merged["conversion_change"] = merged["conversion_to_be"] - merged["conversion_as_is"]
    return merged.reset_index(drop=True)


def _mean_emotion(journey: Journey) -> float:
    scores = [t.emotion for t in journey.touchpoints if t.emotion is not None]
    return float(np.mean(scores)) if scores else float("nan")


def compare_journeys(as_is: Journey, to_be: Journey) -> JourneyComparison:
    """Compare two versions of a journey stage by stage (see the module text)."""
    summary = {
        f"{name}_{version}": value
        for version, journey in zip(VERSIONS, (as_is, to_be), strict=True)
        for name, value in (
            ("mean_emotion", _mean_emotion(journey)),
            ("touchpoints", len(journey.touchpoints)),
            ("negative_touchpoints",
             sum(t.emotion is not None and t.emotion < 0 for t in journey.touchpoints)),
            ("moments_of_truth", sum(t.moment_of_truth for t in journey.touchpoints)),
            ("pain_points", sum(len(t.pain_points) for t in journey.touchpoints)),
        )
    }  # fmt: skip
    return JourneyComparison(
        as_is_id=as_is.id,
        to_be_id=to_be.id,
        stages=_stage_table(as_is, to_be),
        touchpoints=_touchpoint_table(as_is, to_be),
        funnel=_funnel_table(as_is, to_be),
        summary=summary,
    )
