"""Service equity audit: who uses a service against who needs it, for every grouping.

:func:`audit_service_equity` reads service activity and need (the workspace's
``service_activity`` and ``service_need`` tables, one service at a time, or a user's two
files), optionally only for the small areas inside one area (e.g. a local authority), adds
each area's deprivation tenth and fifth, and runs :func:`healthgap.insight.equity_audit`:
uptake per need with CIs, ratios to a reference group, the "missing" activity, the slope
index across deprivation tenths and a funnel plot of areas. Groups under-using the service
are named in plain words. Every table keeps its own disclosure rule (activity counts of
1-7 suppressed, others rounded to 5).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from healthgap.analyses.equity_words import (
    category_label,
    finding_sentence,
    grouping_label,
    service_words,
)
from healthgap.analyses.insight_inputs import insight_provenance
from healthgap.analyses.provenance import collect_warnings
from healthgap.analyses.source import Source
from healthgap.data.deprivation import assign_quantiles
from healthgap.data.readers import read_table_file
from healthgap.errors import InputError, Problem
from healthgap.insight import equity_audit, funnel_limits, funnel_points
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.equity_charts import funnel_chart, uptake_need_chart
from healthgap.reports.insight_tables import insight_policy

__all__ = ["MAX_FUNNEL_POINTS", "audit_service_equity", "service_choices"]

ACTIVITY, NEED = "service_activity", "service_need"
#: Above this many small areas the funnel shows their parents (e.g. local authorities).
MAX_FUNNEL_POINTS = 2000
#: Findings are told in this order of groupings (others after them).
FINDING_ORDER = (
    "deprivation_quintile",
    "deprivation_decile",
    "ethnic_group_high_level",
    "ethnic_group",
    "age_band",
    "sex",
)
ORDER = {grouping: i for i, grouping in enumerate(FINDING_ORDER)}
Progress = Callable[[int, int], None]


def _read(source: Source | None, table: str, path, codes) -> tuple[pd.DataFrame, str]:
    if path is not None:
        return read_table_file(path), os.path.basename(str(path))
    if source is None or not source.has(table):
        raise InputError(
            [
                Problem(
                    table,
                    None,
                    None,
                    "missing_table",
                    f"the workspace has no {table} table; import one or give the file",
                )
            ]
        )
    return source.read(table, codes, None).reset_index(drop=True), table


def service_choices(source: Source) -> list[str]:
    """The services of the workspace's need table (for a page's choice)."""
    if not source.has(NEED):
        return []
    need = source.read(NEED, None, None)
    if "service" not in need.columns:
        return []
    return _distinct(need["service"])


def _distinct(column: pd.Series) -> list[str]:
    """The distinct values of a column as text, in order of appearance (distinct values
    first: millions of rows hold a few services)."""
    return list(dict.fromkeys(str(v) for v in column.dropna().unique()))


def _inside(source: Source | None, area: str | None) -> tuple[list[str] | None, str]:
    """The codes of the areas inside ``area`` (its small areas), and its name."""
    if area is None:
        return None, ""
    if source is None:
        raise InputError("choosing an area needs a workspace", rule="no_workspace")
    areas = source.areas()
    codes = areas["area_code"].astype(str)
    if not codes.eq(area).any():
        raise InputError(
            [Problem("<arguments>", None, "area", "unknown_area", f"no area has code {area}")]
        )
    parents = [c for c in areas.columns if c.startswith("parent_")]
    inside = areas[areas[parents].astype(str).eq(area).any(axis=1)] if parents else areas[:0]
    name = str(areas.loc[codes.eq(area), "area_name"].iloc[0]) if "area_name" in areas else area
    return [area, *inside["area_code"].astype(str)], name


def _service(frame: pd.DataFrame, service: str | None, name: str) -> tuple[pd.DataFrame, str]:
    if "service" not in frame.columns:
        return frame, service or "service"
    services = _distinct(frame["service"])
    chosen = service or (services[0] if services else "")
    if chosen not in services:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    "service",
                    "unknown_service",
                    f"no service {chosen!r} (have: {', '.join(services)})",
                )
            ]
        )
    column = frame["service"]
    matched = (
        column == chosen
        if isinstance(column.dtype, pd.CategoricalDtype)
        else (column.astype(str) == chosen)
    )
    rows = frame[matched].drop(columns="service")
    return rows.reset_index(drop=True), chosen


def _deciles(source: Source | None, codes: Sequence[str]) -> pd.Series | None:
    """Each area's deprivation tenth (1 = most deprived): the workspace's national ones in
    ``area_deprivation``, else tenths of its areas' scores; None without either."""
    if source is None:
        return None
    if source.has("area_deprivation"):
        table = source.read("area_deprivation", None, None)
        return table.set_index(table["area_code"].astype(str))["deprivation_decile"]
    areas = source.areas()
    if "deprivation_score" not in areas.columns:
        return None
    small = areas[areas["area_code"].astype(str).isin(set(codes))]
    small = small[small["deprivation_score"].notna()]
    if len(small) < 10:
        return None
    return pd.Series(assign_quantiles(small, 10).to_numpy(), index=small["area_code"].astype(str))


