"""What the journey and insight-note pages share: form values in, problems out in plain
words (each linked to its control), the choices forms offer, and the conflict message.

Form controls are named as the core's fields (``emotion``, ``pain_points``), evidence rows as
``evidence-<n>-<field>``, so a problem about ``touchpoints[4].emotion`` or
``touchpoints[4].evidence[2].count`` is shown against the control the person used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from healthgap.analyses import show_journey
from healthgap.analyses.journey_choices import feeling, journey_choices, lane_label
from healthgap.analyses.journey_segments import (
    NO_WORKSPACE,
    SegmentRef,
    segment_from_choice,
    segment_picker,
)
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.web.deps import services
from healthgap.web.problem_words import PlainProblem, plain_problems

__all__ = [
    "CHOICES",
    "LABELS",
    "EVIDENCE_ROWS",
    "control_of",
    "feeling",
    "form_values",
    "in_words",
    "journey_or_404",
    "lane_label",
    "touchpoint_values",
    "version_of",
    "chosen_segment",
    "picker_of",
    "workspace_of",
]

CHOICES = journey_choices()
EVIDENCE_ROWS = 3  # blank evidence rows offered beyond the existing ones (at least)
LABELS: dict[str, str] = {
    "title": "Title", "goal": "Goal", "segment_kind": "Segment or persona",
    "segment": "Who the journey is about",
    "segment_id": "Segment or persona id", "segment_label": "Who the journey is about",
    "version_date": "Date of this version", "service": "Service name in service data",
    "description": "Description", "kind": "As is or to be", "template": "Template",
    "name": "Name", "stage": "Stage", "lane": "Lane", "channel": "Channel",
    "organisation": "Organisation", "wait": "Wait", "wait_days": "Wait in days",
    "what_happens": "What happens", "person_does": "What the person does",
    "person_thinks": "What the person thinks", "person_feels": "What the person feels",
    "emotion": "How the person feels", "moment_of_truth": "Moment of truth",
    "pain_points": "Pain points", "funnel_step": "Step in the service data",
    "count": "People who reached this stage", "count_source": "Where the count comes from",
    "after": "Where", "text": "What will change", "touchpoint": "Touchpoint",
    "owner": "Owner", "due": "Due date", "status": "Status",
    "assessment_action_id": "Assessment action id", "method": "Method",
    "held_on": "Date held", "sample_size": "Number of people", "consent_basis": "Consent basis",
    "themes": "Themes", "summary": "Summary", "quotes": "Quotes", "segment_ids": "Segments",
    "journey_ids": "Journeys", "touchpoints": "Touchpoints", "sent_on": "Date sent",
    "audience": "Who it went to", "recipients": "Number of people", "files": "Files",
    "id": "Id",
}  # fmt: skip
#: Rule -> sentence for the rules a journey form can meet ({label}: the control's label).
SENTENCES: dict[str, str] = {
    "missing_value": "Enter {lower}",
    "bad_number": "{label}: enter a number",
    "bad_count": "{label}: enter a whole number, 0 or more",
    "bad_int": "{label}: enter a whole number",
    "bad_date": "{label}: enter a date as year-month-day, for example 2025-04-30",
    "bad_bool": "{label}: answer yes or no",
    "emotion_out_of_range": "Choose how the person feels from the list (from −2 to +2)",
    "unknown_lane": "Choose a lane from the list",
    "unknown_stage": "Choose a stage from the list",
    "unknown_touchpoint": "Choose a touchpoint from the list",
    "unknown_status": "Choose a status from the list",
    "unknown_method": "Choose a method from the list",
    "negative_wait": "{label}: enter 0 days or more",
    "negative_count": "{label}: enter 0 or more",
}


#: What to ask for when a required control is empty.
MISSING: dict[str, str] = {
    "name": "Enter a name", "title": "Enter a title", "goal": "Enter the person's goal",
    "text": "Say what will change", "themes": "Enter at least one theme",
    "segment_label": "Describe the persona the journey is about",
    "consent_basis": "Say how people agreed to their words being kept",
    "held_on": "Enter the date it was held", "method": "Choose a method",
    "stage": "Choose a stage", "touchpoint": "Choose a touchpoint",
    "audience": "Say who it was sent to", "template": "Choose a template",
}  # fmt: skip


def control_of(column: str | None) -> str | None:
    """The form control a problem's column stands for.

    >>> control_of("touchpoints[4].evidence[2].count"), control_of("touchpoints[1].emotion")
    ('evidence-2-count', 'emotion')
    """
    if not column:
        return None
    evidence = re.search(r"evidence\[(\d+)\]\.(\w+)$", column)
    if evidence:
        return f"evidence-{evidence[1]}-{evidence[2]}"
    return column.rsplit(".", 1)[-1]


def _label(control: str) -> str:
    row = re.fullmatch(r"evidence-(\d+)-(\w+)", control)
    if row:
        part = {"count": "people or records"}.get(row[2], row[2])
        return f"Evidence {row[1]}: {part}"
    return LABELS.get(control) or control.replace("_", " ").capitalize()


def in_words(problems: Iterable[Problem]) -> list[PlainProblem]:
    """Each problem as a sentence linked to its control (others through plain_problems)."""
    shown: list[PlainProblem] = []
    rest: list[Problem] = []
    for problem in problems:
        control = control_of(problem.column)
        words = SENTENCES.get(problem.rule)
        if words is None or control is None:
            rest.append(problem)
            continue
        label = _label(control)
        message = words.format(label=label, lower=label[:1].lower() + label[1:])
        if problem.rule == "missing_value" and control in MISSING:
            message = MISSING[control]
        if message not in {s.message for s in shown}:
            shown.append(PlainProblem(message, control))
    fields = {p.column: control_of(p.column) for p in rest if p.column}
    labels = {c: _label(c) for c in fields.values() if c}
    return shown + plain_problems(rest, fields=fields, labels=labels)  # type: ignore[arg-type]


def form_values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The text of each named control (blank when absent)."""
    return {name: str(form.get(name) or "") for name in names}


