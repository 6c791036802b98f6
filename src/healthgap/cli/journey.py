"""``healthgap journey ...``: journey maps from the command line.

Journeys live in the web app's database (``--data-dir``, default ``.healthgap``, or
``--database-url``), so the CLI and the web see the same maps. Each command calls one use case
of :mod:`healthgap.analyses` and prints or writes its bundle; bad input is a table of problems
and exit status 2, with nothing stored. Insight notes and the feedback sheet are in
:mod:`healthgap.cli.journey_notes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    compare_journey_maps,
    create_journey_from_template,
    export_journey,
    funnel_of_journey,
    import_journey,
    journey_history,
    list_journey_templates,
    list_journeys,
    show_journey,
    start_to_be,
)
from healthgap.analyses.journey_compare import (
    apply_service_data,
    comparison_bundle,
    read_service_activity,
)
from healthgap.analyses.journey_files import read_journey_file
from healthgap.analyses.journey_segments import choice_value, segment_from_choice
from healthgap.cli import app, console
from healthgap.cli.present import announce, frame_table, split_list, wrote
from healthgap.errors import InputError, StorageError
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import write_bundle, write_bundle_table
from healthgap.store import Database

journey_app = typer.Typer(
    help="Customer journey maps, insight notes and feedback to participants.",
    no_args_is_help=True,
)
app.add_typer(journey_app, name="journey")

DataDir = Annotated[Path, typer.Option(help="Folder of the web database (shared with the web).")]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]
Out = Annotated[Path | None, typer.Option(help="Write the result here (see each command).")]
Version = Annotated[int | None, typer.Option(help="A saved version (default: the current one).")]
DEFAULT_DIR = Path(".healthgap")


def open_database(data_dir: Path, database_url: str | None) -> Database:
    """The web app's database (created and migrated when new); a clear error otherwise."""
    url = database_url or f"sqlite:///{(data_dir / 'healthgap.db').resolve()}"
    if not database_url:
        if data_dir.exists() and not data_dir.is_dir():
            raise InputError(f"--data-dir {data_dir} is a file, not a folder", rule="not_a_folder")
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return Database(url)
    except StorageError:
        raise
    except Exception as error:  # noqa: BLE001 - a URL SQLAlchemy cannot use is a user error
        raise StorageError(f"cannot open the database {url!r}: {error}") from None


def table_out(out: Path | None) -> Path | None:
    """Check a table's output file before any work is done."""
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"--out must end in .csv or .xlsx, got {out.name!r}", rule="bad_format")
    return out


def print_table(bundle: ResultBundle, name: str, columns: list[str], title: str) -> None:
    rows = bundle.table(name).astype(object).where(lambda f: f.notna(), "").to_dict("records")
    console.print(frame_table(rows, columns, title))


def write_folder(bundle: ResultBundle, out: Path | None) -> None:
    """Every table as CSV and every chart as SVG and PNG in folder ``out``."""
    if out is not None:
        if out.suffix:
            raise InputError(f"--out names a folder, got {out.name!r}", rule="bad_format")
        wrote(write_bundle(bundle, out, chart_formats=("svg", "png")))


@journey_app.command("templates")
def templates(out: Out = None) -> None:
    """List the journey templates (four reconstructed ones and the SYNTHETIC worked example)."""
    table_out(out)
    bundle = list_journey_templates()
    columns = ["template", "title", "kind", "stages", "touchpoints", "content"]
    print_table(bundle, "templates", columns, "journey templates")
    if out is not None:
        wrote([write_bundle_table(bundle, "templates", out)])


@journey_app.command("list")
def list_command(
    out: Out = None, data_dir: DataDir = DEFAULT_DIR, database_url: DatabaseUrl = None
) -> None:
    """List the stored journeys."""
    table_out(out)
    bundle = list_journeys(open_database(data_dir, database_url))
    columns = ["journey", "title", "kind", "version", "version_date"]
    print_table(bundle, "journeys", columns, "stored journeys")
    if out is not None:
        wrote([write_bundle_table(bundle, "journeys", out)])


