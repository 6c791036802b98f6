"""Measure areas: life expectancy, healthy life expectancy, the deprivation gap and the DSR.

Each function reads the areas of one level (summed from the smallest areas where the source
holds no rows of their own) in one period (pooled from single years), calls one measure of
the core and returns a :class:`~healthgap.reports.bundle.ResultBundle` with one table named
after the measure, its metadata (indicator, geography, method, confidence, suppression) and
the Fingertips layout's options.

>>> from healthgap.analyses.source import WorkspaceSource
>>> from healthgap.datasets import build_demo_workspace
>>> import tempfile
>>> source = WorkspaceSource.open(build_demo_workspace(tempfile.mkdtemp() + "/d", "small"))
>>> bundle = measure_life_expectancy(source, level="la", period="2022-24", ages=[0])
>>> bundle.table("life_expectancy")[["sex", "period"]].values.tolist()
[['male', '2022-24'], ['female', '2022-24']]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.selection import (
    KEYS,
    area_mortality,
    check_sexes,
    codes_at_level,
    level_rows,
)
from healthgap.analyses.source import Source
from healthgap.errors import InputError, WorkspaceError
from healthgap.measures.deprivation_gap import deprivation_gap, deprivation_group_life_expectancy
from healthgap.measures.dsr import directly_standardised_rate
from healthgap.measures.healthy_life_expectancy import HLE_METHOD, healthy_life_expectancy
from healthgap.measures.intervals import confidence_labels, normalise_confidence
from healthgap.measures.life_expectancy import LE_METHOD, life_expectancy
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table

__all__ = [
    "measure_deprivation_gap",
    "measure_dsr",
    "measure_healthy_life_expectancy",
    "measure_life_expectancy",
    "suppression_counts",
]

Ages = Sequence[int] | None


def suppression_counts(frame: pd.DataFrame) -> pd.Series:
    """Rows by suppression reason ("" = shown); a missing value is the reason for measures
    without reasons of their own (e.g. the DSR)."""
    if "suppression_reason" in frame.columns:
        reasons = frame["suppression_reason"]
    else:
        reasons = pd.Series(frame["value"].isna().map({True: "not_calculated", False: ""}))
    # astype(str): a categorical column would also count its unused categories.
    return reasons.astype(str).value_counts()


def _with_names(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    names = areas.set_index(areas["area_code"].astype(str))["area_name"].astype(str)
    frame = frame.copy()
    frame.insert(frame.columns.get_loc("area_code") + 1, "area_name", frame["area_code"].map(names))
    return frame


def _bundle(
    source: Source,
    name: str,
    compute: Callable[[], pd.DataFrame],
    *,
    indicator: str,
    level: str,
    period: Period,
    levels: tuple[float, ...],
    method: str | None = None,
    names: bool = True,
) -> ResultBundle:
    """Run ``compute`` collecting its warnings, and describe the result as a bundle."""
    with collect_warnings() as met:
        result = compute()
    if method is None:  # the measure's own method column
        method = str(result["method"].iloc[0]) if len(result) else ""
    areas = source.areas()
    if names and "area_name" in areas.columns:
        result = _with_names(result, areas)
    counts = suppression_counts(result)
    shown = counts.drop("", errors="ignore")
    notes = "; ".join(f"{reason}: {n} rows" for reason, n in shown.items()) or "none"
    parent_level = "region" if level not in ("region", "country") else "country"
    by_code = areas.set_index(areas["area_code"].astype(str))
    parent = f"parent_{parent_level}"
    fingertips = {
        "indicator_name": indicator,
        "area_type": level,
        "area_names": by_code["area_name"].astype(str).to_dict() if "area_name" in areas else {},
        "parents": by_code[parent].dropna().astype(str).to_dict() if parent in areas else None,
        "parent_label": parent_level.capitalize(),
    }
    metadata = {
        "indicator": indicator,
        "geography": f"{level}, period {period}",
        "confidence": confidence_labels(levels),
        "suppression": notes,
    }
    return ResultBundle(
        question=f"measure: {indicator.lower()}",
        provenance=provenance_of(source, method),
        tables={name: Table(result, indicator, metadata=metadata, fingertips=fingertips)},
        metadata={"method": method},
        summary={"rows": len(result), "suppression": counts.to_dict()},
        warnings=tuple(met),
    )


def _levels(confidence: float | Sequence[float]) -> tuple[float, ...]:
    return normalise_confidence(confidence, lowest=None)


def measure_life_expectancy(
    source: Source,
    *,
    level: str = "la",
    period: str | Period = "2014",
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    ages: Ages = None,
) -> ResultBundle:
    """Life expectancy at every age band (or ``ages``) of every area of ``level`` (Chiang
    II, the reference suppression rules): table ``life_expectancy``."""
    levels, chosen = _levels(confidence), Period.parse(period)
    codes, sexes = codes_at_level(source, level), check_sexes(sexes)
    data = area_mortality(source, codes, chosen, sexes)
    return _bundle(
        source, "life_expectancy",
        lambda: life_expectancy(data, confidence=levels, ages=ages or "all"),
        indicator="Life expectancy", level=level, period=chosen, levels=levels, method=LE_METHOD,
    )  # fmt: skip


def measure_healthy_life_expectancy(
    source: Source,
    *,
    level: str = "la",
    period: str | Period = "2014",
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    ages: Ages = None,
) -> ResultBundle:
    """Healthy life expectancy (Sullivan) from the ``good_health`` table: table
    ``healthy_life_expectancy``."""
    levels, chosen = _levels(confidence), Period.parse(period)
    codes, sexes = codes_at_level(source, level), check_sexes(sexes)
    if not source.has("good_health"):
        raise WorkspaceError(
            f"workspace {source.name} has no good_health table: import the prevalence of "
            "good health by age band (columns prevalence, respondents) first"
        )
    health = level_rows(source, "good_health", codes, chosen, sexes)
    health = health[[*KEYS, "age_start", "prevalence", "respondents"]]
    data = area_mortality(source, codes, chosen, sexes).merge(
        health, on=[*KEYS, "age_start"], how="inner"
    )
    return _bundle(
        source, "healthy_life_expectancy",
        lambda: healthy_life_expectancy(data, confidence=levels, ages=ages or "all"),
        indicator="Healthy life expectancy", level=level, period=chosen, levels=levels,
        method=HLE_METHOD,
    )  # fmt: skip


def measure_deprivation_gap(
    source: Source,
    *,
    period: str | Period = "2014",
    sexes: Sequence[str] = ("male", "female"),
    quantiles: int = 10,
    within: str | None = None,
    groups: bool = False,
    confidence: float | Sequence[float] = 0.95,
    ages: Ages = None,
) -> ResultBundle:
    """Gap in life expectancy between the most and least deprived tenths (or fifths) of the
    small areas, nationally or ``within`` each area of a level; with ``groups`` each
    group's life expectancy instead. Table ``deprivation_gap`` (or ``deprivation_groups``)."""
    if quantiles not in (5, 10):
        raise InputError("quantiles must be 10 or 5", rule="invalid_quantiles")
    levels, chosen = _levels(confidence), Period.parse(period)
    codes, sexes = codes_at_level(source, "lsoa"), check_sexes(sexes)
    deaths = level_rows(source, "deaths", codes, chosen, sexes)
    population = level_rows(source, "population", codes, chosen, sexes)
    areas = source.areas()
    small = areas[areas["level"].astype(str) == "lsoa"]
    options = {"quantiles": quantiles, "by": f"parent_{within}" if within else None,
               "confidence": levels}  # fmt: skip
    if groups:
        measure, ages_used, name = deprivation_group_life_expectancy, ages or "all", "groups"
    else:
        measure, ages_used, name = deprivation_gap, ages or [0], "gap"
    return _bundle(
        source, f"deprivation_{name}",
        lambda: measure(deaths, population, small, ages=ages_used, **options),
        indicator="Life expectancy by deprivation" if groups else "Deprivation gap in LE",
        level=within or "country", period=chosen, levels=levels, names=False,
    )  # fmt: skip


def measure_dsr(
    source: Source,
    *,
    level: str = "la",
    period: str | Period = "2014",
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
) -> ResultBundle:
    """All-cause directly standardised mortality rate (ESP2013, Dobson/Byar limits): table
    ``dsr``."""
    levels, chosen = _levels(confidence), Period.parse(period)
    codes, sexes = codes_at_level(source, level), check_sexes(sexes)
    data = area_mortality(source, codes, chosen, sexes)
    return _bundle(
        source, "dsr",
        lambda: directly_standardised_rate(data, keys=KEYS, multiplier=multiplier,
                                           confidence=levels),
        indicator="Directly standardised mortality rate", level=level, period=chosen,
        levels=levels,
    )  # fmt: skip
