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
from dataclasses import dataclass

import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.selection import (
    KEYS,
    area_mortality,
    check_sexes,
    codes_at_level,
    given_or_latest,
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


@dataclass(frozen=True)
class _Question:
    """What every measure reads: the areas of a level, a period, sexes and confidence levels
    (checked in that order, so the first problem a user sees is the first argument's)."""

    source: Source
    level: str
    period: Period
    sexes: list[str]
    levels: tuple[float, ...]
    codes: list[str]

    @classmethod
    def of(
        cls,
        source: Source,
        level: str,
        period: str | Period | None,
        sexes: Sequence[str],
        confidence: float | Sequence[float],
    ) -> _Question:
        levels = normalise_confidence(confidence, lowest=None)
        chosen = given_or_latest(source, period)
        codes = codes_at_level(source, level)
        return cls(source, level, chosen, check_sexes(sexes), levels, codes)

    def rows(self, table: str) -> pd.DataFrame:
        return level_rows(self.source, table, self.codes, self.period, self.sexes)

    def mortality(self) -> pd.DataFrame:
        return area_mortality(self.source, self.codes, self.period, self.sexes)

    def answer(
        self,
        name: str,
        compute: Callable[[], pd.DataFrame],
        *,
        indicator: str,
        method: str | None = None,
        level: str | None = None,
        names: bool = True,
    ) -> ResultBundle:
        """Run ``compute`` collecting its warnings, and describe the result as a bundle."""
        with collect_warnings() as met:
            result = compute()
        if method is None:  # the measure's own method column
            method = str(result["method"].iloc[0]) if len(result) else ""
        level = level or self.level
        areas = self.source.areas()
        if names and "area_name" in areas.columns:
            result = _with_names(result, areas)
        counts = suppression_counts(result)
        shown = counts.drop("", errors="ignore")
        metadata = {
            "indicator": indicator,
            "geography": f"{level}, period {self.period}",
            "confidence": confidence_labels(self.levels),
            "suppression": "; ".join(f"{r}: {n} rows" for r, n in shown.items()) or "none",
        }
        fingertips = {"indicator_name": indicator, **_fingertips(areas, level)}
        table = Table(result, indicator, metadata=metadata, fingertips=fingertips)
        return ResultBundle(
            question=f"measure: {indicator.lower()}",
            provenance=provenance_of(self.source, method),
            tables={name: table},
            metadata={"method": method, "period": self.period.label},
            summary={"rows": len(result), "suppression": counts.to_dict()},
            warnings=tuple(met),
        )


def _fingertips(areas: pd.DataFrame, level: str) -> dict[str, object]:
    """The Fingertips layout's area type, names and parents (regions, or the country)."""
    parent_level = "region" if level not in ("region", "country") else "country"
    by_code = areas.set_index(areas["area_code"].astype(str))
    parent = f"parent_{parent_level}"
    return {
        "area_type": level,
        "area_names": by_code["area_name"].astype(str).to_dict() if "area_name" in areas else {},
        "parents": by_code[parent].dropna().astype(str).to_dict() if parent in areas else None,
        "parent_label": parent_level.capitalize(),
    }


def measure_life_expectancy(
    source: Source,
    *,
    level: str = "la",
    period: str | Period | None = None,
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    ages: Ages = None,
) -> ResultBundle:
    """Life expectancy at every age band (or ``ages``) of every area of ``level`` (Chiang
    II, the reference suppression rules): table ``life_expectancy``."""
    question = _Question.of(source, level, period, sexes, confidence)
    data = question.mortality()
    return question.answer(
        "life_expectancy",
        lambda: life_expectancy(data, confidence=question.levels, ages=ages or "all"),
        indicator="Life expectancy",
        method=LE_METHOD,
    )


def measure_healthy_life_expectancy(
    source: Source,
    *,
    level: str = "la",
    period: str | Period | None = None,
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    ages: Ages = None,
) -> ResultBundle:
    """Healthy life expectancy (Sullivan) from the ``good_health`` table: table
    ``healthy_life_expectancy``."""
    question = _Question.of(source, level, period, sexes, confidence)
    if not source.has("good_health"):
        raise WorkspaceError(
            f"workspace {source.name} has no good_health table: import the prevalence of "
            "good health by age band (columns prevalence, respondents) first"
        )
    health = question.rows("good_health")[[*KEYS, "age_start", "prevalence", "respondents"]]
    data = question.mortality().merge(health, on=[*KEYS, "age_start"], how="inner")
    return question.answer(
        "healthy_life_expectancy",
        lambda: healthy_life_expectancy(data, confidence=question.levels, ages=ages or "all"),
        indicator="Healthy life expectancy",
        method=HLE_METHOD,
    )


def measure_deprivation_gap(
    source: Source,
    *,
    period: str | Period | None = None,
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
    question = _Question.of(source, "lsoa", period, sexes, confidence)
    deaths, population = question.rows("deaths"), question.rows("population")
    areas = source.areas()
    small = areas[areas["level"].astype(str) == "lsoa"]
    by = f"parent_{within}" if within else None
    if groups:
        measure, ages_used, name = deprivation_group_life_expectancy, ages or "all", "groups"
    else:
        measure, ages_used, name = deprivation_gap, ages or [0], "gap"
    return question.answer(
        f"deprivation_{name}",
        lambda: measure(
            deaths,
            population,
            small,
            quantiles=quantiles,
            by=by,
            confidence=question.levels,
            ages=ages_used,
        ),
        indicator="Life expectancy by deprivation" if groups else "Deprivation gap in LE",
        level=within or "country",
        names=False,
    )


def measure_dsr(
    source: Source,
    *,
    level: str = "la",
    period: str | Period | None = None,
    sexes: Sequence[str] = ("male", "female"),
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
) -> ResultBundle:
    """All-cause directly standardised mortality rate (ESP2013, Dobson/Byar limits): table
    ``dsr``."""
    question = _Question.of(source, level, period, sexes, confidence)
    data = question.mortality()
    return question.answer(
        "dsr",
        lambda: directly_standardised_rate(
            data, keys=KEYS, multiplier=multiplier, confidence=question.levels
        ),
        indicator="Directly standardised mortality rate",
    )
