"""Results every report of a workspace shares, kept beside its prepared tables.

The classification of every local authority by an area rule and the plan model's national
baseline take seconds to compute and are the same for every area, so a single-area command
in a fresh process would pay for them each time. :func:`kept_result` keeps them in
``<prepared folder>/results/<name>/`` (the folder named by the content key of the areas,
population and deaths tables, so a changed workspace never gets old results): Parquet
tables and JSON only, never pickle, because a workspace folder can come from someone else
and reading it must not run code. A result is written into a staging folder and renamed
into place whole; one that cannot be read back is computed again. The warnings its
computation raised are kept with it and raised again when it is read, so the use cases say
the same as when they compute it.

>>> import tempfile
>>> import pandas as pd
>>> class Kept:
...     folder = Path(tempfile.mkdtemp())
...     def results_folder(self): return self.folder
>>> save = lambda frame, place: frame.to_parquet(place / "t.parquet")
>>> load = lambda place: pd.read_parquet(place / "t.parquet")
>>> first = kept_result(Kept(), ("demo",), lambda: pd.DataFrame({"x": [1.5]}), save, load)
>>> kept_result(Kept(), ("demo",), lambda: pd.DataFrame({"x": [9.0]}), save, load)["x"].tolist()
[1.5]
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

import healthgap
from healthgap.errors import (
    BandingWarning,
    HealthgapWarning,
    SmallNumbersWarning,
    SuppressionWarning,
)

__all__ = ["kept_result", "results_folder"]

log = logging.getLogger("healthgap.analyses")

T = TypeVar("T")

#: The warnings a kept result may carry (raised again by name when it is read back); a
#: result whose computation raised any other warning is not kept.
WARNING_KINDS: dict[str, type[Warning]] = {
    kind.__name__: kind
    for kind in (HealthgapWarning, SuppressionWarning, BandingWarning, SmallNumbersWarning)
}
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, pa.ArrowException)


def results_folder(source: object) -> Path | None:
    """Where ``source`` keeps shared results (its prepared folder), or None."""
    find = getattr(source, "results_folder", None)
    return find() if callable(find) else None


def kept_result(
    source: object,
    key: tuple[Any, ...],
    compute: Callable[[], T],
    save: Callable[[T, Path], None],
    load: Callable[[Path], T],
) -> T:
    """The result named by ``key`` (text and numbers) as kept by ``source``; else
    ``compute()``, kept with ``save(value, folder)`` for :func:`load(folder)` next time."""
    folder = results_folder(source)
    if folder is None:
        return compute()
    text = json.dumps([healthgap.__version__, *map(str, key)])
    place = folder / "results" / hashlib.sha256(text.encode()).hexdigest()[:32]
    if place.is_dir():
        try:
            value = load(place)
            raised = [
                (WARNING_KINDS[kind], str(message))
                for kind, message in json.loads((place / "warnings.json").read_text())
            ]
        except _UNREADABLE as error:
            log.warning("computing %s again: the kept copy cannot be read (%s)", key[0], error)
            shutil.rmtree(place, ignore_errors=True)  # so that a good copy replaces it
        else:
            for kind, message in raised:
                warnings.warn(message, kind, stacklevel=2)
            return value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = compute()
    raised = [(w.category, str(w.message)) for w in caught]
    for kind, message in raised:
        warnings.warn(message, kind, stacklevel=2)
    if all(WARNING_KINDS.get(kind.__name__) is kind for kind, _ in raised):
        _keep(place, value, save, [[kind.__name__, message] for kind, message in raised])
    return value


def _keep(place: Path, value: T, save: Callable[[T, Path], None], raised: list[list[str]]) -> None:
    """Write into a staging folder and rename it into place whole (never half a result)."""
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{place.name}.", dir=place.parent))
    except OSError as error:  # a read-only workspace: keep nothing
        log.warning("could not keep a shared result in %s: %s", place.parent, error)
        return
    try:
        save(value, staging)
        (staging / "warnings.json").write_text(json.dumps(raised))
        staging.rename(place)
    except OSError as error:  # a full disk; or another process kept it first
        if not place.is_dir():
            log.warning("could not keep a shared result in %s: %s", place, error)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
