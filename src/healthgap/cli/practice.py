"""``healthgap practice ...``: search the good-practice bank, see an example, contribute,
review and publish, import and export the research library.

The bank lives in the web app's database (``--data-dir``/``--database-url``, as for
``healthgap serve``); it is seeded with the shipped examples on first use. Commands that change
the bank act as a user account (``--as``) with that account's workflow role.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    comment_on,
    contribution_template,
    export_case_studies,
    export_research,
    import_research_file,
    move_document,
    practice_actor,
    practice_for_intervention,
    practice_for_item,
    review_queue,
    search_practice,
    set_practice_role,
    submit_template_file,
    view_case_study,
    view_research_entry,
)
from healthgap.cli import app, console
from healthgap.cli.present import frame_table, wrote
from healthgap.errors import InputError, Problem
from healthgap.reports.outputs import write_bundle_table
from healthgap.store import Database, User

practice_app = typer.Typer(
    help="The good-practice bank and research library: search, contribute, review, export.",
    no_args_is_help=True,
)
app.add_typer(practice_app, name="practice")

DataDir = Annotated[Path, typer.Option(help="Folder of the web database (as for serve).")]
DatabaseUrl = Annotated[
    str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")
]
AsUser = Annotated[str, typer.Option("--as", help="The user account acting (its workflow role).")]


def _database(data_dir: Path, database_url: str | None) -> Database:
    # The same default as `healthgap serve`: healthgap.db in the data folder.
    if database_url:
        return Database(database_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Database(f"sqlite:///{(data_dir / 'healthgap.db').resolve()}")


def _actor(database: Database, username: str):  # noqa: ANN202 - healthgap.practice.Actor
    with database.reader() as session:
        user = session.query(User).filter_by(username=username).one_or_none()
    if user is None or not user.active:
        raise InputError(
            [Problem("--as", None, "username", "not_found", f"no active user {username!r}")]
        )
    return practice_actor(database, user)


@practice_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help='Words to look for; "" lists everything.')],
    topic: Annotated[list[str] | None, typer.Option(help="Only this topic (repeatable).")] = None,
    evidence: Annotated[
        list[str] | None, typer.Option(help="descriptive, before_after, controlled, randomised.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="case or research.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Results to show.")] = 10,
    out: Annotated[Path | None, typer.Option(help="Also write the results (.csv/.xlsx).")] = None,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Search the published bank, best matches first, with facet counts."""
    database = _database(data_dir, database_url)
    filters = {"topic": topic or [], "evidence": evidence or [], "kind": [kind] if kind else []}
    bundle = search_practice(database, query, filters=filters, per_page=limit)
    rows = bundle.table("results").to_dict("records")
    console.print(
        frame_table(rows, ["rank", "kind", "id", "title", "evidence"],
                    f"{bundle.summary['total']} found for {query!r}")
    )  # fmt: skip
    for facet, values in bundle.summary["facets"].items():
        listed = ", ".join(f"{v['name']} ({v['count']})" for v in values[:6])
        if listed:
            console.print(f"{facet}: {listed}", soft_wrap=True)
    if out is not None:
        wrote([write_bundle_table(bundle, "results", out)])


