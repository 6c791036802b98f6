"""Benchmark of the scenario engine on the SYNTHETIC national demo country.

Run: ``python benchmarks/bench_plan.py [--draws 1000] [--workspace DIR]``

Measures (results go in docs/benchmarks.md, section "Scenario engine"):

1. 1,000 Monte Carlo draws of a five-intervention scenario over all LSOAs of the national
   demo country (targets: the two most deprived quintiles of every local authority; gaps:
   Q1 vs Q5 within every local authority). Target: under 30 s and under 4 GiB peak.
2. One local-authority scenario without uncertainty on a fitted model (interactive use).
   Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from healthgap.datasets import build_demo_workspace
from healthgap.scenarios import (
    ScenarioModel,
    baseline_from_workspace,
    load_scenario,
    monte_carlo,
    run_scenario,
    scenario_from_dict,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=25)
    parser.add_argument("--workspace", type=Path, default=Path(tempfile.gettempdir()) / "hg-nat")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_demo_workspace(args.workspace, "national")
    rows.append(
        ("build or reuse the national demo workspace", f"{time.perf_counter() - start:.1f} s")
    )

    start = time.perf_counter()
    baseline = baseline_from_workspace(args.workspace)
    n_lsoa = len(baseline.cells)
    rows.append((f"baseline arrays from the workspace ({n_lsoa:,} LSOAs, 3 years pooled)",
                 f"{time.perf_counter() - start:.1f} s"))  # fmt: skip

    spec = load_scenario(EXAMPLES / "national_five_interventions.yaml")
    start = time.perf_counter()
    model = ScenarioModel.for_scenario(baseline, spec)
    rows.append((f"fit: merge LSOAs to {len(model.baseline.cells):,} LA x quintile cells, "
                 "baseline life tables", f"{time.perf_counter() - start:.2f} s"))  # fmt: skip

    start = time.perf_counter()
    draws = monte_carlo(model, spec, args.draws, seed=1, chunk_size=args.chunk, detail=False)
    elapsed = time.perf_counter() - start
    pairs = draws["gap_new"].shape[0]
    rows.append((f"{args.draws:,} draws, 5 interventions, {pairs} LA gaps x 2 sexes "
                 "(parameters + Poisson baseline noise)", f"{elapsed:.1f} s"))  # fmt: skip

    start = time.perf_counter()
    run_scenario(model, spec, draws=args.draws, seed=1, chunk_size=args.chunk)
    rows.append(("the same with every table (per-intervention intervals, waterfall, "
                 "decomposition, costs)", f"{time.perf_counter() - start:.1f} s"))  # fmt: skip
    rows.append(("peak resident memory of the whole run", f"{peak_gib():.2f} GiB"))

    la = str(model.baseline.cells["parent_la"].iloc[0])
    local = scenario_from_dict({
        "horizon": 3, "comparison": {"type": "quintiles", "level": "la", "area": la},
        "interventions": [
            {"intervention": name, "volume": {"units_per_year": units},
             "target": {"level": "la", "areas": [la], "quintiles": [1]}}
            for name, units in (("smoking_cessation", 100), ("statins", 150),
                                ("blood_pressure", 100), ("alcohol_brief_advice", 300))
        ],
    })  # fmt: skip
    local_model = ScenarioModel(model.baseline).fit(local.comparison)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        local_model.evaluate(local, detail=False)
        times.append(time.perf_counter() - start)
    rows.append(("one-LA scenario, no uncertainty, fitted national model: median of 30",
                 f"{statistics.median(times) * 1000:.1f} ms"))  # fmt: skip
    times = []
    for _ in range(10):
        start = time.perf_counter()
        local_model.evaluate(local, detail=True)
        times.append(time.perf_counter() - start)
    rows.append(("the same with the per-intervention waterfall: median of 10",
                 f"{statistics.median(times) * 1000:.1f} ms"))  # fmt: skip

    width = max(len(r[0]) for r in rows)
    print(f"| {'step'.ljust(width)} | result |")
    print(f"| {'-' * width} | ------ |")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
