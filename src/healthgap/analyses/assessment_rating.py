"""A participant's own rating sheet: the items, their answers and descriptors, their own
latest answers, the place's data linked to each item and the flags on their own ratings.

Only the acting participant's answers are read: nobody sees another person's rating while
the individual round is open (frameworks.md §10).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from healthgap.analyses.assessment_access import (
    member,
    provenance_with,
    records_by_item,
    scope_summary,
)
from healthgap.analyses.assessment_evidence import AreaEvidence
from healthgap.assessment import (
    EVIDENCE_COLUMNS,
    INDICATORS,
    FrameworkVersion,
    Rating,
    contradictions,
    evidence_flags,
    evidence_table,
    tool_a_data_steps,
)
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.store import Database
from healthgap.store.assessment_load import get_assessment
from healthgap.store.assessment_queries import own_latest_ratings

__all__ = ["answers_of", "rating_sheet"]


def answers_of(version: FrameworkVersion, item_id: str) -> list[dict[str, Any]]:
    """The answers of one item: its levels (item descriptors over the scale's), then the
    special answers."""
    item = version.item(item_id)
    rows = []
    for level in version.scale.levels:
        descriptor = item.descriptors.get(level.key) or level.descriptor
        rows.append(
            {
                "key": level.key,
                "label": level.label.text,
                "descriptor": "" if descriptor is None else descriptor.text,
                "rag": level.rag,
                "colour": level.colour,
                "is_level": True,
            }
        )
    special = {"descriptor": "", "rag": "", "colour": "", "is_level": False}
    rows += [{"key": s.key, "label": s.label.text, **special} for s in version.scale.special]
    return rows


def rating_sheet(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    evidence: AreaEvidence | None = None,
) -> ResultBundle:
    """The acting participant's own sheet: every item of the mode with its prompt, the
    answers and their descriptors, their latest answer, the data linked to the item, and
    any flag on their own rating (no evidence, or the data contradict it)."""
    with database.reader() as session:
        me = member(session, assessment_id, user_id)
        loaded = get_assessment(session, assessment_id=assessment_id)
        mine = own_latest_ratings(session, assessment_id=assessment_id, participant_id=me.id)
    version, assessment = loaded.version, loaded.assessment
    scope = assessment.scope
    sections = {s.id: s.title.text for s in version.sections}
    items = version.items_in(assessment.mode)
    rows = []
    for item in items:
        own = mine.get(item.id)
        rows.append(
            {
                "item_id": item.id,
                "number": item.number,
                "name": item.name.text,
                "section": sections.get(item.section, item.section),
                "is_sub_question": item.parent is not None,
                "prompt": item.prompt_for(
                    topic=scope.topic, place=scope.place_name or scope.place_code
                ),
                "guidance": "" if item.guidance is None else item.guidance.text,
                "evidence_prompt": ""
                if item.evidence_prompt is None
                else item.evidence_prompt.text,
                "evidence_required": item.evidence_required,
                "indicators": "; ".join(INDICATORS[i].label for i in item.indicators),
                "reconstructed": item.name.reconstructed or item.prompt.reconstructed,
                "practice_id": item.practice_id,
                "rated": own is not None,
                "my_level": "" if own is None else own.level,
                "my_answer": "" if own is None else version.scale.label_of(own.level),
                "my_rationale": "" if own is None else own.rationale,
                "my_evidence": "\n".join(own.evidence or ()) if own else "",
                "my_confidence": "" if own is None or own.confidence is None else own.confidence,
            }
        )
    sheet = pd.DataFrame(rows)
    own_only = replace(
        assessment,
        ratings=tuple(
            Rating(str(me.id), r.item_id, r.level, r.rationale, tuple(r.evidence or ()))
            for r in mine.values()
        ),
        consensus=(),
    )
    linked = (
        evidence_table(version, evidence.data, items=items)
        if evidence is not None
        else pd.DataFrame(columns=["item_id", "item_number", "item_name", *EVIDENCE_COLUMNS])
    )
    flags = pd.concat(
        [evidence_flags(version, own_only), contradictions(version, own_only, linked)],
        ignore_index=True,
    )
    tables = {
        "items": Table(sheet, "your ratings"),
        "evidence": Table(linked, "the place's data linked to each item"),
        "flags": Table(flags, "flags on your ratings"),
    }
    if evidence is not None and version.data_steps:
        tables["data_steps"] = Table(
            tool_a_data_steps(version, evidence.data), "data steps, pre-filled"
        )
    summary = scope_summary(version, assessment) | {
        "my_role": me.role,
        "rated": int(sheet["rated"].sum()) if len(sheet) else 0,
        "sheet": sheet.to_dict("records"),
        "answers": {item.id: answers_of(version, item.id) for item in items},
        "evidence": records_by_item(linked),
        "flags": records_by_item(flags),
        "data_notes": list(evidence.notes) if evidence is not None else [],
        "data_period": evidence.period if evidence is not None else "",
        "supports_data_steps": list(version.data_steps_support),
    }
    return ResultBundle(
        question="rate an assessment",
        provenance=provenance_with(evidence),
        tables=tables,
        summary=summary,
    )
