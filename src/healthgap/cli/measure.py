"""``healthgap measure``: life expectancy, healthy life expectancy, deprivation gap and DSR.

Each command reads a workspace, sums its small-area tables up to ``--level`` and pools
the years of ``--period``, calls one measure of the core and writes a CSV or Excel file
(tidy or Fingertips layout) after disclosure control.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from healthgap.cli import app, console, styled
from healthgap.data import add_persons, aggregate, open_workspace, pool_periods
from healthgap.data.workspace import Workspace
from healthgap.errors import HealthgapWarning, InputError, WorkspaceError
from healthgap.measures.deprivation_gap import (
    deprivation_gap,
    deprivation_group_life_expectancy,
    mortality_by_band,
)
from healthgap.measures.healthy_life_expectancy import HLE_METHOD, healthy_life_expectancy
from healthgap.measures.intervals import confidence_labels, normalise_confidence
from healthgap.measures.life_expectancy import LE_METHOD, life_expectancy
from healthgap.reports.tables import SYNTHETIC_NOTE, write_table

__all__ = ["measure_app"]

measure_app = typer.Typer(
    help="Measure life expectancy, healthy life expectancy, deprivation gaps and rates.",
    no_args_is_help=True,
)
app.add_typer(measure_app, name="measure")

KEYS = ["area_code", "sex", "period"]

WorkspaceArg = Annotated[Path, typer.Argument(help="Workspace folder (from `healthgap import`).")]
LevelOpt = Annotated[
    str, typer.Option("--level", help="Geography level: lsoa, ward, la, region...")
]
PeriodOpt = Annotated[
    str, typer.Option("--period", help='One year ("2014") or pooled years ("2012-14").')
]
SexOpt = Annotated[
    list[str] | None,
    typer.Option("--sex", help="male, female or persons (repeat for several); default both."),
]
ConfidenceOpt = Annotated[
    list[float] | None,
    typer.Option("--confidence", help="Level as a fraction; repeat for several (0.95, 0.998)."),
]
AgeOpt = Annotated[
    list[int] | None, typer.Option("--age", help="Band start to report (repeat); default all.")
]
OutOpt = Annotated[Path, typer.Option("--out", help="Output file: .csv or .xlsx.")]
FormatOpt = Annotated[
    str, typer.Option("--format", help="tidy (healthgap columns) or fingertips (export layout).")
]


@contextmanager
def _warnings_shown() -> Iterator[None]:
    """Show healthgap's warnings as one readable line each instead of Python's format."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HealthgapWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, HealthgapWarning):
            label = f"warning ({warning.category.__name__}):"
            console.print(styled((label, "yellow"), f" {warning.message}"))
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def _years(period: str) -> tuple[list[str], str]:
    """Single years a period covers and its label: "2012 - 14" -> 2012..2014, "2012-14"."""
    match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{2}|\d{4}))?", period.strip())
    if not match:
        raise InputError(
            f'period must look like "2014" or "2012-14", got {period!r}', rule="invalid_period"
        )
    first, last = int(match.group(1)), match.group(2)
    if last is None:
        return [str(first)], str(first)
    end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    if len(last) == 2 and end < first:  # "1998-02" crosses a century
        end += 100
    if end < first:
        raise InputError(f"period {period!r} ends before it starts", rule="invalid_period")
    return [str(y) for y in range(first, end + 1)], f"{first}-{end % 100:02d}"


def _select(
    ws: Workspace, name: str, areas: pd.DataFrame, level: str, period: str, sexes: list[str]
) -> pd.DataFrame:
    """A workspace table at ``level`` for ``period`` and ``sexes``, summed and pooled."""
    table = ws.read(name)
    table["period"] = table["period"].astype(str)
    available = sorted(table["period"].unique())
    years, label = _years(period)
    if label in available:
        table = table[table["period"] == label]
    else:
        missing = [y for y in years if y not in available]
        if missing:
            raise InputError(
                f"{name}: period {period} needs {', '.join(missing)}, which the workspace "
                f"lacks (it has {', '.join(available)})",
                rule="missing_period",
            )
        table = pool_periods(table[table["period"].isin(years)], years, label)
    table["sex"] = table["sex"].astype(str)
    if "persons" in sexes and "persons" not in set(table["sex"]):
        table = add_persons(table)
    table = table[table["sex"].isin(sexes)]
    level_of = areas.set_index("area_code")["level"].astype(str)
    row_levels = table["area_code"].map(level_of)
    if (row_levels == level).any():  # the workspace already holds this level's counts
        return table[row_levels == level].reset_index(drop=True)
    finest = table[row_levels == "lsoa"] if (row_levels == "lsoa").any() else table
    return aggregate(finest, areas, level)


