"""Explain commands: ``explain`` (decompose a gap), ``explain-classify``, ``explain-target``.

``healthgap explain WORKSPACE --area E06000002 --compare england --period 2022-24 --out DIR``
writes ``decomposition.csv``, ``decomposition.xlsx`` (with a metadata sheet) and, per
sex, the contributions and scarf charts as SVG and PNG.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from healthgap.cli import app, console, styled
from healthgap.data import open_workspace
from healthgap.decomposition.changes import decompose_gap_change
from healthgap.decomposition.comparisons import (
    build_comparison,
    gaps_over_periods,
    in_period,
    period_label_years,
)
from healthgap.decomposition.decompose import decompose_gap
from healthgap.errors import InputError
from healthgap.frameworks.area_indicators import spearhead_indicators
from healthgap.frameworks.classification import apply_rule, load_rule
from healthgap.frameworks.targets import assess_gap_target
from healthgap.reports.charts import contributions_chart, gap_trend_chart, scarf_chart
from healthgap.reports.render import save_chart
from healthgap.reports.tables import write_table

__all__ = ["classify_command", "explain", "target_command"]

Workspace = Annotated[Path, typer.Argument(help="Workspace folder (see `healthgap import`).")]
AreaOption = Annotated[str, typer.Option("--area", help="Code of the area to explain.")]
CompareOption = Annotated[
    str,
    typer.Option(
        "--compare",
        help="england | an area code | quintiles | deciles | period:LABEL (e.g. period:2012-14).",
    ),
]
SexOption = Annotated[str, typer.Option("--sex", help="Comma-separated sexes.")]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _read(workspace: Path, periods: list[str]) -> tuple[pd.DataFrame, ...]:
    ws = open_workspace(workspace)
    wanted = {y for p in periods for y in [p, *period_label_years(p)]}
    tables = [ws.read("areas")]
    for name in ("population", "deaths"):
        table = ws.read(name)
        tables.append(table[table["period"].astype(str).isin(wanted)])
    return (*tables, ws.is_synthetic)


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
    sexes, breakdown = _split(sex), tuple(_split(by))
    periods = [period] + ([change_from] if change_from else [])
    if compare.startswith("period:"):
        periods.append(compare.split(":", 1)[1])
    areas, population, deaths, synthetic = _read(workspace, periods)
    comparison = build_comparison(
        areas, population, deaths, area=area, compare=compare, period=period, sexes=sexes
    )
    result = decompose_gap(
        comparison.deaths, comparison.population, comparison.pairs, by=breakdown, method=method
    )  # type: ignore[arg-type]
    folder, files = _outputs(out, "decomposition")
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {
        "base": comparison.base_label,
        "comparator": comparison.comparator_label,
        "period": period,
        "method": str(result["method"].iloc[0]),
        "statistic": str(result["statistic"].iloc[0]),
        "workspace": str(workspace),
        "cause split note": "cause_split_unstable marks bands resting on few deaths or a "
        "tiny all-cause difference; pool years or use broader causes",
    }
    for path in files:
        write_table(result, path, metadata=metadata, synthetic=synthetic)
    charts = []
    if {"age", "cause"} <= set(breakdown):
        for s in sexes:
            rows = result[result["sex"] == s]
            label = f"{comparison.base_label} ({s})"
            for kind, spec in (
                (
                    "contributions",
                    contributions_chart(
                        rows,
                        base_label=label,
                        comparator_label=comparison.comparator_label,
                        synthetic=synthetic,
                    ),
                ),
                (
                    "scarf",
                    scarf_chart(
                        rows,
                        base_label=label,
                        comparator_label=comparison.comparator_label,
                        synthetic=synthetic,
                    ),
                ),
            ):
                for suffix in (".svg", ".png"):
                    charts.append(save_chart(spec, folder / f"{kind}_{s}{suffix}"))
    if change_from:
        if compare.startswith("period:"):
            raise InputError(
                "--change-from needs a comparison of two populations, not periods",
                rule="invalid_option",
            )
        earlier = build_comparison(
            areas, population, deaths, area=area, compare=compare, period=change_from, sexes=sexes
        )
        change = decompose_gap_change(
            pd.concat([earlier.deaths, comparison.deaths], ignore_index=True),
            pd.concat([earlier.population, comparison.population], ignore_index=True),
            comparison.pairs,
            before=change_from,
            after=period,
            by=breakdown,
        )
        files.append(write_table(change, folder / "gap_change.csv", synthetic=synthetic))
    _print_summary(result, comparison.base_label, comparison.comparator_label)
    console.print("wrote " + ", ".join(str(p) for p in [*files, *charts]))


def _print_summary(result: pd.DataFrame, base: str, comparator: str) -> None:
    keys = [c for c in ("sex", "period") if c in result.columns]
    table = Table(title=f"Life expectancy gap: {base} vs {comparator}")
    for column in [*keys, "e0 base", "e0 comparator", "gap", "largest contributions", "note"]:
        table.add_column(column, overflow="fold")
    for values, rows in result.groupby(keys, observed=True, sort=False):
        first = rows.iloc[0]
        if "cause" in rows.columns and rows["cause"].nunique() > 1:
            top = rows.groupby("cause")["contribution"].sum().nlargest(3)
        else:
            top = rows.set_index(rows.get("age_band", rows["cause"]))["contribution"].nlargest(3)
        text = "; ".join(f"{k} {v:+.2f}" for k, v in top.items())
        key_values = values if isinstance(values, tuple) else (values,)
        table.add_row(
            *map(str, key_values),
            f"{first['e0_base']:.2f}",
            f"{first['e0_comparator']:.2f}",
            f"{first['gap']:.2f}",
            text,
            str(first["note"]),
        )
    console.print(table)


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
    chosen = load_rule(rule)
    areas, population, deaths, synthetic = _read(workspace, [period])
    indicators = spearhead_indicators(
        areas, in_period(population, period), in_period(deaths, period), level=level
    )
    result = apply_rule(indicators, chosen)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(
        result,
        out,
        synthetic=synthetic,
        metadata={"rule": json.dumps(chosen.to_dict()), "period": period, "level": level},
    )
    flagged = result[result["flagged"]]
    table = Table(title=f"{chosen.title}: {len(flagged)} of {len(result)} areas flagged")
    for column in ("area_code", "criteria_met", "flagged_by"):
        table.add_column(column, overflow="fold")
    for _, row in flagged.iterrows():  # display only: a few dozen rows
        table.add_row(row["area_code"], str(row["criteria_met"]), row["flagged_by"])
    console.print(table)
    console.print(f"wrote {out}")


@app.command("explain-target")
def target_command(
    workspace: Workspace,
    area: AreaOption,
    periods: Annotated[
        str, typer.Option("--periods", help="Comma-separated, e.g. 2010-12,2013-15,2016-18.")
    ],
    target_year: Annotated[int, typer.Option("--target-year")],
    compare: CompareOption = "england",
    sex: Annotated[str, typer.Option("--sex")] = "male",
    baseline: Annotated[str | None, typer.Option("--baseline", help="Default: first period.")] = (
        None
    ),
    reduction: Annotated[float, typer.Option("--reduction", help="0.10 = 10% narrower.")] = 0.10,
    absolute: Annotated[bool, typer.Option("--absolute", help="Reduction in years.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("target-output"),
) -> None:
    """Say whether a gap is on track to meet a target, from its trend over periods."""
    labels = _split(periods)
    if len(labels) < 3:
        raise InputError("give at least 3 periods with --periods", rule="too_few_periods")
    areas, population, deaths, synthetic = _read(workspace, labels)
    series, comparison = gaps_over_periods(
        areas, population, deaths, area=area, compare=compare, periods=labels, sex=sex
    )
    result = assess_gap_target(
        series,
        baseline_period=baseline or labels[0],
        target_year=target_year,
        reduction=reduction,
        kind="absolute" if absolute else "relative",
    )
    out.mkdir(parents=True, exist_ok=True)
    write_table(result.trajectory, out / "trajectory.csv", synthetic=synthetic)
    spec = gap_trend_chart(
        result.trajectory,
        base_label=f"{comparison.base_label} ({sex})",
        comparator_label=comparison.comparator_label,
        verdict=result.verdict,
        synthetic=synthetic,
    )
    charts = [save_chart(spec, out / f"gap_trend{suffix}") for suffix in (".svg", ".png")]
    (out / "verdict.json").write_text(
        json.dumps(result.numbers | {"verdict": result.verdict}, indent=2), encoding="utf-8"
    )
    console.print(styled((result.verdict.upper(), "bold"), f": {result.explanation}"))
    console.print("wrote " + ", ".join(str(p) for p in [out / "trajectory.csv", *charts]))
