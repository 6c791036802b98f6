"""The MECC directory as the admin sees it: organisations with their teams, staff in post and
frontline staff, and which logins log for which member of staff; and linking a login to a
member of staff (the link that lets it log)."""

from __future__ import annotations

from sqlalchemy import select

from healthgap.analyses.mecc_dashboards import with_labels
from healthgap.analyses.mecc_source import read_mecc
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.store import Database, User
from healthgap.store.mecc import link_staff_user, staff_accounts
from healthgap.store.mecc_models import StaffRecord

__all__ = ["link_staff_account", "mecc_directory_overview"]


def mecc_directory_overview(database: Database) -> ResultBundle:
    """Organisations (type, setting, area, teams, staff in post, frontline staff, linked
    logins) and every member of staff with the login that logs for them."""
    data = read_mecc(database)
    with database.reader() as session:
        staff = staff_accounts(session)
    orgs = data.directory.organisations.copy()
    teams = data.directory.teams.groupby("organisation").size()
    per_org = staff.groupby("organisation").agg(
        staff_in_post=("staff_id", "size"),
        frontline=("frontline", "sum"),
        linked_logins=("username", lambda names: int((names != "").sum())),
    )
    orgs["teams"] = orgs["organisation"].map(teams).fillna(0).astype(int)
    orgs = orgs.join(per_org, on="organisation").fillna(
        {"staff_in_post": 0, "frontline": 0, "linked_logins": 0}
    )
    orgs["org_type_label"] = orgs["org_type"].map(data.vocabulary.labels("organisation_types"))
    team_names = data.directory.teams.rename(columns={"name": "team_name"})
    staff = staff.merge(team_names, on=["organisation", "team"], how="left")
    return ResultBundle(
        question="MECC directory",
        provenance=data.provenance("directory"),
        tables={
            "organisations": Table(with_labels(orgs, data), "organisations taking part in MECC"),
            "staff": Table(
                with_labels(staff, data), "staff in post and the logins that log for them"
            ),
        },
        summary={
            "organisations": len(orgs),
            "staff": len(staff),
            "linked": int((staff["username"] != "").sum()),
        },
    )


def link_staff_account(database: Database, *, staff_id: str, username: str | None) -> None:
    """Let login ``username`` log MECC conversations as member of staff ``staff_id``
    (``None`` or empty unlinks). A login logs for one member of staff: an earlier link of
    that login is removed."""
    problems = []
    with database.unit_of_work() as session:
        user_id = None
        if username:
            user_id = session.scalar(select(User.id).where(User.username == username))
            if user_id is None:
                problems.append(
                    Problem("<form>", None, "username", "unknown_user", f"no login {username!r}")
                )
        if session.get(StaffRecord, staff_id) is None:
            problems.append(
                Problem(
                    "<form>",
                    None,
                    "staff_id",
                    "unknown_staff",
                    f"{staff_id!r} is not in the staff list",
                )
            )
        if problems:
            raise InputError(problems)
        link_staff_user(session, staff_id=staff_id, user_id=user_id)
