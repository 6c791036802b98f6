"""``healthgap assess``: self-assessment frameworks, content packs, and workshops.

Frameworks and packs: ``list``, ``show``, ``import-pack``, ``export-pack``. A workshop
without the web: ``create``, ``assessments``, ``status``, then the commands of
:mod:`healthgap.cli.assess_workshop` (``invite``, ``rate``, ``open-consensus``, ``spread``,
``agree``, ``action``, ``action-status``, ``close``), and ``export`` (CSV, XLSX, JSON and the
HTML board summary). Each command calls one use case of :mod:`healthgap.analyses` with the
account named by ``--as``, so the CLI and the web enforce the same rules; the database is
the web's (``--data-dir`` / ``--database-url``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from healthgap.analyses import (
    WorkspaceSource,
    assessment_overview,
    assessment_summary,
    export_content_pack,
    gather_evidence,
    install_content_pack,
    invite_participants,
    list_frameworks,
    my_assessments,
    packs_folder,
    plan_scenario,
    show_framework,
    start_assessment,
)
from healthgap.cli import app, console
from healthgap.cli.present import announce, split_list, wrote
from healthgap.errors import InputError
from healthgap.reports.assessment_exports import ASSESSMENT_FORMATS, write_assessment_exports
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import write_bundle_table, write_bundle_workbook
from healthgap.scenarios import load_scenario
from healthgap.store import Database
from healthgap.store.assessment_queries import user_named

__all__ = [
    "DEFAULT_DATA",
    "ActingUser",
    "AssessmentId",
    "DataDir",
    "DatabaseUrl",
    "WorkspaceOpt",
    "acting_id",
    "as_acting",
    "assess_app",
    "open_database",
    "print_rows",
]

assess_app = typer.Typer(
    help="Self-assessment: frameworks, content packs and workshops (rate, agree, act, export).",
    no_args_is_help=True,
)
app.add_typer(assess_app, name="assess")

DataDir = Annotated[
    Path, typer.Option(help="Folder of the web database and of installed content packs.")
]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]
ActingUser = Annotated[
    str, typer.Option("--as", help="Your user name (an existing web account) to act as.")
]
AssessmentId = Annotated[int, typer.Argument(help="Number of the assessment.")]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", help="Workspace folder whose data sit beside the ratings."),
]
DEFAULT_DATA = Path(".healthgap")


def open_database(data_dir: Path, database_url: str | None) -> Database:
    """The web's database: ``--database-url``, else SQLite in the data folder."""
    if database_url:
        return Database(database_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Database(f"sqlite:///{(data_dir / 'healthgap.db').resolve()}")


def acting_id(database: Database, username: str) -> int:
    with database.reader() as session:
        return user_named(session, username).id


def as_acting(
    use_case: Callable[..., ResultBundle],
    assessment: int,
    acting: str,
    data_dir: Path,
    database_url: str | None,
    **values: Any,
) -> ResultBundle:
    """Run an assessment use case on the web's database (:func:`open_database`) as the
    account named ``acting``: ``use_case(database, assessment, user_id=..., **values)``."""
    database = open_database(data_dir, database_url)
    return use_case(database, assessment, user_id=acting_id(database, acting), **values)


def print_rows(frame_rows: Sequence[dict], columns: Sequence[str], title: str) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in frame_rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)


@assess_app.command("list")
def list_command(data_dir: DataDir = DEFAULT_DATA) -> None:
    """List the installed frameworks and their versions."""
    bundle = list_frameworks(packs=packs_folder(data_dir))
    frame = bundle.table("frameworks")
    columns = ["framework_id", "version", "title", "items", "modes", "latest", "origin"]
    print_rows(frame.to_dict("records"), columns, "Installed assessment frameworks")


