"""Read a staff health file (CSV or XLSX) into the staff health table, all or nothing.

The file is read by the data layer's reader (every cell as text, spreadsheet row numbers
kept), its headers are mapped by a layout (``staff_health_layout.yaml``: long, one row per
organisation, month and metric; or wide, one column per metric code), and every rule is
checked before anything is returned, so a problem names the file, the row, the column (as
the file spells it) and the rule.

Rules: ``missing_column``, ``bad_layout``, ``missing_value``, ``unknown_organisation``,
``bad_period``, ``unknown_metric``, ``non_numeric``, ``negative_value``, ``rate_over_100``
(a percentage above 100, or a numerator above its denominator), ``check_value`` (a checklist
item that is not met/not met), ``duplicate_key`` and ``missing_month`` (a monthly metric
with a gap between an organisation's first and last month).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "absence.csv"
>>> _ = path.write_text("org_code,month,sickness_absence_rate\\n"
...                     "rxa,2024-04,4.1\\nrxa,2024-06,4.4\\nfire,2024-04,104\\n")
>>> read_staff_health(path, organisations={"rxa"})  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
healthgap.errors.InputError: 3 problems found:
  ...absence.csv, row 4, column 'org_code': [unknown_organisation] 'fire' is not ...
  ...absence.csv, row 4, column 'sickness_absence_rate': [rate_over_100] 104 is over 100%
  ...absence.csv, column 'month': [missing_month] rxa, sickness_absence_rate: no figure for 2024-05
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW, read_table_file
from healthgap.data.vocab import parse_numbers
from healthgap.engage.mecc_dates import parse_dates
from healthgap.engage.staff_health import (
    STAFF_HEALTH_COLUMNS,
    StaffHealthMetrics,
    load_staff_health_metrics,
)
from healthgap.errors import InputError, Problem

__all__ = ["read_staff_health", "resolve_staff_health_layout"]

_LAYOUT_KEYS = {"name", "description", "columns", "required", "sheet", "header_row"}
_CHECK_WORDS = {
    "met": "1",
    "yes": "1",
    "y": "1",
    "true": "1",
    "not met": "0",
    "no": "0",
    "n": "0",
    "false": "0",
}


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")


def resolve_staff_health_layout(
    layout: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The built-in layout, updated by a mapping or a YAML file with the same keys."""
    text = (resources.files("healthgap.engage") / "staff_health_layout.yaml").read_text("utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    where = "<layout>"
    if layout is not None and not isinstance(layout, Mapping):
        where = str(layout)
        try:
            layout = yaml.safe_load(Path(layout).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InputError([Problem(where, None, None, "bad_layout", str(exc))]) from None
    custom = dict(layout or {})
    unknown = sorted(set(custom) - _LAYOUT_KEYS)
    if unknown:
        message = f"unknown layout keys: {', '.join(unknown)}"
        raise InputError([Problem(where, None, None, "bad_layout", message)])
    columns = {**spec["columns"], **dict(custom.pop("columns", {}) or {})}
    spec.update(
        custom, columns={k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()}
    )
    return spec


def read_staff_health(
    path: str | os.PathLike[str],
    *,
    organisations: Collection[str],
    metrics: StaffHealthMetrics | None = None,
    layout: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Read, map and check one staff health file; return the tidy staff health table.

    ``organisations`` are the known organisation codes (from the MECC directory). Returns
    :data:`~healthgap.engage.staff_health.STAFF_HEALTH_COLUMNS` with ``period`` as
    ``YYYY-MM``; raises :class:`~healthgap.errors.InputError` with every problem found.
    """
    defs = metrics or load_staff_health_metrics()
    spec = resolve_staff_health_layout(layout)
    raw = read_table_file(path, sheet=spec.get("sheet"), header_row=int(spec.get("header_row", 1)))
    found = FileProblems(str(path))
    by_name = {_normalise(c): c for c in raw.columns if c != ROW}
    source = {}
    for ours, aliases in spec["columns"].items():
        header = next((by_name[_normalise(a)] for a in aliases if _normalise(a) in by_name), None)
        if header is not None:
            source[ours] = header
    wide = [by_name[c] for c in defs.codes() if c in by_name]
    for ours in spec.get("required", []):
        if ours not in source:
            found.add(
                None,
                ours,
                "missing_column",
                f"needs a column named one of: {', '.join(spec['columns'][ours])}",
            )
    if "metric" not in source and not wide:
        found.add(
            None, "metric", "missing_column", "needs a metric column, or one column per metric code"
        )
    found.raise_if_any()
    long = _long_rows(raw, source, wide)
    table = _check(long, found, organisations, defs, headers=source)
    found.raise_if_any()
    return table


def _long_rows(raw: pd.DataFrame, source: Mapping[str, str], wide: list[str]) -> pd.DataFrame:
    """One row per organisation, month and metric, with each cell's source column name."""
    base = pd.DataFrame(
        {
            ROW: raw[ROW],
            "organisation": raw[source["organisation"]].str.strip(),
            "period": raw[source["period"]].str.strip(),
        }
    )
    if "metric" in source:
        out = base.assign(metric=raw[source["metric"]].str.strip())
        for column in ("numerator", "denominator", "value"):
            out[column] = raw[source[column]] if column in source else ""
            out[f"{column}_column"] = source.get(column, column)
        return out
    melted = raw[[ROW, *wide]].melt(id_vars=ROW, var_name="value_column", value_name="value")
    melted = melted[melted["value"].str.strip() != ""]
    out = melted.merge(base, on=ROW).assign(metric=lambda f: f["value_column"].map(_normalise))
    out = out.assign(
        numerator="", denominator="", numerator_column="numerator", denominator_column="denominator"
    )
    return out.sort_values([ROW, "metric"], kind="stable").reset_index(drop=True)


def _add(
    found: FileProblems,
    rows: pd.Series,
    mask: pd.Series,
    columns: pd.Series,
    rule: str,
    message: pd.Series | str,
) -> None:
    """Problems on the masked rows, each naming its own source column."""
    texts = message if isinstance(message, pd.Series) else pd.Series(message, index=mask.index)
    for i in np.flatnonzero(mask.to_numpy()):
        found.add(int(rows.iloc[i]), str(columns.iloc[i]), rule, str(texts.iloc[i]))


def _check(
    long: pd.DataFrame,
    found: FileProblems,
    organisations: Collection[str],
    defs: StaffHealthMetrics,
    *,
    headers: Mapping[str, str],
) -> pd.DataFrame:
    rows = long[ROW]
    for name in ("organisation", "period"):
        found.add_rows(rows, long[name] == "", headers[name], "missing_value", f"{name} is empty")
    unknown_org = (long["organisation"] != "") & ~long["organisation"].isin(set(organisations))
    found.add_rows(
        rows,
        unknown_org,
        headers["organisation"],
        "unknown_organisation",
        "'" + long["organisation"] + "' is not a registered organisation",
    )
    months = parse_dates(long["period"])
    bad_period = months.isna() & (long["period"] != "")
    found.add_rows(rows, bad_period, headers["period"], "bad_period", "not a month (use YYYY-MM)")
    known = long["metric"].isin(defs.codes())
    found.add_rows(
        rows,
        ~known,
        headers.get("metric", "metric"),
        "unknown_metric",
        "'" + long["metric"] + "' is not one of: " + ", ".join(defs.codes()),
    )
    kinds = long["metric"].map(defs.kinds()).where(known, "")
    is_check = kinds == "check"
    value_text = long["value"].astype(str).str.strip()
    value_text = value_text.where(~is_check, value_text.str.lower().replace(_CHECK_WORDS))
    numbers = {}
    for column, text in (
        ("numerator", long["numerator"]),
        ("denominator", long["denominator"]),
        ("value", value_text),
    ):
        values, unreadable = parse_numbers(text)
        _add(
            found,
            rows,
            unreadable & known,
            long[f"{column}_column"],
            "non_numeric",
            "'" + text.astype(str) + "' is not a number",
        )
        _add(found, rows, values < 0, long[f"{column}_column"], "negative_value", "is below zero")
        numbers[column] = values
    x, n, v = numbers["numerator"], numbers["denominator"], numbers["value"]
    percent = kinds.isin(["proportion", "rate"])
    _add(
        found,
        rows,
        percent & (v > 100),
        long["value_column"],
        "rate_over_100",
        v.map(lambda f: f"{f:g} is over 100%"),
    )
    _add(
        found,
        rows,
        percent & (x > n),
        long["numerator_column"],
        "rate_over_100",
        "numerator " + x.map("{:g}".format) + " is above denominator " + n.map("{:g}".format),
    )
    needs_pair = kinds.isin(["proportion", "rate"])
    empty = known & v.isna() & ~(x.notna() & (n.notna() | ~needs_pair))
    _add(
        found,
        rows,
        empty & ~is_check,
        long["value_column"],
        "missing_value",
        "give a value, or a numerator and denominator",
    )
    bad_check = is_check & ~v.isin([0.0, 1.0])
    _add(
        found,
        rows,
        bad_check,
        long["value_column"],
        "check_value",
        "a checklist item is met (1, yes, met) or not met (0, no, not met)",
    )
    period = months.dt.strftime("%Y-%m")
    table = pd.DataFrame(
        {
            "organisation": long["organisation"],
            "period": period,
            "metric": long["metric"],
            "numerator": x,
            "denominator": n,
            "value": v,
        }
    )
    repeated = table.duplicated(["organisation", "period", "metric"]) & period.notna()
    found.add_rows(
        rows,
        repeated,
        headers["period"],
        "duplicate_key",
        "a second figure for this organisation, month and metric",
    )
    monthly = set(defs.metrics.loc[defs.metrics["frequency"] == "monthly", "code"])
    _missing_months(found, table[table["metric"].isin(monthly) & period.notna()], headers["period"])
    return (
        table[list(STAFF_HEALTH_COLUMNS)]
        .sort_values(["organisation", "metric", "period"], kind="stable")
        .reset_index(drop=True)
    )


def _missing_months(found: FileProblems, table: pd.DataFrame, column: str) -> None:
    """One problem per organisation and monthly metric with a gap in its months."""
    if table.empty:
        return
    months = pd.PeriodIndex(table["period"], freq="M")
    spans = table.assign(month=months.asi8).groupby(["organisation", "metric"])["month"]
    summary = spans.agg(["min", "max", "nunique"])
    gaps = summary[summary["max"] - summary["min"] + 1 > summary["nunique"]]
    for (organisation, metric), _ in gaps.iterrows():
        have = set(months[(table["organisation"] == organisation) & (table["metric"] == metric)])
        every = pd.period_range(min(have), max(have), freq="M")
        absent = [str(m) for m in every if m not in have]
        found.add(
            None,
            column,
            "missing_month",
            f"{organisation}, {metric}: no figure for {', '.join(absent)}",
        )
