"""Use cases: the research library's import and export (RIS, BibTeX, CSV) and the bank's
case-study export.

An import is all or nothing: a malformed file, a duplicate DOI or title (in the file or
already in the library) or a missing field is reported with its file, line and field, and no
entry is saved. Imported entries start as drafts for a reviewer to check. Exports hold the
published entries and read back unchanged (round trip).
"""

from __future__ import annotations

from dataclasses import dataclass

from healthgap.analyses.practice_search import ensure_bank
from healthgap.errors import InputError, PermissionDenied, Problem
from healthgap.practice import (
    FORMATS,
    Actor,
    PracticeRole,
    ResearchEntry,
    Status,
    format_for,
    write_case_studies_csv,
    write_references,
)
from healthgap.store import Database, case_studies, import_research, research_entries

__all__ = [
    "EXPORT_SUFFIXES",
    "Export",
    "MAX_IMPORT_BYTES",
    "export_case_studies",
    "export_research",
    "import_research_file",
]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
#: format -> (file suffix, media type)
EXPORT_SUFFIXES = {
    "ris": ("ris", "application/x-research-info-systems"),
    "bibtex": ("bib", "application/x-bibtex"),
    "csv": ("csv", "text/csv"),
}


@dataclass(frozen=True)
class Export:
    """A file to write or download."""

    filename: str
    media_type: str
    text: str


def _decode(data: bytes, filename: str) -> str:
    if not data:
        raise InputError([Problem(filename, None, None, "empty_file", "the file is empty")])
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(
            [Problem(filename, None, None, "too_large",
                     f"{len(data):,} bytes; at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB")]
        )  # fmt: skip
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(filename, None, None, "not_utf8",
                     f"not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from None  # fmt: skip


def import_research_file(
    database: Database,
    data: bytes,
    filename: str,
    actor: Actor,
    *,
    format: str | None = None,  # noqa: A002 - the format's name
    default_type: str | None = None,
) -> list[ResearchEntry]:
    """Import a RIS (``.ris``), BibTeX (``.bib``) or CSV file into the library as drafts.

    Reviewers and editors import; contributors submit one case study at a time.
    """
    if not actor.role.allows(PracticeRole.reviewer):
        raise PermissionDenied("importing references needs the reviewer or editor role")
    chosen = format or format_for(filename)
    if chosen not in FORMATS:
        raise InputError(
            [Problem(filename, None, None, "unknown_format", f"use one of {', '.join(FORMATS)}")]
        )
    text = _decode(data, filename)
    ensure_bank(database)
    with database.unit_of_work() as session:
        return import_research(
            session, text, format=chosen, file=filename, actor=actor, default_type=default_type
        )


def export_research(
    database: Database,
    format: str,  # noqa: A002
    *,
    statuses: tuple[Status, ...] = (Status.published,),
) -> Export:
    """The library's entries (published by default) as RIS, BibTeX or CSV text."""
    if format not in EXPORT_SUFFIXES:
        raise InputError(
            [Problem("export", None, "format", "unknown_format",
                     f"use one of {', '.join(EXPORT_SUFFIXES)}")]
        )  # fmt: skip
    ensure_bank(database)
    with database.reader() as session:
        entries = research_entries(session, statuses=statuses)
    suffix, media_type = EXPORT_SUFFIXES[format]
    text = write_references(entries, format=format)
    return Export(f"healthgap-research.{suffix}", media_type, text)


def export_case_studies(database: Database) -> Export:
    """The published case studies as CSV (one row each, lists joined with "; ")."""
    ensure_bank(database)
    with database.reader() as session:
        cases = case_studies(session, statuses=[Status.published])
    text = write_case_studies_csv(cases)
    return Export("healthgap-case-studies.csv", "text/csv", text)
