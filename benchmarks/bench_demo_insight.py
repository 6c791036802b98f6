"""Benchmark: what the insight tables add to building a demo workspace.

Run: ``python benchmarks/bench_demo_insight.py [small|national]`` (default both). For each
size it times, in one process and one after the other: generating the demo's own tables
(areas, population, deaths), generating the insight tables from them (indicators, survey,
service need and activity, boundaries), writing the workspace with the demo's own tables
only (as before the insight tables existed), and writing it with all of them (as
``build_demo_workspace`` now does). Wall and CPU time are reported: the machine is shared,
so wall time depends on its load; CPU time is the steadier figure.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from healthgap.data.workspace import write_workspace
from healthgap.datasets.demo import demo_metadata, generate_demo
from healthgap.datasets.insight_demo import generate_insight_demo


def _timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(size: str) -> dict[str, tuple[float, float]]:
    folder = Path(tempfile.mkdtemp())
    metadata = demo_metadata(size, 20_240_611, 2010, 15)
    try:
        base, *demo = _timed(lambda: generate_demo(size))  # type: ignore[arg-type]
        insight, *extra = _timed(lambda: generate_insight_demo(size, tables=base))  # type: ignore[arg-type]
        _, *write_base = _timed(lambda: write_workspace(folder / "base", base, metadata=metadata))
        every = {**base, **insight}
        _, *write_all = _timed(lambda: write_workspace(folder / "all", every, metadata=metadata))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "generate the demo's own tables": tuple(demo),
        "generate the insight tables": tuple(extra),
        "write the demo's own tables": tuple(write_base),
        "write every table": tuple(write_all),
    }


def main() -> int:
    sizes = sys.argv[1:] or ["small", "national"]
    for size in sizes:
        found = measure(size)
        print(f"{size} demo")
        for step, (wall, cpu) in found.items():
            print(f"  {step:32s} wall {wall:6.1f} s  CPU {cpu:6.1f} s")
        before = (
            found["generate the demo's own tables"][1] + found["write the demo's own tables"][1]
        )
        after = (
            found["generate the demo's own tables"][1]
            + found["generate the insight tables"][1]
            + found["write every table"][1]
        )
        print(f"  build CPU before {before:.1f} s, with the insight tables {after:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