@dataclass(frozen=True)
class _Request:
    """What every measure command reads: the workspace, its areas and the selection."""

    ws: Workspace
    areas: pd.DataFrame
    level: str
    period: str
    sexes: list[str]
    levels: tuple[float, ...]

    def table(self, name: str, level: str | None = None) -> pd.DataFrame:
        """Table ``name`` at ``level`` (default the request's) for the period and sexes."""
        return _select(self.ws, name, self.areas, level or self.level, self.period, self.sexes)

    def mortality(self) -> pd.DataFrame:
        """All-cause deaths joined to person-years, by area, sex, period and age band."""
        return mortality_by_band(self.table("deaths"), self.table("population"), KEYS)


def _request(
    workspace: Path, level: str, period: str, sex: list[str] | None, confidence: list[float] | None
) -> _Request:
    levels = normalise_confidence(confidence or [0.95], lowest=None)
    ws = open_workspace(workspace)
    areas = ws.read("areas")
    known = set(areas["level"].astype(str))
    if level not in known:
        raise InputError(
            f"level {level!r} is not in the workspace (it has {', '.join(sorted(known))})",
            rule="unknown_level",
        )
    sexes = sex or ["male", "female"]
    bad = [s for s in sexes if s not in ("male", "female", "persons")]
    if bad:
        raise InputError(f"--sex must be male, female or persons, not {bad}", rule="invalid_sex")
    return _Request(ws, areas, level, period, sexes, levels)


def _measure_and_write(
    request: _Request,
    compute: Callable[[], pd.DataFrame],
    out: Path,
    layout: str,
    *,
    indicator: str,
    method: str | None = None,
    level: str | None = None,
    names: bool = True,
) -> None:
    """Run ``compute`` showing its warnings, then write its result (with area names)."""
    with _warnings_shown():
        result = compute()
    if method is None:  # the measure's own method column
        method = str(result["method"].iloc[0]) if len(result) else ""
    _write(
        _with_names(result, request.areas) if names else result,
        out,
        layout,
        request.ws,
        request.areas,
        level=level or request.level,
        period=request.period,
        method=method,
        levels=request.levels,
        indicator=indicator,
    )


