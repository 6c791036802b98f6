"""Validate canonical tables, alone and together; every problem is reported.

Per-column checks use pandera (types, ranges, vocabularies, GSS form) and
:mod:`healthgap.data.plausibility` (causes, periods, magnitudes, parent areas); rules that
need several rows or tables (duplicate keys, age bands, deaths against population, area
codes against the areas table, periods) are vectorised pandas. They run on the rows whose
cells are clean, and whole-group checks skip areas that lost rows to bad cells, so every
problem is found in one pass without follow-on noise.

>>> pop = pd.DataFrame({"area_code": ["E1"], "period": ["2014"], "sex": ["male"],
...                     "age_start": [0], "person_years": [10.0]})
>>> deaths = pop.rename(columns={"person_years": "deaths"}).assign(cause="all", deaths=[12.0])
>>> [p.rule for p in validate_tables({"population": pop, "deaths": deaths})]
['deaths_exceed_population']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from healthgap.data.checked_table import CheckedTable
from healthgap.data.cross_table import area_problems, deaths_vs_population
from healthgap.data.file_problems import cap_problems
from healthgap.data.limits import Limits, current_limits
from healthgap.data.model import KEY_COLUMNS, SEXES, TABLE_COLUMNS
from healthgap.data.plausibility import (
    cause_problems,
    is_period,
    magnitude_problems,
    parent_problems,
    period_problems,
)
from healthgap.data.vocab import COUNT_COLUMNS, PROPORTION_COLUMNS
from healthgap.errors import Problem

__all__ = ["GSS_PATTERN", "RULES", "validate_tables"]

#: ONS GSS code: a letter and 8 digits; codes combined with "+" (E06000052+E06000053) pass.
GSS_PATTERN = r"^[A-Z]\d{8}(\+[A-Z]\d{8})*$"

#: Every rule key the data layer reports, with one line of explanation.
RULES: dict[str, str] = {
    "file_not_found": "the file does not exist",
    "empty_file": "the file or table has no data rows",
    "wrong_encoding": "the file is not UTF-8 (with or without BOM)",
    "unreadable_file": "the file cannot be parsed as CSV, Excel or Parquet",
    "unsupported_format": "the file is not .csv, .xlsx or .parquet",
    "unknown_layout": "the layout is unknown or the headers match no built-in layout",
    "bad_layout": "the mapping spec has an unknown key or table",
    "missing_column": "a column the layout needs is absent",
    "duplicate_column": "two columns of a file have the same header",
    "missing_value": "a required cell (count, code, period) is empty",
    "non_numeric": "a number column holds text",
    "negative_count": "a count is below zero",
    "out_of_range": "a proportion is outside 0-1",
    "unknown_sex": "a sex code is not male/female/persons (or M/F/P, 1/2)",
    "unknown_cause": "a cause is not one of the cause groups (circulatory, cancer, "
    "respiratory, digestive, external, infant_perinatal, mental_behavioural, other) or all",
    "bad_period": "a period label is not a year (2014), a span (2012-14), a financial year "
    "(2018/19), a month or quarter, or periods pooled with +",
    "implausible_value": "a count is above the limit (default 1e9) or another number is "
    "infinite or beyond 1e15",
    "bad_age_band": "an age or age band cannot be read",
    "missing_age_band": "a group lacks some age bands (a gap, no band from 0, or no open top band)",
    "overlapping_age_bands": "two age bands of a group overlap",
    "total_mismatch": "single years of age do not add up to the file's all-ages total",
    "duplicate_key": "two rows share the same key columns",
    "bad_area_code": "an area code is not in GSS form (letter + 8 digits) where GSS is declared",
    "unknown_area": "an area code is absent from the areas table",
    "unknown_parent": "a parent_<level> code of an area is absent from the areas table",
    "deaths_exceed_population": "deaths are greater than the population in a cell",
    "deaths_without_population": "deaths are given for a cell with no population row",
    "period_without_population": "a period in deaths has no population at all",
    "file_too_large": "the file (or its unpacked content) is over the size limit",
    "too_many_rows": "the file has more data rows than the limit; reading stopped there",
    "too_many_columns": "the file has more columns than the limit",
    "cell_too_large": "a cell holds more characters than the limit",
    "bad_setting": "a HEALTHGAP_* limit setting is not a positive number",
    # Raised by aggregate / pool_periods / add_persons rather than by import:
    "no_parent": "aggregate: an area has no parent at the target level",
    "missing_period": "pool_periods: a period asked for is absent, or a cell lacks one",
    "missing_sex": "add_persons: a population cell has only one of male and female",
}

_NUMBER_COLUMNS = (
    COUNT_COLUMNS
    | PROPORTION_COLUMNS
    | {
        "value",
        "lowercl",
        "uppercl",
        "deprivation_score",
    }
)

_CHECK_RULES = {
    "column_in_dataframe": "missing_column",
    "coerce_dtype": "non_numeric",
    "not_nullable": "missing_value",
    "str_matches": "bad_area_code",
    "isin": "unknown_sex",
    "greater_than_or_equal_to": "negative_count",
    "in_range": "out_of_range",
}


def _schema(table: str, columns: list[str], gss: bool) -> pa.DataFrameSchema:
    spec: dict[str, pa.Column] = {}
    for column in TABLE_COLUMNS[table]:
        required = column in KEY_COLUMNS[table] or column in {"person_years", "deaths"}
        if column in COUNT_COLUMNS:
            spec[column] = pa.Column(
                float, pa.Check.ge(0), coerce=True, nullable=not required, required=required
            )
        elif column in PROPORTION_COLUMNS:
            spec[column] = pa.Column(float, pa.Check.in_range(0, 1), coerce=True, nullable=True)
        elif column in {"value", "lowercl", "uppercl", "deprivation_score"}:
            spec[column] = pa.Column(float, coerce=True, nullable=True, required=False)
        elif column == "sex":
            spec[column] = pa.Column(str, pa.Check.isin(SEXES))
        elif column == "age_start":
            spec[column] = pa.Column(int, pa.Check.ge(0), coerce=True)
        elif column == "area_code":
            checks = [pa.Check.str_matches(GSS_PATTERN)] if gss else []
            spec[column] = pa.Column(str, checks, coerce=True)
        else:
            spec[column] = pa.Column(
                str, coerce=True, nullable=not required, required=required or column in columns
            )
    return pa.DataFrameSchema(spec)


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    sources: Mapping[str, str] | None = None,
    gss_codes: bool | None = None,
    limits: Limits | None = None,
) -> list[Problem]:
    """Check canonical tables alone and against each other; return every problem found.

    Parameters
    ----------
    tables
        Canonical tables by name (``population``, ``deaths``, ``areas``, ``good_health``,
        ``indicators``), e.g. from :func:`healthgap.data.load`.
    sources
        File name to report for each table (default: ``attrs["source"]`` or the name).
        Rows are the source spreadsheet rows when ``attrs["source_rows"]`` is present,
        otherwise the table's row position + 2 (as if written with a header).
    gss_codes
        Require GSS codes (letter + 8 digits). ``None``: only for tables whose layout
        declares ``area_codes: gss`` (``attrs["area_codes"]``).
    limits
        ``max_count`` (largest plausible count) and ``max_problems_per_rule`` (problems
        listed per file and rule; the rest are counted in one line).

    Returns
    -------
    list of Problem
        Empty when everything passes. Rule keys are listed in :data:`RULES`.
    """
    limits = current_limits(limits)
    sources = sources or {}
    checked = {
        n: CheckedTable(n, f, sources.get(n)) for n, f in tables.items() if n in TABLE_COLUMNS
    }
    problems: list[Problem] = []
    clean: dict[str, CheckedTable] = {}
    for name, table in checked.items():
        if table.frame.empty:
            problems.append(table.problem(None, None, "empty_file", f"the {name} table is empty"))
            continue
        gss = gss_codes if gss_codes is not None else table.frame.attrs.get("area_codes") == "gss"
        found, bad = _column_problems(table, gss, limits)
        problems += found
        clean[name] = table.clean(bad)
        problems += _duplicate_problems(clean[name], limits.max_problems_per_rule)
        if "age_start" in table.frame.columns and name != "deaths":  # zero deaths may be omitted
            problems += _band_problems(clean[name])
    if "areas" in clean:
        problems += area_problems(clean)
        areas = clean["areas"]
        problems += parent_problems(areas.frame, areas.problem, areas.rows)
    if "deaths" in clean and "population" in clean:
        problems += deaths_vs_population(clean["deaths"], clean["population"])
    return cap_problems(problems, limits.max_problems_per_rule)


def _column_problems(
    table: CheckedTable, gss: bool, limits: Limits
) -> tuple[list[Problem], np.ndarray]:
    """Problems of single cells, and which rows have one."""
    schema = _schema(table.name, list(table.frame.columns), gss)
    frame, problems, not_numbers = _coerce_numbers(table)
    bad = np.zeros(len(frame), bool)
    for position, _column in not_numbers:
        bad[position] = True
    for check in (cause_problems, period_problems):
        found, rows = check(frame, table.problem, table.rows)
        problems += found
        bad |= rows
    found, rows = magnitude_problems(
        frame, table.problem, limits.max_count, limits.max_problems_per_rule
    )
    problems += found
    bad |= rows
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return problems, bad
    # A cell already reported as non-numeric is not reported again as empty.
    seen = {(position, column, "missing_value") for position, column in not_numbers}
    # Report in spreadsheet order, so a repeated bad code is named at its first row.
    order = cases["index"].map(lambda i: -1 if i is None or pd.isna(i) else table.rows[int(i)])
    for case in cases.iloc[np.argsort(order.to_numpy(), kind="stable")].itertuples(index=False):
        check = str(case.check).split("(")[0]
        rule = _CHECK_RULES.get(check)
        if rule is None or (case.index is None and rule != "missing_column"):
            continue  # a dtype echo of a failed coercion, or a check on an uncoerced column
        column = str(case.failure_case) if rule == "missing_column" else str(case.column)
        if column == "age_start" and rule == "negative_count":
            rule = "bad_age_band"
        position = None if case.index is None else int(case.index)
        if position is not None and rule != "bad_area_code":  # the code still names its area
            bad[position] = True
        key = (position, column, rule)
        if rule == "bad_area_code":  # one problem per bad code (at its first row) is enough
            key = (str(case.failure_case), column, rule)
        if key in seen:
            continue
        seen.add(key)
        message = RULES[rule] if position is None else f"{case.failure_case!r}: {RULES[rule]}"
        problems.append(table.problem(position, column, rule, message))
    if any(p.rule == "missing_column" for p in problems):
        bad[:] = True  # a table without a needed column cannot be checked across rows
    return problems, bad


def _coerce_numbers(
    table: CheckedTable,
) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]]]:
    """Numbers columns as floats, and a ``non_numeric`` problem for each cell that is not one.

    Done before pandera so that its range checks still see every other row of the column.
    """
    frame = table.frame.copy()
    problems = []
    cells: set[tuple[int, str]] = set()
    for column in frame.columns:
        if column not in _NUMBER_COLUMNS or pd.api.types.is_numeric_dtype(frame[column]):
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() & frame[column].notna()
        problems += [
            table.problem(
                int(i), column, "non_numeric", f"{frame[column].iloc[i]!r} is not a number"
            )
            for i in np.flatnonzero(bad.to_numpy())
        ]
        cells |= {(int(i), column) for i in np.flatnonzero(bad.to_numpy())}
        frame[column] = numbers.astype(float)
    return frame, problems, cells


def _duplicate_problems(table: CheckedTable, per_rule: int) -> list[Problem]:
    keys = [k for k in KEY_COLUMNS[table.name] if k in table.frame.columns]
    dup = table.frame.duplicated(keys, keep="first").to_numpy()
    positions = np.flatnonzero(dup)
    found = [
        table.problem(int(i), keys[-1], "duplicate_key", f"repeats the key {', '.join(keys)}")
        for i in positions[:per_rule]
    ]
    if len(positions) > per_rule:
        more = f"and {len(positions) - per_rule:,} more problems of rule duplicate_key"
        found.append(table.problem(None, keys[-1], "duplicate_key", more))
    return found


def _band_problems(table: CheckedTable) -> list[Problem]:
    """Every group must have every age band the table uses (those of the areas that lost no
    rows to bad cells). A row dropped for a bad cell still counts for its group and band
    when they can be read, so the other groups of its area are judged in the same pass;
    an area with a dropped row of unknown group, or whose bands were reported already, is
    left out (its gaps would only echo those problems)."""
    frame = table.frame
    keys = [k for k in KEY_COLUMNS[table.name] if k in frame.columns and k != "age_start"]
    lost = table.lost_rows.reindex(columns=[*keys, "age_start"])
    placed = _placed(lost, keys)
    skipped = table.bands_reported | frozenset(lost.loc[~placed, "area_code"].astype(str))
    untainted = table.untainted().to_numpy()
    own = frame[[*keys, "age_start"]]
    own.attrs = {}  # the source rows are for problem reports, not for stacking
    everything = pd.concat([own, lost[placed]], ignore_index=True) if placed.any() else own
    starts = pd.to_numeric(everything["age_start"], errors="coerce")
    judged = ~everything["area_code"].astype(str).isin(skipped).to_numpy()
    band_set = np.sort(starts[: len(own)][untainted].dropna().unique())
    if not len(band_set):  # every area lost rows: the bands of the rows that are there
        band_set = np.sort(starts[judged].dropna().unique())
    group = everything[keys].astype(str).groupby(keys, sort=False).ngroup().to_numpy()
    in_set = starts.where(starts.isin(band_set))
    n_bands = in_set.groupby(group).transform("nunique").to_numpy()[: len(own)]
    group, judged = group[: len(own)], judged[: len(own)]
    first = ~pd.Series(group).duplicated().to_numpy()
    problems = []
    # Only groups with a problem are visited; the detection itself is vectorised.
    for position in np.flatnonzero(first & (n_bands < len(band_set)) & judged):
        present = set(in_set[np.flatnonzero(group == group[position])].dropna())
        present |= _lost_bands(lost[placed], keys, frame.loc[position, keys])
        missing = ", ".join(f"{s:g}" for s in band_set if s not in present)
        label = "/".join(frame.loc[position, keys].astype(str))
        problems.append(
            table.problem(
                int(position),
                "age_start",
                "missing_age_band",
                f"group {label} lacks the age bands starting {missing}",
            )
        )
    return problems


def _placed(lost: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Dropped rows whose group and age band can be read."""
    known = lost.notna().all(axis=1) & (lost["area_code"].astype(str).str.strip() != "")
    known &= pd.to_numeric(lost["age_start"], errors="coerce").ge(0)
    if "sex" in keys:
        known &= lost["sex"].isin(SEXES)
    if "period" in keys:
        known &= is_period(lost["period"].astype(str))
    return known.to_numpy(dtype=bool)


def _lost_bands(lost: pd.DataFrame, keys: list[str], group: pd.Series) -> set[float]:
    same = (lost[keys].astype(str) == group.astype(str).to_numpy()).all(axis=1)
    return set(pd.to_numeric(lost.loc[same, "age_start"]).astype(float))
