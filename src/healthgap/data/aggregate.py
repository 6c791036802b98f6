"""Sum tables up the geography, over periods and over sexes (vectorised group-bys).

Counts (person-years, deaths, respondents, count, denominator) add up. Prevalence of good
health is averaged with respondents as weights. Other values (rates, indicator values and
their limits) do not add up and are dropped: recompute them from the summed counts.

>>> pop = pd.DataFrame({"area_code": ["L1", "L2"], "period": "2014", "sex": "male",
...                     "age_start": 0, "person_years": [10.0, 5.0]})
>>> areas = pd.DataFrame({"area_code": ["L1", "L2"], "parent_la": ["E06000001"] * 2})
>>> aggregate(pop, areas, "la")[["area_code", "person_years"]].to_dict("records")
[{'area_code': 'E06000001', 'person_years': 15.0}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from healthgap.data.model import parent_column
from healthgap.data.vocab import COUNT_COLUMNS, PROPORTION_COLUMNS
from healthgap.errors import InputError, Problem
from healthgap.periods import Period

__all__ = ["add_persons", "aggregate", "pool_periods", "select_period", "stored_labels"]

_NON_ADDITIVE = frozenset(
    {"value", "lowercl", "uppercl", "lower99_8cl", "upper99_8cl", "deprivation_score"}
)


def _sum_cells(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum counts within ``keys``; respondent-weighted mean of prevalence."""
    counts = [c for c in frame.columns if c in COUNT_COLUMNS]
    work = frame.copy()
    shares = [c for c in frame.columns if c in PROPORTION_COLUMNS]
    for share in shares:
        if "respondents" not in frame.columns:
            raise InputError(
                f"cannot combine {share} without respondents to weight it", rule="missing_column"
            )
        work[f"__{share}__"] = work[share] * work["respondents"]
    totals = work.groupby(keys, sort=True, dropna=False, observed=True)[
        counts + [f"__{s}__" for s in shares]
    ].sum(min_count=1)
    for share in shares:
        totals[share] = totals.pop(f"__{share}__") / totals["respondents"]
    out = totals.reset_index()
    return out[[c for c in frame.columns if c in out.columns]]


def _cell_problems(
    cells: pd.DataFrame, keys: list[str], column: str, rule: str, what: str | pd.Series
) -> list[Problem]:
    """One problem per row of ``cells``, naming the cell by its ``keys`` ("E1/2014/male")."""
    labels = cells[keys[0]].astype(str).str.cat([cells[k].astype(str) for k in keys[1:]], sep="/")
    messages = (labels + what).tolist()
    rows = [int(i) + 2 for i in cells.index]
    return [
        Problem("<table>", row, column, rule, message)
        for row, message in zip(rows, messages, strict=True)
    ]


def _key_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if c not in COUNT_COLUMNS | PROPORTION_COLUMNS | _NON_ADDITIVE
        and not pd.api.types.is_float_dtype(frame[c])
    ]


def aggregate(table: pd.DataFrame, areas: pd.DataFrame, level: str) -> pd.DataFrame:
    """Sum ``table`` from its areas to their parents at ``level``.

    Parameters
    ----------
    table
        Canonical table keyed by ``area_code`` (population, deaths, good_health, ...).
    areas
        Areas table with the parent codes in ``parent_<level>`` (or a user column named
        ``level`` itself). Areas whose own ``level`` is ``level`` map to themselves.
    level
        Target level, e.g. ``"la"``, ``"region"`` or a user-defined level.

    Returns
    -------
    pandas.DataFrame
        Same columns (non-additive values dropped), one row per parent cell.

    Notes
    -----
    For a parent area :math:`P` and cell :math:`c`, :math:`Y_{P,c} = \\sum_{a \\in P} y_{a,c}`.
    Rows whose area has no parent at ``level`` raise :class:`~healthgap.errors.InputError`
    (rule ``no_parent``) rather than being dropped silently.
    """
    column = parent_column(level) if parent_column(level) in areas.columns else level
    if column not in areas.columns:
        raise InputError(
            f"the areas table has no {parent_column(level)!r} (or {level!r}) column",
            rule="missing_column",
        )
    parents = areas.set_index("area_code")[column]
    if "level" in areas.columns:
        own = areas.set_index("area_code")["level"].eq(level)
        parents = parents.where(~own | parents.notna(), parents.index.to_series())
    parent = _map_codes(table["area_code"], parents)
    missing = parent.isna()
    if missing.any():
        codes = table.loc[missing, "area_code"].drop_duplicates()
        raise InputError(
            [
                Problem("<table>", int(i) + 2, "area_code", "no_parent", f"{c} has no {level}")
                for i, c in codes.items()
            ]
        )
    categorical = isinstance(parent.dtype, pd.CategoricalDtype)
    frame = table.assign(area_code=parent.array if categorical else parent.to_numpy())
    keep = [c for c in frame.columns if c not in _NON_ADDITIVE]
    out = _sum_cells(frame[keep], _key_columns(frame[keep]))
    if categorical:  # same output as for a plain column: parent codes as strings
        out["area_code"] = out["area_code"].astype(str)
    return out