def _with_names(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    names = areas.set_index("area_code")["area_name"].astype(str)
    if "area_code" not in frame.columns:
        return frame
    frame.insert(frame.columns.get_loc("area_code") + 1, "area_name", frame["area_code"].map(names))
    return frame


def _write(
    frame: pd.DataFrame,
    out: Path,
    layout: str,
    ws: Workspace,
    areas: pd.DataFrame,
    *,
    level: str,
    period: str,
    method: str,
    levels: tuple[float, ...],
    indicator: str,
) -> None:
    if "suppression_reason" in frame.columns:
        reasons = frame["suppression_reason"]
    else:  # measures without reasons of their own (e.g. DSR): a missing value is the reason
        reasons = pd.Series(frame["value"].isna().map({True: "not_calculated", False: ""}))
    # astype(str): a categorical column would also count its unused categories.
    reasons = reasons.astype(str)
    counts = reasons[reasons != ""].value_counts()
    notes = "; ".join(f"{reason}: {n} rows" for reason, n in counts.items()) or "none"
    metadata = {
        "indicator": indicator,
        "source": f"healthgap workspace {ws.path} (tables hashed {_short_hashes(ws)})",
        "geography": f"{level}, period {period}",
        "method": method,
        "confidence": confidence_labels(levels),
        "suppression": notes,
        "software": f"healthgap {package_version('healthgap')}",
    }
    parents = None
    parent_level = "region" if level not in ("region", "country") else "country"
    parent = f"parent_{parent_level}"
    if parent in areas.columns:
        parents = areas.set_index("area_code")[parent].dropna().astype(str).to_dict()
    fingertips = {
        "indicator_name": indicator,
        "area_type": level,
        "area_names": areas.set_index("area_code")["area_name"].astype(str).to_dict(),
        "parents": parents,
        "parent_label": parent_level.capitalize(),
    }
    path = write_table(
        frame,
        out,
        layout=layout,
        metadata=metadata,
        synthetic=ws.is_synthetic,
        fingertips=fingertips,
    )
    if ws.is_synthetic:
        console.print(SYNTHETIC_NOTE, style="bold yellow")
    summary = Table(title=f"{indicator}: {len(frame)} rows written to {path}")
    summary.add_column("suppression reason")
    summary.add_column("rows", justify="right")
    summary.add_row("(shown)", str(int((reasons == "").sum())))
    for reason, n in counts.items():
        summary.add_row(str(reason), str(n))
    console.print(summary)


def _short_hashes(ws: Workspace) -> str:
    return ", ".join(f"{name} {digest[:12]}" for name, digest in sorted(ws.hashes().items()))


@measure_app.command("le")
def le_command(
    workspace: WorkspaceArg,
    level: LevelOpt = "la",
    period: PeriodOpt = "2014",
    sex: SexOpt = None,
    confidence: ConfidenceOpt = None,
    age: AgeOpt = None,
    out: OutOpt = Path("le.csv"),
    layout: FormatOpt = "tidy",
) -> None:
    """Life expectancy at every age band with CIs (Chiang II, PHE suppression rules)."""
    request = _request(workspace, level, period, sex, confidence)
    data = request.mortality()
    _measure_and_write(
        request,
        lambda: life_expectancy(data, confidence=request.levels, ages=age or "all"),
        out,
        layout,
        indicator="Life expectancy",
        method=LE_METHOD,
    )


@measure_app.command("hle")
def hle_command(
    workspace: WorkspaceArg,
    level: LevelOpt = "la",
    period: PeriodOpt = "2014",
    sex: SexOpt = None,
    confidence: ConfidenceOpt = None,
    age: AgeOpt = None,
    out: OutOpt = Path("hle.csv"),
    layout: FormatOpt = "tidy",
) -> None:
    """Healthy life expectancy (Sullivan) from the workspace's good_health table."""
    request = _request(workspace, level, period, sex, confidence)
    if not request.ws.has("good_health"):
        raise WorkspaceError(
            f"workspace {request.ws.path} has no good_health table: import the prevalence of "
            "good health by age band (columns prevalence, respondents) first"
        )
    health = request.table("good_health")[[*KEYS, "age_start", "prevalence", "respondents"]]
    data = request.mortality().merge(health, on=[*KEYS, "age_start"], how="inner")
    _measure_and_write(
        request,
        lambda: healthy_life_expectancy(data, confidence=request.levels, ages=age or "all"),
        out,
        layout,
        indicator="Healthy life expectancy",
        method=HLE_METHOD,
    )


@measure_app.command("gap")
def gap_command(
    workspace: WorkspaceArg,
    period: PeriodOpt = "2014",
    sex: SexOpt = None,
    quantiles: Annotated[int, typer.Option("--quantiles", help="10 (deciles) or 5.")] = 10,
    within: Annotated[
        str | None,
        typer.Option("--within", help="Assign quantiles within each area of this level."),
    ] = None,
    groups: Annotated[
        bool, typer.Option("--groups", help="Write each quantile's LE, not the gap.")
    ] = False,
    confidence: ConfidenceOpt = None,
    age: AgeOpt = None,
    out: OutOpt = Path("gap.csv"),
    layout: FormatOpt = "tidy",
) -> None:
    """Gap in life expectancy between the most and least deprived deciles (or quintiles)."""
    request = _request(workspace, "lsoa", period, sex, confidence)
    if quantiles not in (5, 10):
        raise InputError("--quantiles must be 10 or 5", rule="invalid_quantiles")
    deaths, population = request.table("deaths"), request.table("population")
    small = request.areas[request.areas["level"].astype(str) == "lsoa"]
    options = {
        "quantiles": quantiles,
        "by": f"parent_{within}" if within else None,
        "confidence": request.levels,
    }
    if groups:
        measure, ages = deprivation_group_life_expectancy, age or "all"
    else:
        measure, ages = deprivation_gap, age or [0]
    _measure_and_write(
        request,
        lambda: measure(deaths, population, small, ages=ages, **options),
        out,
        layout,
        indicator="Life expectancy by deprivation" if groups else "Deprivation gap in LE",
        level=within or "country",
        names=False,
    )


@measure_app.command("dsr")
def dsr_command(
    workspace: WorkspaceArg,
    level: LevelOpt = "la",
    period: PeriodOpt = "2014",
    sex: SexOpt = None,
    confidence: ConfidenceOpt = None,
    multiplier: Annotated[float, typer.Option("--multiplier", help="Rate per this.")] = 100_000,
    out: OutOpt = Path("dsr.csv"),
    layout: FormatOpt = "tidy",
) -> None:
    """All-cause directly standardised mortality rate (ESP2013, Dobson/Byar limits)."""
    from healthgap.measures.dsr import directly_standardised_rate

    request = _request(workspace, level, period, sex, confidence)
    data = request.mortality()
    _measure_and_write(
        request,
        lambda: directly_standardised_rate(
            data, keys=KEYS, multiplier=multiplier, confidence=request.levels
        ),
        out,
        layout,
        indicator="Directly standardised mortality rate",
    )
