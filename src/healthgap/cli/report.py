"""``healthgap report``: an area's health-inequalities report as HTML, PDF, Word and PowerPoint.

Calls :func:`healthgap.analyses.build_report` and writes its bundle with
:func:`healthgap.reports.report_files.write_report`. ``AREA`` ``all`` builds the report of
every area of ``--level`` (default: every local authority) with a progress bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from healthgap.analyses import RememberingSource, WorkspaceSource, build_report, report_areas
from healthgap.cli import app, console, err_console
from healthgap.cli.present import announce, show_warnings, split_list, wrote
from healthgap.errors import InputError
from healthgap.reports.report_files import check_formats, write_report
from healthgap.reports.report_template import load_report_template
from healthgap.scenarios import load_scenario

__all__ = ["report"]


@app.command()
def report(
    area: Annotated[
        str, typer.Argument(help="Code of the area, or `all` for every area of --level.")
    ],
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    template: Annotated[
        str,
        typer.Option(
            "--template",
            help="A shipped template (inequalities profile, annual report chapter, board "
            "slide pack) or a template .yaml file.",
        ),
    ] = "inequalities profile",
    formats: Annotated[
        str, typer.Option("--format", help="Formats: html, pdf, docx, pptx (comma-separated).")
    ] = "html,pdf,docx,pptx",
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("reports"),
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario file for the plan section (default: a plan "
            "for the area's most deprived fifth).",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Period of the inequality inside the area (default: "
            "the latest three years pooled).",
        ),
    ] = None,
    level: Annotated[
        str, typer.Option("--level", help="Level of the areas when AREA is `all`.")
    ] = "la",
) -> None:
    """Write an area's report (profile, trend and target, contributions, flags, plan) in
    the formats asked for, laid out by a template."""
    chosen_formats = check_formats(split_list(formats))
    chosen = load_report_template(template)
    plan = load_scenario(scenario) if scenario is not None else None
    # One source for every report: England's rows are pooled once, not once per area.
    source = RememberingSource(WorkspaceSource.open(workspace))
    if area != "all":
        bundle = build_report(source, area, template=chosen, scenario=plan, period=period)
        written = write_report(bundle, out, chosen_formats)
        announce(bundle)
        wrote(written)
        return
    if plan is not None:
        raise InputError(
            "--scenario names one area's plan; leave it out with AREA all", rule="invalid_option"
        )
    areas = report_areas(source, level)
    failed: list[str] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task("reports", total=len(areas))
        for code, name in areas:
            bar.update(task, description=f"{name} ({code})")
            try:
                bundle = build_report(source, code, template=chosen, period=period)
                write_report(bundle, out / code, chosen_formats)
            except InputError as exc:
                failed.append(f"{name} ({code}): {exc}")
            bar.advance(task)
    show_warnings([f"ReportProblem: {line}" for line in failed])
    console.print(f"wrote {len(areas) - len(failed)} of {len(areas)} reports to {out}")
    if failed:
        raise InputError(
            f"{len(failed)} reports could not be built (listed above)", rule="reports_failed"
        )
