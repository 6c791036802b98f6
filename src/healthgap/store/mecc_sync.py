"""Group commit of MECC sync batches on SQLite: the syncs waiting for the one writer are
written together, in one transaction, and each is told what happened to its own entries.

SQLite lets one connection write at a time, and each commit waits for the disk (several
milliseconds on a busy machine); batches written one by one therefore queue behind each
other's commits. Here the first waiting sync becomes the *leader*: it takes every batch
waiting at that moment, writes them with one ``INSERT ... ON CONFLICT (client_id) DO NOTHING
RETURNING client_id`` per 1,000 rows in one transaction, gives each batch its own counts (an
entry inserted now counts as new for the first batch of the group that carries it, as a
duplicate for any other), wakes them, and hands the lead to the next waiting sync. If the
group's transaction fails (an entry breaking a foreign key, say), each batch of the group is
written again on its own, so only the faulty one fails. PostgreSQL needs none of this: its
writers do not block each other.

>>> from concurrent.futures import ThreadPoolExecutor
>>> stored, written = set(), []
>>> def insert(batches):  # stands for one transaction over every batch of the group
...     new = {cid for batch in batches for cid in batch} - stored
...     stored.update(new)
...     written.append(len(batches))
...     return new
>>> group = GroupCommit(insert)
>>> with ThreadPoolExecutor(4) as pool:
...     results = list(pool.map(group.write, [["a", "b"], ["b", "c"], ["d"], ["a"]]))
>>> sorted(cid for batch in results for cid in batch), sum(written) == 4
(['a', 'b', 'c', 'd'], True)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

Entry = TypeVar("Entry")


@dataclass
class _Slot(Generic[Entry]):
    batch: Sequence[Entry]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    new: frozenset[str] | None = None
    error: BaseException | None = None


class GroupCommit(Generic[Entry]):
    """Writes batches handed in by many threads, several at a time.

    ``insert(batches)`` writes every batch of a group in one transaction and returns the
    client ids inserted by it (entries already stored are not returned);
    ``client_id(entry)`` gives an entry's id (the entry itself by default). :meth:`write`
    returns the ids of ``batch`` that are new, or raises the error of its transaction.
    """

    def __init__(
        self,
        insert: Callable[[Sequence[Sequence[Entry]]], set[str]],
        client_id: Callable[[Entry], str] = str,
    ) -> None:
        self._insert = insert
        self._client_id = client_id
        self._lock = threading.Lock()
        self._waiting: list[_Slot[Entry]] = []
        self._writing = False

    def write(self, batch: Sequence[Entry]) -> frozenset[str]:
        slot: _Slot[Entry] = _Slot(batch)
        with self._lock:
            self._waiting.append(slot)
            if not self._writing:
                self._writing = slot.lead = True
        if not slot.lead:
            slot.done.wait()  # woken with this batch's outcome, or to lead the next group
        if slot.new is None and slot.error is None:
            self._lead()
        if slot.error is not None:
            raise slot.error
        assert slot.new is not None
        return slot.new

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            self._write_group(group)
        finally:
            for slot in group:
                if not slot.lead:
                    slot.done.set()
            with self._lock:
                if self._waiting:
                    following = self._waiting[0]
                    following.lead = True
                    following.done.set()
                else:
                    self._writing = False

    def _write_group(self, group: list[_Slot[Entry]]) -> None:
        try:
            inserted = self._insert([slot.batch for slot in group])
        except Exception as exc:  # noqa: BLE001 - retried one by one so only the faulty one fails
            if len(group) == 1:
                group[0].error = exc
                return
            for slot in group:
                self._write_group([slot])
            return
        claimed: set[str] = set()
        for slot in group:
            ids = {self._client_id(entry) for entry in slot.batch}
            mine = (ids & inserted) - claimed
            claimed |= mine
            slot.new = frozenset(mine)
