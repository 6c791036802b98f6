"""Explain a gap: which ages and causes make up the gap of one comparison in one period.

:func:`explain_gap` builds the two populations of a
:class:`~healthgap.decomposition.comparison.Comparison` from a source
(:func:`~healthgap.decomposition.populations.compare_populations`), decomposes the gap
(:func:`~healthgap.decomposition.decompose.decompose_gap`), optionally the change of the gap
since an earlier period, and draws the contributions and scarf charts of each sex.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.selection import given_or_latest
from healthgap.analyses.source import Source
from healthgap.decomposition.changes import decompose_gap_change
from healthgap.decomposition.comparison import Comparison
from healthgap.decomposition.decompose import decompose_gap
from healthgap.decomposition.populations import compare_populations
from healthgap.errors import InputError
from healthgap.measures.life_expectancy import MIN_PERSON_YEARS, SMALL_POPULATION_NOTE
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.charts import contributions_chart, scarf_chart

__all__ = ["explain_gap", "gap_summary", "too_small"]

CAUSE_SPLIT_NOTE = (
    "cause_split_unstable marks bands resting on few deaths or a tiny all-cause difference; "
    "pool years or use broader causes"
)


def too_small(population: pd.DataFrame, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Sexes whose gap is not shown, with the reason: either side (``names``: code to name
    of each side; default every area of ``population``) has no more than
    :data:`~healthgap.measures.life_expectancy.MIN_PERSON_YEARS` person-years in the
    period, the rule under which :func:`~healthgap.measures.life_expectancy.life_expectancy`
    suppresses a life expectancy; the reason ends with the note the profile shows for it, so
    both pages say the same.

    >>> people = pd.DataFrame({"area_code": ["A", "B"], "period": "2022-24",
    ...                        "sex": "male", "person_years": [4000.0, 90000.0]})
    >>> too_small(people, {"A": "Ashfield", "B": "England"})["male"]  # doctest: +ELLIPSIS
    'Not shown: Ashfield has only 4,000 person-years in 2022-24. Not calculated: ...'
    """
    if names is not None:
        population = population[population["area_code"].astype(str).isin(list(names))]
    if population.empty:
        return {}
    sizes = population.groupby(["sex", "area_code", "period"], observed=True)["person_years"].sum()
    smallest = sizes.groupby(level="sex", observed=True).idxmin()
    hidden = {}
    for sex, (_sex, code, period) in smallest.items():
        size = sizes[(sex, code, period)]
        if size <= MIN_PERSON_YEARS:
            name = (names or {}).get(str(code), str(code))
            hidden[str(sex)] = (
                f"Not shown: {name} has only {size:,.0f} person-years in {period}. "
                f"{SMALL_POPULATION_NOTE}"
            )
    return hidden


def gap_summary(result: pd.DataFrame) -> list[dict[str, Any]]:
    """Per sex (and period): both life expectancies, the gap, the three largest
    contributions (by cause when split by cause, else by age band) and the note."""
    keys = [c for c in ("sex", "period") if c in result.columns]
    rows = []
    for values, group in result.groupby(keys, observed=True, sort=False):
        first = group.iloc[0]
        by = "cause" if "cause" in group.columns and group["cause"].nunique() > 1 else "age_band"
        by = by if by in group.columns else "cause"
        parts = group.groupby(by, observed=True, sort=False)["contribution"].sum()
        top = parts.reindex(parts.abs().sort_values(ascending=False).index)[:3]
        key_values = values if isinstance(values, tuple) else (values,)
        rows.append(
            {
                **dict(zip(keys, map(str, key_values), strict=True)),
                "e0_base": float(first["e0_base"]),
                "e0_comparator": float(first["e0_comparator"]),
                "gap": float(first["gap"]),
                "top": [(str(k), float(v)) for k, v in top.items()],
                "note": str(first.get("note", "") or ""),
            }
        )
    return rows


