"""Applying one layout spec to one raw frame: columns mapped, cells converted, keys and age
bands checked, every problem collected on the way (the engine of
:func:`~healthgap.data.load.load`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from healthgap.data.age_columns import check_band_coverage, melt_wide, parse_ages
from healthgap.data.bands import reband
from healthgap.data.file_problems import FileProblems
from healthgap.data.limits import Limits
from healthgap.data.model import KEY_COLUMNS, TABLE_COLUMNS
from healthgap.data.readers import ROW
from healthgap.data.vocab import (
    COUNT_COLUMNS,
    PROPORTION_COLUMNS,
    normalise_period,
    normalise_sex,
    parse_numbers,
)
from healthgap.errors import InputError

_NUMERIC = COUNT_COLUMNS | PROPORTION_COLUMNS | {"value", "lowercl", "uppercl", "deprivation_score"}

__all__ = ["LayoutMapper"]


class LayoutMapper:
    """Applies one layout spec to one raw frame, collecting every problem on the way."""

    def __init__(
        self,
        spec: Mapping[str, Any],
        raw: pd.DataFrame,
        source: str,
        filename: str,
        limits: Limits,
    ):
        self.spec = spec
        self.raw = raw
        self.source = source
        self.filename = filename
        self.table: str = spec["table"]
        self.problems = FileProblems(source, limits.max_problems_per_rule)
        self.source_rows: list[int] | None = None
        self.tainted: frozenset[str] = frozenset()
        #: ``(spreadsheet row, area code)`` of each row dropped for a bad cell, so its area
        #: code is still checked against the areas table.
        self.lost_codes: list[tuple[int, str]] = []
        #: The key cells (age included) of each row dropped for a bad cell, ``None`` where
        #: unreadable: the age-band check counts their bands as present (one pass).
        self.lost_rows: list[dict[str, Any]] = []
        #: Areas whose age-band problems this file already reported.
        self.bands_reported: frozenset[str] = frozenset()
        self._headers = {c.lower(): c for c in raw.columns}

    # -- helpers -----------------------------------------------------------------------
    def _problem_rows(self, mask: pd.Series, column: str, rule: str, message: Any) -> None:
        """Add one problem per True row of ``mask``; ``message`` may be a Series per row."""
        self.problems.add_rows(self.raw[ROW], mask, column, rule, message)

    def _source(self, header: str) -> str | None:
        return self._headers.get(str(header).lower())

    @staticmethod
    def _entry(entry: Any) -> dict[str, Any]:
        return {"source": entry} if isinstance(entry, str) else dict(entry)

    def _from_filename(self, key: str) -> str | None:
        rule = self.spec.get(key) or {}
        if "value" in rule:
            return str(rule["value"])
        if "from_filename" in rule:
            sheet = str(self.spec.get("sheet") or "")
            match = re.search(rule["from_filename"], f"{self.filename} {sheet}")
            return match.group(1) if match else None
        return None

    # -- the pipeline ------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """The canonical table of the rows whose cells are clean; every problem is recorded
        in :attr:`problems` (a problem that concerns the whole file is raised at once)."""
        self._keep_rows()
        out = self._map_columns()
        if any(p.row is None or p.rule == "missing_column" for p in self.problems.items):
            self._raise_if_problems()  # nothing can be checked row by row
        has_ages = "age" in self.spec or "wide" in self.spec
        if has_ages:
            out = self._ages(out)
        bad = out.index.isin(list(self.problems.bad_labels))
        if bad.any() and "area_code" in out.columns:
            self.tainted = frozenset(out.loc[bad, "area_code"].astype(str))
            codes = out.loc[bad, "area_code"].astype(str).str.strip()
            rows = self.raw[ROW].reindex(codes.index)
            self.lost_codes = [(int(r), c) for r, c in zip(rows, codes, strict=True) if c]
            self.lost_rows = self._key_cells(out[bad])
        out = out[~bad]
        if has_ages:
            self._check_band_coverage(out)
        out = self._check_duplicates(out)
        held = out.iloc[0:0]
        if self.tainted and "area_code" in out.columns:
            # Rows of tainted areas would only skew re-banding of the whole table; they are
            # added back as they are, for the checks of single rows (periods, area codes).
            in_tainted = out["area_code"].astype(str).isin(self.tainted).to_numpy()
            held, out = out[in_tainted], out[~in_tainted]
        try:
            return self._with_held(self._finish(out), held)
        except InputError as error:  # re-banding the clean rows failed as a whole
            self.problems.items.extend(error.problems)
            raise InputError(self.problems.all) from None

    def _with_held(self, table: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
        """``table`` and, after it, the clean rows of tainted areas (not re-banded), so that
        every check of a single row or cell still sees them: one upload names every
        problem. A table with such rows always has problems, so it is never written.
        Without the spreadsheet row of every row (re-banding merged rows) they stay out."""
        if held.empty or self.source_rows is None:
            return table
        rows = self.raw[ROW].reindex(held.index).to_numpy()
        extra = held.reindex(columns=table.columns)
        if "age_start" in extra.columns:
            extra["age_start"] = extra["age_start"].astype("int64")
        self.source_rows = [*self.source_rows, *(int(r) for r in rows)]
        return pd.concat([table, extra], ignore_index=True)

    def _key_cells(self, rows: pd.DataFrame) -> list[dict[str, Any]]:
        keys = [k for k in KEY_COLUMNS[self.table] if k in rows.columns]
        if "age_start" not in keys:
            return []
        cells = rows[keys].astype(object)
        return cells.where(cells.notna(), None).to_dict("records")

    def _check_band_coverage(self, out: pd.DataFrame) -> None:
        """Band gaps and overlaps, outside the areas that lost rows to bad cells; an area
        with a band problem is tainted too, so later checks do not repeat it."""
        column = self.spec.get("age", {}).get("column", "age")
        if "area_code" in out.columns and self.tainted:
            out = out[~out["area_code"].astype(str).isin(self.tainted)]
        before = len(self.problems.items)
        check_band_coverage(out, self.raw[ROW], self.table, column, self.problems)
        if "area_code" in out.columns and len(self.problems.items) > before:
            rows = {p.row for p in self.problems.items[before:]}
            at_rows = self.raw[ROW].reindex(out.index).isin(rows).to_numpy()
            reported = frozenset(out.loc[at_rows, "area_code"].astype(str))
            self.tainted = self.tainted | reported
            self.bands_reported = reported

    def _raise_if_problems(self) -> None:
        self.problems.raise_if_any()

    def _keep_rows(self) -> None:
        keep = pd.Series(True, index=self.raw.index)
        for header, rule in (self.spec.get("keep_rows") or {}).items():
            column = self._source(header)
            if column is None:
                continue  # an absent breakdown column means every row is a whole-area row
            cells = self.raw[column].astype(str).str.strip()
            if isinstance(rule, Mapping) and rule.get("empty"):
                keep &= cells == ""
            elif isinstance(rule, Mapping) and "pattern" in rule:
                keep &= cells.str.contains(rule["pattern"], regex=True)
            else:
                keep &= cells.isin([str(v) for v in rule])
        self.raw = self.raw[keep]
        if self.raw.empty:
            self.problems.add(None, None, "empty_file", "no rows left to import")
            self._raise_if_problems()

    def _map_columns(self) -> pd.DataFrame:
        out = pd.DataFrame(index=self.raw.index)
        wanted = {**(self.spec.get("columns") or {}), **(self.spec.get("extra") or {})}
        constants = {**(self.spec.get("constants") or {})}
        for key in ("period", "sex"):
            found = self._from_filename(key)
            if found is not None and key not in constants:
                constants[key] = found
        for target, entry in wanted.items():
            entry = self._entry(entry)
            column = self._source(entry["source"])
            if column is None:
                if target in constants:
                    continue
                if entry.get("optional"):
                    if "default" in entry:
                        out[target] = str(entry["default"])
                    continue
                self.problems.add(
                    1,
                    str(entry["source"]),
                    "missing_column",
                    f"no column {entry['source']!r} (needed for {target}); "
                    f"columns found: {', '.join(c for c in self.raw.columns if c != ROW)}",
                )
                continue
            out[target] = self._convert(target, self.raw[column], column, entry)
        for target, value in constants.items():
            if target not in out.columns:
                out[target] = self._constant(target, str(value))
        self._require_keys(out)
        pattern = self.spec.get("keep_columns")
        if pattern:
            for column in self.raw.columns:
                if column != ROW and re.search(pattern, column) and column not in out.columns:
                    out[column] = self.raw[column].astype(str).str.strip().replace("", None)
        for target, mapping in (self.spec.get("values") or {}).items():
            if target in out.columns:
                out[target] = out[target].replace({str(k): v for k, v in mapping.items()})
        return out

    def _constant(self, target: str, value: str) -> str:
        """A value from the spec or the file name, in healthgap's vocabulary."""
        if target == "period":
            return str(normalise_period(pd.Series([value])).iloc[0])
        if target == "sex":
            sex = normalise_sex(pd.Series([value])).iloc[0]
            if pd.isna(sex):
                self.problems.add(None, "sex", "unknown_sex", f"{value!r} is not a sex code")
                return value
            return str(sex)
        return value

    def _require_keys(self, out: pd.DataFrame) -> None:
        for key in KEY_COLUMNS[self.table]:
            if key == "age_start" or key in out.columns:
                continue
            if not any(p.rule == "missing_column" for p in self.problems.items):
                self.problems.add(
                    1,
                    key,
                    "missing_column",
                    f"the layout gives no {key!r}: map a column or set a constant",
                )

    def _convert(self, target: str, cells: pd.Series, column: str, entry: Mapping) -> pd.Series:
        text = cells.astype(str).str.strip()
        if target in _NUMERIC or entry.get("numeric"):
            numbers, unreadable = parse_numbers(text)
            self._problem_rows(unreadable, column, "non_numeric", "'" + text + "' is not a number")
            if target in COUNT_COLUMNS:
                required = not entry.get("optional")
                missing = (text == "") if required else pd.Series(False, index=text.index)
                self._problem_rows(missing, column, "missing_value", "the count is empty")
                self._problem_rows(
                    numbers < 0, column, "negative_count", "count " + text + " is negative"
                )
            if target in PROPORTION_COLUMNS:
                outside = (numbers < 0) | (numbers > 1)
                self._problem_rows(
                    outside, column, "out_of_range", text + " is not between 0 and 1"
                )
            return numbers
        if target == "sex":
            sex = normalise_sex(text)
            self._problem_rows(
                sex.isna(),
                column,
                "unknown_sex",
                "'" + text + "' is not a sex code (male/female/persons, M/F/P, 1/2)",
            )
            return sex
        if target == "period":
            period = normalise_period(text)
            self._problem_rows(period == "", column, "missing_value", "the period is empty")
            return period
        if target in {"area_code", "level", "indicator"}:
            self._problem_rows(text == "", column, "missing_value", f"the {target} is empty")
        return text

    def _ages(self, out: pd.DataFrame) -> pd.DataFrame:
        if "wide" in self.spec:
            wide = self.spec["wide"]
            total = self._source(wide.get("total_column", ""))
            return melt_wide(self.raw, out, wide, total, self.problems)
        age = self.spec["age"]
        column = self._source(age["column"])
        if column is None:
            self.problems.add(1, age["column"], "missing_column", "no age column")
            self.problems.raise_if_any()
        bands = parse_ages(self.raw[column], age, column, self.raw[ROW], self.problems)
        return out.join(bands)

    def _check_duplicates(self, out: pd.DataFrame) -> pd.DataFrame:
        """Report each repeated key (naming the first row with it); return ``out`` without
        the repeats, so later checks see every key once."""
        keys = [k for k in KEY_COLUMNS[self.table] if k in out.columns]
        if self.spec.get("distinct"):
            out = out.drop_duplicates()
        dup = out.duplicated(keys, keep="first")
        if not dup.any():
            return out
        rows = self.raw[ROW].reindex(out.index)
        first_row = rows.groupby([out[k] for k in keys], sort=False).transform("min")
        positions = np.flatnonzero(dup.to_numpy())
        self.problems.add_positions(
            rows.to_numpy(),
            positions,
            keys[-1],
            "duplicate_key",
            lambda i: f"same {', '.join(keys)} as row {int(first_row.iloc[i])}",
        )
        return out[~dup.to_numpy()]

    def _finish(self, out: pd.DataFrame) -> pd.DataFrame:
        columns = [c for c in TABLE_COLUMNS[self.table] if c in out.columns]
        extras = [c for c in out.columns if c not in columns and c != "age_end"]
        if self.spec.get("distinct"):
            out = out.drop_duplicates()
        rows = self.raw[ROW].reindex(out.index).to_numpy()
        if "age_start" in out.columns:
            values = [c for c in (*columns, *extras) if c in _NUMERIC and c in out.columns]
            before = len(out)
            out = out.assign(__first_row__=rows)
            rebanded = reband(out.drop(columns="__first_row__"), values)
            if len(rebanded) == before:
                keys = [c for c in rebanded.columns if c not in values]
                order = out.sort_values(keys, kind="stable")["__first_row__"]
                self.source_rows = [int(r) for r in order]
            out = rebanded
            out["age_start"] = out["age_start"].astype("int64")
        else:
            self.source_rows = [int(r) for r in rows]
        return out[[*columns, *extras]].reset_index(drop=True)
