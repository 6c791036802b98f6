"""``healthgap journey notes-import | notes-search | feedback``: insight notes and the
"what you told us, what we are doing" sheet from the command line (registered on the
``journey`` group by :mod:`healthgap.cli.journey`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    feedback_summary,
    import_insight_notes,
    record_feedback_sent,
    search_notes,
)
from healthgap.analyses.journey_feedback import FEEDBACK_CHANNELS
from healthgap.analyses.journey_notes import (
    PERSONAL_DATA_CHOICES,
    export_insight_notes,
    read_notes_file,
)
from healthgap.cli import console
from healthgap.cli.journey import (
    DEFAULT_DIR,
    DatabaseUrl,
    DataDir,
    journey_app,
    open_database,
    print_table,
)
from healthgap.cli.present import announce, split_list, wrote
from healthgap.errors import InputError


@journey_app.command("notes-import")
def notes_import(
    path: Annotated[Path, typer.Argument(help="Notes as .json, .yaml or .csv (one a row).")],
    personal_data: Annotated[
        str,
        typer.Option(
            help="When a quote may hold personal data: stop (store nothing), redact (replace "
            "it with '[name removed]' etc.) or keep (you have checked it)."
        ),
    ] = "stop",
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Store insight notes from a file, all or nothing, after the personal-data check."""
    if personal_data not in PERSONAL_DATA_CHOICES:
        raise InputError(
            f"--personal-data must be one of {', '.join(PERSONAL_DATA_CHOICES)}",
            rule="bad_choice",
        )
    read_notes_file(path)  # every problem of the file before the database is opened
    bundle = import_insight_notes(
        open_database(data_dir, database_url), path, personal_data=personal_data
    )
    for problem in bundle.summary["found"]:
        console.print(f"{'redacted' if personal_data == 'redact' else 'kept'}: {problem.file} "
                      f"{problem.column}: {problem.message}")  # fmt: skip
    console.print(f"stored {bundle.summary['saved']} insight note(s)")


@journey_app.command("notes-search")
def notes_search(
    text: Annotated[str, typer.Argument(help="Words every note found holds ('' for all).")],
    theme: Annotated[str | None, typer.Option(help="Only notes with this theme.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only notes about this segment id.")] = None,
    journey: Annotated[str | None, typer.Option(help="Only notes about this journey id.")] = None,
    method: Annotated[
        str | None, typer.Option(help="focus_group, interview, survey or complaint.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the notes found (.json/.yaml/.csv).")
    ] = None,  # fmt: skip
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Find insight notes by words, theme, segment, journey or method."""
    if out is not None and out.suffix.lower() not in (".json", ".yaml", ".yml", ".csv"):
        raise InputError(f"--out must end in .json, .yaml or .csv, got {out.name!r}",
                         rule="bad_format")  # fmt: skip
    database = open_database(data_dir, database_url)
    filters = {"method": method, "theme": theme, "segment_id": segment, "journey_id": journey}
    bundle = search_notes(database, text, **filters)
    print_table(bundle, "notes", ["note", "title", "method", "held_on", "themes"], "notes found")
    announce(bundle)
    if out is not None:
        wrote([export_insight_notes(database, out, text=text, **filters)])


@journey_app.command("feedback")
def feedback(
    journey: Annotated[str | None, typer.Argument(help="Journey id (or give --notes).")] = None,
    notes: Annotated[str | None, typer.Option(help="Insight note ids, comma-separated.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the printable sheet (.html).")] = None,
    title: Annotated[str, typer.Option(help="Title of the sheet.")] = "",
    contact: Annotated[str, typer.Option(help="Who participants can ask (shown).")] = "",
    sent_on: Annotated[
        str | None, typer.Option(help="Record that it was sent on this date (YYYY-MM-DD).")
    ] = None,
    channel: Annotated[str, typer.Option(help=", ".join(FEEDBACK_CHANNELS))] = "email",
    audience: Annotated[str, typer.Option(help="Who it was sent to.")] = "",
    recipients: Annotated[int | None, typer.Option(help="How many people it went to.")] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Make the "what you told us, what we are doing" sheet; with --sent-on, record the send."""
    if journey is None and not notes:
        raise InputError("give a journey id or --notes", rule="missing_value")
    if out is not None and out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out must end in .html, got {out.name!r}", rule="bad_format")
    day = None
    if sent_on is not None:
        try:
            day = date.fromisoformat(sent_on)
        except ValueError:
            raise InputError(f"--sent-on {sent_on!r} is not a date (YYYY-MM-DD)",
                             rule="bad_date") from None  # fmt: skip
    database = open_database(data_dir, database_url)
    chosen = {"journey_key": journey, "note_ids": split_list(notes), "title": title,
              "contact": contact}  # fmt: skip
    bundle = feedback_summary(database, **chosen)
    built = bundle.summary["feedback"]
    console.print(built.title)
    for heard in built.what_you_told_us:
        console.print(f"- we heard: {heard.theme}")
    for action in built.what_we_are_doing:
        console.print(f"- we are doing: {action.text} ({action.status})")
    announce(bundle)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(bundle.summary["sheet"], encoding="utf-8")
        wrote([out])
    if day is not None:
        record_feedback_sent(database, sent_on=day, channel=channel, audience=audience,
                             recipients=recipients, **chosen)  # fmt: skip
        console.print(f"recorded: sent on {day.isoformat()} by {channel} to {audience}")
