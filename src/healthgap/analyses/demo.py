"""Build the SYNTHETIC demo country as a workspace and measure its headline figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from healthgap.datasets import DEFAULT_SEED
from healthgap.datasets.calibration import DemoFigures, measure_demo
from healthgap.datasets.demo import build_demo_tables
from healthgap.periods import Period

__all__ = ["DemoSummary", "build_demo"]

LEVEL_ORDER = ("country", "region", "la", "ward", "lsoa")


@dataclass(frozen=True)
class DemoSummary:
    """What was built (or reused) and its headline figures."""

    path: Path
    reused: bool
    size: str
    seed: int
    areas_by_level: dict[str, int]
    periods: list[str]
    latest: str
    latest_population: int
    latest_deaths: int
    figures: DemoFigures


def build_demo(
    size: str = "national",
    out: Path | None = None,
    seed: int = DEFAULT_SEED,
    on_stage: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Build (or reuse an up-to-date) demo workspace at ``out`` (default
    ``workspaces/demo-<size>``) and measure it (:func:`~healthgap.datasets.calibration.
    measure_demo`); ``on_stage`` hears ``"generate"`` and ``"write"``."""
    path = out or Path("workspaces") / f"demo-{size}"
    workspace, tables = build_demo_tables(path, size, seed, on_stage=on_stage)  # type: ignore[arg-type]
    reused = tables is None
    if tables is None:  # an up-to-date workspace was reused: read it back
        tables = {name: workspace.read(name) for name in ("areas", "population", "deaths")}
    figures = measure_demo(tables)
    areas, population, deaths = tables["areas"], tables["population"], tables["deaths"]
    counts = areas["level"].astype(str).value_counts()
    periods = sorted(map(str, pd.unique(population["period"])), key=Period.parse)
    latest = periods[-1]
    lsoas = areas.loc[areas["level"] == "lsoa", "area_code"]
    in_latest = population["area_code"].isin(lsoas) & (population["period"] == latest)
    dead = deaths["area_code"].isin(lsoas) & (deaths["period"] == latest)
    return DemoSummary(
        path=Path(workspace.path),
        reused=reused,
        size=size,
        seed=seed,
        areas_by_level={lv: int(counts[lv]) for lv in LEVEL_ORDER if lv in counts},
        periods=periods,
        latest=latest,
        latest_population=int(population.loc[in_latest, "person_years"].sum()),
        latest_deaths=int(deaths.loc[dead, "deaths"].sum()),
        figures=figures,
    )