@assess_app.command("show")
def show_command(
    framework: Annotated[str, typer.Argument(help="Framework id, e.g. hinst_cbo.")],
    version: Annotated[str | None, typer.Option(help="Version (default: the latest).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the items (.csv) or every table (.xlsx).")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA,
) -> None:
    """Show a framework: its source, scale, modes and items."""
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"--out must end in .csv or .xlsx, got {out.name!r}", rule="bad_format")
    bundle = show_framework(framework, version=version, packs=packs_folder(data_dir))
    summary = bundle.summary
    console.print(f"[bold]{summary['title']}[/] version {summary['version']}")
    console.print(f"Source ({summary['source_evidence']}): {summary['source']}", soft_wrap=True)
    if summary["reconstruction_note"]:
        console.print(f"Reconstructed: {summary['reconstruction_note']}", soft_wrap=True)
    console.print("Scale: " + " < ".join(summary["levels"]))
    console.print(
        "Modes: " + ", ".join(f"{m['id']} ({m['items']} items)" for m in summary["modes"])
    )
    items = bundle.table("items")
    print_rows(items.to_dict("records"), ["number", "item_id", "name", "section"], "Items")
    if out is not None:
        if out.suffix.lower() == ".csv":
            wrote([write_bundle_table(bundle, "items", out)])
        else:
            wrote([write_bundle_workbook(bundle, out)])


@assess_app.command("import-pack")
def import_pack_command(
    pack: Annotated[Path, typer.Argument(help="A content pack (YAML) to check and install.")],
    data_dir: DataDir = DEFAULT_DATA,
) -> None:
    """Check a content pack and install it (nothing is installed if it has any problem)."""
    bundle = install_content_pack(pack, packs=packs_folder(data_dir))
    summary = bundle.summary
    console.print(
        f"installed {summary['framework_id']} version {summary['version']} "
        f"({summary['title']}, {summary['items']} items) as {summary['path']}",
        soft_wrap=True,
    )


@assess_app.command("export-pack")
def export_pack_command(
    framework: Annotated[str, typer.Argument(help="Framework id, e.g. nsmc_benchmarks.")],
    out: Annotated[Path, typer.Option(help="YAML file to write (edit it into a new version).")],
    version: Annotated[str | None, typer.Option(help="Version (default: the latest).")] = None,
    data_dir: DataDir = DEFAULT_DATA,
) -> None:
    """Write an installed framework version as a content pack to edit."""
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"--out must end in .yaml, got {out.name!r}", rule="bad_format")
    text = export_content_pack(framework, version=version, packs=packs_folder(data_dir))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    wrote([out])


