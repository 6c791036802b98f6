"""Journey files in and out of the database: JSON, YAML or a folder of CSV files, all or
nothing (see :mod:`healthgap.journeys.exchange` for the layouts)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from healthgap.analyses.journey_maps import created_bundle, show_journey
from healthgap.analyses.journey_segments import check_segment_reference
from healthgap.errors import InputError
from healthgap.journeys import (
    Journey,
    journey_to_dict,
    read_journey,
    write_journey_csv,
    write_journey_json,
)
from healthgap.reports.bundle import ResultBundle
from healthgap.store import Database
from healthgap.store import journeys as stored

__all__ = ["export_journey", "import_journey", "journey_file_text", "read_journey_file"]


def read_journey_file(path: str | os.PathLike[str]) -> Journey:
    """Read and check a journey file (JSON, YAML or a folder of CSVs); nothing is stored."""
    return read_journey(path)


def journey_file_text(journey: Journey) -> str:
    """The journey as the JSON text of a journey file (which :func:`import_journey` reads)."""
    return json.dumps(journey_to_dict(journey), indent=2, ensure_ascii=False) + "\n"


def import_journey(
    database: Database,
    path: str | os.PathLike[str],
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
    workspace_id: int | None = None,
) -> ResultBundle:
    """Store a journey read from a JSON or YAML file or a folder of CSV files, all or
    nothing. A new id is created; an id already stored is saved over only with the
    ``expected_version`` its editor started from (a stale one is refused). A stored segment
    it names must be one of the stored segmentations (of ``workspace_id``; None: of any
    workspace), unless the stored journey already names it."""
    journey = read_journey(path)
    note = f"Imported from {Path(path).name}"
    with database.reader() as session:
        before = stored.get_journey(session, journey.id)
    check_segment_reference(database, workspace_id, before.journey.segment if before else None,
                            journey.segment, _segment_cell(Path(path)))  # fmt: skip
    with database.unit_of_work() as session:
        current = stored.get_journey(session, journey.id)
        if current is None:
            saved = stored.create_journey(session, journey, user_id=user_id, note=note)
        elif expected_version is None:
            raise InputError(
                f"journey {journey.id!r} is already stored (version {current.version}); give "
                "the version you edited to save over it, or change the id to add a new one",
                rule="journey_exists",
            )
        else:
            saved = stored.save_journey(
                session, journey, expected_version=expected_version, user_id=user_id, note=note
            )
    return created_bundle(saved.journey, saved.version, "import a journey")


def _segment_cell(path: Path) -> Callable[[str], tuple[str, int | None, str]]:
    """Where a file keeps the segment's ``run_id`` or ``code``: ``journey.csv`` row 2 of a
    CSV folder, or the ``segment`` mapping of a JSON or YAML file."""
    if path.is_dir():
        return lambda field: (str(path / "journey.csv"), 2, f"segment_{field}")
    return lambda field: (str(path), None, f"segment.{field}")


def export_journey(
    database: Database, key: str, out: str | os.PathLike[str], *, version: int | None = None
) -> Path:
    """Write a stored journey (or one of its versions) as ``.json`` or ``.yaml``, or as a
    folder of CSV files when ``out`` has no such suffix."""
    journey = show_journey(database, key, version=version).summary["journey"]
    target = Path(out)
    if target.suffix.lower() in (".json", ".yaml", ".yml"):
        return write_journey_json(journey, target)
    if target.suffix:
        raise InputError(
            f"{target.name!r}: write a journey to .json, .yaml or a folder (for CSV files)",
            rule="bad_format",
        )
    return write_journey_csv(journey, target)
