"""Benchmark: a national scenario grid in this process and on two local Dask workers.

Run: ``python benchmarks/bench_grid.py [--workspace DIR] [--workers 2] [--areas N]``

The grid (``benchmarks/national_grid.yaml``): 4 scenarios x every local authority of the
SYNTHETIC national demo country (300) x 1,000 Monte Carlo draws. Measures (results go in
docs/benchmarks.md, section "Scenario grids and scaling"):

1. the fixed part: baseline arrays, merging to (LA x quintile) cells, checking every area's
   volumes, combining the parts into one table;
2. the whole grid in this process, and the time of each area (one chunk);
3. the whole grid on ``--workers`` local worker processes (cluster start timed apart), with
   the check that both runs wrote the same bytes;
4. the memory of one chunk (tracemalloc peak, NumPy's arrays included, over 10 areas) and
   the peak resident memory of this process;
5. a projection to N machines from the measured chunk times (stated as a projection).
"""

from __future__ import annotations

import argparse
import importlib
import math
import resource
import statistics
import tempfile
import time
import tracemalloc
import warnings
from dataclasses import replace
from pathlib import Path

from healthgap.analyses import WorkspaceSource, check_grid, open_executor, plan_grid
from healthgap.analyses.plan import plan_baseline
from healthgap.compute import chunk_seed
from healthgap.compute.executor import Chunk
from healthgap.datasets import build_demo_workspace
from healthgap.scenarios import load_grid, load_library
from healthgap.scenarios.grid import GridRun, grid_chunk

HERE = Path(__file__).resolve().parent


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, default=Path(tempfile.gettempdir()) / "hg-nat")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hg-grid")
    parser.add_argument(
        "--areas", type=int, default=0, help="Run only the first N LAs (0: all) and project."
    )
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_demo_workspace(args.workspace, "national")
    source = WorkspaceSource.open(args.workspace)
    grid = load_grid(HERE / "national_grid.yaml")
    areas = check_grid(source, grid)
    total_areas = len(areas)
    if args.areas:
        grid = replace(grid, areas=tuple(code for code, _name in areas[: args.areas]))
        areas = check_grid(source, grid)

    started = time.perf_counter()
    baseline = plan_baseline(source).coarsen(grid.level)
    rows.append((f"baseline arrays and merge to {len(baseline.cells):,} LA x quintile cells",
                 f"{time.perf_counter() - started:.1f} s"))  # fmt: skip

    run = GridRun(grid, baseline, load_library())
    sample = areas[:: max(1, len(areas) // 10)][:10]
    peaks = []
    for index, area in enumerate(sample):
        tracemalloc.start()
        grid_chunk(Chunk(index, area, chunk_seed(grid.seed, index), len(areas)), run)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1024**2)
        tracemalloc.stop()
    rows.append(("memory of one chunk (one LA, 4 scenarios x 1,000 draws), tracemalloc peak, "
                 "median (max) of 10 LAs", f"{statistics.median(peaks):.1f} MiB "
                 f"({max(peaks):.1f} MiB)"))  # fmt: skip

    stamps: list[float] = []
    started = time.perf_counter()
    bundle = plan_grid(source, grid, args.out / "in-process", restart=True,
                       progress=lambda _d, _t: stamps.append(time.perf_counter()))  # fmt: skip
    serial = time.perf_counter() - started
    chunk_times = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    fixed = serial - sum(chunk_times)
    mean_chunk = statistics.mean(chunk_times)
    rows.append((f"whole grid in this process ({len(areas)} LAs x {len(grid.scenarios)} "
                 f"scenarios x {grid.draws:,} draws = {bundle.summary['cells']:,} cells)",
                 f"{serial:.0f} s"))  # fmt: skip
    rows.append(("  of which per LA (one chunk): mean (median, max)",
                 f"{mean_chunk:.2f} s ({statistics.median(chunk_times):.2f} s, "
                 f"{max(chunk_times):.2f} s)"))  # fmt: skip
    rows.append(("  of which fixed: baseline, checks of every area, combining the parts",
                 f"{fixed:.0f} s"))  # fmt: skip
    rows.append(("peak resident memory of this process so far", f"{peak_gib():.2f} GiB"))

    started = time.perf_counter()
    with open_executor(args.workers) as executor:
        # each worker imports the model once (seconds on a loaded machine), timed as start-up
        executor.client.run(importlib.import_module, "healthgap.scenarios.grid")
        startup = time.perf_counter() - started
        started = time.perf_counter()
        plan_grid(source, grid, args.out / "workers", executor=executor, restart=True)
        parallel = time.perf_counter() - started
    same = all(
        (args.out / "in-process" / f).read_bytes() == (args.out / "workers" / f).read_bytes()
        for f in ("grid.csv", "grid.parquet")
    )
    rows.append((f"start {args.workers} local Dask workers (and import the model in each)",
                 f"{startup:.1f} s"))  # fmt: skip
    rows.append((f"whole grid on {args.workers} local workers (same bytes as in-process: "
                 f"{'yes' if same else 'NO'})", f"{parallel:.0f} s "
                 f"(speed-up {serial / parallel:.2f}x)"))  # fmt: skip
    efficiency = (serial - fixed) / max(parallel - fixed, 1e-9) / args.workers
    print("\n| step | measured |\n| --- | ---: |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\nParallel efficiency of the chunks on {args.workers} workers: {efficiency:.2f}")
    print(
        "\nProjection (not measured): fixed part + ceil(chunks / workers) x mean chunk time "
        "/ efficiency, machines of 2 workers each\n"
    )
    print("| machines | workers | projected time |\n| ---: | ---: | ---: |")
    per_area_fixed = fixed / len(areas)  # the checks and combining grow with the areas
    for machines in (1, 2, 4, 8, 16, 32):
        workers = 2 * machines
        chunks = math.ceil(total_areas / workers) * mean_chunk / min(efficiency, 1.0)
        projected = per_area_fixed * total_areas + chunks
        print(f"| {machines} | {workers} | {projected:.0f} s ({total_areas} LAs) |")


if __name__ == "__main__":
    main()