@assess_app.command("create")
def create_command(
    acting: ActingUser,
    framework: Annotated[str, typer.Option(help="Framework id (see `healthgap assess list`).")],
    place: Annotated[str, typer.Option(help="GSS code of the place, any level.")],
    topic: Annotated[str, typer.Option(help="Topic, e.g. CVD, tobacco, infant mortality.")],
    period: Annotated[str, typer.Option(help="Period the assessment covers, e.g. 2025.")],
    participant: Annotated[
        list[str] | None, typer.Option(help="User name to invite (repeat for several).")
    ] = None,
    facilitator: Annotated[
        list[str] | None, typer.Option(help="Another facilitator (analyst or admin; repeat).")
    ] = None,
    mode: Annotated[str | None, typer.Option(help="quick or full (default: the pack's).")] = None,
    version: Annotated[str | None, typer.Option(help="Framework version (latest).")] = None,
    title: Annotated[str, typer.Option(help="A title for the assessment.")] = "",
    purpose: Annotated[str, typer.Option(help="What the assessment is for.")] = "",
    previous: Annotated[
        int | None, typer.Option(help="An earlier assessment to compare with.")
    ] = None,
    workspace: WorkspaceOpt = None,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Start an assessment (you facilitate it) and invite its participants."""
    source = None if workspace is None else WorkspaceSource.open(workspace)
    database = open_database(data_dir, database_url)
    user_id = acting_id(database, acting)
    bundle = start_assessment(
        database,
        user_id=user_id,
        framework=framework,
        place=place,
        topic=topic,
        period=period,
        mode=mode,
        version=version,
        title=title,
        purpose=purpose,
        previous_id=previous,
        packs=packs_folder(data_dir),
        source=source,
    )
    aid = bundle.summary["assessment_id"]
    for role, names in (("participant", participant), ("facilitator", facilitator)):
        if names:
            invite_participants(database, aid, user_id=user_id, usernames=names, role=role)
    summary = bundle.summary
    console.print(
        f"started assessment {aid}: {summary['framework']} version {summary['version']} "
        f"({summary['mode']}) for {summary['place']}",
        soft_wrap=True,
    )


@assess_app.command("assessments")
def assessments_command(
    acting: ActingUser, data_dir: DataDir = DEFAULT_DATA, database_url: DatabaseUrl = None
) -> None:
    """List the assessments you take part in (an admin sees every one)."""
    database = open_database(data_dir, database_url)
    bundle = my_assessments(database, user_id=acting_id(database, acting))
    columns = ["assessment_id", "title", "framework_id", "place_code", "topic", "period"]
    columns += ["round", "my_role"]
    print_rows(bundle.summary["assessments"], columns, "Assessments")


@assess_app.command("status")
def status_command(
    assessment: AssessmentId,
    acting: ActingUser,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Show an assessment's scope, round and how many items each person has rated."""
    database = open_database(data_dir, database_url)
    summary = assessment_overview(database, assessment, user_id=acting_id(database, acting)).summary
    console.print(f"[bold]{summary['title']}[/] ({summary['round_label']})", soft_wrap=True)
    console.print(
        f"{summary['framework']} version {summary['version']}, {summary['mode_label']}; "
        f"{summary['agreed']} of {summary['item_count']} items agreed; "
        f"{summary['actions']} actions",
        soft_wrap=True,
    )
    print_rows(summary["participants"], ["participant", "role", "rated", "items"], "Progress")


@assess_app.command("export")
def export_command(
    assessment: AssessmentId,
    acting: ActingUser,
    out: Annotated[Path, typer.Option(help="Folder to write the files to.")] = Path(
        "assessment-output"
    ),
    formats: Annotated[
        str, typer.Option(help="Any of csv, xlsx, json, html (the board summary).")
    ] = "csv,xlsx,json,html",
    workspace: WorkspaceOpt = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help="A scenario file whose planned volumes sit beside the ratings."),
    ] = None,
    named: Annotated[
        bool, typer.Option(help="Name the participants instead of numbering them.")
    ] = False,
    data_dir: DataDir = DEFAULT_DATA,
    database_url: DatabaseUrl = None,
) -> None:
    """Export an assessment's summary (spread, weakest link, strengths, flags, linked data,
    charts with tables, action plan); never an average of ratings, never a ranking."""
    chosen = split_list(formats)
    unknown = [f for f in chosen if f not in ASSESSMENT_FORMATS]
    if unknown or not chosen:
        raise InputError(
            f"unknown formats {unknown}: use {', '.join(ASSESSMENT_FORMATS)}", rule="bad_format"
        )
    if scenario is not None and workspace is None:
        raise InputError("--scenario needs --workspace to run the plan on", rule="invalid_option")
    database = open_database(data_dir, database_url)
    user_id = acting_id(database, acting)
    evidence = None
    if workspace is not None:
        source = WorkspaceSource.open(workspace)
        place = assessment_overview(database, assessment, user_id=user_id).summary
        plan = None
        if scenario is not None:
            spec = load_scenario(scenario)
            plan = plan_scenario(source, spec, rank=False)
        evidence = gather_evidence(
            source,
            area=place["place_code"],
            period=place["period"],
            plan=plan,
            plan_name=scenario.stem if scenario is not None else "",
        )
    bundle = assessment_summary(
        database, assessment, user_id=user_id, evidence=evidence, anonymise=not named
    )
    written = write_assessment_exports(bundle, out, chosen)
    announce(bundle)
    summary = bundle.summary
    weakest = "; ".join(f"{r['item_number']} {r['item_name']}" for r in summary["weakest"])
    console.print(f"weakest link: {weakest or 'nothing agreed yet'}", soft_wrap=True)
    console.print(f"{len(summary['flags'])} flags to discuss", soft_wrap=True)
    wrote(written)