@practice_app.command("show")
def show(
    document_id: Annotated[str, typer.Argument(help="A case study's or research entry's id.")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """One published case study or research entry, with what it links to."""
    database = _database(data_dir, database_url)
    case = view_case_study(database, document_id)
    if case is not None:
        c = case.case
        console.print(f"{c.title}\n{c.place_name} · {c.evidence.label} · {c.status.value}")
        for label, text in (("Problem", c.problem), ("What was done", c.what_was_done),
                            ("Results", c.results), ("Learning", c.learning)):  # fmt: skip
            console.print(f"\n{label}: {text}", soft_wrap=True)
        console.print("\nInterventions: " + (", ".join(n for _, n in case.interventions) or "none"))
        console.print("Assessment items: " + (", ".join(n for _, n in case.items) or "none"))
        console.print("Research: " + ("; ".join(r.title for r in case.research) or "none"))
        return
    entry = view_research_entry(database, document_id)
    if entry is None:
        raise InputError(
            [Problem("show", None, "id", "not_found", f"no published document {document_id!r}")]
        )
    console.print(entry.entry.citation(), soft_wrap=True)
    console.print(f"\n{entry.entry.summary}", soft_wrap=True)
    for finding in entry.findings:
        console.print(f"- {finding['text']} {finding['effect']}".rstrip(), soft_wrap=True)


@practice_app.command("evidence")
def evidence_for(
    intervention: Annotated[str, typer.Argument(help="A plan-library intervention id.")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """The papers and case studies behind an intervention of the plan library."""
    found = practice_for_intervention(_database(data_dir, database_url), intervention)
    console.print(found.name)
    for paper in found.research:
        console.print(f"- {paper.citation}\n  informs: {'; '.join(paper.parameters)}",
                      soft_wrap=True)  # fmt: skip
    for case in found.cases:
        console.print(f"- case study {case.id}: {case.title} ({case.evidence})", soft_wrap=True)


@practice_app.command("examples")
def examples(
    item_id: Annotated[str, typer.Argument(help="An assessment item, e.g. nsmc/insight.")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Published examples of good practice for an assessment item."""
    found = practice_for_item(item_id, database=_database(data_dir, database_url))
    for case in found:
        console.print(f"- {case.id}: {case.title} ({case.evidence})", soft_wrap=True)
    if not found:
        console.print(f"no published examples for {item_id}")


@practice_app.command("template")
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the contributor template (.yaml).")],
) -> None:
    """Write the case-study template a contributor fills in."""
    out.write_text(contribution_template(), encoding="utf-8")
    wrote([out])


@practice_app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help="A filled-in template (.yaml).")],
    as_user: AsUser,
    send: Annotated[bool, typer.Option(help="Send for review at once (else keep as draft).")] = (
        False
    ),
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Add the case studies of a filled-in template as drafts (all of them or none)."""
    database = _database(data_dir, database_url)
    actor = _actor(database, as_user)
    saved = submit_template_file(database, file, actor, submit=send)
    console.print(f"saved {len(saved)} case stud{'y' if len(saved) == 1 else 'ies'}: "
                  + ", ".join(c.id for c in saved))  # fmt: skip


@practice_app.command("move")
def move(
    document: Annotated[str, typer.Argument(help="case:<id> or research:<id>.")],
    status: Annotated[str, typer.Argument(help="submitted, draft, reviewed, published, archived.")],
    as_user: AsUser,
    comment: Annotated[str, typer.Option(help="Why (needed to return a submission).")] = "",
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Move a submission through the review workflow (submit, approve, publish, ...)."""
    database = _database(data_dir, database_url)
    kind, _, slug = document.partition(":")
    action = move_document(database, kind, slug, status, _actor(database, as_user),
                           comment=comment)  # fmt: skip
    console.print(f"{action}: {document} is now {status}")


@practice_app.command("comment")
def comment(
    document: Annotated[str, typer.Argument(help="case:<id> or research:<id>.")],
    text: Annotated[str, typer.Argument(help="The comment.")],
    as_user: AsUser,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Comment on a submission."""
    database = _database(data_dir, database_url)
    kind, _, slug = document.partition(":")
    comment_on(database, kind, slug, _actor(database, as_user), text)
    console.print(f"commented on {document}")


@practice_app.command("queue")
def queue(
    username: Annotated[str, typer.Argument(help="Whose queue (a user account).")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """What waits for a user: to review, to publish, due for review, their own."""
    database = _database(data_dir, database_url)
    waiting = review_queue(database, _actor(database, username))
    for title, items in (("to review", waiting.to_review), ("to publish", waiting.to_publish),
                         ("due for review", waiting.due), ("yours", waiting.mine)):  # fmt: skip
        console.print(f"{title}: " + (", ".join(f"{i.id} ({i.status})" for i in items) or "none"),
                      soft_wrap=True)  # fmt: skip


@practice_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A .ris, .bib or .csv file of references.")],
    as_user: AsUser,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Import references into the research library as drafts (all of them or none)."""
    database = _database(data_dir, database_url)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(file), None, None, "unreadable", str(exc))]) from None
    entries = import_research_file(database, data, file.name, _actor(database, as_user))
    console.print(f"imported {len(entries)} entries as drafts: " + ", ".join(e.id for e in entries),
                  soft_wrap=True)  # fmt: skip


@practice_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="research .ris/.bib/.csv, or case studies .csv.")],
    case_studies: Annotated[bool, typer.Option(help="Export the case studies (CSV).")] = False,
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Export the published research library or case studies."""
    database = _database(data_dir, database_url)
    suffix = out.suffix.lower()
    formats = {".ris": "ris", ".bib": "bibtex", ".csv": "csv"}
    if suffix not in formats or (case_studies and suffix != ".csv"):
        raise InputError(
            [Problem(str(out), None, None, "unknown_format",
                     "name the file .ris, .bib or .csv (case studies: .csv)")]
        )  # fmt: skip
    exported = export_case_studies(database) if case_studies else export_research(
        database, formats[suffix])  # fmt: skip
    out.write_text(exported.text, encoding="utf-8")
    wrote([out])


@practice_app.command("role")
def role(
    username: Annotated[str, typer.Argument(help="A user account.")],
    workflow_role: Annotated[str, typer.Argument(help="contributor, reviewer or editor.")],
    data_dir: DataDir = Path(".healthgap"),
    database_url: DatabaseUrl = None,
) -> None:
    """Give a user account a role in the review workflow."""
    given = set_practice_role(_database(data_dir, database_url), username, workflow_role)
    console.print(f"{username} is now a {given.value}")
