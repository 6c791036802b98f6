"""``healthgap survey`` (stages of change) and ``healthgap equity-audit`` (service use
against need).

``healthgap survey WORKSPACE --segments segment-output/segments.csv --out DIR`` estimates
the share of respondents at each stage of change by segment (or ``--by
deprivation_quintile``, or any survey column) and writes the shares, the segment x stage
matrix of each behaviour with its message, channel and offer, and the heatmaps.
``healthgap equity-audit WORKSPACE --service bowel_screening --out DIR`` audits a service
by every grouping and prints the groups found under-using it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    WorkspaceSource,
    audit_service_equity,
    read_segment_file,
    survey_stages,
)
from healthgap.cli import app, console
from healthgap.cli.present import announce, wrote
from healthgap.cli.segment import Charts, Formats, OptionalWorkspace, write_insight_bundle
from healthgap.errors import InputError, Problem

__all__ = ["equity_audit", "survey"]


@app.command()
def survey(
    workspace: OptionalWorkspace = None,
    survey_file: Annotated[
        Path | None,
        typer.Option("--survey", help="Survey file (default: the workspace's lifestyle_survey)."),
    ] = None,
    segments: Annotated[
        Path | None,
        typer.Option("--segments", help="segments.csv written by `healthgap segment`."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="segment, deprivation_quintile or a survey column (default: segment when "
            "--segments is given, else deprivation_quintile).",
        ),
    ] = None,
    content: Annotated[
        Path | None,
        typer.Option("--content", help="YAML of suggested messages, channels and offers."),
    ] = None,
    min_respondents: Annotated[
        int, typer.Option("--min-respondents", help="Flag cells on fewer answers.")
    ] = 50,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("survey-output"),
    formats: Formats = "csv,xlsx",
    charts: Charts = "svg,png",
) -> None:
    """Stages of change from survey microdata: design-weighted shares by segment with CIs,
    small cells flagged, and the segment x stage matrix with suggestions."""
    if workspace is None and survey_file is None:
        raise InputError(
            [Problem("<arguments>", None, "survey", "missing_file", "give a workspace or --survey")]
        )
    source = WorkspaceSource.open(workspace) if workspace is not None else None
    labels, names = (None, None) if segments is None else read_segment_file(segments)
    bundle = survey_stages(
        source,
        survey=survey_file,
        by=by or ("segment" if labels is not None else "deprivation_quintile"),
        segments=labels,
        names=names,
        content=content,
        min_respondents=min_respondents,
    )
    written = write_insight_bundle(bundle, out, formats, charts)
    announce(bundle)
    summary = bundle.summary
    console.print(
        f"{summary['respondents']:,} respondents in {len(summary['segments'])} groups; "
        f"behaviours: {', '.join(summary['behaviours'])}"
    )
    for cell in summary["small_cells"]:
        console.print(
            f"  small base: {cell['segment_name']}, {cell['behaviour']} "
            f"({cell['base']:.0f} answers)"
        )
    console.print(f"[italic]{summary['note']}.[/]")
    wrote(written)


def _references(values: list[str]) -> dict[str, str]:
    found, problems = {}, []
    for value in values:
        grouping, sep, category = value.partition("=")
        if not sep or not grouping.strip() or not category.strip():
            problems.append(
                Problem(
                    "<arguments>",
                    None,
                    "reference",
                    "bad_reference",
                    f"{value!r} is not GROUPING=CATEGORY (e.g. sex=female)",
                )
            )
        found[grouping.strip()] = category.strip()
    if problems:
        raise InputError(problems)
    return found


def _benchmark(text: str) -> str | float:
    if text in ("reference", "overall"):
        return text
    try:
        return float(text)
    except ValueError:
        raise InputError(
            "--benchmark is reference, overall or a target uptake per unit of need",
            rule="bad_benchmark",
        ) from None


@app.command("equity-audit")
def equity_audit(
    workspace: OptionalWorkspace = None,
    service: Annotated[
        str | None, typer.Option("--service", help="Service to audit (default: the first).")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Only the small areas inside this area.")
    ] = None,
    activity: Annotated[
        Path | None, typer.Option("--activity", help="Activity file (area, groups, activity).")
    ] = None,
    need: Annotated[
        Path | None,
        typer.Option("--need", help="Need file (area, groups, need or population+prevalence)."),
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option("--reference", help="Reference group, e.g. sex=female (repeatable)."),
    ] = None,
    benchmark: Annotated[
        str, typer.Option("--benchmark", help="reference, overall or a target uptake.")
    ] = "reference",
    materiality: Annotated[
        float, typer.Option("--materiality", help="Ratio below which a gap counts.")
    ] = 0.9,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("equity-output"),
    formats: Formats = "csv,xlsx",
    charts: Charts = "svg,png",
) -> None:
    """Service equity audit: uptake per need by deprivation, ethnic group, age, sex and any
    other column, with ratios, missing activity, the slope index and a funnel plot."""
    if workspace is None and (activity is None or need is None):
        raise InputError(
            [
                Problem(
                    "<arguments>",
                    None,
                    "activity",
                    "missing_file",
                    "give a workspace, or both --activity and --need",
                )
            ]
        )
    source = WorkspaceSource.open(workspace) if workspace is not None else None
    bundle = audit_service_equity(
        source,
        service=service,
        area=area,
        activity=activity,
        need=need,
        reference=_references(reference or []),
        benchmark=_benchmark(benchmark),
        materiality=materiality,
    )
    written = write_insight_bundle(bundle, out, formats, charts)
    announce(bundle)
    summary = bundle.summary
    where = f" in {summary['area_name']}" if summary["area_name"] else ""
    console.print(
        f"{summary['service_label']}{where}: {summary['activity']:,.0f} {summary['unit']}, "
        f"uptake {summary['uptake']:.1f} per 100 in need"
    )
    if summary["findings"]:
        console.print(
            "[bold]Groups under-using the service[/] (ratio below the materiality "
            "threshold and 99.8% upper limit below 1):"
        )
        for sentence in summary["findings"]:
            console.print(f"  - {sentence}", soft_wrap=True)
    else:
        console.print("no group is clearly under-using the service")
    wrote(written)
