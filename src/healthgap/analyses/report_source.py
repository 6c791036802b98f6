"""A source that remembers what it read, for the many use cases one report (or a run of
reports) calls.

The sections of a report read the same rows again and again: England's rows (summed from
every small area) for the profile, the target trend of each sex and the explanation, each
period pooled from single years. :class:`RememberingSource` keeps the last reads (a few,
so memory stays bounded) and hands out copies, so a report, and ``healthgap report all``
across local authorities, pools each of them once. It also keeps the results that are the
same for every area of a run (:meth:`RememberingSource.remember`: the classification of
every local authority by an area rule, the plan model's national baseline), computed by the
first report that needs them or handed over by the run (:meth:`RememberingSource.hold`).

>>> import pandas as pd
>>> class Counting:
...     name, is_synthetic, calls = "ws", True, 0
...     def hashes(self): return {}
...     def has(self, table): return True
...     def areas(self): return pd.DataFrame({"area_code": ["A"]})
...     def periods(self, table): return ["2024"]
...     def read(self, table, codes, period):
...         Counting.calls += 1
...         return pd.DataFrame({"deaths": [1.0]})
>>> source = RememberingSource(Counting())
>>> _ = source.read("deaths", ["A"], None), source.read("deaths", ["A"], None)
>>> Counting.calls
1
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.kept_results import results_folder
from healthgap.analyses.source import Source
from healthgap.periods import Period

__all__ = ["RememberingSource"]

#: Reads kept: every read of one report (England's deaths and population in each period of
#: a trend, about 35 MB each nationally, and the small reads of the area itself).
KEEP = 48


class RememberingSource:
    """``source`` with its reads remembered (see the module docstring)."""

    def __init__(self, source: Source, keep: int = KEEP) -> None:
        self.source = source
        self.keep = keep
        self._reads: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
        self._areas: pd.DataFrame | None = None
        self._results: dict[tuple[Any, ...], Any] = {}

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def is_synthetic(self) -> bool:
        return self.source.is_synthetic

    def hashes(self) -> Mapping[str, str]:
        return self.source.hashes()

    def has(self, table: str) -> bool:
        return self.source.has(table)

    def areas(self) -> pd.DataFrame:
        if self._areas is None:
            self._areas = self.source.areas()
        return self._areas.copy()

    def periods(self, table: str) -> list[str]:
        return self.source.periods(table)

    def results_folder(self) -> Path | None:
        """The folder where ``source`` keeps results shared by every area, if it has one."""
        return results_folder(self.source)

    def remember(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key`` for every report built from this source (a result
        that does not depend on the report's area); callers must not change it."""
        if key not in self._results:
            self._results[key] = compute()
        return self._results[key]

    def held(self) -> dict[tuple[Any, ...], Any]:
        """The results :meth:`remember` holds (to hand them to the workers of a run)."""
        return dict(self._results)

    def hold(self, results: Mapping[tuple[Any, ...], Any]) -> None:
        """Hold ``results`` computed elsewhere (another process of the same run)."""
        self._results.update(results)

    def read(
        self, table: str, area_codes: Sequence[str] | None, period: Period | None
    ) -> pd.DataFrame:
        codes = None if area_codes is None else tuple(map(str, area_codes))
        key = (table, codes, None if period is None else str(period))
        if key in self._reads:
            self._reads.move_to_end(key)
        else:
            self._reads[key] = self.source.read(table, area_codes, period)
            while len(self._reads) > self.keep:
                self._reads.popitem(last=False)
        return self._reads[key].copy()
