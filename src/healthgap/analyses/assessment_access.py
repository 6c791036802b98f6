"""Who may do what in an assessment, decided on the server for every interface.

A **participant** (facilitators included) may open the assessment, rate alone in the
individual round and see the spread once that round is closed; a **facilitator** also
invites, opens and closes rounds, records agreed levels and keeps the action plan; a site
**admin** who takes no part may read an assessment but not rate or decide.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from healthgap.analyses.assessment_evidence import AreaEvidence
from healthgap.assessment import Assessment, FrameworkVersion
from healthgap.errors import PermissionDenied
from healthgap.reports.bundle import Provenance, ResultBundle
from healthgap.store import Role, User
from healthgap.store import assessment as stored
from healthgap.store.assessment_models import ParticipantRecord
from healthgap.store.assessment_queries import participant_of

__all__ = [
    "ROUND_LABELS",
    "STORE_SOURCE",
    "acting_user",
    "done",
    "facilitator",
    "member",
    "provenance_with",
    "records_by_item",
    "scope_summary",
    "viewer_of",
]

STORE_SOURCE = "(none: ratings from the assessment store only)"
ROUND_LABELS = {
    "individual": "Individual ratings",
    "consensus": "Consensus round",
    "closed": "Closed",
}


def done(question: str, **summary: Any) -> ResultBundle:
    """The bundle a write returns: what was asked and what changed."""
    return ResultBundle(question=question, provenance=Provenance(STORE_SOURCE), summary=summary)


def acting_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PermissionDenied("your account is not active")
    return user


def member(session: Session, assessment_id: int, user_id: int) -> ParticipantRecord:
    """The acting user's participant record; refused when they take no part."""
    stored.assessment_record(session, assessment_id)
    found = participant_of(session, assessment_id=assessment_id, user_id=user_id)
    if found is None:
        raise PermissionDenied("you do not take part in this assessment")
    return found


def facilitator(
    session: Session, assessment_id: int, user_id: int, doing: str
) -> ParticipantRecord:
    found = member(session, assessment_id, user_id)
    if found.role != "facilitator":
        raise PermissionDenied(f"only a facilitator of this assessment can {doing}")
    return found


def viewer_of(session: Session, assessment_id: int, user_id: int) -> ParticipantRecord | None:
    """A participant may open an assessment, and so may an admin (who then only reads)."""
    stored.assessment_record(session, assessment_id)
    user = acting_user(session, user_id)
    found = participant_of(session, assessment_id=assessment_id, user_id=user_id)
    if found is None and user.role != Role.admin.value:
        raise PermissionDenied("you do not take part in this assessment")
    return found


def records_by_item(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``{item_id: [row, ...]}`` of a table with an ``item_id`` column, missing as ""."""
    if frame.empty:
        return {}
    clean = frame.astype(object).where(frame.notna(), "")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in clean.to_dict("records"):
        grouped.setdefault(str(row["item_id"]), []).append(row)
    return grouped


def provenance_with(evidence: AreaEvidence | None) -> Provenance:
    """The workspace the evidence came from (its tables' hashes), or the store alone."""
    if evidence is None or not evidence.source_name:
        return Provenance(STORE_SOURCE)
    return Provenance(
        evidence.source_name, hashes=dict(evidence.hashes), synthetic=evidence.synthetic
    )


def scope_summary(version: FrameworkVersion, assessment: Assessment) -> dict[str, Any]:
    scope = assessment.scope
    mode = version.mode(assessment.mode)
    return {
        "assessment_id": assessment.id,
        "title": assessment.title
        or f"{version.title.text}: {scope.topic} in {scope.place_name or scope.place_code}",
        "framework_id": version.framework_id,
        "framework": version.title.text,
        "version": version.version,
        "mode": mode.id,
        "mode_label": mode.label.text,
        "item_count": len(mode.items),
        "place_code": scope.place_code,
        "place_name": scope.place_name,
        "place_level": scope.place_level,
        "topic": scope.topic,
        "period": scope.period,
        "purpose": scope.purpose,
        "round": assessment.round,
        "round_label": ROUND_LABELS.get(assessment.round, assessment.round),
    }
