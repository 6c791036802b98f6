"""The journey map as tables: the accessible equivalent of the swimlane and emotion charts.

- :func:`journey_map_table`: one row per touchpoint in journey order with every field in
  words (emotion as a number and in words, moment of truth as yes/no), for screen readers,
  CSV export and print;
- :func:`swimlane_grid`: the swimlane map itself, lanes × stages, each cell listing what
  happens there (the person lane holds what the person does at each touchpoint).

>>> from healthgap.journeys.templates import load_template
>>> grid = swimlane_grid(load_template("nhs_health_check"))
>>> list(grid.columns[:3]), grid.index[0]
(['Invited', 'Booked', 'Attended'], 'The person')
"""

from __future__ import annotations

import pandas as pd

from healthgap.journeys.model import LANE_LABELS, LANES, Journey, emotion_words

__all__ = ["MAP_COLUMNS", "journey_map_table", "swimlane_cells", "swimlane_grid"]

#: Columns of :func:`journey_map_table`, with the headings shown to people.
MAP_COLUMNS: dict[str, str] = {
    "step": "Step",
    "stage": "Stage",
    "touchpoint": "Touchpoint",
    "lane": "Lane",
    "channel": "Channel",
    "organisation": "Organisation",
    "wait": "Wait",
    "what_happens": "What happens",
    "person_does": "What the person does",
    "person_thinks": "What the person thinks",
    "person_feels": "What the person feels",
    "emotion": "Emotion score (-2 to +2)",
    "emotion_words": "Emotion",
    "moment_of_truth": "Moment of truth",
    "pain_points": "Pain points",
    "evidence": "Evidence",
    "improvements": "Improvements",
}


def _evidence_text(journey: Journey, touchpoint_id: str) -> str:
    parts = []
    for item in journey.touchpoint(touchpoint_id).evidence:
        bits = [f'"{item.quote}"' if item.quote else "", f"{item.count} people or records"
                if item.count is not None else "", item.source]  # fmt: skip
        parts.append(", ".join(b for b in bits if b))
    return "; ".join(parts)


def journey_map_table(journey: Journey) -> pd.DataFrame:
    """One row per touchpoint in journey order (columns: :data:`MAP_COLUMNS` keys)."""
    names = {s.id: s.name for s in journey.stages}
    rows = []
    for step, tp in enumerate(journey.sequence(), start=1):
        rows.append(
            {
                "step": step,
                "stage": names.get(tp.stage, tp.stage),
                "touchpoint": tp.name,
                "lane": LANE_LABELS.get(tp.lane, tp.lane),
                "channel": tp.channel,
                "organisation": tp.organisation,
                "wait": tp.wait,
                "what_happens": tp.what_happens,
                "person_does": tp.person_does,
                "person_thinks": tp.person_thinks,
                "person_feels": tp.person_feels,
                "emotion": tp.emotion,
                "emotion_words": emotion_words(tp.emotion),
                "moment_of_truth": "yes" if tp.moment_of_truth else "no",
                "pain_points": "; ".join(tp.pain_points),
                "evidence": _evidence_text(journey, tp.id),
                "improvements": "; ".join(
                    f"{m.text} ({m.kind}, {m.status.replace('_', ' ')})"
                    for m in journey.improvements_at(tp.id)
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=list(MAP_COLUMNS))
    frame["emotion"] = frame["emotion"].astype(float)
    return frame


def swimlane_cells(journey: Journey) -> pd.DataFrame:
    """Long table of the swimlane map: one row per (touchpoint, lane) cell with its text.

    Columns ``step``, ``touchpoint_id``, ``touchpoint``, ``stage_id``, ``stage``,
    ``stage_order``, ``lane``, ``lane_label``, ``text``, ``emotion``, ``moment_of_truth``.
    A touchpoint fills its own lane with what happens, and the person lane with what the
    person does (when that is written).
    """
    stages = {s.id: s for s in journey.stages}
    rows = []
    for step, tp in enumerate(journey.sequence(), start=1):
        stage = stages.get(tp.stage)
        base = {
            "step": step,
            "touchpoint_id": tp.id,
            "touchpoint": tp.name,
            "stage_id": tp.stage,
            "stage": stage.name if stage else tp.stage,
            "stage_order": stage.order if stage else None,
            "emotion": tp.emotion,
            "moment_of_truth": tp.moment_of_truth,
        }
        own = tp.what_happens or tp.person_does or tp.name
        rows.append({**base, "lane": tp.lane, "text": own})
        if tp.lane != "person" and tp.person_does:
            rows.append({**base, "lane": "person", "text": tp.person_does})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["lane_label"] = frame["lane"].map(LANE_LABELS)
    frame["lane_rank"] = frame["lane"].map({lane: i for i, lane in enumerate(LANES)})
    frame = frame.sort_values(["step", "lane_rank"]).drop(columns="lane_rank")
    return frame.reset_index(drop=True)


def swimlane_grid(journey: Journey) -> pd.DataFrame:
    """Lanes (rows, by label) × stages (columns, in order); each cell lists its texts."""
    cells = swimlane_cells(journey)
    stage_names = [s.name for s in journey.ordered_stages()]
    lanes = [LANE_LABELS[lane] for lane in LANES]
    if cells.empty:
        return pd.DataFrame("", index=lanes, columns=stage_names)
    cells = cells.assign(entry=cells["touchpoint"] + ": " + cells["text"])
    grid = cells.groupby(["lane_label", "stage"], sort=False)["entry"].agg("\n".join).unstack()
    # object first: a stage without touchpoints comes back as a float column of NaN
    grid = grid.reindex(index=lanes, columns=stage_names).astype(object).fillna("")
    grid.index.name, grid.columns.name = "lane", "stage"
    return grid
