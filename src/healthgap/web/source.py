"""The served workspace as a :class:`healthgap.analyses.source.Source`.

The use cases ask for rows by area and period; this source answers from the per-level
tables the web prepares once per workspace content (:mod:`healthgap.data.levels`), so a page
of a national workspace slices a few thousand rows instead of scanning millions. Which rows
a question needs is decided by the use case, never here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from healthgap.analyses.source import check_columns, rows_in
from healthgap.data.aggregate import select_period, stored_labels
from healthgap.periods import Period
from healthgap.web.workspaces import COUNT_TABLES, WorkspaceService

__all__ = ["ServedSource"]


class ServedSource:
    """The served workspace's tables, read through the web's prepared per-level tables."""

    def __init__(self, service: WorkspaceService) -> None:
        self.service = service

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def is_synthetic(self) -> bool:
        return bool(self.service.summary()["synthetic"])

    def hashes(self) -> Mapping[str, str]:
        return self.service.workspace().hashes()

    def has(self, table: str) -> bool:
        return self.service.workspace().has(table)

    def _table(self, table: str) -> pd.DataFrame:
        frame = self.service.table(table)
        self.service.memo(
            ("checked", table), lambda: check_columns(frame, table, f"{self.name}/{table}")
        )
        return frame

    def areas(self) -> pd.DataFrame:
        return self._table("areas")

    def periods(self, table: str) -> list[str]:
        prepared = self.service.prepared_rows() if table in COUNT_TABLES else None
        if prepared is not None:  # no need to read the raw national table for its labels
            return prepared.periods(table)
        return self.service.memo(
            ("periods", table),
            lambda: sorted({str(p) for p in self._table(table)["period"].unique()}),
        )

    def read(
        self, table: str, area_codes: Sequence[str] | None, period: Period | None
    ) -> pd.DataFrame:
        if area_codes is not None and table in COUNT_TABLES:
            if self.service.prepared_rows() is None:  # checked when they were prepared
                self._table(table)
            if period is not None:  # the same problem as every source for a missing year
                stored_labels(period, self.periods(table))
            return self.service.area_rows().select(table, area_codes, period)
        rows = self._table(table)
        if area_codes is not None:
            rows = rows[rows_in(rows["area_code"], area_codes)]
        return (
            rows if period is None else select_period(rows, period, available=self.periods(table))
        )
