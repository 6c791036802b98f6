"""Small journeys built by hand for the journey tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from healthgap.journeys import Evidence, Improvement, Journey, SegmentRef, Stage, Touchpoint


def small_journey(**changes: object) -> Journey:
    """Two stages, three touchpoints, one improvement: small enough to check by hand."""
    journey = Journey(
        id="small",
        title="Small journey",
        goal="Get seen",
        segment=SegmentRef("segment", "seg-1", "Segment one"),
        version_date=date(2025, 1, 31),
        service="svc",
        stages=(
            Stage("invited", "Invited", 1, funnel_step="invited", count=200),
            Stage("attended", "Attended", 2, funnel_step="attended", count=90),
        ),
        touchpoints=(
            Touchpoint("letter", "invited", 1, "Letter", emotion=-1.0, moment_of_truth=True,
                       pain_points=("jargon", "only in English"),
                       evidence=(Evidence("Too many long words", 4, "focus group"),)),
            Touchpoint("call", "invited", 2, "Phone call", lane="back_stage", emotion=0.0),
            Touchpoint("visit", "attended", 1, "Visit", person_does="Turns up", emotion=1.5,
                       wait="two weeks", wait_days=14.0),
        ),
        improvements=(Improvement("plain", "letter", "Plain-language letter", kind="action",
                                  due=date(2025, 6, 30), status="agreed",
                                  assessment_action_id="act-3"),),
    )  # fmt: skip
    return replace(journey, **changes)
