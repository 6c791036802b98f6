"""``healthgap segment``: open segmentation of small areas (or a licensed lookup), profiled.

``healthgap segment WORKSPACE --out DIR`` segments the workspace's ``area_indicators``
table; ``--imd FILE`` or ``--indicators FILE`` segment files instead (no workspace needed).
It writes the tables (segments, summary, profile, names, personas, selection, life
expectancy, places) as CSV/Excel, the profile and map charts, and ``run.json``: the run's
inputs and record, from which ``--repeat run.json`` makes exactly the same segments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from healthgap.analyses import (
    IndicatorSource,
    WorkspaceSource,
    import_segment_lookup,
    lookup_segmentation,
    read_parent_lookup,
    repeat_segment_run,
    segment_areas,
)
from healthgap.cli import app, console
from healthgap.cli.compute_options import Scheduler, Timeout, Workers, executor_and_bar
from healthgap.cli.present import announce, split_list, wrote
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.reports.outputs import CHART_FILE_FORMATS, TABLE_FILE_FORMATS, write_bundle

__all__ = ["segment", "write_insight_bundle"]

OptionalWorkspace = Annotated[
    Path | None,
    typer.Argument(help="Workspace folder (optional when the inputs are files)."),
]
Formats = Annotated[str, typer.Option("--formats", help="Table formats: csv, xlsx.")]
Charts = Annotated[str, typer.Option("--charts", help="Chart formats: svg, png, html, json.")]


def write_insight_bundle(bundle: ResultBundle, out: Path, formats: str, charts: str) -> list[Path]:
    """Check the formats, then write every table and chart of ``bundle`` into ``out``."""
    table_formats, chart_formats = split_list(formats), split_list(charts)
    unknown = [f for f in table_formats if f not in TABLE_FILE_FORMATS]
    unknown += [f for f in chart_formats if f not in CHART_FILE_FORMATS]
    if unknown:
        raise InputError(f"unknown formats {unknown}", rule="bad_format")
    return write_bundle(bundle, out, table_formats=table_formats, chart_formats=chart_formats)


def _sources(
    indicators: list[Path], imd: Path | None, measure: str, columns: str
) -> list[IndicatorSource]:
    chosen = tuple(split_list(columns))
    specs = [IndicatorSource("imd", str(imd), measure=measure)] if imd else []
    specs += [IndicatorSource("file", str(p), columns=chosen) for p in indicators]
    return specs or [IndicatorSource(columns=chosen)]


@app.command()
def segment(
    workspace: OptionalWorkspace = None,
    indicators: Annotated[
        list[Path] | None,
        typer.Option("--indicators", help="Wide file(s) of indicators, one row per area."),
    ] = None,
    imd: Annotated[
        Path | None, typer.Option("--imd", help="IMD LSOA file: segment on its domains.")
    ] = None,
    imd_measure: Annotated[str, typer.Option("--imd-measure", help="score or rank.")] = "score",
    columns: Annotated[str, typer.Option("--columns", help="Indicator columns to use.")] = "",
    segments: Annotated[
        int | None, typer.Option("--segments", help="Fix the number of segments.")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="kmeans or ward.")] = "kmeans",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    weights: Annotated[str, typer.Option("--weights", help="auto, population or none.")] = "auto",
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Stability resamples.")] = 10,
    boundaries: Annotated[
        Path | None, typer.Option("--boundaries", help="Boundary file or folder for the map.")
    ] = None,
    parents: Annotated[
        Path | None, typer.Option("--parents", help="CSV lookup of each area's parent.")
    ] = None,
    parent_column: Annotated[
        str | None, typer.Option("--parent-column", help="Parent code column of --parents.")
    ] = None,
    lookup: Annotated[
        Path | None, typer.Option("--lookup", help="A licensed OA/LSOA -> segment lookup.")
    ] = None,
    key_type: Annotated[str, typer.Option("--key-type", help="lsoa, oa or postcode.")] = "lsoa",
    lookup_version: Annotated[
        str, typer.Option("--lookup-version", help="The lookup's version (required with it).")
    ] = "",
    classification: Annotated[
        str, typer.Option("--classification", help="The lookup's classification name.")
    ] = "licensed classification",
    repeat: Annotated[
        Path | None, typer.Option("--repeat", help="run.json of an earlier run: repeat it.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("segment-output"),
    formats: Formats = "csv,xlsx",
    charts: Charts = "svg,png",
    workers: Workers = 0,
    scheduler: Scheduler = None,
    timeout: Timeout = 30.0,
) -> None:
    """Segment small areas by their indicators (or use a licensed lookup), profile the
    segments against the whole, name them and map them. The stability resamples run on
    ``--workers``/``--scheduler`` when given (the same segments wherever they run)."""
    source = WorkspaceSource.open(workspace) if workspace is not None else None
    parent_of = None if parents is None else read_parent_lookup(parents, parent_column)
    if lookup is not None:
        checked = import_segment_lookup(
            lookup, key_type=key_type, version=lookup_version, classification=classification
        )
        bundle = lookup_segmentation(source, checked, boundaries=boundaries, parents=parent_of)
    else:
        with executor_and_bar(workers, scheduler, timeout, "segmenting", bootstrap + 2) as (
            executor,
            bar,
        ):
            if repeat is not None:
                run = _read_run(repeat)
                bundle = repeat_segment_run(
                    source,
                    inputs=run["inputs"],
                    record=run["record"],
                    boundaries=boundaries,
                    parents=parent_of,
                    progress=bar,
                    executor=executor,
                )
            else:
                bundle = segment_areas(
                    source,
                    indicators=_sources(indicators or [], imd, imd_measure, columns),
                    n_segments=segments,
                    method=method,
                    seed=seed,
                    weights=weights,
                    n_bootstrap=bootstrap,
                    boundaries=boundaries,
                    parents=parent_of,
                    progress=bar,
                    executor=executor,
                )
    written = write_insight_bundle(bundle, out, formats, charts)
    written.append(_write_run(bundle, out / "run.json"))
    announce(bundle)
    _print_summary(bundle)
    wrote(written)


def _read_run(path: Path) -> dict[str, Any]:
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(
            [Problem(path.name, None, None, "unreadable_file", f"not a run record: {exc}")]
        ) from None
    if not isinstance(run, dict) or not {"inputs", "record"} <= set(run):
        raise InputError(
            [Problem(path.name, None, None, "bad_record", "a run.json needs inputs and record")]
        )
    return run


def _write_run(bundle: ResultBundle, path: Path) -> Path:
    summary = bundle.summary
    run = {key: summary[key] for key in ("kind", "method", "seed", "inputs", "record", "names")}
    run["software"] = bundle.provenance.software
    path.write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _print_summary(bundle: ResultBundle) -> None:
    summary = bundle.summary
    stability = summary["stability"]
    said = "" if stability is None else f", stability (mean adjusted Rand) {stability:.3f}"
    console.print(
        f"{summary['n_segments']} segments of {summary['n_areas']:,} areas ({summary['method']}"
        f"{said})"
    )
    table = Table(title="Segments (they describe areas, not the people in them)")
    for column in ("segment", "name", "areas", "population share"):
        table.add_column(column)
    for card in summary["cards"]:
        table.add_row(
            str(card["segment"]),
            card["name"],
            f"{card['n_areas']:,}",
            f"{card['population_share']:.1%}",
        )
    console.print(table)
    console.print(f"map: {summary['map_note']}")
