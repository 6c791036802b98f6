"""Everything about one assessment as tables, and its CSV, XLSX and JSON exports (pure).

:func:`assessment_report` gathers the tables; :func:`report_csv`, :func:`report_xlsx` and
:func:`report_json` turn them into text or bytes, writing nothing to disk. Every export
carries the spread of individual ratings, the weakest link, the evidence and contradiction
flags and the linked indicators; none holds an average, median or total of ordinal ratings.
Participants are numbered ("Participant 1") unless ``anonymise=False``, so a summary can
go to a board without saying who rated what. Reports from synthetic data say SYNTHETIC.

>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> from healthgap.assessment.responses import Assessment, Consensus, Rating, Scope
>>> nsmc = shipped_catalogue().get("nsmc_benchmarks")
>>> done = Assessment("nsmc_benchmarks", "1.0", Scope("E06000001", "tobacco", "2025"), "all",
...     ratings=(Rating("p1", "behaviour", "partly_met", evidence=("survey",)),),
...     consensus=(Consensus("behaviour", "partly_met", "baseline but no target date"),))
>>> report = assessment_report(nsmc, done)
>>> report.tables["items"].loc[0, ["item_name", "agreed_label", "counts"]].tolist()
['Behaviour', 'Partly met', 'Not met: 0; Partly met: 1; Fully met: 0']
>>> report_csv(report).splitlines()[0][:61]
'item_id,item_number,item_name,section,agreed_label,agreed_rag'
>>> sorted(report.tables)[:4]
['action_history', 'action_timeline', 'actions', 'counts']
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from healthgap.assessment._tables import blank_missing
from healthgap.assessment.actions import (
    action_history_table,
    action_plan_table,
    action_status_timeline,
)
from healthgap.assessment.contradictions import contradictions
from healthgap.assessment.evidence import (
    EVIDENCE_COLUMNS,
    AreaData,
    evidence_table,
    tool_a_data_steps,
)
from healthgap.assessment.evidence_flags import evidence_flags
from healthgap.assessment.indicators import indicator_label
from healthgap.assessment.model import FrameworkVersion
from healthgap.assessment.profiles import profile_table
from healthgap.assessment.responses import Assessment, ratings_frame
from healthgap.assessment.spread import rating_counts, spread_table, strengths, weakest_link
from healthgap.data.csv_export import neutralise_formulas

__all__ = [
    "ITEM_COLUMNS",
    "AssessmentReport",
    "assessment_report",
    "report_csv",
    "report_json",
    "report_xlsx",
]

SYNTHETIC_NOTE = "SYNTHETIC: evidence from made-up demonstration data, not real statistics"
NO_AVERAGE_NOTE = (
    "Ratings are ordinal: this report shows how many chose each level and the "
    "agreed level, never an average or a total."
)


#: Columns of the ``items`` table (and the CSV export), in order.
ITEM_COLUMNS: tuple[str, ...] = (
    "item_id",
    "item_number",
    "item_name",
    "section",
    "agreed_label",
    "agreed_rag",
    "agreed_reason",
    "target_label",
    "status",
    "ratings",
    "counts",
    "lowest_label",
    "highest_label",
    "levels_apart",
    "disagreement",
    "dont_know",
    "not_applicable",
    "without_evidence",
    "weakest_link",
    "strength",
    "evidence_flags",
    "data_contradictions",
    "flags",
    "linked_indicators",
    "linked_indicator_labels",
    "reconstructed_wording",
    "is_sub_question",
    "agreed_level",
    "lowest_level",
    "highest_level",
    "rag_bands",
)


@dataclass(frozen=True, eq=False)
class AssessmentReport:
    """The tables of one assessment (see :func:`assessment_report`)."""

    version: FrameworkVersion
    assessment: Assessment
    tables: Mapping[str, pd.DataFrame]
    synthetic: bool = False


def assessment_report(
    version: FrameworkVersion,
    assessment: Assessment,
    *,
    data: AreaData | None = None,
    previous: Assessment | None = None,
    as_of: date | None = None,
    anonymise: bool = True,
) -> AssessmentReport:
    """All tables of an assessment: ``scope``, ``items`` (one row per item: spread, agreed
    level, weakest link, strength, flags, linked indicators), ``counts``, ``ratings``,
    ``weakest_link``, ``strengths``, ``flags``, ``evidence``, ``data_steps``, ``profile``,
    ``actions``, ``action_history`` and ``action_timeline``.

    ``data`` holds the place's measures for the evidence panels and contradiction checks;
    ``previous`` an earlier assessment for the radar's "previous" profile.
    """
    evidence = (
        evidence_table(version, data, items=version.items_in(assessment.mode))
        if data is not None
        else pd.DataFrame(columns=["item_id", "item_number", "item_name", *EVIDENCE_COLUMNS])
    )
    flags = pd.concat(
        [evidence_flags(version, assessment), contradictions(version, assessment, evidence)],
        ignore_index=True,
    )
    weakest, strong = weakest_link(version, assessment), strengths(version, assessment)
    names = _participant_names(assessment, anonymise)
    flags["who"] = flags["who"].map(lambda k: names.get(k, k))
    ratings = ratings_frame(version, assessment.ratings)
    ratings["participant"] = ratings["participant"].map(lambda k: names.get(k, k))
    items = _items_table(version, assessment, flags, weakest, strong)
    steps = (
        tool_a_data_steps(version, data)
        if data is not None and version.data_steps
        else pd.DataFrame(columns=["step", "step_id", "step_title", "status"])
    )
    tables = {
        "scope": _scope_table(version, assessment, data),
        "items": items,
        "counts": rating_counts(version, assessment),
        "ratings": ratings.drop(columns=["item_order"]),
        "weakest_link": weakest,
        "strengths": strong,
        "flags": flags,
        "evidence": evidence,
        "data_steps": steps,
        "profile": profile_table(version, assessment, previous),
        "actions": action_plan_table(version, assessment.actions, as_of=as_of),
        "action_history": action_history_table(assessment.history),
        "action_timeline": action_status_timeline(assessment.history),
    }
    return AssessmentReport(version, assessment, tables, bool(data is not None and data.synthetic))


def _participant_names(assessment: Assessment, anonymise: bool) -> dict[str, str]:
    if anonymise:
        keys = list(
            dict.fromkeys(
                [p.key for p in assessment.participants]
                + [r.participant for r in assessment.ratings]
            )
        )
        return {key: f"Participant {i}" for i, key in enumerate(keys, start=1)}
    return {p.key: p.name for p in assessment.participants}


def _items_table(
    version: FrameworkVersion,
    assessment: Assessment,
    flags: pd.DataFrame,
    weakest: pd.DataFrame,
    strong: pd.DataFrame,
) -> pd.DataFrame:
    out = spread_table(version, assessment)
    out["linked_indicator_labels"] = out["linked_indicators"].map(
        lambda ids: "; ".join(indicator_label(i) for i in ids.split(", ")) if ids else ""
    )
    out["weakest_link"] = out["item_id"].isin(weakest["item_id"])
    out["strength"] = out["item_id"].isin(strong["item_id"])
    out["evidence_flags"] = (
        out["item_id"]
        .map(flags[flags["rule"] == "no_evidence"].groupby("item_id").size())
        .fillna(0)
        .astype(int)
    )
    out["data_contradictions"] = (
        out["item_id"]
        .map(flags[flags["rule"] != "no_evidence"].groupby("item_id").size())
        .fillna(0)
        .astype(int)
    )
    text = (
        (flags["who"].astype(str) + ": " + flags["message"].astype(str))
        .groupby(flags["item_id"].astype(str))
        .agg("; ".join)
    )
    out["flags"] = blank_missing(out["item_id"].map(text))
    reconstructed = set(version.reconstructed_items())
    out["reconstructed_wording"] = out["item_id"].isin(reconstructed)
    return out[list(ITEM_COLUMNS)]


def _scope_table(
    version: FrameworkVersion, assessment: Assessment, data: AreaData | None
) -> pd.DataFrame:
    scope = assessment.scope
    rows = [
        ("framework", version.title.text),
        ("framework_id", version.framework_id),
        ("framework_version", version.version),
        ("source", version.source.citation),
        ("source_evidence", version.source.evidence),
        ("reconstruction_note", version.reconstruction_note),
        ("mode", assessment.mode),
        ("place_code", scope.place_code),
        ("place_name", scope.place_name),
        ("place_level", scope.place_level),
        ("topic", scope.topic),
        ("period", scope.period),
        ("purpose", scope.purpose),
        ("round", assessment.round),
        ("participants", str(len(assessment.participants))),
        ("note", NO_AVERAGE_NOTE),
    ]
    if data is not None and data.synthetic:
        rows.append(("data", SYNTHETIC_NOTE))
    return pd.DataFrame(rows, columns=["field", "value"])


def report_csv(report: AssessmentReport) -> str:
    """The ``items`` table as CSV: one row per item with its spread, agreed level, weakest
    link and strength marks, flags and linked indicators (SYNTHETIC column when so)."""
    items = report.tables["items"].copy()
    if report.synthetic:
        items.insert(0, "data_note", SYNTHETIC_NOTE)
    return neutralise_formulas(items).to_csv(index=False, lineterminator="\n")


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def report_json(report: AssessmentReport) -> str:
    """Every table as JSON: ``{"scope": {field: value}, "tables": {name: [rows]}}``."""
    scope = dict(zip(report.tables["scope"]["field"], report.tables["scope"]["value"], strict=True))
    body = {
        "scope": scope,
        "synthetic": report.synthetic,
        "tables": {name: _records(t) for name, t in report.tables.items() if name != "scope"},
    }
    return json.dumps(body, indent=2, allow_nan=False, ensure_ascii=False)


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as ISO text (Excel cannot hold time zones), missing values blank."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == "object" or str(out[column].dtype).startswith("datetime"):
            out[column] = out[column].map(lambda v: "" if _plain(v) is None else _plain(v))
    return out


def report_xlsx(report: AssessmentReport) -> bytes:
    """An Excel workbook (XlsxWriter): the scope sheet first, then one sheet per table."""
    buffer = io.BytesIO()
    # Text from users stays text: never read as a formula (formula injection).
    options = {"options": {"strings_to_formulas": False}}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=options) as writer:
        for name, table in report.tables.items():
            _excel_safe(table).to_excel(writer, sheet_name=name[:31], index=False)
            writer.sheets[name[:31]].freeze_panes(1, 0)
    return buffer.getvalue()
