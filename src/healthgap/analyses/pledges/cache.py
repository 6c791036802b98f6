"""A small per-process cache of recent answers, for the public pages under load.

Each key keeps its value for ``max_age`` seconds. When a value is stale, one thread computes
the new one while the others keep getting the old one (no stampede of identical queries at
the moment a popular entry expires); a key never computed is computed by each caller that
asks before the first answer is in. Entries
are per :class:`~healthgap.store.Database` object, so two databases (tests, or a web app and
a command in one process) never see each other's answers.

>>> class Owner: ...
>>> cache, db = RecentAnswers(max_age=60), Owner()
>>> cache.get(db, "k", lambda: 1), cache.get(db, "k", lambda: 2)
(1, 1)
>>> cache.forget(db); cache.get(db, "k", lambda: 3)
3
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["RecentAnswers"]

T = TypeVar("T")


class RecentAnswers:
    """Values by ``(owner, key)``, recomputed at most every ``max_age`` seconds; an owner's
    values go when the owner does (weak references)."""

    def __init__(self, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._values: weakref.WeakKeyDictionary[object, dict[Hashable, tuple[float, Any]]] = (
            weakref.WeakKeyDictionary()
        )
        self._busy: set[tuple[int, Hashable]] = set()
        self._lock = threading.Lock()

    def _found(self, owner: object, key: Hashable) -> tuple[float, Any] | None:
        return self._values.get(owner, {}).get(key)

    def get(self, owner: object, key: Hashable, compute: Callable[[], T]) -> T:
        busy = (id(owner), key)
        with self._lock:
            found = self._found(owner, key)
            if found is not None:
                if self._clock() - found[0] < self.max_age or busy in self._busy:
                    return found[1]
                self._busy.add(busy)
        if found is None:
            return self._store(owner, key, compute)
        try:
            return self._store(owner, key, compute)
        finally:
            with self._lock:
                self._busy.discard(busy)

    def _store(self, owner: object, key: Hashable, compute: Callable[[], T]) -> T:
        value = compute()
        with self._lock:
            self._values.setdefault(owner, {})[key] = (self._clock(), value)
        return value

    def forget(self, owner: object) -> None:
        """Drop every value of ``owner`` (e.g. after its campaign was edited)."""
        with self._lock:
            self._values.pop(owner, None)
