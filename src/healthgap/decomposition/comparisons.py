"""Build the two populations of a comparison from small-area tables (workspace data).

Supported comparisons of an area (any level: LA, region, ward, ...):

- ``"england"`` (or ``"country"``): the area against its country;
- another area code (e.g. a region ``E12000001``): the area against that area;
- ``"quintiles"`` / ``"deciles"``: the most against the least deprived fifth (tenth) of
  the area's small areas, ranked by ``deprivation_score`` within the area
  (:func:`healthgap.data.assign_quantiles`, PHE ``phe_quantile`` rule);
- ``"period:2012-14"``: the same area in an earlier period (base) against the chosen one.

Periods are labels of single years (``"2024"``) or pooled ranges (``"2022-24"``), pooled
with :func:`healthgap.data.pool_periods`; areas are summed with
:func:`healthgap.data.aggregate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from healthgap.data import aggregate, assign_quantiles, pool_periods
from healthgap.decomposition.decompose import life_expectancy_gaps
from healthgap.errors import InputError

__all__ = [
    "Comparison",
    "build_comparison",
    "gaps_over_periods",
    "in_period",
    "period_label_years",
]

KEY = ("area_code", "period", "sex")


@dataclass(frozen=True)
class Comparison:
    """Deaths, population and pairs ready for ``decompose_gap``, with readable labels."""

    deaths: pd.DataFrame
    population: pd.DataFrame
    pairs: pd.DataFrame
    base_label: str
    comparator_label: str


def period_label_years(label: str) -> list[str]:
    """Single years making up a period label.

    >>> period_label_years("2022-24"), period_label_years("2019")
    (['2022', '2023', '2024'], ['2019'])
    """
    first, _, last = str(label).partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise InputError(
            f"period {label!r} is not a year or a range like 2022-24", rule="bad_period"
        )
    end = int(first[: len(first) - len(last)] + last) if last else int(first)
    return [str(y) for y in range(int(first), end + 1)]


def in_period(table: pd.DataFrame, label: str) -> pd.DataFrame:
    """Rows of one period, pooled from single years when the label is a range."""
    periods = table["period"].astype(str)
    if (periods == label).any():
        return table[periods == label]
    years = period_label_years(label)
    missing = sorted(set(years) - set(periods.unique()))
    if missing:
        raise InputError(
            f"period {label!r} needs years {', '.join(missing)}, not in the data",
            rule="missing_period",
        )
    chosen = table[periods.isin(years)]
    return chosen if len(years) == 1 else pool_periods(chosen, years, label)


def _area_rows(table: pd.DataFrame, areas: pd.DataFrame, code: str) -> pd.DataFrame:
    """Rows of one area: its own rows if present, else its small areas summed."""
    own = table[table["area_code"].astype(str) == code]
    if not own.empty:
        return own
    level = str(areas.loc[areas["area_code"].astype(str) == code, "level"].iloc[0])
    parent = f"parent_{level}"
    if parent not in areas.columns:
        raise InputError(
            f"no rows for area {code!r} and no {parent!r} column to build them", rule="unknown_area"
        )
    members = areas[areas[parent].astype(str) == code]
    small = table[table["area_code"].isin(members["area_code"])]
    # sum only the smallest level present, so that wards and their LSOAs are not both counted
    present = members.loc[members["area_code"].isin(small["area_code"]), "level"].astype(str)
    smallest = "lsoa" if "lsoa" in set(present) else (present.iloc[0] if len(present) else "")
    small = small[small["area_code"].isin(members.loc[members["level"] == smallest, "area_code"])]
    return aggregate(small, areas, level)


def _sum_as(table: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Sum rows after relabelling each small area's code (e.g. to its quintile)."""
    value = "deaths" if "deaths" in table.columns else "person_years"
    relabelled = table.assign(area_code=table["area_code"].astype(str).map(codes))
    relabelled = relabelled.dropna(subset=["area_code"])
    keys = [c for c in relabelled.columns if c != value]
    return relabelled.groupby(keys, observed=True, as_index=False)[value].sum()


