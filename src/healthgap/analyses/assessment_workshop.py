"""Running a self-assessment workshop: start it, invite people, rate, open and close rounds,
agree each item (the action plan is :mod:`healthgap.analyses.assessment_tracking`).

Every function takes the :class:`~healthgap.store.Database`, the id of the acting account
(``user_id``) and plain arguments, checks on the server what that person may do, writes in
one transaction (:meth:`~healthgap.store.Database.unit_of_work`) and returns a small
:class:`~healthgap.reports.bundle.ResultBundle` whose ``summary`` says what changed. The CLI
and the web call these same functions.

Who may do what (frameworks.md §0 and §10):

- an **analyst or admin** starts an assessment and becomes its first facilitator;
- a **facilitator** of the assessment invites existing accounts (a facilitator must be an
  analyst or admin), opens the consensus round, records agreed levels, closes the assessment
  and keeps the action plan;
- every **participant** (facilitators included) rates the items alone in the individual
  round; nobody sees anyone else's answers until that round closes.

Two facilitators recording the same item at once leave one record; the second is told, in
plain words, who decided what (rule ``consensus_conflict``), and nothing of theirs is saved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from healthgap.analyses.assessment_access import (
    acting_user,
    done,
    facilitator,
    member,
    viewer_of,
)
from healthgap.analyses.assessment_frameworks import catalogue_of
from healthgap.analyses.source import Source
from healthgap.assessment import Scope
from healthgap.errors import InputError, PermissionDenied, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database, Role
from healthgap.store import assessment as stored
from healthgap.store.assessment_load import get_assessment
from healthgap.store.assessment_queries import (
    consensus_revisions,
    link_plan,
    own_latest_ratings,
    user_named,
)

__all__ = [
    "agree_item",
    "close_workshop",
    "invite_participants",
    "open_consensus",
    "rate_item",
    "rate_items_from_file",
    "start_assessment",
]


def start_assessment(
    database: Database,
    *,
    user_id: int,
    framework: str,
    place: str,
    topic: str,
    period: str,
    version: str | None = None,
    mode: str | None = None,
    title: str = "",
    purpose: str = "",
    previous_id: int | None = None,
    plan_scenario_id: int | None = None,
    packs: str | os.PathLike[str] | None = None,
    source: Source | None = None,
) -> ResultBundle:
    """Start an assessment of ``framework`` (latest version unless ``version``) for a place
    (a GSS code of any level), topic and period; the acting analyst or admin becomes its
    facilitator. ``source`` names the place and its level when the workspace holds it."""
    chosen = catalogue_of(packs).get(framework, version)
    name, level = _place(source, place.strip())
    with database.unit_of_work() as session:
        user = acting_user(session, user_id)
        if not Role(user.role).allows(Role.analyst):
            raise PermissionDenied(
                "starting an assessment needs the analyst or admin role: its starter facilitates it"
            )
        if previous_id is not None:
            viewer_of(session, previous_id, user_id)
        record = stored.create_assessment(
            session,
            version=chosen,
            scope=Scope(place, topic, period, name, level, purpose.strip()),
            mode=mode or None,
            title=title,
            created_by=user.id,
            previous_id=previous_id,
        )
        stored.add_participant(
            session, assessment_id=record.id, user_id=user.id, role="facilitator"
        )
        if plan_scenario_id is not None:
            link_plan(session, assessment_id=record.id, scenario_id=plan_scenario_id)
        return done(
            "start an assessment",
            assessment_id=record.id,
            framework=chosen.title.text,
            version=chosen.version,
            mode=record.mode,
            place=name or record.place_code,
        )


def _place(source: Source | None, code: str) -> tuple[str, str]:
    """Name and level of a place the workspace holds ("" for others)."""
    if source is None:
        return "", ""
    areas = source.areas()
    found = areas[areas["area_code"].astype(str) == code]
    if found.empty:
        return "", ""
    row = found.iloc[0]
    return str(row.get("area_name", "") or ""), str(row.get("level", "") or "")


def invite_participants(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    usernames: Sequence[str],
    role: str = "participant",
) -> ResultBundle:
    """Add existing accounts by user name (all or none); a facilitator only."""
    wanted = [name.strip() for name in usernames if name and name.strip()]
    if not wanted:
        raise InputError("choose at least one person to invite", rule="nobody_chosen")
    with database.unit_of_work() as session:
        facilitator(session, assessment_id, user_id, "invite people")
        for username in wanted:
            account = user_named(session, username)
            stored.add_participant(
                session, assessment_id=assessment_id, user_id=account.id, role=role
            )
    return done("invite participants", assessment_id=assessment_id, added=wanted, role=role)


def rate_item(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    item_id: str,
    level: str,
    rationale: str = "",
    evidence: Sequence[str] = (),
    confidence: str | None = None,
) -> ResultBundle:
    """Save the acting participant's own rating of one item (individual round only); the
    summary names the next item they have not rated (None when all are rated)."""
    with database.unit_of_work() as session:
        me = member(session, assessment_id, user_id)
        stored.record_rating(
            session,
            assessment_id=assessment_id,
            participant_id=me.id,
            item_id=item_id,
            level=level,
            rationale=rationale,
            evidence=[e for e in evidence if e and e.strip()],
            confidence=confidence or None,
        )
        record = stored.assessment_record(session, assessment_id)
        version = stored.saved_version(record)
        rated = set(own_latest_ratings(session, assessment_id=assessment_id, participant_id=me.id))
        order = [item.id for item in version.items_in(record.mode)]
        after = order[order.index(item_id) + 1 :] + order[: order.index(item_id)]
        upcoming = next((i for i in after if i not in rated), None)
    return done(
        "rate an item",
        assessment_id=assessment_id,
        item_id=item_id,
        next_item=upcoming,
        rated=len(rated),
        items=len(order),
    )


RATING_FILE_COLUMNS = ("item", "level", "rationale", "evidence", "confidence")


def rate_items_from_file(
    database: Database, assessment_id: int, *, user_id: int, path: str | os.PathLike[str]
) -> ResultBundle:
    """Save the acting participant's ratings from a CSV file (columns ``item``, ``level`` and
    optionally ``rationale``, ``evidence`` with references separated by ``;``, and
    ``confidence``): all or none, every problem named with its file, row and column."""
    where = str(path)
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise InputError([Problem(where, None, None, "unreadable_file", str(error))]) from None
    missing = [c for c in ("item", "level") if c not in rows.columns]
    unknown = [c for c in rows.columns if c not in RATING_FILE_COLUMNS]
    problems = [
        Problem(where, 1, c, "missing_column", f"the file needs a {c!r} column") for c in missing
    ]
    problems += [
        Problem(
            where, 1, c, "unknown_column", f"use only the columns {', '.join(RATING_FILE_COLUMNS)}"
        )
        for c in unknown
    ]
    if problems:
        raise InputError(problems)
    with database.unit_of_work() as session:
        me = member(session, assessment_id, user_id)
        for number, row in enumerate(rows.to_dict("records"), start=2):
            try:
                stored.record_rating(
                    session,
                    assessment_id=assessment_id,
                    participant_id=me.id,
                    item_id=row["item"].strip(),
                    level=row["level"].strip(),
                    rationale=row.get("rationale", ""),
                    evidence=[e.strip() for e in row.get("evidence", "").split(";") if e.strip()],
                    confidence=row.get("confidence", "").strip() or None,
                )
            except InputError as error:
                problems += [replace(p, file=where, row=number) for p in error.problems]
        if problems:
            raise InputError(problems)  # rolls back every rating of the file
    return done("rate items from a file", assessment_id=assessment_id, rated=len(rows))


def open_consensus(database: Database, assessment_id: int, *, user_id: int) -> ResultBundle:
    """Close the individual round and open the consensus round (a facilitator only)."""
    with database.unit_of_work() as session:
        me = facilitator(session, assessment_id, user_id, "open the consensus round")
        stored.open_consensus_round(session, assessment_id=assessment_id, by_participant_id=me.id)
    return done("open the consensus round", assessment_id=assessment_id, round="consensus")


def close_workshop(database: Database, assessment_id: int, *, user_id: int) -> ResultBundle:
    """End the consensus round; only the action plan changes after this."""
    with database.unit_of_work() as session:
        me = facilitator(session, assessment_id, user_id, "close the assessment")
        stored.close_assessment(session, assessment_id=assessment_id, by_participant_id=me.id)
    return done("close the assessment", assessment_id=assessment_id, round="closed")


def agree_item(
    database: Database,
    assessment_id: int,
    *,
    user_id: int,
    item_id: str,
    level: str,
    reason: str,
    target: str | None = None,
    evidence: Sequence[str] = (),
    expected_revision: int | None = None,
) -> ResultBundle:
    """Record the level the group agreed for an item, with its reason (a facilitator only).

    ``expected_revision`` is the revision of the agreed level the facilitator saw (None or 0
    when none was agreed). When someone else recorded or changed it meanwhile, nothing is
    saved and an :class:`InputError` (rule ``consensus_conflict``) says who decided what.
    """
    try:
        with database.unit_of_work() as session:
            me = facilitator(session, assessment_id, user_id, "record an agreed level")
            row = stored.close_consensus_item(
                session,
                assessment_id=assessment_id,
                item_id=item_id,
                level=level,
                reason=reason,
                decided_by=me.id,
                target=target or None,
                evidence=[e for e in evidence if e and e.strip()],
                expected_revision=expected_revision,
            )
            revision = row.revision
    except InputError as error:
        if error.problems and error.problems[0].rule == "consensus_conflict":
            raise _conflict(database, assessment_id, item_id) from error
        raise
    return done("agree an item", assessment_id=assessment_id, item_id=item_id, revision=revision)


def _conflict(database: Database, assessment_id: int, item_id: str) -> InputError:
    """Who recorded the item's agreed level, and what, in plain words."""
    with database.reader() as session:
        loaded = get_assessment(session, assessment_id=assessment_id)
        revision, who = consensus_revisions(session, assessment_id=assessment_id).get(
            item_id, (0, "another facilitator")
        )
    agreed = loaded.assessment.agreed().get(item_id)
    item = loaded.version.item(item_id).name.text
    decided = (
        f"{loaded.version.scale.label_of(agreed.level)}, because {agreed.reason}"
        if agreed is not None
        else "a level"
    )
    return InputError(
        [
            Problem(
                "<consensus>",
                None,
                "level",
                "consensus_conflict",
                f"{who} recorded the agreed level of “{item}” while you were deciding: "
                f"{decided}. Your choice was not saved. To change their decision, record "
                f"yours again against revision {revision}.",
            )
        ]
    )