@journey_app.command("new")
def new(
    template: Annotated[str, typer.Argument(help="Template name (see `journey templates`).")],
    title: Annotated[str | None, typer.Option(help="Title of the new journey.")] = None,
    key: Annotated[str | None, typer.Option("--id", help="Id (default: from the title).")] = None,
    segment_kind: Annotated[str, typer.Option(help="segment or persona.")] = "segment",
    segment_id: Annotated[str | None, typer.Option(help="Id of the segment or persona.")] = None,
    segment_label: Annotated[str | None, typer.Option(help="Who the journey is about.")] = None,
    segment_run: Annotated[
        int | None,
        typer.Option(
            help="Id of a stored segmentation (the Segments page's run=...): the "
            "journey is about its segment --segment-code (or, with --segment-kind "
            "persona, that segment's persona card)."
        ),
    ] = None,  # fmt: skip
    segment_code: Annotated[
        str | None, typer.Option(help="The segment of --segment-run (e.g. 2).")
    ] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Store a new journey copied from a template, about a stored segment (or its persona
    card) or a segment or persona you describe (default: the template's)."""
    database = open_database(data_dir, database_url)
    segment = None
    if segment_run is not None or segment_code:
        if segment_run is None or not segment_code or segment_id or segment_label:
            raise InputError("give --segment-run with --segment-code (and no --segment-id or "
                             "--segment-label)", rule="missing_value")  # fmt: skip
        choice = choice_value(segment_kind, segment_run, segment_code)
        segment = segment_from_choice(database, None, choice)
    elif bool(segment_id) != bool(segment_label):
        raise InputError("give both --segment-id and --segment-label", rule="missing_value")
    bundle = create_journey_from_template(
        database, template, key=key, title=title, segment=segment,
        segment_kind=segment_kind, segment_id=segment_id, segment_label=segment_label,
    )  # fmt: skip
    console.print(f"stored journey {bundle.summary['key']} (version {bundle.summary['version']})")


@journey_app.command("show")
def show(
    key: Annotated[str, typer.Argument(help="Journey id.")],
    version: Version = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for its tables, charts and map.html.")
    ] = None,  # fmt: skip
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Show a journey (the touchpoints in order) and write its tables, charts and map."""
    bundle = show_journey(open_database(data_dir, database_url), key, version=version)
    journey = bundle.summary["journey"]
    console.print(f"{journey.title}: version {bundle.summary['version']} of "
                  f"{journey.version_date.isoformat()}, {journey.segment.label}")  # fmt: skip
    columns = ["step", "stage", "touchpoint", "lane", "emotion_words", "moment_of_truth"]
    print_table(bundle, "map", columns, "touchpoints in order")
    announce(bundle)
    write_folder(bundle, out)
    if out is not None:
        page = out / "map.html"
        page.write_text(bundle.summary["map_html"], encoding="utf-8")
        wrote([page])


@journey_app.command("history")
def history(
    key: Annotated[str, typer.Argument(help="Journey id.")],
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """List the saved versions of a journey with what each changed."""
    bundle = journey_history(open_database(data_dir, database_url), key)
    print_table(bundle, "history", ["version", "version_date", "saved_at", "note"], "versions")


@journey_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A .json or .yaml file, or a folder of CSVs.")],
    expected_version: Annotated[
        int | None, typer.Option(help="Save over a stored journey edited from this version.")
    ] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Store a journey from a file, all or nothing (problems are listed, nothing stored)."""
    read_journey_file(path)  # every problem of the file before the database is opened
    bundle = import_journey(
        open_database(data_dir, database_url), path, expected_version=expected_version
    )
    console.print(f"stored journey {bundle.summary['key']} (version {bundle.summary['version']})")


@journey_app.command("export")
def export_command(
    key: Annotated[str, typer.Argument(help="Journey id.")],
    out: Annotated[Path, typer.Option(help=".json, .yaml, or a folder for CSV files.")],
    version: Version = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Write a stored journey as JSON, YAML or CSV files (which `journey import` reads)."""
    wrote([export_journey(open_database(data_dir, database_url), key, out, version=version)])


@journey_app.command("to-be")
def to_be(
    key: Annotated[str, typer.Argument(help="Id of the as-is journey.")],
    title: Annotated[str, typer.Option(help="Title of the to-be journey.")] = "",
    new_key: Annotated[str | None, typer.Option("--id", help="Id of the to-be journey.")] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Start a to-be redesign of an as-is journey (same stages and touchpoints to edit)."""
    bundle = start_to_be(open_database(data_dir, database_url), key, key=new_key, title=title)
    console.print(f"stored journey {bundle.summary['key']} (version {bundle.summary['version']})")


def _journey_or_file(reference: str, version: int | None, data_dir: Path, url: str | None):  # noqa: ANN202 - a Journey
    if Path(reference).exists():
        return read_journey_file(reference)
    return show_journey(open_database(data_dir, url), reference, version=version).summary["journey"]


@journey_app.command("compare")
def compare(
    as_is: Annotated[str, typer.Argument(help="As-is journey: a stored id or a file.")],
    to_be_ref: Annotated[
        str | None,
        typer.Argument(metavar="TO_BE", help="To-be journey (default: the stored redesign)."),
    ] = None,
    as_is_version: Version = None,
    to_be_version: Version = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the tables and charts.")] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Compare a journey as it is with as it should be, stage by stage."""
    if to_be_ref is None and not Path(as_is).exists():
        bundle = compare_journey_maps(open_database(data_dir, database_url), as_is,
                                      as_is_version=as_is_version)  # fmt: skip
    elif to_be_ref is None:
        raise InputError("give the to-be journey to compare a file with", rule="missing_value")
    else:
        bundle = comparison_bundle(
            _journey_or_file(as_is, as_is_version, data_dir, database_url),
            _journey_or_file(to_be_ref, to_be_version, data_dir, database_url),
        )
    figures = bundle.summary["figures"]
    for name in ("mean_emotion", "touchpoints", "negative_touchpoints", "pain_points"):
        console.print(f"{name.replace('_', ' ')}: as is {figures[f'{name}_as_is']:.3g}, "
                      f"to be {figures[f'{name}_to_be']:.3g}")  # fmt: skip
    columns = ["touchpoint", "name", "status", "emotion_as_is", "emotion_to_be"]
    print_table(bundle, "touchpoints", columns, "touchpoints as is and to be")
    announce(bundle)
    write_folder(bundle, out)


@journey_app.command("funnel")
def funnel(
    reference: Annotated[str, typer.Argument(metavar="JOURNEY", help="Stored id or a file.")],
    activity: Annotated[
        Path | None, typer.Option(help="Service-activity CSV to take the stage counts from.")
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area codes to sum, comma-separated.")] = None,
    where: Annotated[
        list[str] | None, typer.Option("--filter", help="COLUMN=VALUE rows to keep (repeat).")
    ] = None,
    save: Annotated[bool, typer.Option(help="Store the counts as a new version.")] = False,
    expected_version: Annotated[int | None, typer.Option(help="Version you started from.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the table and chart.")] = None,
    data_dir: DataDir = DEFAULT_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """The drop-off funnel of a journey, from its stage counts or from service data."""
    filters = {}
    for item in where or []:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise InputError(f"--filter {item!r} is not COLUMN=VALUE", rule="bad_filter")
        filters[column.strip()] = value.strip()
    if save and (Path(reference).exists() or activity is None or expected_version is None):
        raise InputError(
            "--save needs a stored journey, --activity and --expected-version",
            rule="missing_value",
        )
    journey = _journey_or_file(reference, None, data_dir, database_url)
    frame = read_service_activity(activity) if activity is not None else None
    chosen = {"area_codes": split_list(area) or None, "filters": filters or None,
              "source": str(activity)}  # fmt: skip
    if save:
        database = open_database(data_dir, database_url)
        version = int(expected_version or 0)
        saved = apply_service_data(database, journey.id, frame, expected_version=version, **chosen)
        console.print(f"stored version {saved.summary['current_version']}")
    bundle = funnel_of_journey(journey, activity=frame, **chosen)
    for step, count in zip(bundle.summary["steps"], bundle.summary["counts"], strict=True):
        console.print(f"{step}: {'[c] (1 to 7)' if count is None else f'{count:,}'}")
    console.print("counts of people rounded to the nearest 5; shares from the exact counts")
    announce(bundle)
    write_folder(bundle, out)


from healthgap.cli import journey_notes as _journey_notes  # noqa: E402, F401 - its commands