def _funnel(audit, source: Source | None, rate: float) -> tuple[pd.DataFrame, str]:
    """The audit's funnel of small areas, or of their parents when there are too many."""
    funnel = audit.funnel
    if len(funnel) <= MAX_FUNNEL_POINTS or source is None:
        return funnel, "small areas"
    areas = source.areas().set_index(source.areas()["area_code"].astype(str))
    if "parent_la" not in areas.columns:
        return funnel, "small areas"
    parent = funnel["area_code"].astype(str).map(areas["parent_la"]).fillna("unknown")
    summed = funnel.groupby(parent.to_numpy())[["observed", "need"]].sum().reset_index()
    summed = summed.rename(columns={"index": "area_code"})
    summed["expected"] = summed["need"] * rate
    return funnel_points(summed), "local authorities"


def audit_service_equity(
    source: Source | None,
    *,
    service: str | None = None,
    area: str | None = None,
    activity: str | os.PathLike[str] | None = None,
    need: str | os.PathLike[str] | None = None,
    groupings: Sequence[str] | None = None,
    reference: Mapping[str, str] | None = None,
    benchmark: str | float = "reference",
    materiality: float = 0.9,
    multiplier: float = 100,
    sii_repetitions: int = 10_000,
    seed: int = 1,
    progress: Progress | None = None,
) -> ResultBundle:
    """Audit one service's activity against need by every grouping (see the module doc).

    ``area`` restricts the audit to the small areas inside it (and itself); ``activity``
    and ``need`` are files used instead of the workspace's tables.
    """
    step = progress or (lambda _done, _total: None)
    codes, area_name = _inside(source, area)
    raw_activity, activity_name = _read(source, ACTIVITY, activity, codes)
    raw_need, need_name = _read(source, NEED, need, codes)
    raw_activity, chosen = _service(raw_activity, service, activity_name)
    raw_need, _ = _service(raw_need, chosen, need_name)
    step(1, 3)
    with collect_warnings() as met:
        area_codes = pd.unique(raw_need["area_code"].astype(str)) if "area_code" in raw_need else []
        audit = equity_audit(
            raw_activity,
            raw_need,
            groupings=groupings,
            reference=dict(reference or {}),
            benchmark=benchmark,
            deprivation_decile=_deciles(source, list(area_codes)),
            multiplier=multiplier,
            materiality=materiality,
            sii_repetitions=sii_repetitions,
            seed=seed,
            activity_source=activity_name,
            need_source=need_name,
        )
    step(2, 3)
    return _bundle(source, audit, chosen, area, area_name, activity, need, met, step)


