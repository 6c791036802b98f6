"""The result of a segmentation, whichever way its segments were made (a new run, a stored
run, a licensed lookup): profiles, sizes, names, persona cards, life expectancy, the map.

Every table of segments carries the ecological caveat (segments describe areas, not the
people in them) in a column and in its metadata.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from healthgap.analyses.insight_inputs import area_population, parents_of
from healthgap.analyses.segment_map import find_shapes
from healthgap.analyses.selection import latest_period
from healthgap.analyses.source import Source
from healthgap.insight import (
    ECOLOGICAL_NOTE,
    JoinedIndicators,
    persona_cards,
    segment_life_expectancy,
    segment_profiles,
    segment_shares,
    segment_summary,
    suggest_names,
)
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.insight_charts import profile_index_chart, segment_map_chart

__all__ = ["Segmentation", "segmentation_bundle"]

LEVEL_WORDS = {"la": "local authority", "ward": "ward", "region": "region", "icb": "ICB"}
PLURALS = {"la": "local authorities", "ward": "wards", "region": "regions", "icb": "ICBs"}


@dataclass(frozen=True)
class Segmentation:
    """Segments of areas and how they were made (what a run or a lookup stores)."""

    labels: pd.Series  # segment of each area, indexed by area code
    kind: str  # "open" or "lookup"
    method: str
    inputs: Mapping[str, Any]
    record: Mapping[str, Any]
    seed: int | None = None
    stability: float | None = None
    selection: pd.DataFrame | None = None
    names: pd.DataFrame | None = None  # segment, name, basis, edited
    warnings: Sequence[str] = field(default_factory=tuple)
    population: tuple[pd.Series, str] | None = None  # weights already read, and their year


def _ecological(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(ecological_note=ECOLOGICAL_NOTE)


def _names(segmentation: Segmentation, profile: pd.DataFrame | None) -> pd.DataFrame:
    if segmentation.names is not None:
        return segmentation.names.reset_index(drop=True)
    if profile is not None and not profile.empty:
        return suggest_names(profile)
    segments = sorted(segmentation.labels.unique())
    return pd.DataFrame(
        {
            "segment": segments,
            "name": [f"Segment {s}" for s in segments],
            "basis": "",
            "edited": False,
        }
    )


def _life_expectancy(source: Source | None, labels: pd.Series) -> tuple[pd.DataFrame | None, str]:
    """LE of each segment and of all its areas together in the latest pooled period, and
    that period; None when the workspace has no deaths for the areas."""
    if source is None or not (source.has("population") and source.has("deaths")):
        return None, ""
    period = latest_period(source)
    if period is None:
        return None, ""
    codes = list(labels.index)
    population = source.read("population", codes, period)
    deaths = source.read("deaths", codes, period)
    if population.empty or deaths.empty:
        return None, ""
    population = population.assign(period=period.label)
    deaths = deaths.assign(period=period.label)
    found = segment_life_expectancy(labels, population, deaths)
    keep = found["sex"].astype(str).isin(["male", "female"])
    return found[keep].reset_index(drop=True), period.label


def _map_level(source: Source | None, codes: pd.Index) -> tuple[str, pd.Series | None]:
    """Local authorities, or wards when the areas lie in a single local authority."""
    las = parents_of(source, codes, "la")
    if las is not None and las.nunique() == 1:
        wards = parents_of(source, codes, "ward")
        if wards is not None:
            return "ward", wards
    return "la", las


def _places(
    source: Source | None, labels: pd.Series, parents: pd.Series, population: pd.Series | None
) -> pd.DataFrame:
    shares = segment_shares(labels, parents, population=population)
    names: dict[str, str] = {}
    if source is not None:
        areas = source.areas()
        names = dict(
            zip(areas["area_code"].astype(str), areas["area_name"].astype(str), strict=True)
        )
    shares["parent_name"] = shares["parent_code"].map(names).fillna(shares["parent_code"])
    return shares


def segmentation_bundle(
    source: Source | None,
    segmentation: Segmentation,
    indicators: JoinedIndicators | None,
    provenance: Provenance,
    *,
    boundaries: str | os.PathLike[str] | None = None,
    parents: pd.Series | None = None,
    extra_warnings: Sequence[str] = (),
) -> ResultBundle:
    """Profiles, sizes, names, cards, LE and map of ``segmentation`` as one bundle."""
    labels = segmentation.labels
    population, period = segmentation.population or area_population(source, labels.index)
    if population is not None and not labels.index.isin(population.index).all():
        population, period = None, ""
    profile = None
    if indicators is not None:
        common = labels.index.intersection(indicators.values.index)
        profile = segment_profiles(
            labels[common],
            indicators.values.loc[common],
            population=None if population is None else population[common],
            indicator_labels=indicators.labels,
        )
    names = _names(segmentation, profile)
    summary = segment_summary(labels, population=population)
    life, life_period = _life_expectancy(source, labels)
    level, found_parents = (
        ("la", parents) if parents is not None else _map_level(source, labels.index)
    )
    places = None if found_parents is None else _places(source, labels, found_parents, population)
    tables: dict[str, Table] = {
        "segments": Table(
            _ecological(
                pd.DataFrame({"area_code": labels.index, "segment": labels.to_numpy()}).merge(
                    names[["segment", "name"]], on="segment", how="left"
                )
            ),
            "segment of each area",
            metadata={"ecological": ECOLOGICAL_NOTE},
        ),
        "summary": Table(
            _ecological(summary.merge(names[["segment", "name"]], on="segment", how="left")),
            "areas and population of each segment",
            metadata={"ecological": ECOLOGICAL_NOTE, "population period": period or "none"},
            decimals={"population": 0, "population_share": 4},
        ),
        "names": Table(names, "segment names (generated, then edited)"),
    }
    charts: dict[str, dict[str, Any]] = {}
    if profile is not None:
        tables["profile"] = Table(
            _ecological(profile),
            "profile of each segment: index against the whole (whole = 100)",
            metadata={"ecological": ECOLOGICAL_NOTE},
            decimals={"segment_value": 4, "whole_value": 4, "index": 1, "z": 3},
        )
        charts["profiles"] = profile_index_chart(profile, names=names)
    if segmentation.selection is not None:
        tables["selection"] = Table(
            segmentation.selection,
            "quality and stability of each number of segments",
            decimals={c: 4 for c in segmentation.selection.columns if c != "k"},
        )
    if life is not None:
        tables["life_expectancy"] = Table(
            _ecological(life),
            "life expectancy at birth of each segment and of all areas together",
            metadata={"ecological": ECOLOGICAL_NOTE},
            decimals={"value": 2, "lowercl": 2, "uppercl": 2, "gap": 2},
        )
    map_note = "no parent areas of these areas are known, so there is no map"
    if places is not None:
        tables["places"] = Table(
            _ecological(places),
            f"share of each {LEVEL_WORDS.get(level, level)}'s population in each segment",
            metadata={"ecological": ECOLOGICAL_NOTE},
            decimals={"population": 0, "share": 4},
        )
        shapes = find_shapes(source, places["parent_code"].unique(), level, boundaries)
        map_note = "no boundary file holds these areas, so there is no map"
        if shapes is not None:
            charts["map"] = segment_map_chart(
                places,
                shapes.content,
                code_property=shapes.code_property,
                name_property=shapes.name_property,
                names=names,
                title=f"Largest segment in each {LEVEL_WORDS.get(level, level)}",
            )
            drawn = places["parent_code"].nunique()
            word = PLURALS.get(level, f"{level} areas")
            map_note = f"{shapes.matched} of {drawn} {word} drawn, shapes from {shapes.source}"
    cards = persona_cards(
        profile if profile is not None else _empty_profile(),
        summary,
        names,
        life_expectancy=life,
        places=places,
    )
    tables["personas"] = Table(
        _ecological(_persona_table(cards)),
        "persona card of each segment",
        metadata={"ecological": ECOLOGICAL_NOTE},
        decimals={"population": 0, "population_share": 4},
    )
    return ResultBundle(
        question="segment small areas",
        provenance=provenance,
        tables=tables,
        charts=charts,
        metadata={
            "method": segmentation.method,
            "seed": "" if segmentation.seed is None else str(segmentation.seed),
            "ecological": ECOLOGICAL_NOTE,
        },
        summary={
            "kind": segmentation.kind,
            "n_segments": int(labels.nunique()),
            "n_areas": int(len(labels)),
            "stability": segmentation.stability,
            "method": segmentation.method,
            "seed": segmentation.seed,
            "inputs": dict(segmentation.inputs),
            "record": dict(segmentation.record),
            "cards": cards,
            "names": names.to_dict("records"),
            "quality": None
            if segmentation.selection is None
            else json.loads(segmentation.selection.to_json(orient="records")),
            "map_level": level,
            "map_note": map_note,
            "population_period": period,
            "life_expectancy_period": life_period,
            "ecological": ECOLOGICAL_NOTE,
        },
        warnings=tuple(dict.fromkeys([*segmentation.warnings, *extra_warnings])),
    )


def _persona_table(cards: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The persona cards as one row each (what a card says, for files)."""
    rows = []
    for card in cards:  # one per segment
        row = {k: card[k] for k in ("segment", "name", "n_areas", "population", "population_share")}
        row["distinctive"] = "; ".join(
            f"{d['words']} (index {d['index']:.0f} on {d['label']})" for d in card["distinctive"]
        )
        for le in card["life_expectancy"]:
            row[f"life_expectancy_{le['sex']}"] = round(le["value"], 2)
            row[f"gap_to_whole_{le['sex']}"] = round(le["gap"], 2)
        row["places"] = "; ".join(
            f"{p['name']} ({p['share_of_segment']:.0%})" for p in card["places"]
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _empty_profile() -> pd.DataFrame:
    return pd.DataFrame({"segment": [], "indicator": [], "label": [], "index": [], "z": []})
