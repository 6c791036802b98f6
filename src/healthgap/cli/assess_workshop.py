"""``healthgap assess`` workshop steps: invite, rate, open the consensus round, see the
spread, agree, plan and track actions, close.

Each command acts as the account named by ``--as``; the use cases decide what that person
may do (a facilitator invites, opens rounds, agrees and keeps the plan; every participant
rates alone and sees no one else's answers until the individual round is closed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    WorkspaceSource,
    add_action,
    agree_item,
    assessment_overview,
    change_action_status,
    close_workshop,
    consensus_view,
    gather_evidence,
    invite_participants,
    open_consensus,
    rate_item,
    rate_items_from_file,
)
from healthgap.cli import console
from healthgap.cli.assess import (
    DEFAULT_DATA,
    ActingUser,
    AssessmentId,
    DatabaseUrl,
    DataDir,
    WorkspaceOpt,
    acting_id,
    as_acting,
    assess_app,
    open_database,
    print_rows,
)
from healthgap.cli.present import wrote
from healthgap.errors import InputError
from healthgap.reports.outputs import write_bundle_table, write_bundle_workbook

__all__ = ["SPREAD_COLUMNS"]

ItemOpt = Annotated[str, typer.Option(help="Item id (see `healthgap assess show`).")]
EvidenceOpt = Annotated[
    list[str] | None, typer.Option(help="An evidence reference (repeat for several).")
]
SPREAD_COLUMNS = ["item", "answers", "range", "views_differ", "flags", "agreed"]


def _spread_rows(summary: dict) -> list[dict[str, str]]:
    """One short row per item: the answers given (counts above zero), the range, whether
    views differ, how many flags, the agreed level."""
    rows = []
    for row in summary["items_table"]:
        counts = summary["counts"].get(row["item_id"], [])
        given = [f"{c['level_label']} {c['count']}" for c in counts if c["count"]]
        low, high = row["lowest_label"], row["highest_label"]
        rows.append(
            {
                "item": f"{row['item_number']} {row['item_name']}",
                "answers": ", ".join(given) or "none",
                "range": low if low == high else f"{low} to {high}",
                "views_differ": "yes" if row["disagreement"] else "no",
                "flags": str(row["evidence_flags"] + row["data_contradictions"]),
                "agreed": row["agreed_label"] or "-",
            }
        )
    return rows


@assess_app.command("invite")
def invite_command(
    assessment: AssessmentId,
    acting: ActingUser,
    user: Annotated[list[str], typer.Option(help="User name to invite (repeat for several).")],
    role: Annotated[str, typer.Option(help="participant or facilitator.")] = "participant",
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Invite existing accounts (a facilitator must be an analyst or admin)."""
    bundle = as_acting(invite_participants, assessment, acting, data_dir, database_url,
                       usernames=user, role=role)  # fmt: skip
    console.print(f"invited {', '.join(bundle.summary['added'])} as {role}s", soft_wrap=True)


@assess_app.command("rate")
def rate_command(
    assessment: AssessmentId,
    acting: ActingUser,
    item: Annotated[str | None, typer.Option(help="Item id to rate.")] = None,
    level: Annotated[
        str | None, typer.Option(help="A level key, dont_know or not_applicable.")
    ] = None,
    rationale: Annotated[str, typer.Option(help="Why you chose this level.")] = "",
    evidence: EvidenceOpt = None,
    confidence: Annotated[str | None, typer.Option(help="low, medium or high.")] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="CSV of ratings (item, level, rationale, evidence with ';', confidence).",
        ),
    ] = None,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Rate an item alone in the individual round (or many at once with --from)."""
    if (from_file is None) == (item is None or level is None):
        raise InputError("give --item and --level, or --from a file", rule="invalid_option")
    database = open_database(data_dir, database_url)
    user_id = acting_id(database, acting)
    if from_file is not None:
        bundle = rate_items_from_file(database, assessment, user_id=user_id, path=from_file)
        console.print(f"saved {bundle.summary['rated']} ratings")
        return
    bundle = rate_item(
        database,
        assessment,
        user_id=user_id,
        item_id=str(item),
        level=str(level),
        rationale=rationale,
        evidence=evidence or [],
        confidence=confidence,
    )
    summary = bundle.summary
    following = summary["next_item"] or "none: every item is rated"
    console.print(
        f"saved; you have rated {summary['rated']} of {summary['items']} items; next: {following}",
        soft_wrap=True,
    )


@assess_app.command("open-consensus")
def open_consensus_command(
    assessment: AssessmentId,
    acting: ActingUser,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Close the individual round and open the consensus round (facilitators)."""
    as_acting(open_consensus, assessment, acting, data_dir, database_url)
    console.print("the individual round is closed; the spread of ratings is now shown")


