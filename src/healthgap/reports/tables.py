"""Write measure results as tidy CSV, Excel (data + metadata sheets) or the Fingertips layout.

Every published table passes through a :class:`DisclosurePolicy` first (small counts
suppressed, others rounded, rates on few events withheld or flagged), and says so in
a visible note; results from synthetic workspaces say SYNTHETIC on every row.

>>> frame = pd.DataFrame({"area_code": ["E1", "E2"], "value": [80.1, 79.2],
...                       "deaths_used": [3.0, 1234.0]})
>>> safe, notes = DisclosurePolicy().apply(frame)
>>> safe["deaths_used"].tolist(), safe["disclosure_note"].tolist()[0]
([nan, 1235.0], 'deaths_used suppressed (1-7)')
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.data.csv_export import write_safe_csv
from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError
from healthgap.periods import Period

__all__ = [
    "FINGERTIPS_COLUMNS",
    "SYNTHETIC_NOTE",
    "DisclosurePolicy",
    "to_fingertips",
    "write_csv",
    "write_excel",
    "write_table",
    "write_workbook",
]

EXCEL_MAX_ROWS = 1_048_576  # rows in a worksheet, the header included
SYNTHETIC_NOTE = "SYNTHETIC: made-up demonstration data, not real statistics"

#: Column order of a Fingertips CSV export (ecosystem.md section 2.2); the parent
#: comparison column's name depends on the parent area type.
FINGERTIPS_COLUMNS: tuple[str, ...] = (
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to {parent} value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
)


def _mark_synthetic(frame: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    if not synthetic:
        return frame
    return frame.assign(data_note=SYNTHETIC_NOTE)


def write_csv(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, excel_friendly: bool = False
) -> Path:
    """UTF-8 CSV (with a BOM when ``excel_friendly``), empty cells for missing values; text
    cells that a spreadsheet would run as formulas are neutralised (see
    :func:`healthgap.data.csv_export.neutralise_formulas`)."""
    encoding = "utf-8-sig" if excel_friendly else "utf-8"
    return write_safe_csv(frame, path, encoding=encoding)


def write_excel(
    frame: pd.DataFrame, path: str | os.PathLike[str], metadata: Mapping[str, str]
) -> Path:
    """Excel workbook: a ``data`` sheet (numbers as numbers, frozen header, filters) and a
    ``metadata`` sheet (source, method, CI level, suppression and disclosure notes)."""
    return _write_sheets({"data": frame}, Path(path), metadata)


def _write_sheets(
    frames: Mapping[str, pd.DataFrame],
    target: Path,
    metadata: Mapping[str, str],
    *,
    metadata_first: bool = False,
) -> Path:
    import xlsxwriter

    for name, frame in frames.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise InputError(
                f"{name}: {len(frame):,} rows do not fit in an Excel sheet (at most "
                f"{EXCEL_MAX_ROWS - 1:,}); write a .csv file or choose fewer ages or areas",
                rule="too_many_rows",
            )
    with xlsxwriter.Workbook(
        str(target), {"nan_inf_to_errors": False, "strings_to_formulas": False}
    ) as book:
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("metadata") if metadata_first else None
        for name, frame in frames.items():
            _data_sheet(book.add_worksheet(name[:31]), frame, bold)
        sheet = sheet or book.add_worksheet("metadata")
        sheet.write_row(0, 0, ["item", "value"], bold)
        for i, (key, value) in enumerate(metadata.items(), start=1):
            sheet.write_string(i, 0, str(key))
            sheet.write_string(i, 1, str(value))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 100)
    return target


def _data_sheet(data: object, frame: pd.DataFrame, bold: object) -> None:
    data.write_row(0, 0, [str(c) for c in frame.columns], bold)  # type: ignore[attr-defined]
    for j, column in enumerate(frame.columns):
        values = frame[column].to_numpy(dtype=object)
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        for i, cell in enumerate(values, start=1):
            if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
                continue  # an empty cell is a missing value
            if numeric:
                data.write_number(i, j, float(cell))  # type: ignore[attr-defined]
            else:
                data.write_string(i, j, str(cell))  # type: ignore[attr-defined]
        data.set_column(j, j, max(10, min(60, len(str(column)) + 2)))  # type: ignore[attr-defined]
    data.freeze_panes(1, 0)  # type: ignore[attr-defined]
    data.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))  # type: ignore[attr-defined]


def _first_column(frame: pd.DataFrame, names: Sequence[str]) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series(np.nan, index=frame.index)


def _limits(frame: pd.DataFrame, level: str) -> tuple[pd.Series, pd.Series]:
    """The lower and upper limits at ``level`` ("95_0" or "99_8") from tidy output."""
    tag = level.replace("_", ".").rstrip("0").rstrip(".")
    if f"lower{level}cl" in frame.columns:
        return frame[f"lower{level}cl"], frame[f"upper{level}cl"]
    single = "confidence" in frame.columns and (frame["confidence"] == f"{tag}%").all()
    if single and "lowercl" in frame.columns:
        return frame["lowercl"], frame["uppercl"]
    empty = pd.Series(np.nan, index=frame.index)
    return empty, empty


def _fingertips_periods(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fingertips' "Time period" ("2012 - 14") and "Time period Sortable" ("20120000")."""
    codes, distinct = pd.factorize(labels.astype(object).fillna("").astype(str))
    periods = [Period.try_parse(label) for label in distinct]
    shown = [p.fingertips_label if p else label for p, label in zip(periods, distinct, strict=True)]
    sortable = [f"{p.first}0000" if p else "" for p in periods]
    return (
        pd.Series(np.asarray(shown, dtype=object)[codes], index=labels.index),
        pd.Series(np.asarray(sortable, dtype=object)[codes], index=labels.index),
    )


