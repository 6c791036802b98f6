"""Build the two populations of a :class:`~healthgap.decomposition.comparison.Comparison`.

Rows are asked for through a *reader*, ``read(table, area_codes, period)``, which returns the
rows a store holds for those areas in that period (pooled from single years for a range such
as ``"2022-24"``, see :func:`healthgap.data.select_period`). A workspace opened from disk, a
web server's prepared tables and plain DataFrames (:func:`frame_reader`) all give one, so
which rows a comparison needs is decided here, once.

An area without rows of its own is the sum of the smallest areas inside it that have rows
(:func:`rows_of_areas`), whether or not the areas table lists it: in a workspace of local
authorities whose ``parent_country`` is E92000001, England is the sum of its authorities.
When that cannot be done, the :class:`~healthgap.errors.InputError` names what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from healthgap.data import aggregate, assign_quantiles, select_period
from healthgap.data.model import LEVELS, parent_column
from healthgap.decomposition.comparison import ENGLAND, PARENT, Comparison
from healthgap.decomposition.decompose import life_expectancy_gaps
from healthgap.errors import InputError, Problem
from healthgap.periods import Period

__all__ = [
    "ComparedPopulations",
    "RowReader",
    "build_comparison",
    "compare_populations",
    "comparator_code",
    "frame_reader",
    "gaps_over_periods",
    "rows_of_areas",
]

#: ``read(table, area_codes, period)``: the stored rows of those areas (all areas when
#: ``area_codes`` is None) in ``period`` (every period when None).
RowReader = Callable[[str, Sequence[str] | None, Period | None], pd.DataFrame]
COUNT_TABLES = ("population", "deaths")


def frame_reader(tables: Mapping[str, pd.DataFrame]) -> RowReader:
    """A reader over tables held in memory (e.g. from :func:`healthgap.load_demo`)."""

    labels: dict[str, list[str]] = {}  # each table's period labels, found once

    def read(table: str, area_codes: Sequence[str] | None, period: Period | None) -> pd.DataFrame:
        rows = tables[table]
        if period is not None and table not in labels:
            labels[table] = rows["period"].astype(str).unique().tolist()
        if area_codes is not None:
            rows = rows[rows["area_code"].astype(str).isin(set(map(str, area_codes))).to_numpy()]
        return rows if period is None else select_period(rows, period, available=labels[table])

    return read


@dataclass(frozen=True)
class ComparedPopulations:
    """Deaths, population and pairs ready for ``decompose_gap``, with readable labels."""

    deaths: pd.DataFrame
    population: pd.DataFrame
    pairs: pd.DataFrame
    base_label: str
    comparator_label: str
    comparison: Comparison
    notes: tuple[str, ...] = ()


def _level_order(levels: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(levels))
    return [lv for lv in LEVELS if lv in found] + [lv for lv in found if lv not in LEVELS]


def level_of(areas: pd.DataFrame, code: str) -> str | None:
    """Level of an area: its row's, or for a code only named as a parent (e.g. England in
    a table of local authorities) the level of the ``parent_<level>`` column naming it."""
    own = areas.loc[areas["area_code"].astype(str) == code, "level"]
    if len(own):
        return str(own.iloc[0])
    for level in _level_order(c.removeprefix("parent_") for c in areas if c.startswith("parent_")):
        if (areas[parent_column(level)].astype(str) == code).any():
            return level
    return None


def rows_of_areas(
    areas: pd.DataFrame,
    read: RowReader,
    table: str,
    codes: Sequence[str],
    period: Period | None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``table`` for ``codes``: each area's own rows, or the rows of the smallest
    areas inside it summed with :func:`healthgap.data.aggregate` (noted in ``notes``)."""
    codes = list(dict.fromkeys(map(str, codes)))
    own = read(table, codes, period)
    present = set(own["area_code"].astype(str).unique())
    missing = [c for c in codes if c not in present]
    parts, unresolved = [own], []
    by_level: dict[str | None, list[str]] = {}
    # Only the rows of the missing codes become text (most reads miss none): a dictionary of
    # the whole areas table, built on every read, cost seconds per report nationally.
    listing = areas.loc[
        areas["area_code"].astype(str).isin(missing).to_numpy(), ["area_code", "level"]
    ]
    listed = dict(zip(listing["area_code"].astype(str), listing["level"].astype(str), strict=True))
    for code in missing:
        level = listed[code] if code in listed else level_of(areas, code)
        by_level.setdefault(level, []).append(code)
    for level, targets in by_level.items():
        column = None if level is None else parent_column(level)
        if column is None or column not in areas.columns:
            unresolved += targets
            continue
        inside = areas[areas[column].astype(str).isin(targets)]
        remaining = set(targets)
        for member_level in _level_order(inside["level"].astype(str)):
            members = inside[(inside["level"].astype(str) == member_level).to_numpy()]
            members = members[members[column].astype(str).isin(remaining).to_numpy()]
            rows = read(table, members["area_code"].astype(str).tolist(), period)
            if rows.empty:
                continue
            summed = aggregate(rows, members[["area_code", column]], level)  # type: ignore[arg-type]
            parts.append(summed)
            for code in set(summed["area_code"].astype(str)) & remaining:
                count = int(members[column].astype(str).eq(code).sum())
                if notes is not None:
                    notes.append(f"{code} is the sum of its {count} {member_level} areas")
                remaining.discard(code)
            if not remaining:
                break
        unresolved += sorted(remaining)
    if unresolved:
        raise InputError(
            [
                Problem(
                    table,
                    None,
                    "area_code",
                    "no_rows_for_area",
                    f"no {table} rows for {code}"
                    + ("" if period is None else f" in {period}")
                    + ", and no smaller areas inside it with rows (the areas table names none "
                    "with it as parent)",
                )
                for code in unresolved
            ]
        )
    frames = [p for p in parts if not p.empty] or [own]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def comparator_code(areas: pd.DataFrame, comparison: Comparison) -> str:
    """The area code of the comparator side of an ``area`` comparison."""
    area = str(comparison.area)
    row = areas[areas["area_code"].astype(str) == area]
    if comparison.comparator == ENGLAND:
        own = row["parent_country"].dropna().astype(str) if "parent_country" in areas else []
        if len(own):
            return str(own.iloc[0])
        if level_of(areas, area) == "country":
            raise InputError(f"{area} is a country: compare it with another area", rule="self")
        countries = areas.loc[areas["level"].astype(str) == "country", "area_code"].astype(str)
        if len(countries) == 1:
            return str(countries.iloc[0])
        raise InputError(
            f"no England to compare {area} with: the areas table has "
            f"{'no' if countries.empty else len(countries)} country rows and {area} has no "
            "parent_country; add a parent_country column (e.g. E92000001)",
            rule="no_comparator",
        )
    if comparison.comparator == PARENT:
        level = level_of(areas, area)
        above = _level_order(c.removeprefix("parent_") for c in areas if c.startswith("parent_"))
        if level in above:
            above = above[above.index(level) + 1 :]
        for parent in above:
            values = row[parent_column(parent)].dropna().astype(str)
            if len(values):
                return str(values.iloc[0])
        raise InputError(f"{area} has no parent area in the areas table", rule="no_comparator")
    code = str(comparison.comparator)
    if level_of(areas, code) is None:
        raise InputError(
            f"comparator {code!r} is neither england, parent, quintiles, deciles, "
            "period:LABEL nor an area code of the areas table",
            rule="unknown_comparator",
        )
    return code