@assess_app.command("spread")
def spread_command(
    assessment: AssessmentId,
    acting: ActingUser,
    workspace: WorkspaceOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the items (.csv) or every table (.xlsx).")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Show the spread of individual ratings per item (after the individual round)."""
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"--out must end in .csv or .xlsx, got {out.name!r}", rule="bad_format")
    database = open_database(data_dir, database_url)
    user_id = acting_id(database, acting)
    evidence = None
    if workspace is not None:
        scope = assessment_overview(database, assessment, user_id=user_id).summary
        evidence = gather_evidence(
            WorkspaceSource.open(workspace), area=scope["place_code"], period=scope["period"]
        )
    bundle = consensus_view(database, assessment, user_id=user_id, evidence=evidence)
    summary = bundle.summary
    print_rows(_spread_rows(summary), SPREAD_COLUMNS, f"Spread of ratings: {summary['title']}")
    console.print(
        f"{summary['agreed']} of {summary['item_count']} agreed; "
        f"{summary['disagreements']} items where views differ"
    )
    if out is not None:
        if out.suffix.lower() == ".csv":
            wrote([write_bundle_table(bundle, "items", out, policy=None)])
        else:
            wrote([write_bundle_workbook(bundle, out, policy=None)])


@assess_app.command("agree")
def agree_command(
    assessment: AssessmentId,
    acting: ActingUser,
    item: ItemOpt,
    level: Annotated[str, typer.Option(help="The level the group agreed.")],
    reason: Annotated[str, typer.Option(help="Why the group agreed this level.")],
    target: Annotated[str | None, typer.Option(help="The level to aim for.")] = None,
    evidence: EvidenceOpt = None,
    revision: Annotated[
        int | None, typer.Option(help="To change an agreed level: the revision you saw.")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Record the level the group agreed for an item, with its reason (facilitators)."""
    bundle = as_acting(
        agree_item,
        assessment,
        acting,
        data_dir,
        database_url,
        item_id=item,
        level=level,
        reason=reason,
        target=target,
        evidence=evidence or [],
        expected_revision=revision,
    )
    console.print(f"agreed {item} (revision {bundle.summary['revision']})")


@assess_app.command("action")
def action_command(
    assessment: AssessmentId,
    acting: ActingUser,
    item: ItemOpt,
    text: Annotated[str, typer.Option(help="What will be done, how much, for whom.")],
    owner: Annotated[str, typer.Option(help="The role that owns the action.")],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD.")],
    indicator: Annotated[
        str | None, typer.Option(help="Indicator that will show progress.")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a SMART action linked to an item (facilitators)."""
    bundle = as_acting(
        add_action,
        assessment,
        acting,
        data_dir,
        database_url,
        item_id=item,
        text=text,
        owner_role=owner,
        due=due,
        indicator=indicator,
    )
    console.print(f"added action {bundle.summary['action_id']}")


@assess_app.command("action-status")
def action_status_command(
    assessment: AssessmentId,
    action: Annotated[int, typer.Argument(help="Number of the action.")],
    acting: ActingUser,
    status: Annotated[str, typer.Option(help="not_started, in_progress, done or dropped.")],
    note: Annotated[str, typer.Option(help="What changed.")] = "",
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Move an action to a new status (kept in its history)."""
    database = open_database(data_dir, database_url)
    change_action_status(
        database, assessment, action, user_id=acting_id(database, acting), status=status, note=note
    )
    console.print(f"action {action} is now {status.replace('_', ' ')}")


@assess_app.command("close")
def close_command(
    assessment: AssessmentId,
    acting: ActingUser,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Close the consensus round (only the action plan changes afterwards)."""
    as_acting(close_workshop, assessment, acting, data_dir, database_url)
    console.print(f"assessment {assessment} is closed")
