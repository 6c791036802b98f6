"""Benchmark: slope index of inequality with 100,000-draw CIs for 300 areas x 10 deciles.

Run: ``python benchmarks/bench_sii.py``. Synthetic life expectancy by deprivation decile
(300 areas, one sex), with RII and intercept, 95% limits, the SE (or the 95% limits) as
the uncertainty input, as in the reference timing. Also times a rate (log scale, every
quantile drawn and refitted) for information. Reference: PHEindicatormethods 2.1.0
``phe_sii`` took 111.8 s (14.1 s at 10,000 draws).
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from healthgap.measures.sii import slope_index_of_inequality

N_AREAS = 300
REPEATS = 5


def synthetic(n_areas: int = N_AREAS, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    decile = np.tile(np.arange(1, 11), n_areas)
    population = rng.uniform(5_000, 30_000, decile.size).round()
    le = 74 + 0.8 * decile + rng.normal(0, 0.8, decile.size)
    se = 8 / np.sqrt(population / 100)
    return pd.DataFrame(
        {
            "area_code": np.repeat([f"E{i:05d}" for i in range(n_areas)], 10),
            "decile": decile,
            "population": population,
            "value": le,
            "se": se,
            "lowercl": le - 1.959964 * se,
            "uppercl": le + 1.959964 * se,
            "rate": np.exp(-4 - 0.05 * decile) * rng.uniform(0.9, 1.1, decile.size),
        }
    )


def measure(call: Callable[[], pd.DataFrame], repeats: int) -> tuple[float, float, float]:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), min(times), peak / 2**20


def main() -> None:
    data = synthetic()
    base = {"keys": ("area_code",), "quantile": "decile", "repetitions": 100_000}
    cases = {
        "LE (normal), SE given": lambda: slope_index_of_inequality(data, se="se", **base),
        "LE (normal), 95% limits given": lambda: slope_index_of_inequality(
            data, lowercl="lowercl", uppercl="uppercl", **base
        ),
        "LE (normal), 95% and 99.8%": lambda: slope_index_of_inequality(
            data, se="se", confidence=(0.95, 0.998), **base
        ),
        "rate (log scale, refit every draw)": lambda: slope_index_of_inequality(
            data.assign(lo=data["rate"] * 0.9, hi=data["rate"] * 1.1),
            value="rate",
            lowercl="lo",
            uppercl="hi",
            value_type="rate",
            **base,
        ),  # fmt: skip
    }
    print("| case (300 areas x 10 deciles, 100,000 draws, RII + intercept) | median s | best s "
          "| peak traced MiB |")  # fmt: skip
    print("|---|---:|---:|---:|")
    for label, call in cases.items():
        median, best, peak = measure(call, 1 if label.startswith("rate") else REPEATS)
        print(f"| {label} | {median:.2f} | {best:.2f} | {peak:.0f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