def _map_codes(codes: pd.Series, mapping: pd.Series) -> pd.Series:
    """``codes.map(mapping)``; for a categorical column (millions of rows, thousands of
    areas) each category is looked up once and the result stays categorical, which also
    makes the group-by that follows several times faster."""
    if not isinstance(codes.dtype, pd.CategoricalDtype):
        return codes.map(mapping)
    categories = codes.cat.categories
    looked_up = pd.Series(categories, index=categories).map(mapping)
    parents = pd.Index(looked_up.dropna().unique())
    positions = parents.get_indexer(looked_up)
    raw = codes.cat.codes.to_numpy()
    mapped = np.where(raw >= 0, positions[raw], -1)
    return pd.Series(pd.Categorical.from_codes(mapped, categories=parents), index=codes.index)


def pool_periods(
    table: pd.DataFrame, periods: Sequence[str], label: str | None = None
) -> pd.DataFrame:
    """Sum the rows of ``periods`` into one pooled period (e.g. ``"2012-14"``).

    The default label is the :class:`~healthgap.periods.Period` pooling them (``"2012-14"``
    for consecutive years, ``"2012+2014"`` otherwise); periods that name no year are joined
    with ``+``. Population-like tables (no zero-deaths convention) must have every period in
    every cell (rule ``missing_period``).

    .. math:: Y_{c,\\text{pool}} = \\sum_{t \\in \\text{periods}} y_{c,t}

    >>> pop = pd.DataFrame({"area_code": "E1", "period": ["2012", "2013", "2014"],
    ...                     "sex": "male", "age_start": 0, "person_years": [1.0, 2.0, 3.0]})
    >>> pool_periods(pop, ["2012", "2013", "2014"])[["period", "person_years"]].values.tolist()
    [['2012-14', 6.0]]
    """
    periods = [str(p) for p in periods]
    # The labels as integer codes: each distinct label is turned into text once, not each of
    # the (millions of) rows, whatever the column holds (categories, Arrow strings, years).
    codes, uniques = pd.factorize(table["period"], use_na_sentinel=False)
    labels = [str(u) for u in uniques]
    absent = sorted(set(periods) - set(labels))
    if absent:
        raise InputError(f"periods {', '.join(absent)} are not in the table", rule="missing_period")
    chosen = np.isin(codes, [i for i, text in enumerate(labels) if text in periods])
    frame = table[chosen]
    frame = frame[[c for c in frame.columns if c not in _NON_ADDITIVE]]
    keys = [k for k in _key_columns(frame) if k != "period"]
    if "deaths" not in frame.columns:
        n_periods = (
            frame[keys]
            .assign(__period__=codes[chosen])
            .groupby(keys, sort=False, observed=True)["__period__"]
            .transform("nunique")
        )
        short = frame[(n_periods < len(periods)).to_numpy()].drop_duplicates(keys)
        if not short.empty:
            lacks = f" lacks some of {', '.join(periods)}"
            raise InputError(_cell_problems(short, keys, "period", "missing_period", lacks))
    pooled = frame.assign(period=label or _pooled_label(periods))
    return _sum_cells(pooled, [*keys[:1], "period", *keys[1:]])


def _pooled_label(periods: Sequence[str]) -> str:
    try:
        return Period.of_years(periods).label
    except InputError:  # labels that name no year (e.g. "Q1"): say which were pooled
        return "+".join(sorted(periods))


