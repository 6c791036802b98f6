"""``healthgap pledges``: campaigns, the scheduled jobs, and the analysis files.

Every command works on the web app's database, named by ``--data-dir`` (the folder
``healthgap serve`` uses) or ``--database-url``, or by ``HEALTHGAP_DATA_DIR`` /
``HEALTHGAP_DATABASE_URL``. There is no default: a scheduled job runs in another folder, and
must not quietly open a new, empty database there. Mail and link settings are the server's
(``HEALTHGAP_MAIL_BACKEND``, ``HEALTHGAP_PUBLIC_URL``, ...; see ``docs/pledges.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from healthgap.cli import app, console
from healthgap.cli.present import split_list, wrote
from healthgap.errors import InputError

if TYPE_CHECKING:
    from healthgap.analyses.pledges import PledgeConfig
    from healthgap.store import Database

pledges_app = typer.Typer(
    help="Pledge campaigns: create and edit them, send reminders, apply retention, analyse.",
    no_args_is_help=True,
)
app.add_typer(pledges_app, name="pledges")

DataDir = Annotated[
    Path | None,
    typer.Option(envvar="HEALTHGAP_DATA_DIR", help="Folder of the web app's data (its SQLite)."),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(envvar="HEALTHGAP_DATABASE_URL", help="Database URL (instead of --data-dir)."),
]
Slug = Annotated[str, typer.Argument(help="The campaign's address name (its slug).")]


def _open(data_dir: Path | None, database_url: str | None) -> tuple[Database, PledgeConfig]:
    """The database and the pledge settings the server would use."""
    if data_dir is None and database_url is None:
        raise InputError(
            "say which database to use: --data-dir (the folder `healthgap serve` uses) or "
            "--database-url, or set HEALTHGAP_DATA_DIR",
            rule="no_database",
        )
    from healthgap.analyses.pledges import PledgeConfig
    from healthgap.store import Database
    from healthgap.web.settings import Settings

    settings = Settings(data_dir=data_dir or Path(".healthgap"), database_url=database_url)
    if data_dir is None and settings.secret_key is None:
        raise InputError(
            "with --database-url alone, set HEALTHGAP_SECRET_KEY to the server's secret (or "
            "give --data-dir, where the server keeps it): reminder links are signed with it",
            rule="no_secret",
        )
    database = Database(settings.resolved_database_url())
    return database, PledgeConfig.from_settings(settings.pledge_settings())


@pledges_app.command("list")
def list_campaigns(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """List the campaigns, their dates and their pledges by moderation status."""
    from datetime import date

    from rich.table import Table

    from healthgap.analyses.pledges import campaign_summaries

    database, _ = _open(data_dir, database_url)
    table = Table(title="Pledge campaigns")
    for column in ("slug", "title", "dates", "state", "moderation", "published", "pending"):
        table.add_column(column)
    for item in campaign_summaries(database, today=date.today()):
        counts = {status.value: n for status, n in item.counts.items()}
        table.add_row(
            item.slug,
            item.title,
            f"{item.starts_on} to {item.ends_on}",
            item.state,
            item.moderation,
            str(counts["published"]),
            str(counts["pending"]),
        )
    database.dispose()
    console.print(table)


def _save(path: Path, data_dir: Path | None, database_url: str | None, *, update: bool) -> None:
    from healthgap.analyses.pledges import create_campaign, read_campaign_file, update_campaign

    data = read_campaign_file(path)
    database, config = _open(data_dir, database_url)
    try:
        if update:
            campaign = update_campaign(database, str(data.get("slug", "")), data)
        else:
            campaign = create_campaign(database, data)
    finally:
        database.dispose()
    verb = "updated" if update else "created"
    console.print(f"{verb} campaign {campaign.slug!r}: {config.base_url()}/pledge/{campaign.slug}")


@pledges_app.command("create")
def create(
    path: Annotated[Path, typer.Argument(help="Campaign definition (YAML or JSON).")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a campaign from a YAML file.

    The fields are in docs/pledges.md; every problem is listed with its field.
    """
    _save(path, data_dir, database_url, update=False)