def touchpoint_values(form: FormData) -> dict[str, Any]:
    """A touchpoint form's values: pain points one a line, evidence rows, the checkbox."""
    names = ("stage", "name", "lane", "channel", "organisation", "wait", "wait_days",
             "what_happens", "person_does", "person_thinks", "person_feels", "emotion")  # fmt: skip
    values: dict[str, Any] = form_values(form, names)
    values["moment_of_truth"] = "yes" if form.get("moment_of_truth") else "no"
    pains = str(form.get("pain_points") or "")
    values["pain_points"] = [line.strip() for line in pains.splitlines() if line.strip()]
    rows = sorted({int(m[1]) for key in form for m in [re.fullmatch(r"evidence-(\d+)-\w+", key)]
                   if m})  # fmt: skip
    values["evidence"] = [
        {field: str(form.get(f"evidence-{n}-{field}") or "") for field in ("quote", "count",
                                                                           "source")}
        for n in rows
    ]  # fmt: skip
    return values


def version_of(form: Mapping[str, Any]) -> int | None:
    """The version a form was opened at (None when missing or not a number)."""
    text = str(form.get("version") or "").strip()
    return int(text) if text.isdigit() else None


def journey_or_404(database: Database, key: str, version: int | None = None) -> ResultBundle:
    """:func:`healthgap.analyses.show_journey`, with a 404 page for an unknown journey or
    version (a link that names nothing) instead of a form error."""
    try:
        return show_journey(database, key, version=version)
    except InputError as error:
        if error.problems[0].rule in ("unknown_journey", "unknown_version"):
            raise HTTPException(404) from None
        raise


def workspace_of(request: Request) -> int:
    """The served workspace's id: its stored segmentations are the ones a journey names
    (none when no workspace is served)."""
    workspace_id = services(request).workspaces.workspace_id
    return NO_WORKSPACE if workspace_id is None else workspace_id


def picker_of(
    request: Request, database: Database, current: SegmentRef | None = None
) -> dict[str, Any]:
    """The "who is it about" choices of the served workspace (see ``segment_picker``)."""
    return segment_picker(database, workspace_of(request), current)


def chosen_segment(
    request: Request, database: Database, form: Mapping[str, Any], current: SegmentRef | None
) -> SegmentRef | None:
    """The reference the picker (``segment``) and the description (``segment_label``) make."""
    return segment_from_choice(
        database, workspace_of(request), str(form.get("segment") or ""),
        described=str(form.get("segment_label") or ""), current=current,
    )  # fmt: skip