def build_comparison(
    areas: pd.DataFrame,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    area: str,
    compare: str = "england",
    period: str,
    sexes: Sequence[str] = ("male", "female"),
) -> Comparison:
    """The base and comparator populations of one comparison, ready to decompose.

    Returns tables keyed by ``area_code, period, sex`` and one pair per sex.
    """
    codes = areas["area_code"].astype(str)
    if area not in set(codes):
        raise InputError(f"area {area!r} is not in the areas table", rule="unknown_area")
    name_of = dict(zip(codes, areas.get("area_name", codes).astype(str), strict=True))
    tables = {"population": population, "deaths": deaths}
    tables = {k: v[v["sex"].astype(str).isin(list(sexes))] for k, v in tables.items()}
    mode = compare.lower()
    if mode in ("quintiles", "deciles"):
        n = 5 if mode == "quintiles" else 10
        level = str(areas.loc[codes == area, "level"].iloc[0])
        members = areas[(areas.get(f"parent_{level}") == area) & (areas["level"] == "lsoa")]
        quantile = assign_quantiles(members, n=n, score="deprivation_score")
        labels = pd.Series(
            [f"{area}-{mode[0].upper()}{int(q)}" for q in quantile],
            index=members["area_code"].astype(str).to_numpy(),
        )
        out = {k: _sum_as(in_period(v, period), labels) for k, v in tables.items()}
        tag = "fifth" if n == 5 else "tenth"
        base, comp = f"{area}-{mode[0].upper()}1", f"{area}-{mode[0].upper()}{n}"
        base_label = f"most deprived {tag} of {name_of[area]}"
        comparator_label = f"least deprived {tag} of {name_of[area]}"
        pairs = pd.DataFrame({"base_area_code": [base], "comparator_area_code": [comp]})
    elif mode.startswith("period:"):
        before = compare.split(":", 1)[1]
        out = {
            k: pd.concat([in_period(_area_rows(v, areas, area), p) for p in (before, period)])
            for k, v in tables.items()
        }
        base_label = f"{name_of[area]} {before}"
        comparator_label = f"{name_of[area]} {period}"
        pairs = pd.DataFrame(
            {"area_code": [area], "base_period": [before], "comparator_period": [period]}
        )
    else:
        if mode in ("england", "country"):
            other = str(areas.loc[codes == area].get("parent_country", pd.Series([None])).iloc[0])
            if other in ("None", "nan", "<NA>"):
                other = str(codes[areas["level"] == "country"].iloc[0])
        else:
            other = compare
            if other not in set(codes):
                raise InputError(
                    f"comparator {compare!r} is neither england, quintiles, "
                    "deciles, period:LABEL nor an area code",
                    rule="unknown_area",
                )
        out = {
            k: pd.concat([in_period(_area_rows(v, areas, c), period) for c in (area, other)])
            for k, v in tables.items()
        }
        base_label, comparator_label = name_of[area], name_of[other]
        pairs = pd.DataFrame({"base_area_code": [area], "comparator_area_code": [other]})
    for k, v in out.items():
        out[k] = v.astype({"area_code": str, "period": str, "sex": str}).reset_index(drop=True)
    return Comparison(out["deaths"], out["population"], pairs, base_label, comparator_label)


def gaps_over_periods(
    areas: pd.DataFrame,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    area: str,
    compare: str = "england",
    periods: Sequence[str],
    sex: str,
) -> tuple[pd.DataFrame, Comparison]:
    """The gap of one comparison in each of ``periods``, for a trend or a target.

    Returns the rows of :func:`~healthgap.decomposition.decompose.life_expectancy_gaps`
    (one per period, with ``period``), and the comparison of the last period (its labels
    name the two sides in charts). Periods are few, so they are built one at a time.

    >>> from healthgap.datasets import generate_demo
    >>> demo = generate_demo("small", years=3)
    >>> la = demo["areas"].query("level == 'la'")["area_code"].iloc[0]
    >>> gaps, last = gaps_over_periods(demo["areas"], demo["population"], demo["deaths"],
    ...     area=la, compare="quintiles", periods=["2010", "2011", "2012"], sex="male")
    >>> gaps["period"].tolist(), last.comparator_label.startswith("least deprived fifth")
    (['2010', '2011', '2012'], True)
    """
    gaps = []
    for label in periods:
        comparison = build_comparison(
            areas, population, deaths, area=area, compare=compare, period=label, sexes=[sex]
        )
        gaps.append(
            life_expectancy_gaps(comparison.deaths, comparison.population, comparison.pairs)
        )
    series = pd.concat(gaps, ignore_index=True)
    if "period" not in series.columns:
        series["period"] = list(periods)
    return series, comparison
