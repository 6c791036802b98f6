"""Stages of change from a survey: shares by segment with CIs, small-cell warnings, and the
segment x stage matrix with its message, channel and offer per cell.

:func:`survey_stages` reads the survey (the workspace's ``lifestyle_survey`` table or a
user's file: one row per respondent with ``area_code``, ``weight``, optional ``stratum`` and
``psu``, and one ``<behaviour>_stage`` column per behaviour), groups respondents by the
segment of their area (from a stored run or a lookup), by deprivation fifth, or by any
survey column, and estimates the share at each stage with
:func:`healthgap.insight.stage_shares`. Suggestions are healthgap's own (editable YAML),
with the team's edits on top. Stages are a communication aid, not a prediction.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from healthgap.analyses.insight_inputs import insight_provenance
from healthgap.analyses.provenance import collect_warnings
from healthgap.analyses.source import Source
from healthgap.data.deprivation import assign_quantiles
from healthgap.data.readers import read_table_file
from healthgap.datasets.lifestyle_survey import SURVEY_STAGE_COLUMNS
from healthgap.errors import InputError, Problem
from healthgap.insight import (
    ECOLOGICAL_NOTE,
    STAGES,
    StageContent,
    load_stage_content,
    stage_matrix,
    stage_shares,
)
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.insight_charts import STAGE_NOTE, stage_heatmap_chart
from healthgap.reports.insight_tables import insight_policy

__all__ = ["STAGE_FIELDS", "STAGE_NAMES", "check_stage_suggestion", "survey_stages"]

STAGE_NAMES: tuple[str, ...] = STAGES
STAGE_FIELDS = ("message", "channel", "offer")
SURVEY_TABLE = "lifestyle_survey"
QUINTILE = "deprivation_quintile"
GROUPING_WORDS = {"segment": "segment", QUINTILE: "deprivation fifth"}
_SHARE_COLUMNS = [
    "segment",
    "segment_name",
    "behaviour",
    "stage",
    "respondents",
    "base",
    "value",
    "se",
    "lowercl",
    "uppercl",
    "confidence",
    "small_base",
    "statistic",
    "method",
]


def _behaviours(survey: pd.DataFrame) -> dict[str, str]:
    """Behaviour -> stage column: the demo's names when its columns are there, else every
    ``<behaviour>_stage`` column."""
    if set(SURVEY_STAGE_COLUMNS.values()) <= set(survey.columns):
        return dict(SURVEY_STAGE_COLUMNS)
    return {c.removesuffix("_stage"): c for c in survey.columns if c.endswith("_stage")}


def _read_survey(source: Source | None, survey: str | os.PathLike[str] | None) -> pd.DataFrame:
    if survey is not None:
        return read_table_file(survey)
    if source is None or not source.has(SURVEY_TABLE):
        raise InputError(
            [
                Problem(
                    SURVEY_TABLE,
                    None,
                    None,
                    "missing_table",
                    "the workspace has no lifestyle_survey table; import one or give a file",
                )
            ]
        )
    return source.read(SURVEY_TABLE, None, None).reset_index(drop=True)


def _quintiles(source: Source | None, codes: pd.Series) -> pd.Series:
    """Deprivation fifth (1 = most deprived) of each respondent's area: the workspace's
    ``area_deprivation`` table, else fifths of its areas' deprivation scores."""
    if source is not None and source.has("area_deprivation"):
        table = source.read("area_deprivation", None, None)
        fifth = table.set_index(table["area_code"].astype(str))[QUINTILE]
    elif source is not None and "deprivation_score" in source.areas().columns:
        areas = source.areas()
        small = areas[areas["area_code"].astype(str).isin(set(codes.astype(str)))]
        fifth = pd.Series(
            assign_quantiles(small, 5).to_numpy(), index=small["area_code"].astype(str)
        )
    else:
        raise InputError(
            "the workspace has no deprivation of the respondents' areas", rule="no_deprivation"
        )
    return codes.astype(str).map(fifth)


def _domains(
    source: Source | None,
    frame: pd.DataFrame,
    by: str,
    segments: Mapping[str, Any] | pd.Series | None,
    names: Sequence[Mapping[str, Any]] | None,
    name: str,
) -> tuple[pd.DataFrame, dict[str, str], int]:
    """The survey with a ``segment`` column (the domain), display names, respondents left out."""
    if by == "segment":
        if segments is None:
            raise InputError(
                [
                    Problem(
                        "<arguments>",
                        None,
                        "by",
                        "no_segments",
                        "no segmentation chosen: run or pick one first, or group by "
                        "deprivation_quintile",
                    )
                ]
            )
        found = frame["area_code"].astype(str).map(pd.Series(segments).astype(str))
        shown = {str(n["segment"]): str(n["name"]) for n in names or []}
    elif by == QUINTILE and QUINTILE not in frame.columns:
        found = _quintiles(source, frame["area_code"]).map(
            lambda q: None if pd.isna(q) else str(int(q))
        )
        shown = {"1": "Most deprived fifth (1)", "5": "Least deprived fifth (5)"}
        shown |= {str(q): f"Deprivation fifth {q}" for q in (2, 3, 4)}
    elif by in frame.columns:
        found = frame[by].astype(str).where(frame[by].notna())
        shown = {}
    else:
        raise InputError(
            [Problem(name, None, by, "missing_column", f"the survey has no column {by!r}")]
        )
    keep = found.notna() & found.astype(str).str.strip().ne("")
    out = frame[keep].assign(segment=found[keep].astype(str).to_numpy())
    labels = {s: shown.get(s, f"{s}") for s in sorted(set(out["segment"]), key=_order)}
    return out, labels, int((~keep).sum())


