"""Use cases: attach a file to a submission (report, leaflet, evaluation) and read it back.

The type, content and size are checked before anything is stored (:func:`check_attachment`:
PDF, Office, images, CSV or text, at most 10 MB, the name, declared type and first bytes must
agree). The bytes are kept under ``<folder>/practice-attachments/<sha256>`` and written only once
the record is checked, inside the same transaction as the record and its audit event; a refused
file leaves nothing behind. Only the author, reviewers and editors attach files; anyone who may
see the document may download them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from healthgap.analyses.practice_pages import document_key, visible_document
from healthgap.errors import InputError, PermissionDenied, Problem
from healthgap.practice import MAX_BYTES, Actor
from healthgap.store import Database, UploadedFile, add_attachment, attachments
from healthgap.store.practice import PracticeAttachment

__all__ = ["StoredFile", "attach_file", "attached_file", "attached_files"]

FOLDER = "practice-attachments"


@dataclass(frozen=True)
class StoredFile:
    """An attachment's record and, when read, its bytes."""

    id: int
    filename: str
    media_type: str
    size: int
    uploaded_by: str
    data: bytes = b""


def _view(row: PracticeAttachment, data: bytes = b"") -> StoredFile:
    return StoredFile(row.id, row.filename, row.media_type, row.size_bytes, row.uploaded_by, data)


def attach_file(
    database: Database,
    folder: str | Path,
    kind: str,
    slug: str,
    actor: Actor,
    *,
    filename: str,
    media_type: str,
    data: bytes,
) -> StoredFile:
    """Check and store an upload for a document (``kind`` case or research)."""
    access = visible_document(database, kind, slug, actor)
    if access is None:
        raise InputError([Problem("attachment", None, "document", "not_found",
                                  f"no submission {kind}:{slug}")])  # fmt: skip
    if not access.may_review_or_edit:
        raise PermissionDenied("only its author, reviewers and editors may attach files")
    if len(data) > MAX_BYTES:  # refuse before hashing a huge upload
        data = data[: MAX_BYTES + 1]
    digest = hashlib.sha256(data).hexdigest()
    upload = UploadedFile(
        filename=filename,
        media_type=media_type,
        head=data[:4096],
        size=len(data),
        sha256=digest,
        storage_key=f"{FOLDER}/{digest}",
    )
    with database.unit_of_work() as session:
        row = add_attachment(session, document_key(kind, slug), actor, upload)
        target = Path(folder) / FOLDER / digest
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        stored = _view(row)
    return stored


def attached_files(database: Database, kind: str, slug: str) -> list[StoredFile]:
    with database.reader() as session:
        return [_view(row) for row in attachments(session, document_key(kind, slug))]


def attached_file(
    database: Database, folder: str | Path, kind: str, slug: str, file_id: int, actor: Actor
) -> StoredFile | None:
    """One attachment with its bytes, if the actor may see its document."""
    if visible_document(database, kind, slug, actor) is None:
        return None
    with database.reader() as session:
        rows = [r for r in attachments(session, document_key(kind, slug)) if r.id == file_id]
    if not rows:
        return None
    path = Path(folder) / rows[0].storage_key
    return _view(rows[0], path.read_bytes()) if path.is_file() else None