def stored_labels(period: str | Period, available: Iterable[object]) -> list[str]:
    """The stored labels making up ``period``: its own label when stored, else its single
    years; :class:`~healthgap.errors.InputError` (rule ``missing_period``) names the years
    ``available`` lacks.

    >>> stored_labels("2013-14", ["2013", "2014"]), stored_labels("2012 - 14", ["2012-14"])
    (['2013', '2014'], ['2012-14'])
    """
    present = {str(p) for p in available}
    for text in dict.fromkeys((str(period), Period.parse(period).label)):
        if text in present:
            return [text]
    wanted = Period.parse(period)
    years = list(wanted.single_labels)
    missing = [y for y in years if y not in present]
    if missing:
        have = ", ".join(sorted(present)) or "none"
        raise InputError(
            f"period {wanted.label} needs {', '.join(missing)}, which the data lack "
            f"(periods present: {have})",
            rule="missing_period",
        )
    return years


def select_period(
    table: pd.DataFrame, period: str | Period, *, available: Iterable[object] | None = None
) -> pd.DataFrame:
    """The rows of ``period``: its own rows when the data hold the label, else the rows of
    its single years pooled with :func:`pool_periods` (labelled ``period``).

    ``available`` lists the period labels of the whole store when ``table`` holds only some
    of its rows (e.g. a few areas); by default the labels of ``table`` itself. Raises
    :class:`~healthgap.errors.InputError` (rule ``missing_period``) naming the years the data
    lack (:func:`stored_labels`).

    >>> deaths = pd.DataFrame({"area_code": "E1", "period": ["2013", "2014"], "sex": "male",
    ...                        "age_start": 0, "cause": "all", "deaths": [2.0, 3.0]})
    >>> select_period(deaths, "2013-14")[["period", "deaths"]].values.tolist()
    [['2013-14', 5.0]]
    """
    column = table["period"]
    categorical = isinstance(column.dtype, pd.CategoricalDtype)
    if categorical and pd.api.types.is_string_dtype(column.cat.categories):
        labels = column  # compared category by category: fast on millions of rows
    else:
        labels = column.astype(str)
    stored = stored_labels(period, labels.unique() if available is None else available)
    chosen = table[labels.isin(stored).to_numpy()]
    label = Period.parse(period).label
    if len(stored) == 1 or chosen.empty:  # one stored label, or none of these rows
        return chosen.assign(period=label) if len(chosen) and stored != [label] else chosen
    return pool_periods(chosen, stored, label)


def add_persons(table: pd.DataFrame) -> pd.DataFrame:
    """Append ``persons`` rows summed from ``male`` and ``female`` where not present.

    Cells that already have a ``persons`` row keep it. In tables other than deaths (where a
    missing row means zero deaths) a cell with only one sex raises InputError
    (rule ``missing_sex``).

    >>> d = pd.DataFrame({"area_code": "E1", "period": "2014", "sex": ["male", "female"],
    ...                   "age_start": 0, "cause": "all", "deaths": [2.0, 3.0]})
    >>> add_persons(d)["sex"].tolist(), float(add_persons(d)["deaths"].iloc[-1])
    (['male', 'female', 'persons'], 5.0)
    """
    keys = [k for k in _key_columns(table) if k != "sex"]
    sexed = table[table["sex"].isin(["male", "female"])]
    has_persons = table.loc[table["sex"] == "persons", keys].drop_duplicates()
    if "deaths" not in table.columns:
        n_sexes = sexed.groupby(keys, sort=False)["sex"].transform("nunique")
        lone = sexed[n_sexes < 2].drop_duplicates(keys)
        if not lone.empty:
            only = " has only " + lone["sex"].astype(str)
            raise InputError(_cell_problems(lone, keys, "sex", "missing_sex", only))
    keep = [c for c in sexed.columns if c not in _NON_ADDITIVE]
    persons = _sum_cells(sexed[keep].assign(sex="persons"), [*keys[:1], "sex", *keys[1:]])
    if not has_persons.empty:
        mark = persons.merge(has_persons, on=keys, how="left", indicator=True)["_merge"]
        persons = persons[(mark == "left_only").to_numpy()]
    persons = persons[[c for c in table.columns if c in persons.columns]]
    return pd.concat([table, persons], ignore_index=True)
