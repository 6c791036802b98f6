"""Read and write journey files: one JSON or YAML file, or a folder of five CSV files.

The CSV form is for spreadsheets: ``journey.csv`` (one row: the journey's fields, with the
segment as ``segment_kind``, ``segment_id``, ``segment_label`` and, for a stored segment,
``segment_run_id``, ``segment_code`` and ``segment_run_name``), ``stages.csv``,
``touchpoints.csv`` (pain points in one cell, separated by ``|``), ``evidence.csv`` (one row per
piece of evidence, with the ``touchpoint`` id it supports) and ``improvements.csv``. The first
three are required. Columns follow :data:`healthgap.journeys.records.FIELDS`; a missing or
unknown column, a wrong cell or a broken rule is reported with file, row and column, and
nothing is returned unless the whole journey is valid.

>>> import tempfile, pathlib
>>> from healthgap.journeys.templates import load_template
>>> journey = load_template("stop_smoking")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> read_journey(write_journey_csv(journey, folder / "csv")) == journey
True
>>> read_journey(write_journey_json(journey, folder / "j.json")) == journey
True
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from healthgap.data.csv_export import neutralise_cell, restore_cell
from healthgap.errors import InputError, Problem
from healthgap.journeys.model import Journey
from healthgap.journeys.records import (
    FIELDS,
    LIST_SEPARATOR,
    journey_from_dict,
    journey_from_parts,
    journey_to_dict,
    parse_record,
)
from healthgap.journeys.validation import CsvWhere

__all__ = [
    "CSV_FILES",
    "read_journey",
    "read_journey_csv",
    "write_journey_csv",
    "write_journey_json",
]

#: The CSV files of a journey folder and whether each must be present.
CSV_FILES: dict[str, bool] = {
    "journey": True,
    "stages": True,
    "touchpoints": True,
    "evidence": False,
    "improvements": False,
}


def _columns(part: str) -> list[str]:
    names = [f.name for f in FIELDS[part]]
    return ["touchpoint", *names] if part == "evidence" else names


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return neutralise_cell(f" {LIST_SEPARATOR} ".join(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return neutralise_cell(str(value))


def write_journey_json(journey: Journey, path: str | os.PathLike[str]) -> Path:
    """Write the JSON form (``.json``) or YAML form (``.yaml``/``.yml``) of ``journey``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = journey_to_dict(journey)
    if target.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    target.write_text(text, encoding="utf-8")
    return target


def write_journey_csv(journey: Journey, folder: str | os.PathLike[str]) -> Path:
    """Write the five CSV files of ``journey`` into ``folder``; returns the folder."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    meta = {f.name: getattr(journey, f.name, None) for f in FIELDS["journey"]}
    meta.update({f"segment_{k}": v for k, v in asdict(journey.segment).items()})
    rows: dict[str, list[Mapping[str, Any]]] = {
        "journey": [meta],
        "stages": [asdict(s) for s in journey.stages],
        "touchpoints": [asdict(t) for t in journey.touchpoints],
        "evidence": [
            {"touchpoint": t.id, **asdict(e)} for t in journey.touchpoints for e in t.evidence
        ],
        "improvements": [asdict(m) for m in journey.improvements],
    }
    for part, records in rows.items():
        columns = _columns(part)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(r.get(c)) for c in columns] for r in records)
        (target / f"{part}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return target


def _read_csv(path: Path, part: str) -> tuple[list[dict[str, str]], list[Problem]]:
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(name, None, None, "wrong_encoding", "save the file as UTF-8 CSV")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    expected = _columns(part)
    required = {f.name for f in FIELDS[part] if f.required} | (
        {"touchpoint"} if part == "evidence" else set()
    )
    problems = [
        Problem(name, 1, c, "missing_column", f"{part}.csv needs a {c!r} column")
        for c in expected
        if c in required and c not in header
    ]
    problems += [
        Problem(name, 1, c, "unknown_column", f"{c!r} is not a column of {part}.csv")
        for c in header
        if c not in expected
    ]
    rows = [
        {
            k.strip(): restore_cell(v) if isinstance(v, str) else v
            for k, v in row.items()
            if k is not None and k.strip() in expected
        }
        for row in reader
    ]
    return rows, problems


def read_journey_csv(folder: str | os.PathLike[str]) -> Journey:
    """Read a journey from a folder of CSV files (see the module text for the files)."""
    source = Path(folder)
    problems: list[Problem] = []
    tables: dict[str, list[dict[str, str]]] = {}
    for part, required in CSV_FILES.items():
        path = source / f"{part}.csv"
        if not path.is_file():
            if required:
                problems.append(Problem(str(path), None, None, "missing_file", "file not found"))
            tables[part] = []
            continue
        tables[part], found = _read_csv(path, part)
        problems += found
    if problems:
        raise InputError(problems)
    if len(tables["journey"]) != 1:
        message = f"journey.csv must hold exactly one data row, not {len(tables['journey'])}"
        raise InputError([Problem(str(source / "journey.csv"), None, None, "wrong_shape", message)])

    touchpoint_ids = [row.get("touchpoint") for row in tables["evidence"]]
    position = {row.get("id", "").strip(): i for i, row in enumerate(tables["touchpoints"])}
    evidence_rows: dict[tuple[int, int], int] = {}
    grouped: list[list[dict[str, Any]]] = [[] for _ in tables["touchpoints"]]
    where = CsvWhere(source, evidence_rows)
    for row_index, (owner, row) in enumerate(zip(touchpoint_ids, tables["evidence"], strict=True)):
        values, found = parse_record(
            {k: v for k, v in row.items() if k != "touchpoint"},
            "evidence",
            lambda c, r=row_index: where.at("evidence", r, c),
        )
        problems += found
        key = (owner or "").strip()
        if key not in position:
            message = f"touchpoint {key!r} is not in touchpoints.csv"
            problems.append(
                where.problem("evidence", row_index, "touchpoint", "unknown_touchpoint", message)
            )
            continue
        evidence_rows[(position[key], len(grouped[position[key]]))] = row_index
        grouped[position[key]].append(values)
    parsed: dict[str, list[dict[str, Any]]] = {}
    for part in ("journey", "stages", "touchpoints", "improvements"):
        parsed[part] = []
        for i, row in enumerate(tables[part]):
            values, found = parse_record(row, part, lambda c, p=part, i=i: where.at(p, i, c))
            problems += found
            parsed[part].append(values)
    if problems:
        raise InputError(problems)
    return journey_from_parts(
        parsed["journey"][0], parsed["stages"], parsed["touchpoints"], grouped,
        parsed["improvements"], where,
    )  # fmt: skip


def read_journey(path: str | os.PathLike[str]) -> Journey:
    """Read a journey from a ``.json``/``.yaml`` file or a folder of CSV files."""
    source = Path(path)
    name = str(path)
    if source.is_dir():
        return read_journey_csv(source)
    if not source.is_file():
        raise InputError([Problem(name, None, None, "file_not_found", "no such file or folder")])
    suffix = source.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        message = "a journey is a .json or .yaml file, or a folder of CSV files"
        raise InputError([Problem(name, None, None, "unsupported_format", message)])
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, None, None, "wrong_encoding", "save as UTF-8")]) from None
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, exc.lineno, None, "bad_json", exc.msg)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(name, line, None, "bad_yaml", str(exc).split("\n")[0])]) from None
    return journey_from_dict(data, name)