def _bundle(source, audit, service, area, area_name, activity, need, met, step) -> ResultBundle:
    totals = audit.uptake.groupby("grouping")[["activity", "need"]].sum().iloc[0]
    rate = float(totals["activity"] / totals["need"])
    funnel, funnel_units = _funnel(audit, source, rate)
    limits = funnel_limits(funnel["expected"])
    findings = audit.findings()
    first = findings["grouping"].map(ORDER).fillna(len(ORDER))
    findings = findings.iloc[first.argsort(kind="stable")]
    sentences = [finding_sentence(row, service) for row in findings.to_dict("records")]
    groupings = list(dict.fromkeys(audit.uptake["grouping"]))
    synthetic = False  # the bundle marks charts SYNTHETIC itself
    name, unit = service_words(service)
    charts: dict[str, dict[str, Any]] = {
        "funnel": funnel_chart(
            funnel, limits, service=name, area_label=funnel_units, synthetic=synthetic
        )
    }
    pairs = zip(audit.uptake["grouping"], audit.uptake["category"], strict=True)
    uptake = audit.uptake.assign(category_label=[category_label(g, c) for g, c in pairs])
    for grouping in groupings:  # a handful of groupings
        words = grouping_label(grouping)
        charts[f"uptake_{grouping}"] = uptake_need_chart(
            uptake, grouping, service=name, grouping_label=words[:1].lower() + words[1:]
        )
    rates = {"value": 2, "lower95_0cl": 2, "upper95_0cl": 2, "lower99_8cl": 2, "upper99_8cl": 2}
    ratio_digits = dict.fromkeys(rates, 3)
    tables = {
        "uptake": Table(
            uptake,
            f"uptake of {name} per {100:g} in need, by group",
            decimals={**rates, "need": 1, "share_of_need": 4, "share_of_activity": 4},
            policy=insight_policy("uptake"),
        ),
        "ratios": Table(
            audit.ratios,
            "ratio of each group's uptake to its reference group's",
            decimals={**ratio_digits, "need": 1, "reference_need": 1},
            policy=insight_policy("ratios"),
        ),
        "missing": Table(
            audit.missing,
            f"{unit} missing against the benchmark ({audit.benchmark})",
            decimals={"expected": 1, "value": 1, "lowercl": 1, "uppercl": 1, "need": 1},
            policy=insight_policy("missing"),
        ),
        "funnel": Table(
            funnel,
            f"funnel plot of {funnel_units}: observed against expected",
            decimals={
                "need": 1,
                "expected": 1,
                "ratio": 3,
                **dict.fromkeys(("lower95_0", "upper95_0", "lower99_8", "upper99_8"), 3),
            },
            policy=insight_policy("funnel"),
        ),
        "groupings": Table(
            audit.summary, "summary of each grouping", decimals={"expected": 1, "missing_total": 1}
        ),
    }
    if not audit.sii.empty:
        digits = {c: 3 for c in audit.sii.columns if "cl" in c or c == "value"}
        tables["sii"] = Table(
            audit.sii, "slope index of inequality across deprivation tenths", decimals=digits
        )
    outside = funnel["outcome"].value_counts().to_dict()
    step(3, 3)
    return ResultBundle(
        question="service equity audit",
        provenance=insight_provenance(
            source,
            [p for p in (activity, need) if p is not None],
            "equity audit: Poisson uptake limits, exact conditional ratio limits, SII",
        ),
        tables=tables,
        charts=charts,
        metadata={"service": name, "area": area_name or "every area", "benchmark": audit.benchmark},
        summary={
            "service": service,
            "service_label": name,
            "unit": unit,
            "area": area,
            "area_name": area_name,
            "groupings": [{"key": g, "label": grouping_label(g)} for g in groupings],
            "findings": sentences,
            "flagged": findings[["grouping", "category"]].to_dict("records"),
            "activity": float(totals["activity"]),
            "need": float(totals["need"]),
            "uptake": 100 * rate,
            "benchmark": audit.benchmark,
            # no NaN (a stored bundle's summary is JSON): a missing limit is None
            "sii": audit.sii.astype(object).where(audit.sii.notna(), None).to_dict("records"),
            "funnel_units": funnel_units,
            "funnel_outcomes": outside,
        },
        warnings=tuple(met),
    )
