"""Read MECC files (CSV or XLSX) all or nothing: a contact log kept elsewhere, the directory
of organisations, teams and staff, and training records with capability scores.

Each reader reads through the data layer (every cell as text, spreadsheet rows kept), maps
headers after lower-casing (spaces and punctuation become ``_``), then applies the same checks
as the rest of MECC (:func:`~healthgap.engage.mecc.entries_from_frame`,
:meth:`~healthgap.engage.mecc_directory.MeccDirectory.checked`,
:func:`~healthgap.engage.training.check_training`), so a problem names the file, the row as
the spreadsheet numbers it, the column and the rule. Nothing is returned unless every row of
every file passes.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "orgs.csv").write_text(
...     "organisation,name,org_type,setting,area_code\\n"
...     "rxa,Synthetic Trust,acute_trust,acute,E06000001\\n")
>>> _ = (folder / "teams.csv").write_text("organisation,team,name\\nrxa,ed,Emergency\\n")
>>> _ = (folder / "staff.csv").write_text(
...     "staff_id,organisation,team,frontline\\ns1,rxa,ed,yes\\ns2,rxa,icu,no\\n")
>>> read_directory(folder / "orgs.csv", folder / "teams.csv", folder / "staff.csv")
... # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  ...staff.csv, row 3, column 'team': [unknown_team] is not a team of that organisation
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from healthgap.data.readers import ROW, read_table_file
from healthgap.engage.mecc import LOG_COLUMNS, entries_from_frame
from healthgap.engage.mecc_directory import (
    ORGANISATION_COLUMNS,
    STAFF_COLUMNS,
    TEAM_COLUMNS,
    MeccDirectory,
)
from healthgap.engage.mecc_entry import ContactEntry
from healthgap.engage.mecc_vocabulary import MeccVocabulary
from healthgap.engage.training import SCORE_COLUMNS, TRAINING_COLUMNS, check_training
from healthgap.errors import InputError, Problem

__all__ = ["read_contact_log", "read_directory", "read_training"]

PathLike = str | os.PathLike[str]
#: Headers accepted for some columns besides their own name.
_ALIASES = {
    "contact_date": ("date",),
    "organisation": ("org", "org_code", "organisation_code"),
    "staff_id": ("staff", "staff_code"),
    "completed_on": ("completed", "date_completed", "completion_date"),
}


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")


def _read(path: PathLike, columns: Sequence[str], optional: Sequence[str] = ()) -> pd.DataFrame:
    """The file's columns renamed to ours (others refused), cells stripped, plus :data:`ROW`."""
    raw = read_table_file(path)
    problems = []
    rename: dict[str, str] = {}
    wanted = {c: (c, *_ALIASES.get(c, ())) for c in columns}
    for header in [h for h in raw.columns if h != ROW]:
        name = next((c for c, names in wanted.items() if _normalise(header) in names), None)
        if name is None or name in rename.values():
            problems.append(
                Problem(
                    str(path),
                    None,
                    header,
                    "unexpected_column",
                    f"not one of the columns {', '.join(columns)}; MECC files hold codes only",
                )
            )
        else:
            rename[header] = name
    for column in columns:
        if column not in rename.values() and column not in optional:
            problems.append(Problem(str(path), None, column, "missing_column", "column absent"))
    if problems:
        raise InputError(problems)
    frame = raw.rename(columns=rename)
    for column in [c for c in columns if c in frame.columns]:
        frame[column] = frame[column].astype(str).str.strip()
    return frame.reset_index(drop=True)


def _in_file(problems: Sequence[Problem], files: Mapping[str, tuple[str, pd.Series]]) -> InputError:
    """Problems of checks that count rows from 2 in table order, renamed to the file and its
    spreadsheet rows (the reader skips blank lines, so positions can differ)."""
    renamed = []
    for p in problems:
        file, rows = files.get(p.file, (p.file, None))
        row = p.row
        if rows is not None and row is not None and 0 <= row - 2 < len(rows):
            row = int(rows.iloc[row - 2])
        renamed.append(Problem(file, row, p.column, p.rule, p.message))
    return InputError(renamed)


