"""The web's cache of MECC dashboards: a bundle is computed once per choice (page,
organisation, dates) and per state of the MECC tables, and kept for a few minutes.

The state is :func:`healthgap.analyses.mecc_data_version` (rows of each MECC table and the
highest contact id, one small query), so a new entry or import shows at once; the pages'
own imports also :func:`forget` everything, for an import that replaces figures without
adding rows. Bundles computed from an older state simply age out.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from healthgap.analyses import mecc_data_version
from healthgap.store import Database

__all__ = ["forget", "mecc_memo"]

Value = TypeVar("Value")
_KEEP = 48  # bundles kept (each a few hundred kilobytes at most)
_SECONDS = 600.0
_cache: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()


def mecc_memo(database: Database, key: tuple[Hashable, ...], compute: Callable[[], Value]) -> Value:
    """``compute()`` once per ``key`` and state of the MECC tables of ``database``."""
    full = (str(database.engine.url), mecc_data_version(database), *key)
    now = time.monotonic()
    with _lock:
        found = _cache.get(full)
        if found is not None and now - found[0] < _SECONDS:
            _cache.move_to_end(full)
            return found[1]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _cache[full] = (now, value)
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return value


def forget() -> None:
    """Drop every cached bundle (after an import that may change figures in place)."""
    with _lock:
        _cache.clear()
