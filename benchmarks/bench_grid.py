"""Benchmark: a national scenario grid in this process and on two local Dask workers.

Run: ``python benchmarks/bench_grid.py [--workspace DIR] [--workers 2] [--areas N]``

The grid (``benchmarks/national_grid.yaml``): 4 scenarios x every local authority of the
SYNTHETIC national demo country (300) x 1,000 Monte Carlo draws. Measures (results go in
docs/benchmarks.md, section "Scenario grids and scaling"), each with its wall time, the
CPU seconds it used and the machine's load average (the machine may be shared):

1. the fixed parts: baseline arrays and merge to (LA x quintile) cells, the check of every
   area's volumes (one array operation per scenario);
2. the memory of one chunk (tracemalloc peak, NumPy's arrays included, over 10 areas);
3. the whole grid in this process: the time and CPU of each area (one chunk), the driver's
   work before the first chunk and after the last (combining the parts), peak RSS;
4. the whole grid on ``--workers`` local worker processes (cluster start timed apart):
   each chunk's compute time on its worker (Dask's task stream), the workers' CPU seconds
   and peak RSS, and whether both runs wrote the same bytes;
5. a projection to N machines from the measured CPU seconds of a chunk on a worker and of
   the driver's share of each chunk (stated as a projection).

``--json FILE`` also writes every raw figure (per-chunk times included).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from healthgap.analyses import WorkspaceSource, check_grid, open_executor, plan_grid
from healthgap.analyses.grid import check_volumes
from healthgap.analyses.plan import plan_baseline
from healthgap.compute import chunk_seed
from healthgap.compute.executor import Chunk
from healthgap.datasets import build_demo_workspace
from healthgap.scenarios import load_grid, load_library
from healthgap.scenarios.grid import GridRun, grid_chunk

HERE = Path(__file__).resolve().parent


def rss_gib(usage: int) -> float:
    return usage / 1024**2  # ru_maxrss is in KiB on Linux


@dataclass
class Span:
    """Wall and CPU seconds of a step, and the load average (1 min) while it ran."""

    wall: float = 0.0
    cpu: float = 0.0
    loads: list[float] = field(default_factory=list)

    def load(self) -> str:
        if not self.loads:
            return "?"
        return f"{min(self.loads):.1f}-{max(self.loads):.1f}"

    def text(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU (load {self.load()})"


@contextmanager
def measured(cpu: Callable[[], float] = time.process_time) -> Iterator[Span]:
    """Time the block: wall, CPU (this process unless ``cpu`` says otherwise), and the
    1-minute load average sampled every 2 s."""
    span = Span(loads=[os.getloadavg()[0]])
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(2.0):
            span.loads.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, used = time.perf_counter(), cpu()
    try:
        yield span
    finally:
        span.wall, span.cpu = time.perf_counter() - wall, cpu() - used
        stop.set()
        sampler.join()
        span.loads.append(os.getloadavg()[0])


def _own_usage() -> tuple[float, int]:
    """CPU seconds and peak RSS (KiB) of the calling process (run in each Dask worker).

    The peak is ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` would carry over the
    peak of the process a spawned worker was forked from (the whole driver).
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status = Path("/proc/self/status")
    peak = usage.ru_maxrss
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    return usage.ru_utime + usage.ru_stime, peak


def summary(values: list[float]) -> str:
    return (
        f"{statistics.mean(values):.2f} s ({statistics.median(values):.2f} s, "
        f"{min(values):.2f}-{max(values):.2f} s)"
    )


def main() -> None:  # noqa: PLR0915 - one benchmark, step by step
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, default=Path(tempfile.gettempdir()) / "hg-nat")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hg-grid")
    parser.add_argument(
        "--areas", type=int, default=0, help="Run only the first N LAs (0: all) and project."
    )
    parser.add_argument("--json", type=Path, help="Also write every raw figure here.")
    args = parser.parse_args()
    raw: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
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
    shape = f"{len(areas)} LAs x {len(grid.scenarios)} scenarios x {grid.draws:,} draws"

    with measured() as span:
        baseline = plan_baseline(source).coarsen(grid.level)
    rows.append((f"baseline arrays and merge to {len(baseline.cells):,} LA x quintile cells",
                 span.text()))  # fmt: skip
    run = GridRun(grid, baseline, load_library())
    with measured() as span:
        check_volumes(run, areas)
    rows.append((f"check every area's volumes ({len(areas)} LAs x {len(grid.scenarios)} "
                 "scenarios, one array operation each)", span.text()))  # fmt: skip

    sample = areas[:: max(1, len(areas) // 10)][:10]
    peaks = []
    for index, area in enumerate(sample):
        tracemalloc.start()
        grid_chunk(Chunk(index, area, chunk_seed(grid.seed, index), len(areas)), run)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1024**2)
        tracemalloc.stop()
    raw["chunk_tracemalloc_mib"] = peaks
    rows.append(("memory of one chunk (one LA, 4 scenarios x 1,000 draws), tracemalloc peak, "
                 f"median (max) of {len(peaks)} LAs", f"{statistics.median(peaks):.1f} MiB "
                 f"({max(peaks):.1f} MiB)"))  # fmt: skip
    del baseline, run

    stamps: list[tuple[float, float]] = []

    def stamp(_done: int, _total: int) -> None:
        stamps.append((time.perf_counter(), time.process_time()))

    with measured() as serial:
        began = time.perf_counter()
        bundle = plan_grid(source, grid, args.out / "in-process", restart=True, progress=stamp)
        ended = time.perf_counter()
    chunk_wall = [b[0] - a[0] for a, b in zip(stamps, stamps[1:], strict=False)]
    chunk_cpu = [b[1] - a[1] for a, b in zip(stamps, stamps[1:], strict=False)]
    before, after = stamps[0][0] - began, ended - stamps[-1][0]
    raw |= {"in_process": vars(serial), "chunk_wall": chunk_wall, "chunk_cpu": chunk_cpu,
            "before_first_chunk": before, "after_last_chunk": after}  # fmt: skip
    rows.append((f"whole grid in this process ({shape} = {bundle.summary['cells']:,} cells)",
                 serial.text()))  # fmt: skip
    rows.append(("  per LA (one chunk), wall: mean (median, range)", summary(chunk_wall)))
    rows.append(("  per LA (one chunk), CPU: mean (median, range)", summary(chunk_cpu)))
    rows.append(("  before the first chunk (checks, baseline, volumes), wall", f"{before:.1f} s"))
    rows.append(("  after the last chunk (combining the parts, summary), wall", f"{after:.1f} s"))
    raw["peak_rss_gib"] = rss_gib(_own_usage()[1])
    rows.append(("peak resident memory of this process", f"{raw['peak_rss_gib']:.2f} GiB"))

    from distributed import get_task_stream

    began = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    with open_executor(args.workers) as executor:
        client = executor.client
        # each worker imports the model once (seconds on a loaded machine), timed as start-up
        client.run(importlib.import_module, "healthgap.scenarios.grid")
        start = Span(time.perf_counter() - began, 0.0, [load_at_start, os.getloadavg()[0]])
        first = client.run(_own_usage)

        def cluster_cpu() -> float:
            return time.process_time() + sum(u[0] for u in client.run(_own_usage).values())

        with measured(cluster_cpu) as parallel, get_task_stream(client) as stream:
            plan_grid(source, grid, args.out / "workers", executor=executor, restart=True)
        last = client.run(_own_usage)
        tasks = [t for t in stream.data if str(t["key"]).startswith("healthgap-")]
        computes = [s["stop"] - s["start"] for t in tasks for s in t["startstops"]
                    if s["action"] == "compute"]  # fmt: skip
        worker_cpu = {w: last[w][0] - first[w][0] for w in last}
        worker_rss = {w: rss_gib(last[w][1]) for w in last}
    same = all(
        (args.out / "in-process" / f).read_bytes() == (args.out / "workers" / f).read_bytes()
        for f in ("grid.csv", "grid.parquet")
    )
    raw |= {"workers": vars(parallel), "worker_chunk_wall": computes, "worker_cpu": worker_cpu,
            "worker_peak_rss_gib": worker_rss, "same_bytes": same}  # fmt: skip
    rows.append((f"start {args.workers} local Dask workers (and import the model in each)",
                 f"{start.wall:.1f} s wall (load {start.load()})"))  # fmt: skip
    rows.append((f"whole grid on {args.workers} local workers (same bytes as in this process: "
                 f"{'yes' if same else 'NO'}); CPU of the driver and the workers",
                 f"{parallel.text()}, speed-up {serial.wall / parallel.wall:.2f}x"))  # fmt: skip
    rows.append(("  per LA (one chunk) on a worker, wall: mean (median, range)", summary(computes)))
    cpus = ", ".join(f"{c:.0f} s" for c in worker_cpu.values())
    rows.append(("  CPU seconds of each worker", cpus))
    peaks_rss = ", ".join(f"{r:.2f} GiB" for r in worker_rss.values())
    rows.append(("  peak resident memory of each worker", peaks_rss))
    print(f"\n{shape}; started {raw['started']}\n\n| step | measured |\n| --- | ---: |")
    for name, value in rows:
        print(f"| {name} | {value} |")

    # the projection: CPU seconds, i.e. what each process needs with a core of its own
    fixed = serial.cpu - sum(chunk_cpu)  # the driver's own work: baseline, checks, combining
    on_worker = sum(worker_cpu.values()) / len(areas)  # a chunk's CPU on a Dask worker
    in_driver = max(0.0, parallel.cpu - sum(worker_cpu.values()) - fixed) / len(areas)
    raw |= {"fixed_cpu": fixed, "worker_cpu_per_chunk": on_worker,
            "driver_cpu_per_chunk": in_driver}  # fmt: skip
    print(
        "\nProjection (not measured), in CPU seconds (each process with a core of its own): "
        f"driver's fixed part {fixed:.1f} s + max(ceil({total_areas} LAs / workers) x "
        f"{on_worker:.3f} s a chunk on a worker, {total_areas} x {in_driver:.3f} s a chunk "
        "in the driver), machines of 2 workers each\n"
    )
    print("| machines | workers | projected time |\n| ---: | ---: | ---: |")
    raw["projection"] = {}
    for machines in (1, 2, 4, 8, 16, 32):
        workers = 2 * machines
        chunks = max(math.ceil(total_areas / workers) * on_worker, total_areas * in_driver)
        raw["projection"][workers] = fixed + chunks
        print(f"| {machines} | {workers} | {fixed + chunks:.0f} s ({total_areas} LAs) |")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
