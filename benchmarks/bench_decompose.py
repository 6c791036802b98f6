"""Benchmark: every local authority against the country, by 20 age bands and 8 causes.

Run: ``python benchmarks/bench_decompose.py``. Uses the national demo country when
``healthgap.datasets.generate_demo`` is available, otherwise a synthetic country of 300
local authorities with the same shape (2 sexes x 20 bands x 8 causes). Prints the
median and best of several timed calls of ``decompose_gap`` (tidy in, tidy out).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS
from healthgap.decomposition.decompose import decompose_gap

N_LA = 300
REPEATS = 7


def synthetic_country(n_la: int = N_LA, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy deaths and population of ``n_la`` LAs plus the country (their sum)."""
    rng = np.random.default_rng(seed)
    age = np.asarray(STANDARD_STARTS, float)
    n_band, n_cause = len(age), len(CAUSE_GROUPS)
    person_years = rng.uniform(2_000, 12_000, (n_la, 2, n_band))
    rate = 1e-4 * np.exp(0.085 * age) * rng.uniform(0.7, 1.4, (n_la, 2, 1))
    shares = rng.dirichlet(np.ones(n_cause), (n_la, 2, n_band))
    deaths = rng.poisson(rate[..., None] * shares * person_years[..., None]).astype(float)
    deaths[..., -1, :] += 1.0
    codes = np.array([f"E06{i:06d}" for i in range(n_la)] + ["E92000001"])
    person_years = np.concatenate([person_years, person_years.sum(0, keepdims=True)])
    deaths = np.concatenate([deaths, deaths.sum(0, keepdims=True)])
    sexes = np.array(["male", "female"])
    grid = np.indices(deaths.shape).reshape(4, -1)
    deaths_table = pd.DataFrame(
        {
            "area_code": codes[grid[0]],
            "period": "2022-24",
            "sex": sexes[grid[1]],
            "age_start": np.asarray(STANDARD_STARTS)[grid[2]],
            "cause": np.asarray(CAUSE_GROUPS)[grid[3]],
            "deaths": deaths.reshape(-1),
        }
    )
    grid = np.indices(person_years.shape).reshape(3, -1)
    population_table = pd.DataFrame(
        {
            "area_code": codes[grid[0]],
            "period": "2022-24",
            "sex": sexes[grid[1]],
            "age_start": np.asarray(STANDARD_STARTS)[grid[2]],
            "person_years": person_years.reshape(-1),
        }
    )
    return deaths_table[deaths_table["deaths"] > 0], population_table


def demo_country() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The national SYNTHETIC demo (2022-24 pooled) at LA level plus England, if available."""
    try:
        from healthgap.data import aggregate, pool_periods
        from healthgap.datasets import generate_demo
    except ImportError:
        return None
    demo = generate_demo("national", first_year=2022, years=3)
    out = []
    for name in ("deaths", "population"):
        table = pool_periods(demo[name], ["2022", "2023", "2024"], "2022-24")
        la = aggregate(table, demo["areas"], "la")
        country = aggregate(table, demo["areas"], "country")
        both = pd.concat([la, country], ignore_index=True)
        out.append(both.astype({"area_code": str, "period": str, "sex": str}))
    return out[0], out[1]


def main() -> None:
    demo = demo_country()
    if demo is None:
        deaths, population = synthetic_country()
        source = f"synthetic country, {N_LA} LAs"
    else:
        deaths, population = demo
        source = "national SYNTHETIC demo, 2022-24 pooled"
    las = sorted(set(population["area_code"]) - {"E92000001"})
    pairs = pd.DataFrame({"base_area_code": las, "comparator_area_code": "E92000001"})
    decompose_gap(deaths, population, pairs)  # warm-up (imports, caches)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = decompose_gap(deaths, population, pairs)
        times.append(time.perf_counter() - start)
    worst_sum_error = (
        out.groupby(["base_area_code", "sex"])
        .apply(lambda g: abs(g["contribution"].sum() - g["gap"].iloc[0]), include_groups=False)
        .max()
    )
    print(
        f"data: {source}; {len(deaths):,} death rows; "
        f"{len(pairs)} LAs x 2 sexes = {2 * len(pairs)} pairs"
    )
    print(f"output rows: {len(out):,} (pairs x 20 bands x 8 causes)")
    print("| case | median (s) | best (s) | target |")
    print("|---|---|---|---|")
    print(
        f"| every LA v England, 20 bands x 8 causes | {statistics.median(times):.3f} "
        f"| {min(times):.3f} | < 0.5 s |"
    )
    print(f"largest |sum of contributions - gap|: {worst_sum_error:.2e} years")


if __name__ == "__main__":
    main()