def read_contact_log(
    path: PathLike,
    *,
    directory: MeccDirectory | None = None,
    vocabulary: MeccVocabulary | None = None,
    today: date | None = None,
) -> list[ContactEntry]:
    """Checked entries of a contact log file (the columns of
    :data:`~healthgap.engage.mecc.LOG_COLUMNS`, topics joined by ``|``, destination empty for
    advice), or InputError with every problem. Used to bring in logs kept on paper or in
    another system; each row needs its own ``client_id`` (a UUID), so a file imported twice
    is stored once."""
    frame = _read(path, LOG_COLUMNS, optional=("destination",))
    if "destination" not in frame.columns:
        frame["destination"] = ""
    frame["destination"] = frame["destination"].where(frame["destination"] != "", None)
    bad_dates = pd.to_datetime(frame["contact_date"], format="%Y-%m-%d", errors="coerce").isna()
    if bad_dates.any():
        raise InputError(
            [
                Problem(str(path), int(row), "contact_date", "bad_date", "not a YYYY-MM-DD date")
                for row in frame.loc[bad_dates, ROW]
            ]
        )
    try:
        return entries_from_frame(
            frame[list(LOG_COLUMNS)],
            today=today,
            vocabulary=vocabulary,
            directory=directory,
            source="contact log",
        )
    except InputError as exc:
        raise _in_file(exc.problems, {"contact log": (str(path), frame[ROW])}) from None


def read_directory(
    organisations: PathLike,
    teams: PathLike,
    staff: PathLike,
    *,
    vocabulary: MeccVocabulary | None = None,
) -> MeccDirectory:
    """The checked directory from three files: organisations (``organisation``, ``name``,
    ``org_type``, ``setting``, ``area_code``), teams (``organisation``, ``team``, ``name``)
    and staff (``staff_id``, ``organisation``, ``team``, ``frontline`` yes/no)."""
    frames = {
        "organisations": (organisations, _read(organisations, ORGANISATION_COLUMNS)),
        "teams": (teams, _read(teams, TEAM_COLUMNS)),
        "staff": (staff, _read(staff, STAFF_COLUMNS)),
    }
    directory = MeccDirectory(
        *(frame.drop(columns=ROW) for _, frame in frames.values())  # type: ignore[arg-type]
    )
    try:
        return directory.checked(vocabulary)
    except InputError as exc:
        files = {name: (str(path), frame[ROW]) for name, (path, frame) in frames.items()}
        raise _in_file(exc.problems, files) from None


def read_training(
    records: PathLike,
    scores: PathLike | None = None,
    *,
    directory: MeccDirectory | None = None,
    vocabulary: MeccVocabulary | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Checked training records (``staff_id``, ``route``, ``completed_on``) and, when given,
    capability scores (``staff_id``, ``route``, ``measure``, ``wave``, ``score``); a score
    needs a training record for the same person and route (rule ``no_training_record``)."""
    record_frame = _read(records, TRAINING_COLUMNS)
    score_frame = _read(scores, SCORE_COLUMNS) if scores is not None else None
    files = {"training records": (str(records), record_frame[ROW])}
    if score_frame is not None:
        files["training scores"] = (str(scores), score_frame[ROW])
    try:
        checked = check_training(
            record_frame.drop(columns=ROW),
            None if score_frame is None else score_frame.drop(columns=ROW),
            directory=directory,
            vocabulary=vocabulary,
            today=today,
        )
    except InputError as exc:
        raise _in_file(exc.problems, files) from None
    checked_records, checked_scores = checked
    keys = pd.MultiIndex.from_frame(checked_records[["staff_id", "route"]])
    orphan = ~pd.MultiIndex.from_frame(checked_scores[["staff_id", "route"]]).isin(keys)
    if orphan.any() and score_frame is not None:
        raise InputError(
            [
                Problem(
                    str(scores),
                    int(row),
                    "route",
                    "no_training_record",
                    "no training record for this member of staff and route",
                )
                for row in score_frame.loc[orphan, ROW]
            ]
        )
    return checked_records, checked_scores
