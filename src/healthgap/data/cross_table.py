"""Checks across tables: area codes against the areas table, and deaths against population
(a deaths cell needs a population row and at most as many deaths as person-years; a deaths
period needs some population). Areas that lost rows to bad cells are skipped.

>>> from healthgap.data.checked_table import CheckedTable
>>> cell = {"area_code": ["E1"], "period": ["2014"], "sex": ["male"], "age_start": [0]}
>>> pop = CheckedTable("population", pd.DataFrame({**cell, "person_years": [2.0]}), "p.csv")
>>> deaths = CheckedTable("deaths", pd.DataFrame({**cell, "deaths": [4.0]}), "d.csv")
>>> [p.rule for p in deaths_vs_population(deaths, pop)]
['deaths_exceed_population']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from healthgap.data.checked_table import CheckedTable
from healthgap.errors import Problem

__all__ = ["area_problems", "deaths_vs_population"]


def area_problems(checked: Mapping[str, CheckedTable]) -> list[Problem]:
    known = checked["areas"].frame["area_code"].astype(str).unique()
    problems = []
    for name, table in checked.items():
        if name == "areas" or "area_code" not in table.frame.columns:
            continue
        codes = table.frame["area_code"].astype(str)
        unknown = ~codes.isin(known)
        # One problem per unknown code (at its first row), not one per row.
        firsts = codes[unknown].drop_duplicates()
        for position, code in firsts.items():
            problems.append(
                table.problem(
                    int(position), "area_code", "unknown_area", f"{code} is not in the areas table"
                )
            )
        # Rows dropped for another bad cell: their codes are checked too (one pass).
        named = set(firsts) | set(known)
        for file, row, code in table.lost_codes:
            if code not in named:
                named.add(code)
                message = f"{code} is not in the areas table"
                problems.append(Problem(file, row, "area_code", "unknown_area", message))
    return problems


def deaths_vs_population(deaths: CheckedTable, population: CheckedTable) -> list[Problem]:
    cell = ["area_code", "period", "sex", "age_start"]
    d = deaths.frame
    p = population.frame
    if not (set(cell) <= set(d.columns) & set(p.columns)) or "deaths" not in d:
        return []
    if "person_years" not in p:
        return []
    problems = []
    # Cells of areas that lost rows to bad cells (in either table) are not compared.
    tainted = deaths.tainted | population.tainted
    pop_periods = p["period"].astype(str).unique()
    bad_period = ~d["period"].astype(str).isin(pop_periods)
    for position, period in d["period"][bad_period].drop_duplicates().items():
        problems.append(
            deaths.problem(
                int(position),
                "period",
                "period_without_population",
                f"period {period} has deaths but no population",
            )
        )
    counts = pd.to_numeric(d["deaths"], errors="coerce")
    d = d.assign(__deaths__=counts, __position__=np.arange(len(d)))
    d = d[~bad_period.to_numpy() & ~d["area_code"].astype(str).isin(tainted).to_numpy()]
    per_cell = (
        d.groupby(cell, sort=False)
        .agg(deaths=("__deaths__", "sum"), position=("__position__", "min"))
        .reset_index()
    )
    pop = (
        p.assign(person_years=pd.to_numeric(p["person_years"], errors="coerce"))
        .groupby(cell, sort=False)["person_years"]
        .sum()
        .reset_index()
    )
    # A merge on columns: joining on a MultiIndex is several times slower at LSOA scale.
    joined = per_cell.merge(pop, on=cell, how="left").set_index(cell)
    absent = joined["person_years"].isna() & (joined["deaths"] > 0)
    problems += _cell_problems(
        deaths, joined[absent], "deaths_without_population", "deaths but no population row"
    )
    over = joined[joined["deaths"] > joined["person_years"]]
    details = [
        f"{d:g} deaths > {py:g} person-years"
        for d, py in zip(over["deaths"].tolist(), over["person_years"].tolist(), strict=True)
    ]
    problems += _cell_problems(deaths, over, "deaths_exceed_population", details)
    return problems


def _cell_problems(
    deaths: CheckedTable, cells: pd.DataFrame, rule: str, details: str | Sequence[str]
) -> list[Problem]:
    """One ``deaths`` problem per cell of ``cells`` (indexed by area, period, sex and age,
    with the ``position`` of the cell's first row), each naming its cell."""
    if isinstance(details, str):
        details = [details] * len(cells)
    keys = [cells.index.get_level_values(i).tolist() for i in range(4)]
    return [
        deaths.problem(int(position), "deaths", rule, f"{area} {period} {sex} age {age}: {detail}")
        for position, area, period, sex, age, detail in zip(
            cells["position"].tolist(), *keys, details, strict=True
        )
    ]
