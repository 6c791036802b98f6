"""Time building the national SYNTHETIC demo country, and measure its calibration figures.

Run: ``python benchmarks/bench_demo.py [--seed N] [--out PATH]``. Prints a Markdown table of
wall and CPU time per stage and the peak memory (``resource.getrusage``), then the national
figures reached (LE, decile gap, quintile-gap shares by cause and age, gap trend) for
``docs/demo-data.md``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS
from healthgap.data.workspace import write_workspace
from healthgap.datasets import DEFAULT_SEED, demo_metadata, generate_demo
from healthgap.datasets.calibration import measure_demo


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp()) / "demo-national"

    rows = []
    clock, cpu = time.perf_counter(), time.process_time()
    tables = generate_demo("national", seed=args.seed)
    rows.append(("generate", time.perf_counter() - clock, time.process_time() - cpu))
    clock, cpu = time.perf_counter(), time.process_time()
    write_workspace(out, tables, metadata=demo_metadata("national", args.seed, 2010, 15))
    rows.append(("write workspace", time.perf_counter() - clock, time.process_time() - cpu))
    build_wall = sum(r[1] for r in rows)
    build_cpu = sum(r[2] for r in rows)
    rows.append(("generate + write", build_wall, build_cpu))
    clock, cpu = time.perf_counter(), time.process_time()
    figures = measure_demo(tables)
    rows.append(
        ("measure (summary figures)", time.perf_counter() - clock, time.process_time() - cpu)
    )

    sizes = {name: len(frame) for name, frame in tables.items()}
    print(f"National SYNTHETIC demo, seed {args.seed}: rows {sizes}")
    print("\n| stage | wall (s) | CPU (s) |\n|---|---|---|")
    for stage, wall, used in rows:
        print(f"| {stage} | {wall:.1f} | {used:.1f} |")
    print(f"\nPeak memory (max RSS): {peak_mb():,.0f} MB")

    starts = np.asarray(STANDARD_STARTS)
    print(f"\nFigures reached, {figures.pool}:\n")
    print("| figure | male | female |\n|---|---|---|")
    le = figures.life_expectancy
    print(
        "| LE at birth (95% CI) | "
        + " | ".join(f"{le[s][0]:.2f} ({le[s][1]:.2f}-{le[s][2]:.2f})" for s in le)
        + " |"
    )
    print(
        "| decile gap (D10 - D1) | "
        + " | ".join(f"{v:.2f}" for v in figures.decile_gap.values())
        + " |"
    )
    print(
        "| quintile gap (Q5 - Q1) | "
        + " | ".join(f"{v:.2f}" for v in figures.quintile_gap.values())
        + " |"
    )
    shares = figures.cause_shares
    big3 = {
        s: shares[s]["circulatory"] + shares[s]["cancer"] + shares[s]["respiratory"] for s in shares
    }
    print(
        "| share circulatory+cancer+respiratory | "
        + " | ".join(f"{v:.0%}" for v in big3.values())
        + " |"
    )
    age = figures.age_contributions
    share60 = {s: age[s][starts >= 60].sum() / age[s].sum() for s in age}
    print("| share at ages 60+ | " + " | ".join(f"{v:.0%}" for v in share60.values()) + " |")
    by = figures.cause_by_age
    working = (starts >= 15) & (starts < 50)
    external, infant = CAUSE_GROUPS.index("external"), CAUSE_GROUPS.index("infant_perinatal")
    print(
        "| external causes at 15-49 (years) | "
        + " | ".join(f"{by[s][working, external].sum():.2f}" for s in by)
        + " |"
    )
    print(
        "| infant/perinatal at age 0 (years) | "
        + " | ".join(f"{by[s][0, infant]:.2f}" for s in by)
        + " |"
    )
    for cause in CAUSE_GROUPS:
        print(f"| share {cause} | " + " | ".join(f"{shares[s][cause]:.0%}" for s in shares) + " |")
    trend = figures.gap_trend.pivot(index="pool", columns="sex", values="decile_gap")
    print("\nDecile gap by pooled years:\n\n| pool | male | female |\n|---|---|---|")
    for pool, row in trend.iterrows():
        print(f"| {pool} | {row['male']:.2f} | {row['female']:.2f} |")


if __name__ == "__main__":
    main()