def _small_areas(areas: pd.DataFrame, area: str, comparison: Comparison) -> pd.DataFrame:
    """The smallest scored areas inside ``area`` (the whole table when ``area`` is None)."""
    scored = areas[areas["deprivation_score"].notna()] if "deprivation_score" in areas else areas
    if area is not None:
        level = level_of(areas, area)
        column = parent_column(str(level))
        # an area of the smallest level has no parent column naming it: nothing inside
        scored = scored[scored[column].astype(str) == area] if column in areas else scored[:0]
    levels = _level_order(scored["level"].astype(str)) if len(scored) else []
    members = scored[scored["level"].astype(str) == levels[0]] if levels else scored.iloc[0:0]
    if len(members) < comparison.quantiles:
        raise InputError(
            f"{area or 'the country'} has {len(members)} small areas with a deprivation_score: "
            f"too few to split into {comparison.quantiles} groups",
            rule="too_few_small_areas",
        )
    return members


def _sum_as(table: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Sum rows after relabelling each small area's code (e.g. to its quintile)."""
    value = "deaths" if "deaths" in table.columns else "person_years"
    relabelled = table.assign(area_code=table["area_code"].astype(str).map(codes))
    relabelled = relabelled.dropna(subset=["area_code"])
    keys = [c for c in relabelled.columns if c != value]
    return relabelled.groupby(keys, observed=True, as_index=False)[value].sum()


class _NameLookup:
    """``name_of[code]`` and ``name_of.get(code, default)`` over an areas table's columns."""

    def __init__(self, codes: pd.Series, names: pd.Series) -> None:
        self.codes, self.names = codes, names

    def get(self, code: str, default: str) -> str:
        found = self.names[(self.codes == code).to_numpy()]
        return str(found.iloc[0]) if len(found) else default

    def __getitem__(self, code: str) -> str:
        return self.get(code, code)


def compare_populations(
    areas: pd.DataFrame,
    read: RowReader,
    comparison: Comparison,
    *,
    period: str | Period,
    sexes: Sequence[str] = ("male", "female"),
) -> ComparedPopulations:
    """The base and comparator populations of ``comparison`` in ``period``, ready to
    decompose: tables keyed by ``area_code, period, sex`` and one pair per sex."""
    area = comparison.area
    codes = areas["area_code"].astype(str)
    if area is None or not (codes == area).any():
        raise InputError(f"area {area!r} is not in the areas table", rule="unknown_area")
    chosen = Period.parse(period)
    # Names looked up for the two codes only: a dictionary of a national areas table (35,000
    # rows) on every call cost most of a report's trend section.
    names = areas["area_name"].astype(str) if "area_name" in areas else codes
    name_of = _NameLookup(codes, names)
    notes: list[str] = []
    out: dict[str, pd.DataFrame] = {}
    if comparison.kind == "quantiles":
        members = _small_areas(areas, area, comparison)
        quantile = assign_quantiles(members, n=comparison.quantiles, score="deprivation_score")
        tag = comparison.group_tag
        labels = pd.Series(
            [f"{area}-{tag}{int(q)}" for q in quantile],
            index=members["area_code"].astype(str).to_numpy(),
        )
        for name in COUNT_TABLES:
            rows = read(name, labels.index.tolist(), chosen)
            out[name] = _sum_as(rows[rows["sex"].astype(str).isin(sexes).to_numpy()], labels)
        base, other = (
            f"{area}-{tag}{comparison.base_group}",
            f"{area}-{tag}{comparison.comparator_group}",
        )
        base_label = f"most deprived {comparison.group_word} of {name_of[area]}"
        comparator_label = f"least deprived {comparison.group_word} of {name_of[area]}"
        if (comparison.base_group, comparison.comparator_group) != (1, comparison.quantiles):
            base_label = f"group {comparison.base_group} of {name_of[area]}"
            comparator_label = f"group {comparison.comparator_group} of {name_of[area]}"
        pairs = pd.DataFrame({"base_area_code": [base], "comparator_area_code": [other]})
    elif comparison.kind == "period":
        before = comparison.before
        for name in COUNT_TABLES:
            out[name] = pd.concat(
                [rows_of_areas(areas, read, name, [area], p, notes) for p in (before, chosen)]
            )
        base_label, comparator_label = f"{name_of[area]} {before}", f"{name_of[area]} {chosen}"
        pairs = pd.DataFrame(
            {"area_code": [area], "base_period": [str(before)], "comparator_period": [chosen.label]}
        )
    else:
        other = comparator_code(areas, comparison)
        for name in COUNT_TABLES:
            out[name] = rows_of_areas(areas, read, name, [area, other], chosen, notes)
        fallback = "England" if comparison.comparator == ENGLAND else other
        base_label, comparator_label = name_of[area], name_of.get(other, fallback)
        pairs = pd.DataFrame({"base_area_code": [area], "comparator_area_code": [other]})
    for name, frame in out.items():
        frame = frame[frame["sex"].astype(str).isin(list(sexes)).to_numpy()]
        out[name] = frame.astype({"area_code": str, "period": str, "sex": str}).reset_index(
            drop=True
        )
    return ComparedPopulations(
        out["deaths"],
        out["population"],
        pairs,
        base_label,
        comparator_label,
        comparison,
        tuple(dict.fromkeys(notes)),
    )


def build_comparison(
    areas: pd.DataFrame,
    population: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    area: str,
    compare: str | Comparison = ENGLAND,
    period: str | Period,
    sexes: Sequence[str] = ("male", "female"),
) -> ComparedPopulations:
    """:func:`compare_populations` over tables held in memory.

    ``compare`` is a :class:`~healthgap.decomposition.comparison.Comparison` or its CLI
    spelling (``"england"``, an area code, ``"quintiles"``, ``"deciles"``,
    ``"period:2012-14"``).
    """
    read = frame_reader({"population": population, "deaths": deaths})
    comparison = Comparison.coerce(compare, area=area)
    return compare_populations(areas, read, comparison, period=period, sexes=sexes)


def gaps_over_periods(
    areas: pd.DataFrame,
    read: RowReader,
    comparison: Comparison,
    *,
    periods: Sequence[str | Period],
    sex: str,
) -> tuple[pd.DataFrame, ComparedPopulations]:
    """The gap of one comparison in each of ``periods``, for a trend or a target.

    Returns the rows of :func:`~healthgap.decomposition.decompose.life_expectancy_gaps`
    (one per period, with ``period`` and ``smallest_person_years``, those of the smaller
    side), and the populations of the last period (their labels name the two sides in
    charts). Periods are few, so they are built one at a time.

    >>> from healthgap.datasets import generate_demo
    >>> demo = generate_demo("small", years=3)
    >>> la = demo["areas"].query("level == 'la'")["area_code"].iloc[0]
    >>> gaps, last = gaps_over_periods(demo["areas"], frame_reader(demo),
    ...     Comparison.within(la), periods=["2010", "2011", "2012"], sex="male")
    >>> gaps["period"].tolist(), last.comparator_label.startswith("least deprived fifth")
    (['2010', '2011', '2012'], True)
    """
    gaps = []
    for label in periods:
        compared = compare_populations(areas, read, comparison, period=label, sexes=[sex])
        gap = life_expectancy_gaps(compared.deaths, compared.population, compared.pairs)
        people = compared.population
        sizes = people.groupby(people["area_code"].astype(str))["person_years"].sum()
        gap["smallest_person_years"] = np.minimum(
            sizes.reindex(gap["base_area_code"].astype(str)).to_numpy(dtype=float),
            sizes.reindex(gap["comparator_area_code"].astype(str)).to_numpy(dtype=float),
        )
        gaps.append(gap)
    series = pd.concat(gaps, ignore_index=True)
    if "period" not in series.columns:
        series["period"] = [str(p) for p in periods]
    return series, compared
