"""Use cases: contribute, review and publish (roles contributor, reviewer, editor), comments,
the review queue, workflow roles, and the actor of a signed-in user.

The rules are the core's (:mod:`healthgap.practice.workflow`) and every write is one
transaction (:meth:`Database.unit_of_work`), so a refused move or an invalid submission leaves
nothing half-saved. A new contribution never overwrites another document: its id must be new.
Only its author (or an editor) edits a draft; nobody edits a document under review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from healthgap.analyses.practice_search import ensure_bank
from healthgap.analyses.practice_views import PracticeExample, example_of
from healthgap.errors import InputError, PermissionDenied, Problem
from healthgap.practice import (
    Actor,
    CaseStudy,
    EvidenceStrength,
    PracticeRole,
    ResearchType,
    Status,
    TrianglePart,
    case_study_from_mapping,
    case_study_template,
    load_case_studies,
    load_topics,
)
from healthgap.practice.text import plain_text, slugify
from healthgap.reports.labels import intervention_name
from healthgap.scenarios import load_library
from healthgap.store import (
    Database,
    add_comment,
    case_key,
    case_studies,
    case_studies_due_for_review,
    member_role,
    research_key,
    save_case_study,
    set_member_role,
    transition,
)
from healthgap.store.models import Role, User
from healthgap.store.practice import PracticeCaseStudy

__all__ = [
    "FORM_LISTS",
    "ReviewQueue",
    "comment_on",
    "contribution_choices",
    "contribution_template",
    "form_to_case_study",
    "move_document",
    "practice_actor",
    "review_queue",
    "set_practice_role",
    "submit_case_study",
    "submit_template_file",
]

#: Form fields holding lists: one value a line (commas also separate the short ones).
FORM_LISTS = ("organisations", "place_codes", "topics", "risk_factors", "population_groups",
              "triangle_parts", "framework_items", "intervention_ids")  # fmt: skip
_COMMA_LISTS = {"place_codes", "topics", "triangle_parts", "framework_items", "intervention_ids"}
_TEXT = ("title", "place_name", "period", "mecc_relevance", "problem", "aim", "what_was_done",
         "reach", "results", "costs", "evaluation_design", "evidence", "evidence_note", "learning",
         "transferability", "review_by", "citation")  # fmt: skip


def practice_actor(database: Database, user: User) -> Actor:
    """The workflow actor of a web user: their practice role if one was given, else editor for
    an administrator and contributor for everyone else."""
    with database.reader() as session:
        role = member_role(session, user.id)
    if role is None:
        admin = Role(user.role) is Role.admin
        role = PracticeRole.editor if admin else PracticeRole.contributor
    return Actor(user.username, role, user.id)


def set_practice_role(database: Database, username: str, role: str) -> PracticeRole:
    """Give a user account a workflow role (contributor, reviewer or editor)."""
    with database.unit_of_work() as session:
        user = session.query(User).filter_by(username=username).one_or_none()
        if user is None:
            raise InputError(
                [Problem("practice role", None, "username", "not_found", f"no user {username!r}")]
            )
        row = set_member_role(session, user.id, role)
        return PracticeRole(row.role)


def contribution_choices() -> dict[str, list[tuple[str, str]]]:
    """The contributor form's choices in words: topics, triangle parts, evidence strengths and
    the plan library's interventions, as (value, label)."""
    topics = [(key, str(v.get("label", key))) for key, v in load_topics().items()]
    triangle = [(p.value, p.label) for p in TrianglePart]
    evidence = [(e.value, e.label) for e in EvidenceStrength]
    interventions = [(key, intervention_name(key)) for key in load_library()]
    research_types = [(t.value, t.label) for t in ResearchType]
    return {"topics": topics, "triangle": triangle, "evidence": evidence,
            "interventions": interventions, "research_types": research_types}  # fmt: skip


def contribution_template() -> str:
    """The downloadable contributor template (commented YAML)."""
    return case_study_template()


def _split(field: str, value: str) -> list[str]:
    separators = "\n," if field in _COMMA_LISTS else "\n"
    for separator in separators[1:]:
        value = value.replace(separator, separators[0])
    return [part.strip() for part in value.split(separators[0]) if part.strip()]


def form_to_case_study(form: Mapping[str, str], *, today: date | None = None) -> dict[str, Any]:
    """The contributor form's fields as a case-study mapping (validated later, all at once).

    Lists are one value a line; a result figure is ``measure | as reported | comparison``; the
    id comes from the title when not given; the review-by date defaults to a year ahead.
    """
    today = today or datetime.now(UTC).date()
    raw: dict[str, Any] = {k: form.get(k, "").strip() for k in _TEXT if form.get(k, "").strip()}
    title = plain_text(form.get("title", ""))
    raw["id"] = form.get("id", "").strip() or slugify(title, max_length=60)
    for field in FORM_LISTS:
        raw[field] = _split(field, form.get(field, ""))
    raw["figures"] = [
        dict(zip(("measure", "reported", "comparison"), [p.strip() for p in line.split("|")],
                 strict=False))
        for line in form.get("figures", "").splitlines()
        if line.strip()
    ]  # fmt: skip
    raw["contact"] = {
        "role": form.get("contact_role", "").strip(),
        "organisation": form.get("contact_organisation", "").strip(),
        "route": form.get("contact_route", "").strip(),
    }
    raw["links"] = [
        {"label": label.strip() or url.strip(), "url": url.strip()}
        for label, _, url in (line.rpartition(" ") for line in form.get("links", "").splitlines())
        if url.strip()
    ]
    raw.setdefault("review_by", (today + timedelta(days=365)).isoformat())
    return raw


