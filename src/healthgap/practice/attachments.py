"""Attachments of a case study: which kinds are accepted, how large, and a check of the content.

Accepted: PDF, Word, Excel, PowerPoint, PNG, JPEG, CSV and plain text, at most 10 MB each. The
extension, the declared media type and the first bytes must agree: a script renamed ``.pdf`` or a
web page renamed ``.png`` is refused. Office files are ZIP containers, so their first bytes are a
ZIP header. Text kinds must decode as UTF-8 and hold no NUL byte.

>>> check_attachment("report.pdf", "application/pdf", b"%PDF-1.7 ...", size=2048).media_type
'application/pdf'
>>> check_attachment("photo.png", "image/png", b"<html>", size=6)
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  photo.png, column 'content': [wrong_content] the file does not look like a PNG image
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from healthgap.errors import InputError, Problem

__all__ = ["ALLOWED", "MAX_BYTES", "AttachmentCheck", "check_attachment"]

MAX_BYTES = 10 * 1024 * 1024
_ZIP = (b"PK\x03\x04",)


@dataclass(frozen=True)
class Kind:
    label: str
    media_types: tuple[str, ...]
    magic: tuple[bytes, ...] | None  # None: a text kind


#: extension -> accepted kind
ALLOWED: dict[str, Kind] = {
    ".pdf": Kind("PDF document", ("application/pdf",), (b"%PDF-",)),
    ".docx": Kind(
        "Word document",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        _ZIP,
    ),
    ".xlsx": Kind(
        "Excel workbook",
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        _ZIP,
    ),
    ".pptx": Kind(
        "PowerPoint presentation",
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
        _ZIP,
    ),
    ".png": Kind("PNG image", ("image/png",), (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": Kind("JPEG image", ("image/jpeg",), (b"\xff\xd8\xff",)),
    ".jpeg": Kind("JPEG image", ("image/jpeg",), (b"\xff\xd8\xff",)),
    ".csv": Kind("CSV table", ("text/csv", "application/csv", "text/plain"), None),
    ".txt": Kind("plain text", ("text/plain",), None),
}


@dataclass(frozen=True)
class AttachmentCheck:
    """An accepted attachment: a safe file name, its media type and size."""

    filename: str
    media_type: str
    size: int


def _safe_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", name).strip(" .")
    return name[:120] or "attachment"


def check_attachment(filename: str, media_type: str, head: bytes, *, size: int) -> AttachmentCheck:
    """Accept or refuse an upload from its name, declared type, first bytes and total size.

    ``head`` is the start of the file (at least 8 bytes; the whole file for text kinds is best).
    Every problem found is raised together as :class:`InputError`.
    """
    name = _safe_name(filename)
    suffix = PurePath(name).suffix.lower()
    problems: list[Problem] = []
    kind = ALLOWED.get(suffix)
    if kind is None:
        problems.append(
            Problem(
                name,
                None,
                "filename",
                "type_not_allowed",
                f"{suffix or 'no extension'} is not accepted; use one of "
                f"{', '.join(sorted(ALLOWED))}",
            )
        )
    if size > MAX_BYTES:
        problems.append(
            Problem(
                name, None, "size", "too_large", f"{size:,} bytes; at most {MAX_BYTES:,} (10 MB)"
            )
        )
    if size <= 0:
        problems.append(Problem(name, None, "size", "empty_file", "the file is empty"))
    declared = media_type.split(";")[0].strip().lower()
    if kind is not None:
        if declared and declared not in kind.media_types and declared != "application/octet-stream":
            problems.append(
                Problem(
                    name,
                    None,
                    "media_type",
                    "type_mismatch",
                    f"declared {declared!r} but the name says {kind.label}",
                )
            )
        if kind.magic is not None and not head.startswith(kind.magic):
            problems.append(
                Problem(
                    name,
                    None,
                    "content",
                    "wrong_content",
                    f"the file does not look like a {kind.label}",
                )
            )
        if kind.magic is None:
            try:
                head.decode("utf-8")
                ok = b"\x00" not in head
            except UnicodeDecodeError as exc:
                # A multi-byte character cut at the end of ``head`` is not a problem.
                ok = exc.start >= len(head) - 3 and b"\x00" not in head
            if not ok:
                problems.append(
                    Problem(
                        name,
                        None,
                        "content",
                        "wrong_content",
                        f"the file is not UTF-8 text ({kind.label})",
                    )
                )
    if problems:
        raise InputError(problems)
    assert kind is not None
    return AttachmentCheck(name, kind.media_types[0], size)
