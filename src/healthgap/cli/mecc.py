"""MECC commands: ``healthgap mecc ...`` imports logs, the directory, training, staff health and
services' referrals into the web database, links logins to staff, loads the SYNTHETIC demo and
exports the dashboards as CSV, Excel and charts.

``healthgap mecc export activity --out mecc-activity`` writes every table of the activity
dashboard as ``<table>.csv`` and ``<table>.xlsx``, all of them in ``activity.xlsx``, and its
charts as SVG, through the same use case and report writer as the web pages (disclosure
control and the SYNTHETIC note included). A file with problems is refused whole: the problem
table is printed and the exit status is 2.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from healthgap.analyses import (
    MeccImport,
    import_mecc_directory,
    import_mecc_logs,
    import_mecc_staff_health,
    import_mecc_training,
    import_referrals_received,
    link_staff_account,
    load_mecc_demo,
    mecc_activity,
    mecc_directory_overview,
    mecc_referrals,
    mecc_staff_health,
    mecc_training,
)
from healthgap.cli import app, console
from healthgap.cli.present import announce, split_list, wrote
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import CHART_FILE_FORMATS, write_bundle
from healthgap.store import Database

__all__ = ["mecc_app"]

mecc_app = typer.Typer(
    help="Make Every Contact Count: import, link staff, demo data and dashboards.",
    no_args_is_help=True,
)
app.add_typer(mecc_app, name="mecc")

DataDir = Annotated[
    Path, typer.Option(help="Folder of the web database (as for `healthgap serve`).")
]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]
InputFile = Annotated[Path, typer.Argument(help="A .csv or .xlsx file.")]
DASHBOARDS: dict[str, Callable[..., ResultBundle]] = {
    "activity": mecc_activity,
    "referrals": mecc_referrals,
    "training": mecc_training,
    "staff-health": mecc_staff_health,
    "directory": mecc_directory_overview,
}
_PERIOD_DASHBOARDS = {"activity", "referrals"}


def _database(data_dir: Path, database_url: str | None) -> Database:
    """The web database: the URL given, or SQLite in ``data_dir`` (as ``healthgap serve``)."""
    url = database_url or f"sqlite:///{(data_dir / 'healthgap.db').resolve()}"
    try:
        return Database(url)
    except (ArgumentError, NoSuchModuleError, OperationalError) as exc:
        raise InputError(
            [Problem("--database-url", None, None, "bad_database", f"cannot open: {exc}")]
        ) from None


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            [Problem(option, None, None, "bad_date", f"{text!r} is not a YYYY-MM-DD date")]
        ) from None


def _report(done: MeccImport) -> None:
    console.print(done.sentence())


@mecc_app.command("demo")
def demo_command(data_dir: DataDir = Path(".healthgap"), database_url: DatabaseUrl = None) -> None:
    """Load the SYNTHETIC MECC demo (5 organisations, a year of logs, training, staff
    health, services' referrals) into the web database; nothing is written when it is there."""
    database = _database(data_dir, database_url)
    loaded = load_mecc_demo(database)
    database.dispose()
    state = "loaded" if loaded.loaded else "already loaded"
    console.print(
        f"SYNTHETIC MECC demo {state}: {loaded.contacts:,} conversations from "
        f"{loaded.start.isoformat()} to {loaded.end.isoformat()}"
    )


@mecc_app.command("import-directory")
def import_directory_command(
    organisations: Annotated[Path, typer.Option(help="Organisations file.")],
    teams: Annotated[Path, typer.Option(help="Teams file.")],
    staff: Annotated[Path, typer.Option(help="Staff file.")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Add or update organisations, teams and staff (three .csv/.xlsx files)."""
    database = _database(data_dir, database_url)
    _report(import_mecc_directory(database, organisations=organisations, teams=teams, staff=staff))
    database.dispose()


@mecc_app.command("import-logs")
def import_logs_command(
    path: InputFile, data_dir: DataDir = Path(".healthgap"), database_url: DatabaseUrl = None
) -> None:
    """Import contact log entries kept elsewhere (each with its own client_id UUID)."""
    database = _database(data_dir, database_url)
    _report(import_mecc_logs(database, path))
    database.dispose()


@mecc_app.command("import-training")
def import_training_command(
    records: InputFile,
    scores: Annotated[
        Path | None, typer.Option(help="Capability scores file (before/after/follow-up).")
    ] = None,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Import training records and, optionally, capability scores."""
    database = _database(data_dir, database_url)
    _report(import_mecc_training(database, records, scores))
    database.dispose()


@mecc_app.command("import-staff-health")
def import_staff_health_command(
    path: InputFile,
    layout: Annotated[
        Path | None, typer.Option(help="YAML naming the file's columns, if not the usual.")
    ] = None,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Import staff health figures (sickness absence, survey, quits, flu, food checks)."""
    database = _database(data_dir, database_url)
    _report(import_mecc_staff_health(database, path, layout=layout))
    database.dispose()


@mecc_app.command("import-referrals")
def import_referrals_command(
    path: InputFile, data_dir: DataDir = Path(".healthgap"), database_url: DatabaseUrl = None
) -> None:
    """Import a service's referrals received (date, service, area, count; nothing else)."""
    database = _database(data_dir, database_url)
    _report(import_referrals_received(database, path))
    database.dispose()


@mecc_app.command("link-staff")
def link_staff_command(
    staff_id: Annotated[str, typer.Argument(help="Code of the member of staff.")],
    username: Annotated[
        str | None, typer.Argument(help="Login that logs for them (omit to unlink).")
    ] = None,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Let a login log MECC conversations as a member of staff (or unlink it)."""
    database = _database(data_dir, database_url)
    link_staff_account(database, staff_id=staff_id, username=username)
    database.dispose()
    console.print(
        f"{staff_id} is logged for by {username!r}" if username else f"{staff_id} unlinked"
    )


@mecc_app.command("export")
def export_command(
    dashboard: Annotated[
        str, typer.Argument(help="activity, referrals, training, staff-health or directory.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("mecc-output"),
    organisation: Annotated[
        str | None, typer.Option(help="Comma-separated organisation codes (default: all).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    charts: Annotated[str, typer.Option(help="Chart formats: svg, png, json, html.")] = "svg",
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Export a MECC dashboard's tables (CSV, Excel) and charts, disclosure-controlled."""
    if dashboard not in DASHBOARDS:
        raise InputError(
            [
                Problem(
                    "DASHBOARD",
                    None,
                    None,
                    "unknown_dashboard",
                    f"{dashboard!r} is not one of {', '.join(DASHBOARDS)}",
                )
            ]
        )
    formats = split_list(charts)
    unknown = [f for f in formats if f not in CHART_FILE_FORMATS]
    if unknown:
        raise InputError(
            f"--charts: {', '.join(unknown)} not among {', '.join(CHART_FILE_FORMATS)}",
            rule="bad_format",
        )
    options: dict[str, object] = {}
    if organisation and dashboard != "directory":
        options["organisations"] = split_list(organisation)
    if dashboard in _PERIOD_DASHBOARDS:
        options |= {"start": _date(start, "--start"), "end": _date(end, "--end")}
    elif dashboard == "training":
        options["end"] = _date(end, "--end")
    database = _database(data_dir, database_url)
    bundle = DASHBOARDS[dashboard](database, **options)
    database.dispose()
    written = write_bundle(
        bundle,
        out,
        table_formats=("csv", "xlsx"),
        chart_formats=formats,
        workbook=f"{dashboard}.xlsx",
    )
    announce(bundle)
    _print_summary(bundle)
    wrote(written)


def _print_summary(bundle: ResultBundle) -> None:
    table = Table(title=bundle.question)
    table.add_column("figure")
    table.add_column("value", overflow="fold")
    for key, value in bundle.summary.items():
        if isinstance(value, dict | list) or key == "disclosure":
            continue
        if value is None:
            shown = "withheld (small numbers)"
        elif isinstance(value, float):
            shown = f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
        else:
            shown = str(value)
        table.add_row(key.replace("_", " "), shown)
    console.print(table)
