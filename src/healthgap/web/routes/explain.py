"""Explain: decomposition of a life expectancy gap by age and cause, with charts and downloads,
and the target trajectory. Both are the use cases :func:`healthgap.analyses.explain_gap` and
:func:`healthgap.analyses.check_gap_target`, cached per choice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthgap.analyses import (
    check_gap_target,
    explain_gap,
    latest_period,
    profile_periods,
    target_periods,
)
from healthgap.data.model import LEVELS, parent_column
from healthgap.decomposition.comparison import Comparison
from healthgap.errors import InputError
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.labels import level_name
from healthgap.web.deps import Services, Viewer, render, services
from healthgap.web.files import bundle_download, slug
from healthgap.web.workspaces import AREA_TABLES

router = APIRouter(prefix="/explain")

#: The comparisons the Explain page offers (any spelling of a Comparison is accepted).
COMPARATORS = {
    "england": "England",
    "parent": "The area it belongs to (e.g. its region)",
    "quintiles": "Least deprived fifth of the area (most vs least deprived)",
    "deciles": "Least deprived tenth of the area (most vs least deprived)",
}


#: Comparisons that make no sense for a level (a country compared with itself or its parent).
NOT_FOR_LEVEL = {"country": {"england", "parent"}}


def comparators_for(area: Mapping[str, Any], areas: pd.DataFrame) -> dict[str, str]:
    """The comparisons offered for ``area`` (a row of ``areas``), its default first, each
    once: a country is compared between its own deprivation fifths, never with itself; the
    area it belongs to is offered by name, and only when it is neither the country (that
    is "England") nor an area holding this one alone (the same people twice).

    >>> areas = pd.DataFrame({"area_code": ["E92", "E12", "E06"],
    ...     "area_name": ["England", "North", "Town"], "level": ["country", "region", "la"],
    ...     "parent_country": [None, "E92", "E92"], "parent_region": [None, None, "E12"]})
    >>> list(comparators_for(areas.iloc[2], areas))
    ['england', 'quintiles', 'deciles']
    >>> list(comparators_for(areas.iloc[1], areas)), list(comparators_for(areas.iloc[0], areas))
    (['england', 'quintiles', 'deciles'], ['quintiles', 'deciles'])
    """
    level = str(area["level"])
    offered = {k: v for k, v in COMPARATORS.items() if k not in NOT_FOR_LEVEL.get(level, set())}
    if "parent" in offered:
        parent_level, parent = _nearest_parent(area)
        column = parent_column(str(parent_level))
        siblings = (areas["level"].astype(str) == level) & (areas.get(column) == parent)
        alone = column not in areas or siblings.sum() <= 1
        if parent is None or parent_level == "country" or alone:
            del offered["parent"]
        else:
            names = areas.loc[areas["area_code"].astype(str) == parent, "area_name"]
            name = str(names.iloc[0]) if len(names) else parent
            offered["parent"] = f"{name} (the {level_name(str(parent_level)).lower()} it is in)"
    return offered


def _nearest_parent(area: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The level and code of the nearest area ``area`` belongs to (the one the ``parent``
    comparison uses), or ``(None, None)``."""
    level = str(area["level"])
    for above in LEVELS[LEVELS.index(level) + 1 :] if level in LEVELS else ():
        code = area.get(parent_column(above))
        if code is not None and not pd.isna(code) and str(code):
            return above, str(code)
    return None, None


def _comparison(area: str, compare: str) -> Comparison:
    try:
        return Comparison.parse(compare, area=area)
    except InputError:
        raise InputError(f"{compare!r} is not a comparator", rule="unknown_comparator") from None


def explained(
    running: Services, area: str, compare: str, period: str | None
) -> tuple[ResultBundle, str]:
    """The decomposition for these choices, computed once (page, charts and downloads)."""
    comparison = _comparison(area, compare)
    chosen = latest_period(running.source) if not period else Period.parse(period)
    if chosen is None:
        raise InputError("the workspace has no population in any period", rule="missing_period")
    bundle = running.workspaces.memo(
        ("explain", area, comparison.token, chosen.label),
        lambda: explain_gap(running.source, area=area, comparison=comparison, period=chosen),
        tables=AREA_TABLES,
    )
    return bundle, chosen.label


def trajectories(
    running: Services,
    area: str,
    compare: str,
    target_year: int,
    reduction: float,
    baseline: str = "",
) -> ResultBundle | None:
    """The target trajectories for these choices, computed once (page, table and charts);
    ``None`` when the workspace has fewer than three pooled periods. The target is measured
    from ``baseline`` (one of the trend's periods; default the latest)."""
    comparison = _comparison(area, compare)
    if not 0 < reduction <= 100 or not 2000 <= target_year <= 2100:
        raise InputError(
            "give a reduction of 1 to 100 % and a target year such as 2030", rule="bad_target"
        )
    periods = [p.label for p in target_periods(running.source)]
    if len(periods) < 3:
        return None
    chosen = baseline or periods[-1]
    if chosen not in periods:
        raise InputError(f"choose a baseline period from {', '.join(periods)}", rule="bad_target")
    return running.workspaces.memo(
        ("target", area, comparison.token, target_year, reduction, chosen),
        lambda: check_gap_target(
            running.source,
            area=area,
            comparison=comparison,
            target_year=target_year,
            reduction=reduction / 100,
            baseline_period=chosen,
        ),
        tables=AREA_TABLES,
    )


