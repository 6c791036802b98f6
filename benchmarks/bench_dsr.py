"""Benchmark: directly standardised rates for 20,000 area-sex groups in one call.

Run: ``python benchmarks/bench_dsr.py``. Synthetic English-like input (10,000 areas x 2
sexes x 19 ESP2013 bands, as in the reference timing; and the same in the 20 life-table
bands, which the function merges into the ESP's 0-4 band by ``age_start``), with 95% and
99.8% limits. Prints the median and best of several calls and the peak memory traced
during one call. Reference: PHEindicatormethods 2.1.0 ``calculate_dsr`` took 8.0 s.
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from healthgap.agebands import ESP2013_STARTS, STANDARD_STARTS
from healthgap.measures.dsr import directly_standardised_rate

N_AREAS = 10_000
REPEATS = 7


def synthetic(starts: tuple[int, ...], n_areas: int = N_AREAS, seed: int = 1) -> pd.DataFrame:
    """Per-band person-years about 1,500 x width/5 x an area scale; Gompertz deaths."""
    rng = np.random.default_rng(seed)
    age = np.asarray(starts, dtype=float)
    width = np.append(np.diff(age), 5.0)
    scale = rng.lognormal(0.0, 0.35, (n_areas, 2, 1))
    person_years = np.round(
        1500 * width / 5 * scale * rng.uniform(0.8, 1.2, (n_areas, 2, len(age)))
    )
    rate = 3.5e-5 * np.exp(0.092 * age) * np.array([1.35, 1.0])[None, :, None]
    deaths = rng.poisson(rate * person_years * rng.uniform(0.7, 1.6, (n_areas, 1, 1)))
    grid = np.indices(deaths.shape).reshape(3, -1)
    return pd.DataFrame(
        {
            "area_code": np.char.add("E", grid[0].astype(str)),
            "sex": np.array(["male", "female"])[grid[1]],
            "period": "2014",
            "age_start": age.astype(int)[grid[2]],
            "deaths": deaths.reshape(-1).astype(float),
            "person_years": person_years.reshape(-1),
        }
    )


def time_call(data: pd.DataFrame) -> tuple[float, float, float, int]:
    def call() -> pd.DataFrame:
        return directly_standardised_rate(data, confidence=(0.95, 0.998))

    out = call()  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), min(times), peak / 2**20, len(out)


def main() -> None:
    print("| input | groups | rows | median s | best s | peak traced MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, starts in (
        ("19 ESP bands", ESP2013_STARTS),
        ("20 life-table bands", STANDARD_STARTS),
    ):
        data = synthetic(starts)
        median, best, peak, groups = time_call(data)
        print(f"| {label} | {groups:,} | {len(data):,} | {median:.3f} | {best:.3f} | {peak:.0f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MiB (Python, pandas and the inputs included)")


if __name__ == "__main__":
    main()
