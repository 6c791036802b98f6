"""Explain commands: ``explain`` (decompose a gap), ``explain-classify``, ``explain-target``.

``healthgap explain WORKSPACE --area E06000002 --compare england --period 2022-24 --out DIR``
writes ``decomposition.csv``, ``decomposition.xlsx`` (with a metadata sheet) and, per
sex, the contributions and scarf charts as SVG and PNG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from healthgap.analyses import WorkspaceSource, check_gap_target, classify_areas, explain_gap
from healthgap.cli import app, console, styled
from healthgap.cli.present import announce, split_list, wrote
from healthgap.reports.outputs import write_bundle_chart, write_bundle_table

__all__ = ["classify_command", "explain", "target_command"]

Workspace = Annotated[Path, typer.Argument(help="Workspace folder (see `healthgap import`).")]
AreaOption = Annotated[str, typer.Option("--area", help="Code of the area to explain.")]
CompareOption = Annotated[
    str,
    typer.Option(
        "--compare",
        help="england | parent | an area code | quintiles | deciles | period:LABEL "
        "(e.g. period:2012-14).",
    ),
]
SexOption = Annotated[str, typer.Option("--sex", help="Comma-separated sexes.")]


def _outputs(out: Path, stem: str) -> tuple[Path, list[Path]]:
    """Folder for charts and the table files to write, from a folder or a file path."""
    if out.suffix.lower() in (".csv", ".xlsx"):
        return out.parent, [out]
    return out, [out / f"{stem}.csv", out / f"{stem}.xlsx"]


@app.command()
def explain(
    workspace: Workspace,
    area: AreaOption,
    period: Annotated[str, typer.Option("--period", help="Period, e.g. 2022-24 (pooled).")],
    compare: CompareOption = "england",
    by: Annotated[str, typer.Option("--by", help="age, cause or age,cause.")] = "age,cause",
    sex: SexOption = "male,female",
    method: Annotated[str, typer.Option("--method", help="arriaga or symmetric.")] = "arriaga",
    change_from: Annotated[
        str | None,
        typer.Option("--change-from", help="Also split the change in the gap since this period."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder, or a .csv/.xlsx file.")] = Path(
        "explain-output"
    ),
) -> None:
    """Decompose a life expectancy gap by age and cause, with tables and charts."""
    bundle = explain_gap(
        WorkspaceSource.open(workspace),
        area=area,
        comparison=compare,
        period=period,
        sexes=split_list(sex),
        by=split_list(by),
        method=method,
        change_from=change_from,
    )
    folder, files = _outputs(out, "decomposition")
    written = [write_bundle_table(bundle, "decomposition", path) for path in files]
    for name in bundle.charts:
        for suffix in (".svg", ".png"):
            written.append(write_bundle_chart(bundle, name, folder / f"{name}{suffix}"))
    if "gap_change" in bundle.tables:
        written.append(write_bundle_table(bundle, "gap_change", folder / "gap_change.csv"))
    announce(bundle)
    summary = bundle.summary
    table = Table(
        title=f"Life expectancy gap: {summary['base_label']} vs {summary['comparator_label']}"
    )
    keys = [k for k in ("sex", "period") if summary["rows"] and k in summary["rows"][0]]
    for column in [*keys, "e0 base", "e0 comparator", "gap", "largest contributions", "note"]:
        table.add_column(column, overflow="fold")
    for row in summary["rows"]:
        top = "; ".join(f"{k} {v:+.2f}" for k, v in row["top"])
        numbers = (f"{row[k]:.2f}" for k in ("e0_base", "e0_comparator", "gap"))
        table.add_row(*(row[k] for k in keys), *numbers, top, row["note"])
    console.print(table)
    wrote(written)


@app.command("explain-classify")
def classify_command(
    workspace: Workspace,
    period: Annotated[str, typer.Option("--period", help="Period, e.g. 2022-24 (pooled).")],
    rule: Annotated[str, typer.Option("--rule", help="Shipped rule name or YAML file.")] = (
        "spearhead"
    ),
    level: Annotated[str, typer.Option("--level", help="Level of areas to classify.")] = "la",
    out: Annotated[Path, typer.Option("--out", help=".csv or .xlsx file.")] = Path(
        "classification.csv"
    ),
) -> None:
    """Flag areas by a rule (default Spearhead: worst fifth on 3 of 5 indicators)."""
    bundle = classify_areas(WorkspaceSource.open(workspace), period=period, rule=rule, level=level)
    path = write_bundle_table(bundle, "classification", out)
    announce(bundle)
    flagged = bundle.summary["flagged"]
    table = Table(
        title=f"{bundle.summary['title']}: {len(flagged)} of {bundle.summary['areas']} "
        "areas flagged"
    )
    for column in ("area_code", "criteria_met", "flagged_by"):
        table.add_column(column, overflow="fold")
    for row in flagged:
        table.add_row(str(row["area_code"]), str(row["criteria_met"]), str(row["flagged_by"]))
    console.print(table)
    wrote([path])


@app.command("explain-target")
def target_command(
    workspace: Workspace,
    area: AreaOption,
    target_year: Annotated[int, typer.Option("--target-year")],
    periods: Annotated[
        str | None,
        typer.Option(
            "--periods",
            help="Comma-separated, e.g. 2010-12,2013-15,2016-18 (default: non-overlapping "
            "3-year pools ending at the latest year).",
        ),
    ] = None,
    compare: CompareOption = "england",
    sex: Annotated[str, typer.Option("--sex", help="Comma-separated sexes.")] = "male",
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="Period the target is measured from; default: the latest."),
    ] = (None),
    reduction: Annotated[float, typer.Option("--reduction", help="0.10 = 10% narrower.")] = 0.10,
    absolute: Annotated[bool, typer.Option("--absolute", help="Reduction in years.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("target-output"),
) -> None:
    """Say whether a gap is on track to meet a target, from its trend over periods."""
    sexes = split_list(sex)
    bundle = check_gap_target(
        WorkspaceSource.open(workspace),
        area=area,
        comparison=compare,
        target_year=target_year,
        reduction=reduction,
        kind="absolute" if absolute else "relative",
        periods=split_list(periods) or None,
        baseline_period=baseline,
        sexes=sexes,
    )
    out.mkdir(parents=True, exist_ok=True)
    written = [write_bundle_table(bundle, "trajectory", out / "trajectory.csv")]
    verdicts = bundle.summary["verdicts"]
    for sex_name in verdicts:
        # One sex: gap_trend.svg, as before; several: gap_trend_<sex>.svg.
        stem = "gap_trend" if len(verdicts) == 1 else f"gap_trend_{sex_name}"
        for suffix in (".svg", ".png"):
            path = out / f"{stem}{suffix}"
            written.append(write_bundle_chart(bundle, f"trajectory_{sex_name}", path))
    flat = {s: v["numbers"] | {"verdict": v["verdict"]} for s, v in verdicts.items()}
    verdict = next(iter(flat.values())) if len(flat) == 1 else flat
    (out / "verdict.json").write_text(json.dumps(verdict, indent=2), encoding="utf-8")
    announce(bundle)
    for sex_name, found in verdicts.items():
        console.print(
            styled((found["verdict"].upper(), "bold"), f" ({sex_name}): {found['explanation']}")
        )
    wrote([*written, out / "verdict.json"])