def _unknown_area(request: Request, area_code: str) -> Response:
    return render(
        request,
        "error.html",
        {"title": "Unknown area", "message": f"No area has the code {area_code}."},
        404,
    )


@router.get("/{area_code}")
def explain_page(
    request: Request, _user: Viewer, area_code: str, compare: str = "", period: str = ""
) -> Response:
    running = services(request)
    area = running.workspaces.area(area_code)
    if area is None:
        return _unknown_area(request, area_code)
    offered = comparators_for(area, running.workspaces.areas())
    compare = compare or next(iter(offered))
    bundle, chosen = explained(running, area_code, compare, period)
    charts = {key: bundle.chart(key) for key in bundle.charts}
    periods = [p.label for p in profile_periods(running.source)]
    return render(
        request,
        "explain.html",
        {
            "baselines": [p.label for p in target_periods(running.source)],
            "area": area,
            "compare": compare,
            "comparators": offered,
            "periods": periods if chosen in periods else [*periods, chosen],
            "not_shown": bundle.summary["not_shown"],
            "period": chosen,
            "base_label": bundle.summary["base_label"],
            "comparator_label": bundle.summary["comparator_label"],
            "summary": bundle.summary["rows"],
            "charts": charts,
        },
    )


@router.get("/{area_code}/decomposition.{fmt}")
def decomposition_file(
    request: Request,
    _user: Viewer,
    area_code: str,
    fmt: str,
    compare: str = "england",
    period: str = "",
) -> Response:
    bundle, chosen = explained(services(request), area_code, compare, period)
    stem = f"le-gap-by-age-and-cause_{area_code}_vs-{compare}_{slug(chosen)}"
    return bundle_download(bundle, "decomposition", stem, fmt, formats=("csv", "xlsx"))


def _reduction_label(reduction: float) -> str:
    return f"{reduction:g}".replace(".", "-") + "pc"


@router.get("/{area_code}/chart-{kind}-{sex}.{fmt}")
def chart_download(
    request: Request,
    _user: Viewer,
    area_code: str,
    kind: str,
    sex: str,
    fmt: str,
    compare: str = "england",
    period: str = "",
    target_year: int = 2030,
    reduction: float = 10.0,
    baseline: str = "",
) -> Response:
    running = services(request)
    if kind == "trajectory":  # the target trajectory's chart (same choices as its fragment)
        bundle = trajectories(running, area_code, compare, target_year, reduction, baseline)
        if bundle is None:
            raise InputError("too few periods for a target trajectory", rule="unknown_chart")
        stem = (
            f"le-gap-target-trajectory-chart_{area_code}_{sex}_vs-{compare}_"
            f"{_reduction_label(reduction)}-by-{target_year}"
        )
        return bundle_download(bundle, f"trajectory_{sex}", stem, fmt)
    bundle, chosen = explained(running, area_code, compare, period)
    stem = f"le-gap-{kind}-chart_{area_code}_{sex}_vs-{compare}_{slug(chosen)}"
    return bundle_download(bundle, f"{kind}_{sex}", stem, fmt)


@router.get("/{area_code}/target-trajectory.{fmt}")
def target_trajectory_file(
    request: Request,
    _user: Viewer,
    area_code: str,
    fmt: str,
    compare: str = "england",
    target_year: int = 2030,
    reduction: float = 10.0,
    baseline: str = "",
) -> Response:
    """The target trajectory table (observed and projected gap with 95% limits, the trend and
    the target) of both sexes, as CSV, Excel or the Fingertips CSV layout."""
    running = services(request)
    bundle = None
    if running.workspaces.area(area_code) is not None:
        bundle = trajectories(running, area_code, compare, target_year, reduction, baseline)
    if bundle is None:
        return Response("no target trajectory for this area\n", status_code=404)
    stem = (
        f"le-gap-target-trajectory_{area_code}_vs-{compare}_"
        f"{_reduction_label(reduction)}-by-{target_year}"
    )
    return bundle_download(bundle, "trajectory", stem, fmt)


@router.get("/{area_code}/target")
def target_fragment(
    request: Request,
    _user: Viewer,
    area_code: str,
    compare: str = "england",
    target_year: int = 2030,
    reduction: float = 10.0,
    baseline: str = "",
) -> Response:
    """The target trajectory and its verdict (loaded by HTMX after the page: it is slower)."""
    running = services(request)
    try:
        bundle = trajectories(running, area_code, compare, target_year, reduction, baseline)
    except InputError as error:  # too few measured periods: said in place, not as a fault
        if error.problems[0].rule != "too_few_periods":
            raise
        return render(request, "_explain_target.html", {"unmeasured": error.problems[0].message})
    verdicts = (
        []
        if bundle is None
        else [{"sex": sex, **found} for sex, found in bundle.summary["verdicts"].items()]
    )
    charts = (
        {}
        if bundle is None
        else {f"trend_{v['sex']}": bundle.chart(f"trajectory_{v['sex']}") for v in verdicts}
    )
    return render(
        request,
        "_explain_target.html",
        {
            "area_code": area_code,
            "trajectories": verdicts,
            "charts": charts,
            "target_year": target_year,
            "reduction": reduction,
            "baseline": bundle.metadata["baseline"] if bundle is not None else "",
            "query": urlencode(
                {
                    "compare": compare,
                    "target_year": target_year,
                    "reduction": reduction,
                    "baseline": baseline,
                }
            ),
        },
    )
