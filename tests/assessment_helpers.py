"""A self-assessment workshop run through the use cases, shared by the analyses, CLI and web
tests: a facilitator (analyst), three participants (viewers) rating the HINST quick mode."""

from __future__ import annotations

from dataclasses import dataclass, field

from healthgap.analyses import (
    AreaEvidence,
    agree_item,
    invite_participants,
    open_consensus,
    rate_item,
    start_assessment,
)
from healthgap.store import Database, create_user, list_users

PASSWORD = "correct horse battery staple"
PEOPLE = {"fac": "analyst", "ann": "viewer", "bob": "viewer", "cat": "viewer", "root": "admin"}
#: Levels (0-4) each participant gives the 12 HINST areas: several items' means are not whole
#: numbers, so an average hidden in an export would show up.
LEVELS = {
    "ann": ["1", "0", "2", "3", "1", "2", "3", "1", "0", "2", "3", "1"],
    "bob": ["2", "1", "2", "4", "1", "3", "3", "2", "1", "2", "4", "2"],
    "cat": ["4", "1", "3", "3", "dont_know", "2", "4", "2", "1", "3", "4", "2"],
}
HINST_QUICK = [
    "known_needs",
    "expressed_demand",
    "equitable_resourcing",
    "responsive_services",
    "informed_choice",
    "known_efficacy",
    "local_effectiveness",
    "cost_effectiveness",
    "accessibility",
    "public_involvement",
    "service_volumes",
    "balanced_portfolio",
]


@dataclass
class Workshop:
    database: Database
    assessment_id: int
    users: dict[str, int] = field(default_factory=dict)


def add_people(database: Database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            name: create_user(session, username=name, password=PASSWORD, role=role).id
            for name, role in PEOPLE.items()
        }


def run_individual_round(
    database: Database, *, place: str = "E07900034", source: object = None, topic: str = "CVD"
) -> Workshop:
    """Start a HINST quick assessment; ann, bob and cat rate every area alone (bob and cat
    cite evidence, ann does not)."""
    users = add_people(database) if not _has_people(database) else _ids(database)
    started = start_assessment(
        database,
        user_id=users["fac"],
        framework="hinst_cbo",
        place=place,
        topic=topic,
        period="2025",
        source=source,  # type: ignore[arg-type]
    )
    aid = started.summary["assessment_id"]
    invite_participants(database, aid, user_id=users["fac"], usernames=["ann", "bob", "cat"])
    for name, levels in LEVELS.items():
        for item, level in zip(HINST_QUICK, levels, strict=True):
            rate_item(
                database,
                aid,
                user_id=users[name],
                item_id=item,
                level=level,
                rationale=f"{name} on {item}",
                evidence=[] if name == "ann" else [f"{name}'s source for {item}"],
                confidence="medium",
            )
    return Workshop(database, aid, users)


def agree_some(workshop: Workshop, evidence: AreaEvidence | None = None) -> None:
    """Open the consensus round and agree every area: 'informed choice' and 'accessibility'
    are the weakest (Early), 'service volumes' is agreed Established (top band)."""
    del evidence  # the agreed levels do not depend on the data shown
    database, aid, fac = workshop.database, workshop.assessment_id, workshop.users["fac"]
    open_consensus(database, aid, user_id=fac)
    agreed = dict.fromkeys(HINST_QUICK, "2") | {
        "informed_choice": "1",
        "accessibility": "1",
        "service_volumes": "3",
        "local_effectiveness": "3",
    }
    for item, level in agreed.items():
        reason = f"agreed {item}"
        agree_item(database, aid, user_id=fac, item_id=item, level=level, reason=reason, target="3")


def _has_people(database: Database) -> bool:
    with database.reader() as session:
        return bool(list_users(session))


def _ids(database: Database) -> dict[str, int]:
    with database.reader() as session:
        return {u.username: u.id for u in list_users(session)}
