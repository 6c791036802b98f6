"""The place's own data beside a self-assessment, from the use cases that already answer it.

:func:`gather_evidence` asks the workspace (any :class:`~healthgap.analyses.source.Source`)
the questions the linked indicators need, through the same use cases the area profile,
the explain page and the plan use: :func:`~healthgap.analyses.profile.profile_area` (life
expectancy, the difference from the country, the gap between the most and least deprived
fifths), :func:`~healthgap.analyses.explain.explain_gap` (the largest contributions to the
gap by age and cause) and, when a plan is linked, the tables of
:func:`~healthgap.analyses.plan.plan_scenario` (planned volumes against the gap-reduction
target). The answers feed :class:`healthgap.assessment.AreaData`, from which the engine
builds the evidence rows, Tool A's pre-filled data steps and the contradiction flags.

A question the workspace cannot answer for the place (a code it does not hold, too few small
areas for fifths) leaves that table out and says why in ``notes``; the panels then show "no
data" rather than nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from healthgap.analyses.explain import explain_gap
from healthgap.analyses.profile import profile_area
from healthgap.analyses.selection import latest_period
from healthgap.analyses.source import Source
from healthgap.assessment import AreaData
from healthgap.errors import HealthgapError, InputError
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle

__all__ = ["AreaEvidence", "data_period", "gather_evidence", "no_evidence"]

#: Comparisons tried, in order, for the largest contributions to the gap: the gap between
#: the place's most and least deprived fifths, else the place against its country.
COMPARISONS = ("quintiles", "england")


@dataclass(frozen=True, eq=False)
class AreaEvidence:
    """What the workspace says about one place, ready for the assessment engine."""

    data: AreaData
    area_name: str = ""
    period: str = ""
    comparison: str = ""
    plan_name: str = ""
    notes: tuple[str, ...] = ()
    source_name: str = ""
    hashes: Mapping[str, str] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return self.data.synthetic


def no_evidence(area: str, note: str = "") -> AreaEvidence:
    """Evidence of a place without a workspace: every panel says "no data"."""
    return AreaEvidence(AreaData(area), notes=(note,) if note else ())


def data_period(source: Source, wanted: str | Period | None) -> tuple[Period | None, str]:
    """The period of the evidence: ``wanted`` when the workspace covers every year of it,
    else the latest three years (:func:`latest_period`), with a note saying so."""
    latest = latest_period(source)
    if wanted is None or not str(wanted).strip():
        return latest, ""
    period = Period.try_parse(wanted)
    stored = {year for label in source.periods("population") for year in _years(label)}
    if period is not None and set(period.years) <= stored:
        return period, ""
    shown = latest.label if latest is not None else "none"
    return latest, (
        f"the workspace has no data for {wanted}; the evidence is for {shown}, its latest years"
    )


def _years(label: str) -> tuple[int, ...]:
    period = Period.try_parse(label)
    return period.years if period is not None else ()


def _in_period(frame: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """Rows of ``period`` when the table has them, else of its latest period."""
    if frame.empty or "period" not in frame.columns:
        return frame
    labels = frame["period"].astype(str)
    if period is not None and (labels == period.label).any():
        return frame[labels == period.label]
    latest = max(labels.unique(), key=lambda p: Period.try_parse(p) or Period.parse(1900))
    return frame[labels == latest]


def _why(error: HealthgapError) -> str:
    """A user error's messages without the problem table's file and rule columns."""
    if isinstance(error, InputError) and error.problems:
        return "; ".join(p.message for p in error.problems)
    return str(error)


def _table(bundle: ResultBundle, name: str) -> pd.DataFrame | None:
    return bundle.table(name) if name in bundle.tables else None


def gather_evidence(
    source: Source,
    *,
    area: str,
    period: str | Period | None = None,
    plan: ResultBundle | None = None,
    plan_name: str = "",
) -> AreaEvidence:
    """The evidence of ``area`` in ``period`` (default: the latest three years), with the
    intervention volumes of ``plan`` (a bundle of
    :func:`~healthgap.analyses.plan.plan_scenario`) when one is given."""
    synthetic = bool(source.is_synthetic)
    areas = source.areas()
    found = areas[areas["area_code"].astype(str) == area]
    if found.empty:
        return AreaEvidence(
            AreaData(area, synthetic=synthetic),
            notes=(f"the workspace holds no area {area}, so no data are shown beside the ratings",),
            source_name=source.name,
            hashes=dict(source.hashes()),
        )
    name = str(found.iloc[0].get("area_name", area))
    chosen, note = data_period(source, period)
    notes = [note] if note else []
    tables: dict[str, pd.DataFrame | None] = {
        "life_expectancy": None,
        "comparison": None,
        "deprivation_gap": None,
        "decomposition": None,
    }
    try:
        profile = profile_area(source, area, period=chosen)
        for key, table in (
            ("life_expectancy", "life_expectancy"),
            ("comparison", "benchmark"),
            ("deprivation_gap", "inequality"),
        ):
            frame = _table(profile, table)
            tables[key] = None if frame is None else _in_period(frame, chosen)
        if tables["deprivation_gap"] is None:
            notes.append(f"{name} has too few scored small areas for a deprivation gap")
    except HealthgapError as error:
        notes.append(f"no profile of {name}: {_why(error)}")
    comparison, failed = "", []
    for candidate in COMPARISONS:
        try:
            explained = explain_gap(source, area=area, comparison=candidate, period=chosen)
        except HealthgapError as error:
            failed.append(_why(error))
            continue
        tables["decomposition"] = explained.table("decomposition")
        comparison = f"{explained.summary['base_label']} vs {explained.summary['comparator_label']}"
        break
    if not comparison:
        notes.append("no decomposition of the gap: " + "; ".join(failed))
    plan_tables = None
    if plan is not None:
        plan_tables = {k: plan.table(k) for k in ("interventions", "gap") if k in plan.tables}
    data = AreaData(area, plan=plan_tables, synthetic=synthetic, **tables)
    return AreaEvidence(
        data,
        area_name=name,
        period="" if chosen is None else chosen.label,
        comparison=comparison,
        plan_name=plan_name if plan is not None else "",
        notes=tuple(dict.fromkeys(notes)),
        source_name=source.name,
        hashes=dict(source.hashes()),
    )