def explain_gap(
    source: Source,
    *,
    area: str,
    comparison: Comparison | str = "england",
    period: str | Period | None = None,
    sexes: Sequence[str] = ("male", "female"),
    by: Sequence[str] = ("age", "cause"),
    method: str = "arriaga",
    change_from: str | Period | None = None,
) -> ResultBundle:
    """Decompose the gap of ``comparison`` for ``area`` in ``period`` (default: the latest
    three years pooled) by age and cause.

    Returns a bundle with table ``decomposition`` (and ``gap_change`` with
    ``change_from``), charts ``contributions_<sex>`` and ``scarf_<sex>`` when split by age
    and cause, and in ``summary`` the two sides' labels and the per-sex :func:`gap_summary`.
    """
    chosen = Comparison.coerce(comparison, area=area)
    when = given_or_latest(source, period)
    areas = source.areas()
    with collect_warnings() as met:
        compared = compare_populations(areas, source.read, chosen, period=when, sexes=sexes)
        result = decompose_gap(
            compared.deaths, compared.population, compared.pairs, by=tuple(by), method=method
        )  # type: ignore[arg-type]
    base, other = compared.base_label, compared.comparator_label
    sides = {
        **dict.fromkeys(compared.pairs["base_area_code"].astype(str), base),
        **dict.fromkeys(compared.pairs["comparator_area_code"].astype(str), other),
    }
    hidden = too_small(compared.population, sides)
    if hidden:  # the rule every life expectancy follows: no figures for too few person-years
        result = result[~result["sex"].astype(str).isin(hidden)].reset_index(drop=True)
    metadata = {
        "base": base,
        "comparator": other,
        "comparison": chosen.token,
        "period": when.label,
        "statistic": "contribution to the gap in life expectancy at birth (years)",
        "cause split note": CAUSE_SPLIT_NOTE,
    }
    if compared.notes:
        metadata["summed areas"] = "; ".join(compared.notes)
    for sex, note in hidden.items():
        metadata[f"not shown ({sex})"] = note
    tables = {"decomposition": Table(result, f"gap between {base} and {other} by age and cause")}
    if change_from is not None:
        tables["gap_change"] = _change(source, chosen, when, Period.parse(change_from), sexes, by)
    charts: dict[str, dict[str, Any]] = {}
    if {"age", "cause"} <= set(by):
        for sex in sexes:
            rows = result[result["sex"] == sex]
            if rows.empty:
                continue
            label = f"{base} ({sex})"
            charts[f"contributions_{sex}"] = contributions_chart(
                rows, base_label=label, comparator_label=other
            )
            charts[f"scarf_{sex}"] = scarf_chart(rows, base_label=label, comparator_label=other)
    return ResultBundle(
        question="explain a gap",
        provenance=provenance_of(source, str(result["method"].iloc[0]) if len(result) else ""),
        tables=tables,
        charts=charts,
        metadata=metadata,
        summary={
            "base_label": base,
            "comparator_label": other,
            "period": when.label,
            "comparison": chosen,
            "rows": gap_summary(result),
            "not_shown": hidden,
        },
        warnings=tuple(met),
    )


def _change(
    source: Source,
    comparison: Comparison,
    period: Period,
    before: Period,
    sexes: Sequence[str],
    by: Sequence[str],
) -> Table:
    """How the gap changed between ``before`` and ``period``, by age and cause."""
    if comparison.kind == "period":
        raise InputError(
            "a change since an earlier period needs a comparison of two populations, "
            "not of periods",
            rule="invalid_option",
        )
    areas = source.areas()
    sides = [
        compare_populations(areas, source.read, comparison, period=p, sexes=sexes)
        for p in (before, period)
    ]
    change = decompose_gap_change(
        pd.concat([s.deaths for s in sides], ignore_index=True),
        pd.concat([s.population for s in sides], ignore_index=True),
        sides[-1].pairs,
        before=before.label,
        after=period.label,
        by=tuple(by),
    )
    return Table(change, f"change of the gap from {before} to {period} by age and cause")