@pledges_app.command("update")
def update(
    path: Annotated[Path, typer.Argument(help="Campaign definition (YAML or JSON).")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Replace the campaign named by the file's slug with the file's definition.

    Set pledges no longer listed are retired, not deleted.
    """
    _save(path, data_dir, database_url, update=True)


@pledges_app.command("send-reminders")
def send_reminders(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    limit: Annotated[int, typer.Option(min=1, help="Most reminders to send in this run.")] = 500,
) -> None:
    """Send the reminders that are due (run every few minutes).

    Run it from cron or a systemd timer; it is safe to run from several machines at once.
    """
    from healthgap.analyses.pledges import send_reminders as send

    database, config = _open(data_dir, database_url)
    try:
        report = send(database, config, limit=limit)
    finally:
        database.dispose()
    console.print(f"reminders sent: {report.sent}, failed (will be retried): {report.failed}")


@pledges_app.command("retention")
def retention(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Delete the personal data whose retention dates have passed (run daily).

    Also purges rate-limit counters no longer needed.
    """
    from healthgap.analyses.pledges import run_retention

    database, _ = _open(data_dir, database_url)
    try:
        run = run_retention(database)
    finally:
        database.dispose()
    for report in run.campaigns:
        console.print(
            f"{report.campaign_slug}: {report.contacts_deleted} email addresses and "
            f"{report.reminders_deleted} reminders deleted, {report.pledges_anonymised} "
            "pledges anonymised"
        )
    if not run.campaigns:
        console.print("nothing was due for deletion")
    console.print(f"rate-limit windows purged: {run.rate_limit_windows_purged}")


@pledges_app.command("report")
def report(
    slug: Slug,
    out: Annotated[Path, typer.Option(help="Folder to write the files to.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    tables: Annotated[str, typer.Option(help="Table formats: csv, xlsx.")] = "csv,xlsx",
    charts: Annotated[str, typer.Option(help="Chart formats: svg, png (none: '').")] = "svg",
    boundaries: Annotated[
        Path | None,
        typer.Option(help="GeoJSON boundary file or folder: local authority outlines on the map."),
    ] = None,
) -> None:
    """Write the campaign's analysis tables, charts and workbook.

    Every table has small counts suppressed and the others rounded; the district map draws
    no district with fewer than 8 pledges.
    """
    from healthgap.analyses.pledges import analyse_campaign
    from healthgap.reports.outputs import write_bundle

    table_formats, chart_formats = split_list(tables), split_list(charts)
    bad = [f for f in table_formats if f not in ("csv", "xlsx")]
    bad += [f for f in chart_formats if f not in ("svg", "png")]
    if bad:
        raise InputError(f"unknown format(s): {', '.join(bad)}", rule="bad_format")
    database, _ = _open(data_dir, database_url)
    try:
        bundle = analyse_campaign(database, slug, boundaries=boundaries)
    finally:
        database.dispose()
    paths = write_bundle(
        bundle,
        out,
        table_formats=table_formats,
        charts=list(bundle.charts) if chart_formats else [],
        chart_formats=chart_formats,
        workbook=f"{slug}-analysis.xlsx",
    )
    wrote(paths)
    summary = bundle.summary
    console.print(
        f"pledges (rounded to 5): {summary['pledges']}, unique pledgers: "
        f"{summary['unique_pledgers']}"
    )


@pledges_app.command("export")
def export(
    slug: Slug,
    out: Annotated[Path, typer.Option(help="File to write: .csv or .xlsx.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the campaign's pledges one row each, for analysts.

    No names, emails or typed text; not for publication (no disclosure control).
    """
    from healthgap.analyses.pledges import export_campaign_pledges
    from healthgap.reports.outputs import write_bundle_table

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"--out must end in .csv or .xlsx, got {out.name!r}", rule="bad_format")
    database, _ = _open(data_dir, database_url)
    try:
        bundle = export_campaign_pledges(database, slug)
    finally:
        database.dispose()
    wrote([write_bundle_table(bundle, "pledges", out)])