def _order(text: str) -> tuple[int, int | str]:
    return (0, int(text)) if text.isdigit() else (1, text)


def _content(
    content: str | os.PathLike[str] | None, suggestions: Sequence[Mapping[str, Any]]
) -> StageContent:
    found = load_stage_content(content)
    for cell in suggestions:  # a team's edits, a few dozen at most
        found = found.edit(
            str(cell["segment"]),
            str(cell["behaviour"]),
            str(cell["stage"]),
            **{f: str(cell[f]) for f in STAGE_FIELDS if cell.get(f)},
        )
    return found


def check_stage_suggestion(
    segment: str, behaviour: str, stage: str, **fields: str
) -> dict[str, str]:
    """One cell's message, channel and offer checked as the suggestions file is (stage on
    the scale, text not empty); returns the cleaned fields."""
    edited = load_stage_content().edit(segment, behaviour, stage, **fields)
    return edited.suggestion(segment, behaviour, stage)


def survey_stages(
    source: Source | None,
    *,
    survey: str | os.PathLike[str] | None = None,
    by: str = "segment",
    segments: Mapping[str, Any] | pd.Series | None = None,
    names: Sequence[Mapping[str, Any]] | None = None,
    suggestions: Sequence[Mapping[str, Any]] = (),
    content: str | os.PathLike[str] | None = None,
    min_respondents: int = 50,
    confidence: float = 0.95,
) -> ResultBundle:
    """Shares of respondents at each stage of change, by segment, with the matrix of
    suggestions per behaviour (tables ``shares`` and ``matrix_<behaviour>``, charts
    ``heatmap_<behaviour>``). ``by`` is ``segment`` (``segments``: area code -> segment,
    ``names``: their display names), ``deprivation_quintile`` or a survey column."""
    frame = _read_survey(source, survey)
    file_name = os.path.basename(str(survey)) if survey is not None else SURVEY_TABLE
    if by in ("segment", QUINTILE) and "area_code" not in frame.columns:
        raise InputError(
            [Problem(file_name, None, "area_code", "missing_column", "the survey has no area_code")]
        )
    behaviours = _behaviours(frame)
    with collect_warnings() as met:
        grouped, labels, dropped = _domains(source, frame, by, segments, names, file_name)
        if dropped:
            met.append(
                f"SmallNumbersWarning: {dropped} respondents live in areas with no "
                f"{by.replace('_', ' ')} and are left out"
            )
        shares = stage_shares(
            grouped,
            stages=behaviours,
            by="segment",
            weight="weight",
            strata="stratum" if "stratum" in grouped.columns else None,
            psu="psu" if "psu" in grouped.columns else None,
            confidence=confidence,
            min_respondents=min_respondents,
            source=file_name,
        )
        chosen = _content(content, suggestions)
    shares["segment"] = shares["segment"].astype(str)
    shares["segment_name"] = shares["segment"].map(labels)
    shares["stage"] = shares["stage"].astype(str)
    place = shares["segment"].map({s: i for i, s in enumerate(labels)})
    # segments in their own order (2 before 10), stages kept in the scale's order
    shares = shares.iloc[place.argsort(kind="stable")].reset_index(drop=True)
    ecological = by == "segment"
    note_columns = {"ecological_note": ECOLOGICAL_NOTE} if ecological else {}
    meta = {"note": f"{STAGE_NOTE}. {chosen.note}", "grouping": by}
    if ecological:
        meta["ecological"] = ECOLOGICAL_NOTE
    policy = insight_policy("stages")
    name_table = pd.DataFrame({"segment": list(labels), "name": list(labels.values())})
    tables = {
        "shares": Table(
            shares[_SHARE_COLUMNS].assign(**note_columns),
            "share of respondents at each stage of change",
            metadata=meta,
            decimals={"value": 4, "se": 4, "lowercl": 4, "uppercl": 4, "df": 0},
            policy=policy,
        )
    }
    charts = {}
    for behaviour in behaviours:
        if behaviour not in set(shares["behaviour"]):
            continue  # nobody was asked
        matrix = stage_matrix(shares, behaviour, chosen)
        matrix["segment_name"] = matrix["segment"].map(labels)
        tables[f"matrix_{behaviour}"] = Table(
            matrix.assign(**note_columns),
            f"stages of change with suggested message, channel and offer: {behaviour}",
            metadata=meta,
            decimals={"value": 4, "lowercl": 4, "uppercl": 4},
            policy=policy,
        )
        charts[f"heatmap_{behaviour}"] = stage_heatmap_chart(
            matrix, names=name_table, grouping=GROUPING_WORDS.get(by, by.replace("_", " "))
        )
    small = shares[shares["small_base"]][["segment_name", "behaviour", "base"]].drop_duplicates()
    return ResultBundle(
        question="stages of change from a survey",
        provenance=insight_provenance(
            source, [survey] if survey is not None else [], shares["method"].iloc[0]
        ),
        tables=tables,
        charts=charts,
        metadata={"grouping": by, "note": meta["note"]},
        summary={
            "behaviours": [b for b in behaviours if f"matrix_{b}" in tables],
            "grouping": by,
            "segments": labels,
            "respondents": int(len(grouped)),
            "left_out": dropped,
            "small_cells": small.to_dict("records"),
            "min_respondents": min_respondents,
            "note": STAGE_NOTE,
            "content_note": chosen.note,
            "stages": [s for s in STAGES if s in set(shares["stage"])],
        },
        warnings=tuple(met),
    )
