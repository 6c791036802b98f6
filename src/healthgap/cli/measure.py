"""``healthgap measure``: life expectancy, healthy life expectancy, deprivation gap and DSR.

Each command calls one measure use case of :mod:`healthgap.analyses.measure` and writes its
table as CSV or Excel (tidy or Fingertips layout), with a summary of suppressed rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from healthgap.analyses import (
    WorkspaceSource,
    measure_deprivation_gap,
    measure_dsr,
    measure_healthy_life_expectancy,
    measure_life_expectancy,
)
from healthgap.cli import app, console
from healthgap.cli.present import announce, table_path
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import write_bundle_table

__all__ = ["measure_app"]

measure_app = typer.Typer(
    help="Measure life expectancy, healthy life expectancy, deprivation gaps and rates.",
    no_args_is_help=True,
)
app.add_typer(measure_app, name="measure")

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
MALE_FEMALE = ["male", "female"]


def _write(bundle: ResultBundle, out: Path, layout: str) -> None:
    """Write the bundle's one table and print how many rows were suppressed and why."""
    (name,) = bundle.tables
    path = write_bundle_table(bundle, name, out, layout=layout)
    announce(bundle)
    counts = bundle.summary["suppression"]
    title = bundle.table_info(name).title
    summary = Table(title=f"{title}: {bundle.summary['rows']} rows written to {path}")
    summary.add_column("suppression reason")
    summary.add_column("rows", justify="right")
    summary.add_row("(shown)", str(counts.get("", 0)))
    for reason, n in counts.items():
        if reason:
            summary.add_row(str(reason), str(n))
    console.print(summary)


def _by_age(name: str, use_case: Callable[..., ResultBundle], default_out: str, doc: str) -> None:
    """Register ``healthgap measure <name>``: a measure at every age band of every area."""

    def command(
        workspace: WorkspaceArg,
        level: LevelOpt = "la",
        period: PeriodOpt = "2014",
        sex: SexOpt = None,
        confidence: ConfidenceOpt = None,
        age: AgeOpt = None,
        out: OutOpt = Path(default_out),
        layout: FormatOpt = "tidy",
    ) -> None:
        table_path(out, layout)
        bundle = use_case(
            WorkspaceSource.open(workspace),
            level=level,
            period=period,
            sexes=sex or MALE_FEMALE,
            confidence=confidence or [0.95],
            ages=age,
        )
        _write(bundle, out, layout)

    command.__doc__ = doc
    measure_app.command(name)(command)


_by_age(
    "le",
    measure_life_expectancy,
    "le.csv",
    "Life expectancy at every age band with CIs (Chiang II, PHE suppression rules).",
)
_by_age(
    "hle",
    measure_healthy_life_expectancy,
    "hle.csv",
    "Healthy life expectancy (Sullivan) from the workspace's good_health table.",
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
    table_path(out, layout)
    bundle = measure_deprivation_gap(
        WorkspaceSource.open(workspace),
        period=period,
        sexes=sex or MALE_FEMALE,
        quantiles=quantiles,
        within=within,
        groups=groups,
        confidence=confidence or [0.95],
        ages=age,
    )
    _write(bundle, out, layout)


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
    table_path(out, layout)
    bundle = measure_dsr(
        WorkspaceSource.open(workspace),
        level=level,
        period=period,
        sexes=sex or MALE_FEMALE,
        confidence=confidence or [0.95],
        multiplier=multiplier,
    )
    _write(bundle, out, layout)
