"""Segment small areas: a new open run, a stored run shown or repeated exactly, a licensed
lookup imported; and checked segment names.

:func:`segment_areas` reads the indicators (the workspace's ``area_indicators`` table, the
IMD domains of an LSOA file, any wide file), weights areas by their population when the
workspace has it, fits :class:`healthgap.insight.SmallAreaSegmenter` and returns the
profiles, names, persona cards, life expectancy and map as one bundle. Its ``summary``
holds the run's ``inputs`` and ``record``: stored, they make :func:`repeat_segment_run`
give the same segments (or refuse, when the inputs changed), and :func:`stored_segmentation`
show the stored segments without fitting again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.insight_inputs import (
    IndicatorSource,
    area_population,
    file_digest,
    insight_provenance,
    read_indicators,
)
from healthgap.analyses.provenance import collect_warnings
from healthgap.analyses.segment_bundle import Segmentation, segmentation_bundle
from healthgap.analyses.source import Source
from healthgap.compute import Executor
from healthgap.errors import InputError, Problem
from healthgap.insight import (
    RunRecord,
    SegmentLookup,
    SmallAreaSegmenter,
    read_segment_lookup,
    rename_segments,
)
from healthgap.reports.bundle import ResultBundle

__all__ = [
    "SEGMENT_METHODS",
    "WEIGHTS",
    "check_segment_names",
    "import_segment_lookup",
    "lookup_segmentation",
    "repeat_segment_run",
    "segment_areas",
    "stored_segmentation",
]

SEGMENT_METHODS = {"kmeans": "k-means", "ward": "Ward's hierarchical clustering"}
WEIGHTS = ("auto", "population", "none")
Progress = Callable[[int, int], None]


def _files(specs: Sequence[IndicatorSource]) -> list[str]:
    return [str(s.path) for s in specs if s.kind != "workspace" and s.path]


def _weights(source: Source | None, codes: pd.Index, weights: str) -> tuple[pd.Series | None, str]:
    if weights not in WEIGHTS:
        raise InputError(
            [
                Problem(
                    "<arguments>",
                    None,
                    "weights",
                    "invalid_parameter",
                    f"weights are {', '.join(WEIGHTS)}, not {weights!r}",
                )
            ]
        )
    if weights == "none":
        return None, ""
    people, period = area_population(source, codes)
    if people is None and weights == "population":
        raise InputError(
            [
                Problem(
                    "population",
                    None,
                    "person_years",
                    "missing_population",
                    "the workspace has no population for every segmented area; "
                    "choose weights 'none'",
                )
            ]
        )
    return people, period


def segment_areas(
    source: Source | None,
    *,
    indicators: Sequence[IndicatorSource] = (IndicatorSource(),),
    n_segments: int | None = None,
    method: str = "kmeans",
    seed: int = 1,
    weights: str = "auto",
    n_bootstrap: int = 10,
    boundaries: str | os.PathLike[str] | None = None,
    parents: pd.Series | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ResultBundle:
    """Segment the areas of ``indicators`` (a new open run) and profile the segments.

    ``n_segments`` fixes the number (default: chosen by quality among stable candidates);
    ``weights`` is ``auto`` (population when the workspace has it for every area),
    ``population`` or ``none``; ``boundaries`` a boundary file or folder for the map
    (default: the workspace's own shapes); ``parents`` the area each segmented area lies
    in, for the map (default: the workspace's local authorities, or its wards when the
    areas lie in one authority); ``progress(done, total)`` hears each fitting step;
    ``executor`` runs the bootstrap resamples (:func:`healthgap.compute.open_executor`;
    default this process, with the same segments on any executor).
    """
    with collect_warnings() as met:
        joined, read = read_indicators(source, indicators)
        population, period = _weights(source, joined.values.index, weights)
        model = SmallAreaSegmenter(
            n_segments=n_segments, method=method, n_bootstrap=n_bootstrap, random_state=seed
        ).fit(
            joined,
            sample_weight=None if population is None else population.to_numpy(),
            progress=progress,
            executor=executor,
        )
    inputs = {
        "indicators": [spec.to_dict() for spec in read],
        "weights": "none" if population is None else "population",
        "population_period": period,
        "vintage": joined.vintage,
    }
    weights = None if population is None else (population, period)
    return _open_bundle(source, model, joined, inputs, met, boundaries, parents, weights)


def _open_bundle(
    source, model, joined, inputs, met, boundaries, parents, weights=None
) -> ResultBundle:
    record = model.run_record_
    segmentation = Segmentation(
        labels=model.labels_,
        kind="open",
        method=record.method,
        inputs=inputs,
        record=record.to_dict(),
        seed=record.seed,
        stability=None if pd.isna(model.stability_) else float(model.stability_),
        selection=model.selection_,
        warnings=tuple(met),
        population=weights,
    )
    specs = [IndicatorSource.from_dict(d) for d in inputs["indicators"]]
    provenance = insight_provenance(source, _files(specs), f"open segmentation: {record.method}")
    with collect_warnings() as more:
        bundle = segmentation_bundle(
            source, segmentation, joined, provenance, boundaries=boundaries, parents=parents
        )
    return bundle if not more else _with_warnings(bundle, more)


def _with_warnings(bundle: ResultBundle, more: Sequence[str]) -> ResultBundle:
    return replace(bundle, warnings=tuple(dict.fromkeys([*bundle.warnings, *more])))


def _stored_inputs(source: Source | None, inputs: Mapping[str, Any]):
    """The indicators a stored run read, read again; files must be unchanged."""
    specs = [IndicatorSource.from_dict(d) for d in inputs.get("indicators", [])]
    for spec in specs:
        path = Path(str(spec.path))
        changed = spec.kind != "workspace" and spec.sha256 and path.is_file()
        if changed and file_digest(path) != spec.sha256:
            raise InputError(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        "inputs_changed",
                        "the file differs from the one the run read",
                    )
                ]
            )
    joined, _ = read_indicators(source, specs)
    population = None
    if inputs.get("weights") == "population":
        year = inputs.get("population_period") or None
        population, _ = area_population(source, joined.values.index, year)
    return joined, population


def repeat_segment_run(
    source: Source | None,
    *,
    inputs: Mapping[str, Any],
    record: Mapping[str, Any],
    boundaries: str | os.PathLike[str] | None = None,
    parents: pd.Series | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ResultBundle:
    """Fit a stored open run again from its record (same parameters and seed) on the same
    inputs: the same segments. Raises ``InputError`` (``inputs_changed``) when the inputs
    differ from the recorded ones."""
    run = RunRecord.from_dict(dict(record))
    with collect_warnings() as met:
        joined, population = _stored_inputs(source, inputs)
        weights = None if population is None else population.to_numpy()
        run.check_inputs(joined.values, weights)
        model = SmallAreaSegmenter.from_record(run).fit(
            joined, sample_weight=weights, progress=progress, executor=executor
        )
    return _open_bundle(source, model, joined, dict(inputs), met, boundaries, parents)


def _as_segments(values: pd.Series) -> pd.Series:
    """Stored segment codes as numbers when every one is a whole number (open runs)."""
    text = values.astype(str)
    return text.astype(int) if text.str.fullmatch(r"\d+").all() else text


def stored_segmentation(
    source: Source | None,
    *,
    kind: str,
    labels: Mapping[str, str],
    names: Sequence[Mapping[str, Any]],
    inputs: Mapping[str, Any],
    record: Mapping[str, Any],
    method: str,
    seed: int | None = None,
    stability: float | None = None,
    quality: Sequence[Mapping[str, Any]] | None = None,
    boundaries: str | os.PathLike[str] | None = None,
    parents: pd.Series | None = None,
) -> ResultBundle:
    """A stored segmentation shown again without fitting: its segments and names, profiled
    on the indicators it read (open runs) or on the workspace's indicators (lookups);
    ``quality`` is the stored quality and stability of each number of segments tried."""
    segments = _as_segments(pd.Series(labels, name="segment"))
    segments.index = segments.index.astype(str)
    table = pd.DataFrame(names)
    table["segment"] = _as_segments(table["segment"])
    with collect_warnings() as met:
        joined = None
        if kind == "open":
            joined, population = _stored_inputs(source, inputs)
            try:
                RunRecord.from_dict(dict(record)).check_inputs(
                    joined.values, None if population is None else population.to_numpy()
                )
            except InputError:
                met.append(
                    "InputsChanged: the indicators differ from the ones this run read; the "
                    "profiles use today's values"
                )
        elif source is not None and source.has("area_indicators"):
            joined, _ = read_indicators(source, [IndicatorSource()])
    segmentation = Segmentation(
        labels=segments,
        kind=kind,
        method=method,
        inputs=inputs,
        record=record,
        seed=seed,
        stability=stability,
        selection=None if not quality else pd.DataFrame(list(quality)),
        names=table[["segment", "name", "basis", "edited"]],
        warnings=tuple(met),
    )
    specs = [IndicatorSource.from_dict(d) for d in inputs.get("indicators", [])]
    provenance = insight_provenance(source, _files(specs), method)
    return segmentation_bundle(
        source, segmentation, joined, provenance, boundaries=boundaries, parents=parents
    )


def check_segment_names(
    names: Sequence[Mapping[str, Any]], edits: Mapping[str, str]
) -> dict[str, str]:
    """New names checked against each other (none empty, none over 80 characters, no two
    the same): segment -> name of every segment. Raises ``InputError`` naming each."""
    table = pd.DataFrame(names)
    table["segment"] = table["segment"].astype(str)
    renamed = rename_segments(table, {str(k): v for k, v in edits.items()})
    return dict(zip(renamed["segment"].astype(str), renamed["name"], strict=True))


def import_segment_lookup(
    path: str | os.PathLike[str],
    *,
    key_type: str,
    version: str,
    classification: str,
    key_column: str | None = None,
    segment_column: str = "segment_code",
    name_column: str | None = "segment_name",
) -> SegmentLookup:
    """Read and check a licensed lookup file (every problem named); nothing is copied."""
    return read_segment_lookup(
        path,
        key_type=key_type,
        version=version,
        classification=classification,
        key_column=key_column,
        segment_column=segment_column,
        name_column=name_column,
    )


def lookup_segmentation(
    source: Source | None,
    lookup: SegmentLookup,
    *,
    boundaries: str | os.PathLike[str] | None = None,
    parents: pd.Series | None = None,
) -> ResultBundle:
    """A licensed OA or LSOA lookup used like a run: its segments profiled on the
    workspace's indicators (the areas both have), with its own names."""
    labels = lookup.labels()
    if source is not None:
        known = set(source.areas()["area_code"].astype(str))
        labels = labels[labels.index.isin(known)] if known & set(labels.index) else labels
    names = lookup.names().assign(basis="")
    return stored_segmentation(
        source,
        kind="lookup",
        labels=labels.astype(str).to_dict(),
        names=names.to_dict("records"),
        inputs={"lookup": lookup.source, "key_type": lookup.key_type},
        record=lookup.record(),
        method=f"licensed lookup: {lookup.classification} version {lookup.version}",
        boundaries=boundaries,
        parents=parents,
    )
