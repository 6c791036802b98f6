"""``healthgap report``: an area's health-inequalities report as HTML, PDF, Word and PowerPoint.

Calls :func:`healthgap.analyses.build_report` and writes its bundle with
:func:`healthgap.reports.report_files.write_report`. ``AREA`` ``all`` builds the report of
every area of ``--level`` (default: every local authority) with a progress bar, on the
executor of ``--workers``/``--scheduler`` (:func:`healthgap.analyses.build_reports`:
resumable, with an index of what was written and what failed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from healthgap.analyses import (
    PreparedSource,
    RememberingSource,
    build_report,
    build_reports,
    report_areas,
)
from healthgap.cli import app, console, err_console
from healthgap.cli.compute_options import Scheduler, Timeout, Workers, executor_and_bar
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
    workers: Workers = 0,
    scheduler: Scheduler = None,
    timeout: Timeout = 60.0,
) -> None:
    """Write an area's report (profile, trend and target, contributions, flags, plan) in
    the formats asked for, laid out by a template."""
    chosen_formats = check_formats(split_list(formats))
    chosen = load_report_template(template)
    plan = load_scenario(scenario) if scenario is not None else None
    # Reads by area come from the workspace's prepared per-level tables (summed once per
    # workspace content and kept in the workspace); one source for every report of a run.
    prepared = PreparedSource.open(workspace, progress=lambda text: err_console.print(text))
    source = RememberingSource(prepared)
    if not prepared.is_prepared():
        err_console.print(
            f"preparing the workspace's tables at every level (once; kept in {prepared.folder})"
        )
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
    prepared.warm()  # before any worker starts: they all read the kept tables
    with executor_and_bar(workers, scheduler, timeout, "reports", len(areas)) as (run, advance):
        result = build_reports(
            workspace,
            areas,
            template=chosen,
            formats=chosen_formats,
            out=out,
            period=period,
            executor=run,
            progress=advance,
            source=source,
        )
    show_warnings([f"ReportProblem: {o.area_name} ({o.area_code}): {o.message}"
                   for o in result.failed])  # fmt: skip
    kept = result.count("kept")
    console.print(
        f"wrote {result.count('written')} of {len(areas)} reports to {out}"
        + (f" ({kept} kept from an earlier run)" if kept else "")
        + f"; index: {result.index[-1]}"
    )
    if result.failed:
        raise InputError(
            f"{len(result.failed)} reports could not be built (listed above and in the index)",
            rule="reports_failed",
        )
