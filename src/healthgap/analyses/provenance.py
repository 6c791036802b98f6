"""What every result records about how it was made: its provenance and the warnings met.

>>> import warnings
>>> from healthgap.errors import SmallNumbersWarning
>>> with collect_warnings() as met:
...     warnings.warn("pool more years", SmallNumbersWarning)
>>> met
['SmallNumbersWarning: pool more years']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from healthgap.analyses.source import Source
from healthgap.errors import HealthgapWarning
from healthgap.reports.bundle import Provenance

__all__ = ["collect_warnings", "provenance_of"]


def provenance_of(source: Source, *methods: str) -> Provenance:
    """The source's name and table hashes, the methods used and the SYNTHETIC flag."""
    return Provenance(
        source=source.name,
        hashes=dict(source.hashes()),
        methods=tuple(m for m in methods if m),
        synthetic=bool(source.is_synthetic),
    )


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Collect healthgap's warnings (suppression, small numbers, banding) as lines naming
    their kind, for the result; any other warning is passed on as raised."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HealthgapWarning)
        yield found
    for item in caught:
        if issubclass(item.category, HealthgapWarning):
            found.append(f"{item.category.__name__}: {item.message}")
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    found[:] = list(dict.fromkeys(found))
