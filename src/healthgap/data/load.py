"""Load one user file in a named layout into a canonical healthgap table.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "deaths_2014.csv"
>>> rows = ["area_code,sex,age_band,deaths"] + [
...     f"E06000001,Female,{b},1" for b in ["<1", "1-4", *[f"{a}-{a + 4}" for a in
...     range(5, 90, 5)], "90+"]]
>>> _ = f.write_text("\\n".join(rows), encoding="utf-8")
>>> t = load(f, "ons_deaths")
>>> t.columns.tolist(), t["period"].iloc[0], len(t)
(['area_code', 'period', 'sex', 'age_start', 'cause', 'deaths'], '2014', 20)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from healthgap.data.bands import band_coverage_problems, parse_age_labels, reband
from healthgap.data.layouts import detect_layout, resolve_layout
from healthgap.data.model import KEY_COLUMNS, TABLE_COLUMNS
from healthgap.data.readers import ROW, read_table_file
from healthgap.data.vocab import (
    COUNT_COLUMNS,
    PROPORTION_COLUMNS,
    normalise_period,
    normalise_sex,
    parse_numbers,
)
from healthgap.errors import InputError, Problem

__all__ = ["load", "read_header"]

_NUMERIC = COUNT_COLUMNS | PROPORTION_COLUMNS | {"value", "lowercl", "uppercl", "deprivation_score"}


def read_header(path: str | os.PathLike[str]) -> list[str]:
    """Column headers of a file (used to detect its layout)."""
    return [c for c in read_table_file(path).columns if c != ROW]


def load(
    path: str | os.PathLike[str],
    layout: str | os.PathLike[str] | Mapping[str, Any] | None,
    *,
    name: str | None = None,
) -> pd.DataFrame:
    """Read one file in a layout and return the canonical tidy table.

    Parameters
    ----------
    path
        A ``.csv`` (any delimiter; UTF-8 with or without BOM), ``.xlsx`` or ``.parquet`` file.
    layout
        A built-in layout name (see :data:`healthgap.data.layouts.BUILTIN_LAYOUTS`), the path
        of a YAML mapping spec, a mapping spec, or ``None`` to detect it from the headers.
    name
        How to name the file in problems (default: the path as given).

    Returns
    -------
    pandas.DataFrame
        Columns of ``TABLE_COLUMNS[table]`` (then any ``extra`` columns): ``period`` as a
        string, ``age_start`` as int, ``sex`` in male/female/persons, counts as float,
        re-banded to the 20 standard bands when the file has single years or other bands.
        ``attrs`` holds ``table``, ``source``, ``layout``, ``area_codes`` and, when rows map
        one to one, ``source_rows`` (the spreadsheet row of each output row).

    Raises
    ------
    InputError
        Listing every problem found (file, spreadsheet row, column, rule): missing columns,
        non-numeric or negative counts, unknown sex codes, unreadable ages, missing or
        overlapping age bands, duplicate keys, empty files, wrong encodings.

    Notes
    -----
    Age re-banding sums counts: :math:`V_j = \\sum_{[a_i,b_i) \\subseteq [t_j,t_{j+1})} v_i`
    (see :func:`healthgap.data.bands.reband`), warning with
    :class:`~healthgap.errors.BandingWarning` when the standard bands cannot be reached.
    """
    source = name or str(path)
    if layout is None:
        layout = detect_layout(read_header(path), source)
    spec = resolve_layout(layout)
    raw = read_table_file(path, sheet=spec.get("sheet"), header_row=int(spec.get("header_row", 1)))
    mapper = _Mapper(spec, raw, source, Path(path).name)
    table = mapper.run()
    table.attrs = {
        "table": spec["table"],
        "source": source,
        "layout": spec.get("name", "custom"),
        "area_codes": spec.get("area_codes", "any"),
        **({"source_rows": mapper.source_rows} if mapper.source_rows is not None else {}),
    }
    return table


class _Mapper:
    """Applies one layout spec to one raw frame, collecting every problem on the way."""

    def __init__(self, spec: Mapping[str, Any], raw: pd.DataFrame, source: str, filename: str):
        self.spec = spec
        self.raw = raw
        self.source = source
        self.filename = filename
        self.table: str = spec["table"]
        self.problems: list[Problem] = []
        self.source_rows: list[int] | None = None
        self._headers = {c.lower(): c for c in raw.columns}

    # -- helpers -----------------------------------------------------------------------
    def _problem_rows(self, mask: pd.Series, column: str, rule: str, message: Any) -> None:
        """Add one problem per True row of ``mask``; ``message`` may be a Series per row."""
        hits = self.raw.loc[mask[mask].index]
        texts = message[mask] if isinstance(message, pd.Series) else None
        for i, row in enumerate(hits[ROW].tolist()):
            text = str(texts.iloc[i]) if texts is not None else str(message)
            self.problems.append(Problem(self.source, int(row), column, rule, text))

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
        self._keep_rows()
        out = self._map_columns()
        self._raise_if_problems()
        if "age" in self.spec or "wide" in self.spec:
            out = self._ages(out)
            self._raise_if_problems()
            self._check_bands(out)
        self._check_duplicates(out)
        self._raise_if_problems()
        return self._finish(out)

    def _raise_if_problems(self) -> None:
        if self.problems:
            raise InputError(self.problems)

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
            self.problems.append(
                Problem(self.source, None, None, "empty_file", "no rows left to import")
            )
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
                self.problems.append(
                    Problem(
                        self.source,
                        1,
                        str(entry["source"]),
                        "missing_column",
                        f"no column {entry['source']!r} (needed for {target}); "
                        f"columns found: {', '.join(c for c in self.raw.columns if c != ROW)}",
                    )
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
                self.problems.append(
                    Problem(self.source, None, "sex", "unknown_sex", f"{value!r} is not a sex code")
                )
                return value
            return str(sex)
        return value

    def _require_keys(self, out: pd.DataFrame) -> None:
        for key in KEY_COLUMNS[self.table]:
            if key == "age_start" or key in out.columns:
                continue
            if not any(p.rule == "missing_column" for p in self.problems):
                self.problems.append(
                    Problem(
                        self.source,
                        1,
                        key,
                        "missing_column",
                        f"the layout gives no {key!r}: map a column or set a constant",
                    )
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
            return self._melt_wide(out)
        age = self.spec["age"]
        column = self._source(age["column"])
        if column is None:
            self.problems.append(
                Problem(self.source, 1, age["column"], "missing_column", "no age column")
            )
            self._raise_if_problems()
        bands = self._parse_ages(self.raw[column], age, column)
        return out.join(bands)

    def _parse_ages(self, cells: pd.Series, age: Mapping, column: str) -> pd.DataFrame:
        text = cells.astype(str).str.strip()
        kind = age.get("kind", "label")
        if kind == "start":
            starts, bad = parse_numbers(text)
            bad |= starts.isna() | (starts < 0) | (starts != np.floor(starts))
            known = np.sort(starts[~bad].unique())
            ends = dict(zip(known, [*known[1:], np.inf], strict=True))
            bands = pd.DataFrame({"age_start": starts, "age_end": starts.map(ends)})
        else:
            bands = parse_age_labels(text)
            if kind == "single_year":
                bad_single = (bands["age_end"] - bands["age_start"] != 1) & np.isfinite(
                    bands["age_end"]
                )
                bands.loc[bad_single, ["age_start", "age_end"]] = np.nan
            bad = bands["age_start"].isna()
        if "open_from" in age:
            top = float(age["open_from"])
            bands.loc[bands["age_start"] == top, "age_end"] = np.inf
            above = bands["age_start"] > top
            self._problem_rows(
                above, column, "bad_age_band", "'" + text + f"' is above the open band {top:g}+"
            )
        self._problem_rows(bad, column, "bad_age_band", "'" + text + "' is not an age or age band")
        return bands

    def _melt_wide(self, out: pd.DataFrame) -> pd.DataFrame:
        wide = self.spec["wide"]
        ages = [c for c in self.raw.columns if c != ROW and re.fullmatch(wide["age_columns"], c)]
        if not ages:
            self.problems.append(
                Problem(self.source, 1, None, "missing_column", "no age columns (0, 1, ..., 90)")
            )
            self._raise_if_problems()
        value = wide["value"]
        # All age columns as one column of text, parsed in one go (column by column is slow).
        stacked = self.raw[ages].astype(str).stack()
        text = stacked.str.strip()
        numbers, unreadable = parse_numbers(text)
        headers = stacked.index.get_level_values(1)
        rows = self.raw[ROW].reindex(stacked.index.get_level_values(0)).to_numpy()
        checks = [
            (unreadable, "non_numeric", "is not a number"),
            (numbers < 0, "negative_count", "is a negative count"),
            (text == "", "missing_value", "is empty"),
        ]
        for mask, rule, what in checks:
            for i in np.flatnonzero(mask.to_numpy()):
                message = f"'{text.iloc[i]}' {what}"
                self.problems.append(Problem(self.source, int(rows[i]), headers[i], rule, message))
        counts = numbers.unstack()[ages]
        total_header = self._source(wide.get("total_column", ""))
        if total_header is not None:
            total, _ = parse_numbers(self.raw[total_header])
            off = (counts.sum(axis=1) - total).abs() > 0.5
            self._problem_rows(
                off & total.notna(),
                total_header,
                "total_mismatch",
                "the ages sum to "
                + counts.sum(axis=1).map("{:g}".format)
                + ", not "
                + total.map("{:g}".format),
            )
        self._raise_if_problems()
        header_bands = self._parse_ages(pd.Series(ages, index=ages), wide, "header")
        long = out.join(counts).melt(
            id_vars=list(out.columns),
            value_vars=ages,
            var_name="__age__",
            value_name=value,
            ignore_index=False,
        )
        long = long.join(header_bands, on="__age__").drop(columns="__age__")
        return long

    def _check_bands(self, out: pd.DataFrame) -> None:
        """Each group must run from 0 to an open top band without gaps or overlaps."""
        keys = [k for k in KEY_COLUMNS[self.table] if k != "age_start" and k in out.columns]
        frame = out[[*keys, "age_start", "age_end"]].assign(
            **{ROW: self.raw[ROW].reindex(out.index).to_numpy()}
        )
        column = self.spec.get("age", {}).get("column", "age")
        # Deaths rows may be left out where the count is zero, so only their overlaps count.
        for row, rule, message in band_coverage_problems(
            frame, keys, ROW, complete=self.table != "deaths"
        ):
            self.problems.append(Problem(self.source, row, column, rule, message))

    def _check_duplicates(self, out: pd.DataFrame) -> None:
        keys = [k for k in KEY_COLUMNS[self.table] if k in out.columns]
        if self.spec.get("distinct"):
            out = out.drop_duplicates()
        dup = out.duplicated(keys, keep="first")
        if dup.any():
            rows = self.raw[ROW].reindex(out.index)
            first_row = rows.groupby([out[k] for k in keys], sort=False).transform("min")
            for index in np.flatnonzero(dup.to_numpy()):
                self.problems.append(
                    Problem(
                        self.source,
                        int(rows.iloc[index]),
                        keys[-1],
                        "duplicate_key",
                        f"same {', '.join(keys)} as row {int(first_row.iloc[index])}",
                    )
                )

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
