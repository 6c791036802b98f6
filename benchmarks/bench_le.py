"""Benchmark: life expectancy with 95% CIs for every LSOA in England by sex, in one call.

Run with ``python benchmarks/bench_le.py``. The input is synthetic and English-like, made
as the reference timings' inputs were (methods_reference.md section 3): per-band
person-years about 1,500 x width / 5 x an age profile x a lognormal area scale, deaths
Poisson from a Gompertz rate with an area factor U(0.7, 1.6). The whole call is timed,
from the tidy DataFrame in to the tidy DataFrame out, and the peak memory it allocates
is measured with tracemalloc (NumPy and pandas buffers are traced).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS, band_widths
from healthgap.errors import SuppressionWarning
from healthgap.measures.life_expectancy import life_expectancy

R_SECONDS_PER_GROUP = 86.8 / 20_000  # PHEindicatormethods 2.1.0, same machine class


def synthetic_input(n_areas: int, seed: int = 2014) -> pd.DataFrame:
    """Tidy rows (area x sex x band) of English-like synthetic mortality."""
    rng = np.random.default_rng(seed)
    starts = np.asarray(STANDARD_STARTS, dtype=float)
    width = band_widths(STANDARD_STARTS)
    width[-1] = 10.0
    profile = np.exp(-np.maximum(starts - 50.0, 0.0) / 25.0)
    scale = rng.lognormal(0.0, 0.35, size=(n_areas, 1, 1))
    pops = np.round(1500 * width / 5 * profile * scale * np.ones((1, 2, 1)))
    rate = 3.5e-5 * np.exp(0.092 * starts)
    rate[0] = 0.004
    sex_factor = np.array([1.35, 1.0])[None, :, None]
    area_factor = rng.uniform(0.7, 1.6, size=(n_areas, 1, 1))
    deaths = rng.poisson(pops * rate * sex_factor * area_factor).astype(float)
    n_bands = len(STANDARD_STARTS)
    codes = np.char.add("E01", np.char.zfill(np.arange(n_areas).astype(str), 6))
    return pd.DataFrame(
        {
            "area_code": np.repeat(codes, 2 * n_bands),
            "sex": np.tile(np.repeat(["male", "female"], n_bands), n_areas),
            "period": "2012-14",
            "age_start": np.tile(np.asarray(STANDARD_STARTS), 2 * n_areas),
            "person_years": pops.ravel(),
            "deaths": deaths.ravel(),
        }
    )


def run_once(data: pd.DataFrame) -> tuple[float, float, pd.DataFrame]:
    """Wall and CPU seconds of one call (CPU time shows the cost when others share the CPUs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SuppressionWarning)
        wall, cpu = time.perf_counter(), time.process_time()
        out = life_expectancy(data, confidence=0.95)
        return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=33_755)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    data = synthetic_input(args.areas)
    groups = 2 * args.areas
    run_once(data)  # warm-up: imports, first-touch allocations
    runs = [run_once(data)[:2] for _ in range(args.repeats)]
    times = [wall for wall, _ in runs]
    cpu = [c for _, c in runs]
    tracemalloc.start()
    _, _, out = run_once(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    shown = out["value"].notna().mean()
    at_birth = out.loc[out["age_start"] == 0, "value"]
    print(f"life expectancy, all 20 ages, 95% CIs: {groups:,} groups, {len(data):,} rows in")
    print(f"  median {np.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"{args.repeats} runs); CPU median {np.median(cpu):.3f} s")  # fmt: skip
    print(f"  peak traced allocation {peak / 2**20:.0f} MiB; process max RSS {rss:.0f} MiB")
    print(f"  values shown {shown:.1%}; LE at birth median {at_birth.median():.2f}")
    r_estimate = groups * R_SECONDS_PER_GROUP
    print(f"  reference R (4.3 ms/group) would take about {r_estimate:.0f} s: "
          f"{r_estimate / np.median(times):,.0f} times longer")  # fmt: skip


if __name__ == "__main__":
    main()
