"""Timing of the data layer: real 2014 files, and validation at national LSOA scale.

Run: ``python benchmarks/bench_import.py`` (needs ../shared beside the repository for the
real-file rows). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import aggregate, import_files, load, load_mortality_2014, validate_tables

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def timed(label: str, func, results: list[tuple[str, float]]):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    value = func()
    results.append((label, time.perf_counter() - start))
    return value


def national_tables(n_lsoa: int = 33_800) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(1)
    codes = np.array([f"E01{i:06d}" for i in range(n_lsoa)])
    index = pd.MultiIndex.from_product(
        [codes, ["2014"], ["male", "female"], list(STANDARD_STARTS)],
        names=["area_code", "period", "sex", "age_start"],
    )
    population = pd.DataFrame({"person_years": rng.integers(20, 120, len(index)) * 1.0}, index)
    population = population.reset_index()
    deaths = population.rename(columns={"person_years": "deaths"})
    deaths["deaths"] = rng.binomial(deaths["deaths"].astype(int), 0.01) * 1.0
    deaths.insert(4, "cause", "all")
    areas = pd.DataFrame(
        {"area_code": codes, "area_name": codes, "level": "lsoa",
         "parent_la": [f"E06{i // 110:06d}" for i in range(n_lsoa)]}
    )  # fmt: skip
    return {"population": population, "deaths": deaths, "areas": areas}


def main() -> None:
    results: list[tuple[str, float]] = []
    mortality = SHARED / "mortality_2014"
    if mortality.is_dir():
        timed(
            "load ONS single-year population (80,080 rows)",
            lambda: load(mortality / "population_mid2014_by_area_sex_single_year_age.csv", None),
            results,
        )
        tables = timed(
            "load_mortality_2014 (3 tables)", lambda: load_mortality_2014(SHARED), results
        )
        folder = Path(tempfile.mkdtemp())
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        files = [folder / f"{n}.csv" for n in ("areas", "population", "deaths")]
        timed("import_files of the 2014 tables (CSV)", lambda: import_files(files, folder / "ws"),
              results)  # fmt: skip
        timed("re-import the same files (no-op)", lambda: import_files(files, folder / "ws"),
              results)  # fmt: skip
    national = timed("build national LSOA tables (1.35M rows each)", national_tables, results)
    problems = timed("validate_tables, national LSOA scale", lambda: validate_tables(national),
                     results)  # fmt: skip
    assert problems == [], problems[:3]
    timed(
        "aggregate deaths LSOA -> LA",
        lambda: aggregate(national["deaths"], national["areas"], "la"),
        results,
    )
    print("| step | seconds |\n|---|---|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
