"""One MECC contact log entry, and the checks on single entries and offline sync batches.

An entry records that a member of staff used a routine contact for a very brief intervention:
the date, the setting, their organisation and team, the topics raised, what was done (advice,
signpost or referral) and, for a signpost or referral, where the person was sent. It holds
**no free text and nothing about the person spoken to**: every field is a code from the
:mod:`~healthgap.engage.mecc_vocabulary` or the :class:`~healthgap.engage.mecc_directory.
MeccDirectory`, and a payload with any other field is refused. The device makes a UUID for
each entry (``client_id``) when it is logged, so an entry queued offline and sent twice is
stored once.

>>> from datetime import date
>>> payload = {"client_id": "0b6c2f3e-2f4e-4c59-9a7c-3d1f6f1c2a10", "contact_date": "2024-05-02",
...            "setting": "acute", "organisation": "rxa", "team": "ed",
...            "topics": ["tobacco"], "action": "referral", "destination": "stop_smoking"}
>>> entry = parse_entry(payload, staff_id="s1", today=date(2024, 5, 3))
>>> entry.topics, entry.destination
(('tobacco',), 'stop_smoking')
>>> parse_entry({**payload, "notes": "Mr Smith"}, staff_id="s1", today=date(2024, 5, 3))
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
healthgap.errors.InputError: 1 problem found:
  contact entry, column 'notes': [free_text_refused] the log holds codes only, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from healthgap.engage.mecc_checks import EntryChecker
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_entry import (
    ENTRY_FIELDS,
    LOG_COLUMNS,
    MAX_BATCH_ENTRIES,
    TOPIC_SEPARATOR,
    ContactEntry,
)
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.errors import InputError, Problem

__all__ = [
    "ENTRY_FIELDS",
    "LOG_COLUMNS",
    "MAX_BATCH_ENTRIES",
    "TOPIC_SEPARATOR",
    "BatchCheck",
    "ContactEntry",
    "check_batch",
    "entries_frame",
    "entries_from_frame",
    "parse_entry",
]


def parse_entry(
    payload: Mapping[str, object],
    *,
    staff_id: str,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    today: date | None = None,
    source: str = "contact entry",
) -> ContactEntry:
    """Check one entry sent by a device and return it, or raise InputError with every problem.

    ``staff_id`` is the signed-in member of staff (from the session, not the payload). With a
    ``directory`` the organisation, team and member of staff must be registered. ``today``
    (default: the server's date) bounds ``contact_date``: not in the future, not more than a
    year back. Rules: ``free_text_refused``, ``missing_value``, ``bad_client_id``,
    ``bad_date``, ``future_date``, ``too_old``, ``unknown_setting``, ``unknown_organisation``,
    ``unknown_team``, ``unknown_staff``, ``no_topic``, ``unknown_topic``, ``unknown_action``,
    ``missing_destination``, ``destination_not_allowed``, ``unknown_destination``.
    """
    checker = EntryChecker(
        vocabulary or load_vocabulary(), directory, today or date.today(), source
    )
    entry = checker.entry(payload, staff_id, None)
    if entry is None:
        raise InputError(checker.problems)
    return entry


@dataclass(frozen=True)
class BatchCheck:
    """The outcome of checking one sync batch.

    ``entries`` are the valid entries, each client id once; ``problems`` name the entry by
    its 1-based position in the batch (``row``); ``repeated`` counts entries sent twice in the
    same batch with identical content (kept once, not a problem).
    """

    entries: tuple[ContactEntry, ...]
    problems: tuple[Problem, ...]
    repeated: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_any(self) -> None:
        """For callers that accept a batch all or nothing."""
        if self.problems:
            raise InputError(self.problems)


def check_batch(
    payloads: Sequence[object],
    *,
    staff_id: str,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    today: date | None = None,
    source: str = "sync batch",
    max_entries: int = MAX_BATCH_ENTRIES,
) -> BatchCheck:
    """Check every entry of a batch queued on a device; never raises for bad entries.

    Valid entries are returned for storing, bad ones as problems so that the device can show
    them (the use case decides whether a batch is taken in part or all or nothing). A client id
    repeated in the batch with the same content is kept once; with different content both are
    refused (rule ``conflicting_client_id``). A batch over ``max_entries`` is refused whole
    (rule ``batch_too_large``). Entries already stored are not known here: the store counts
    them as duplicates when it inserts (:func:`healthgap.store.mecc.record_contacts`).
    """
    if not isinstance(payloads, Sequence) or isinstance(payloads, str | bytes):
        problem = Problem(source, None, None, "not_a_list", "a batch is a list of entries")
        return BatchCheck((), (problem,), 0)
    if len(payloads) > max_entries:
        problem = Problem(
            source,
            None,
            None,
            "batch_too_large",
            f"{len(payloads)} entries; send at most {max_entries} at a time",
        )
        return BatchCheck((), (problem,), 0)
    checker = EntryChecker(
        vocabulary or load_vocabulary(), directory, today or date.today(), source
    )
    first: dict[str, tuple[int, ContactEntry]] = {}
    conflicting: set[str] = set()
    repeated = 0
    for row, payload in enumerate(payloads, start=1):
        entry = checker.entry(payload, staff_id, row)
        if entry is None:
            continue
        if entry.client_id not in first:
            first[entry.client_id] = (row, entry)
        elif first[entry.client_id][1] == entry:
            repeated += 1
        else:
            conflicting.add(entry.client_id)
            checker.bad(
                row,
                "client_id",
                "conflicting_client_id",
                f"{entry.client_id} was already used in row {first[entry.client_id][0]} "
                "for a different entry",
            )
    entries = tuple(e for cid, (_, e) in first.items() if cid not in conflicting)
    return BatchCheck(entries, tuple(checker.problems), repeated)


def entries_frame(entries: Iterable[ContactEntry]) -> pd.DataFrame:
    """A contact log table (:data:`LOG_COLUMNS`) from checked entries.

    >>> from datetime import date
    >>> row = ContactEntry("id-1", date(2024, 5, 2), "s1", "rxa", "ed", "acute",
    ...                    ("alcohol", "tobacco"), "advice", None)
    >>> entries_frame([row])[["topics", "action"]].to_dict("records")
    [{'topics': 'alcohol|tobacco', 'action': 'advice'}]
    """
    frame = pd.DataFrame([e._cells() for e in entries], columns=list(LOG_COLUMNS))
    frame["contact_date"] = pd.to_datetime(frame["contact_date"])
    return frame


def entries_from_frame(
    frame: pd.DataFrame,
    *,
    today: date | None = None,
    vocabulary: MeccVocabulary | None = None,
    directory: MeccDirectory | None = None,
    source: str = "contact log",
) -> list[ContactEntry]:
    """Check every row of a contact log table (:data:`LOG_COLUMNS`, e.g. the demo's) and
    return the entries, or raise InputError with every problem (rows counted from 2, as in
    a spreadsheet). Used to load tables into the store through the same checks as a sync.
    """
    vocab = vocabulary or load_vocabulary()
    checker = EntryChecker(vocab, directory, today or date.today(), source)
    entries = []
    dates = pd.to_datetime(frame["contact_date"]).dt.date
    for row, (record, when) in enumerate(zip(frame.to_dict("records"), dates, strict=True), 2):
        staff_id = str(record.pop("staff_id"))
        destination = record.get("destination")
        payload = {
            **record,
            "contact_date": when,
            "topics": str(record["topics"]).split(TOPIC_SEPARATOR),
            "destination": destination if isinstance(destination, str) else None,
        }
        entry = checker.entry(payload, staff_id, row)
        if entry is not None:
            entries.append(entry)
    if checker.problems:
        raise InputError(checker.problems)
    return entries