def to_fingertips(
    frame: pd.DataFrame,
    *,
    indicator_id: int | str = "",
    indicator_name: str = "",
    area_type: str = "",
    area_names: Mapping[str, str] | None = None,
    parents: Mapping[str, str] | None = None,
    parent_label: str = "Region",
) -> pd.DataFrame:
    """Tidy results in the column order of a Fingertips CSV export.

    ``parents`` maps area codes to parent codes (names come from ``area_names`` too).
    Periods are written as Fingertips does ("2012 - 14"); ``Time period Sortable`` is the
    first year followed by ``0000``. ``Value note`` gathers the suppression, disclosure
    and SYNTHETIC notes. Trend and benchmarking columns are left empty here.
    """
    names = dict(area_names or {})
    codes = _first_column(frame, ["area_code", "Area Code"]).astype(object)
    parent_codes = codes.map(dict(parents or {})) if parents else pd.Series("", index=frame.index)
    time_period, sortable = _fingertips_periods(_first_column(frame, ["period"]))
    if "age_start" in frame.columns:
        age = frame["age_start"].map(lambda a: "All ages" if int(a) == 0 else f"{int(a)} yrs")
    else:
        age = pd.Series("All ages", index=frame.index)
    if "quantile" in frame.columns:
        category_type = pd.Series("Deprivation quantile (1 = most deprived)", index=frame.index)
        category = "Quantile " + frame["quantile"].astype(str)
    else:
        category_type = category = pd.Series("", index=frame.index)
    notes = [c for c in ("suppression_note", "disclosure_note", "data_note") if c in frame.columns]
    value_note = frame[notes].fillna("").astype(str).agg("; ".join, axis=1)
    value_note = value_note.str.replace(r"^(; )+|(; )+$", "", regex=True).str.replace(
        r"(; ){2,}", "; ", regex=True
    )
    low95, up95 = _limits(frame, "95_0")
    low998, up998 = _limits(frame, "99_8")
    columns = {
        "Indicator ID": indicator_id,
        "Indicator Name": indicator_name or _first_column(frame, ["statistic"]),
        "Parent Code": parent_codes.astype(object).fillna(""),
        "Parent Name": parent_codes.map(names).astype(object).fillna(""),
        "Area Code": codes,
        "Area Name": codes.map(names).astype(object).fillna(""),
        "Area Type": area_type,
        "Sex": _first_column(frame, ["sex"]).astype(object).fillna("").astype(str).str.capitalize(),
        "Age": age,
        "Category Type": category_type,
        "Category": category,
        "Time period": time_period,
        "Value": frame["value"],
        "Lower CI 95.0 limit": low95,
        "Upper CI 95.0 limit": up95,
        "Lower CI 99.8 limit": low998,
        "Upper CI 99.8 limit": up998,
        "Count": _first_column(frame, ["count", "total_count", "deaths_used"]),
        "Denominator": _first_column(frame, ["denominator", "total_pop", "person_years_used"]),
        "Value note": value_note,
        "Recent Trend": "",
        "Compared to England value or percentiles": "",
        f"Compared to {parent_label} value or percentiles": "",
        "Time period Sortable": sortable,
        "New data": "",
        "Compared to goal": "",
    }
    return pd.DataFrame(columns, index=frame.index).reset_index(drop=True)


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    layout: str = "tidy",
    metadata: Mapping[str, str] | None = None,
    synthetic: bool = False,
    policy: DisclosurePolicy | None = DisclosurePolicy(),  # noqa: B008 - immutable
    fingertips: Mapping[str, object] | None = None,
) -> Path:
    """Write ``frame`` to ``path`` (``.csv`` or ``.xlsx``) after disclosure control.

    ``layout`` is ``"tidy"`` (healthgap's columns) or ``"fingertips"`` (see
    :func:`to_fingertips`, whose keyword arguments go in ``fingertips``). ``policy=None``
    turns disclosure control off (for internal, unpublished work only).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    problems = []
    if suffix not in (".csv", ".xlsx"):
        problems.append(f"output must end in .csv or .xlsx, got {target.name!r}")
    if layout not in ("tidy", "fingertips"):
        problems.append(f'layout must be "tidy" or "fingertips", got {layout!r}')
    if problems:
        raise InputError("; ".join(problems), rule="invalid_output")
    notes = ["Disclosure control: none (not for publication)."]
    if policy is not None:
        frame, notes = policy.apply(frame)
    frame = _mark_synthetic(frame, synthetic)
    if layout == "fingertips":
        frame = to_fingertips(frame, **dict(fingertips or {}))  # type: ignore[arg-type]
    info = {**({"data": SYNTHETIC_NOTE} if synthetic else {}), **dict(metadata or {})}
    info["disclosure"] = " ".join(notes)
    if suffix == ".xlsx":
        return write_excel(frame, target, info)
    return write_csv(frame, target)


def write_workbook(
    frames: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, str] | None = None,
    synthetic: bool = False,
    policy: DisclosurePolicy | None = DisclosurePolicy(),  # noqa: B008 - immutable
    policies: Mapping[str, DisclosurePolicy] | None = None,
) -> Path:
    """Several tables in one Excel workbook (``metadata`` first, then one sheet each), each
    passed through the same disclosure control and SYNTHETIC note as :func:`write_table`
    (``policies`` gives some sheets a policy of their own)."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(
            f"a workbook must end in .xlsx, got {target.name!r}", rule="invalid_output"
        )
    notes = ["Disclosure control: none (not for publication)."]
    sheets = {}
    for name, frame in frames.items():
        chosen = (policies or {}).get(name, policy)
        if chosen is not None:
            frame, notes = chosen.apply(frame)
        sheets[name] = _mark_synthetic(frame, synthetic)
    info = {**({"data": SYNTHETIC_NOTE} if synthetic else {}), **dict(metadata or {})}
    info["disclosure"] = " ".join(notes)
    return _write_sheets(sheets, target, info, metadata_first=True)