def _save_contribution(
    session: Session,
    case: CaseStudy,
    actor: Actor,
    *,
    file: str,
    new: bool,
    expected_version: int | None,
    submit: bool,
) -> None:
    row = session.query(PracticeCaseStudy).filter_by(slug=case.id).one_or_none()
    if new and row is not None:
        raise InputError(
            [Problem(file, None, "id", "duplicate_id", f"{case.id!r} is already in the bank; "
                     "choose another id")]
        )  # fmt: skip
    if row is not None:
        is_author = row.author_id == actor.user_id if actor.user_id else (
            row.author_name == actor.name)  # fmt: skip
        if row.status != Status.draft.value:
            raise PermissionDenied(f"only a draft can be edited; this one is {row.status}")
        if not (is_author or actor.role.allows(PracticeRole.editor)):
            raise PermissionDenied("only its author or an editor may edit a draft")
    save_case_study(session, case, actor, expected_version=expected_version)
    if submit:
        transition(session, case_key(case.id), Status.submitted, actor)


def _validated(raw: Mapping[str, Any], file: str, slug: str | None = None) -> CaseStudy:
    content = {k: v for k, v in raw.items() if k not in ("status", "reviewed_by", "reviewed_on")}
    if slug is not None:
        content["id"] = slug
    return case_study_from_mapping(content, file=file)


def submit_case_study(
    database: Database,
    raw: Mapping[str, Any],
    actor: Actor,
    *,
    file: str = "contribution",
    slug: str | None = None,
    expected_version: int | None = None,
    submit: bool = False,
) -> CaseStudy:
    """Save a contribution as a draft (``slug`` = the id of the draft being edited, else a new
    one) and, with ``submit``, send it for review, all in one transaction.

    Problems (missing fields, an email in the contact, HTML reduced to text, a taken id) are
    raised together and nothing is saved. Status fields in ``raw`` are ignored: the workflow
    owns them.
    """
    ensure_bank(database)
    case = _validated(raw, file, slug)
    with database.unit_of_work() as session:
        _save_contribution(session, case, actor, file=file, new=slug is None,
                           expected_version=expected_version, submit=submit)  # fmt: skip
    return case


def submit_template_file(
    database: Database, path: str | Path, actor: Actor, *, submit: bool = False
) -> list[CaseStudy]:
    """Every case study of a filled-in template file as new drafts (sent for review with
    ``submit``): all of them or, on any problem (with its line), none."""
    ensure_bank(database)
    cases = [_validated(c.to_mapping(), str(path)) for c in load_case_studies(path)]
    with database.unit_of_work() as session:
        for case in cases:
            _save_contribution(session, case, actor, file=str(path), new=True,
                               expected_version=None, submit=submit)  # fmt: skip
    return cases


def _doc_key(kind: str, slug: str) -> str:
    if kind not in ("case", "research"):
        raise InputError(f"unknown kind {kind!r}: case or research", rule="unknown_value")
    return case_key(slug) if kind == "case" else research_key(slug)


def move_document(
    database: Database,
    kind: str,
    slug: str,
    target: str,
    actor: Actor,
    *,
    comment: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> str:
    """Move a case study or research entry to ``target`` status if ``actor`` may (returns the
    action: submit, withdraw, return, approve, publish, revise, archive, restore)."""
    try:
        status = Status(target)
    except ValueError:
        raise InputError(f"unknown status {target!r}", rule="unknown_value") from None
    with database.unit_of_work() as session:
        return transition(
            session,
            _doc_key(kind, slug),
            status,
            actor,
            comment=comment,
            today=today,
            expected_version=expected_version,
        )


def comment_on(database: Database, kind: str, slug: str, actor: Actor, body: str) -> None:
    """Add a comment to a submission (its author, reviewers and editors only)."""
    with database.unit_of_work() as session:
        key = _doc_key(kind, slug)
        table_row = (
            session.query(PracticeCaseStudy).filter_by(slug=slug).one_or_none()
            if kind == "case"
            else None
        )
        is_author = table_row is not None and (
            table_row.author_id == actor.user_id
            if actor.user_id
            else table_row.author_name == actor.name
        )
        if not (is_author or actor.role.allows(PracticeRole.reviewer)):
            raise PermissionDenied("only its author, reviewers and editors may comment")
        add_comment(session, key, actor, body)


@dataclass(frozen=True)
class ReviewQueue:
    """What waits for the actor: submissions to review, reviewed ones to publish, published
    ones past their review-by date, and the actor's own contributions."""

    to_review: list[PracticeExample]
    to_publish: list[PracticeExample]
    due: list[PracticeExample]
    mine: list[PracticeExample]


def review_queue(database: Database, actor: Actor, *, today: date | None = None) -> ReviewQueue:
    ensure_bank(database)
    today = today or datetime.now(UTC).date()
    reviewer = actor.role.allows(PracticeRole.reviewer)
    editor = actor.role.allows(PracticeRole.editor)
    with database.reader() as session:
        submitted = case_studies(session, statuses=[Status.submitted]) if reviewer else []
        reviewed = case_studies(session, statuses=[Status.reviewed]) if editor else []
        due = case_studies_due_for_review(session, today) if reviewer else []
        own_slugs = [
            slug
            for (slug,) in session.query(PracticeCaseStudy.slug).filter(
                (PracticeCaseStudy.author_id == actor.user_id)
                if actor.user_id is not None
                else (PracticeCaseStudy.author_name == actor.name)
            )
        ]
        mine = [c for c in case_studies(session) if c.id in set(own_slugs)]
    return ReviewQueue(
        to_review=[example_of(c, today) for c in submitted],
        to_publish=[example_of(c, today) for c in reviewed],
        due=[example_of(c, today) for c in due],
        mine=[example_of(c, today) for c in mine],
    )
