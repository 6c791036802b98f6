"""What drawing the pledge map costs the campaign page: CPU and wall time per redraw.

Builds ``--pledges`` random pledges over the postcode districts of a few areas (default TS,
DL, SR, DH: around Hartlepool, the example campaign's place), controls them as the page does
(``district_map_table``) and draws the map with ``analyses.pledges.district_map`` ``--repeats``
times with different pledges (so nothing comes from the map cache), on the plain background
and, when ``--boundaries`` is given (e.g. ``../shared/data/boundaries``), over the council
outlines. CPU is ``time.process_time`` of the whole process, vl-convert's threads included.

Run: ``python benchmarks/bench_pledge_map.py [--boundaries ../shared/data/boundaries]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.analyses.pledges import district_map, example_campaign
from healthgap.engage import campaign_from_mapping
from healthgap.engage.pledge_postcodes import district_centroids
from healthgap.reports.engage_tables import district_map_table


def _table(codes: list[str], pledges: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    chosen = np.random.default_rng(seed).choice(codes, pledges)
    frame = pd.DataFrame(
        {"pledge_id": range(pledges), "postcode_district": chosen, "status": "published"}
    )
    return district_map_table(frame)


def _timed(call) -> tuple[float, float, object]:  # noqa: ANN001
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--areas", default="TS,DL,SR,DH")
    parser.add_argument("--boundaries", type=Path, default=None)
    args = parser.parse_args()
    campaign = campaign_from_mapping(example_campaign())
    areas = "|".join(args.areas.split(","))
    outcodes = district_centroids()["outcode"]
    codes = outcodes[outcodes.str.fullmatch(rf"(?:{areas})\d+[A-Z]?")].tolist()
    cpu, wall, _ = _timed(lambda: district_map(campaign, *_table(codes, args.pledges, 0)))
    print(f"first map of the process: cpu {cpu:.2f} s, wall {wall:.2f} s")
    for boundaries in (None, args.boundaries) if args.boundaries else (None,):
        cpus, walls = [], []
        for seed in range(1, args.repeats + 1):
            table = _table(codes, args.pledges, seed)
            cpu, wall, drawn = _timed(
                lambda table=table, b=boundaries: district_map(campaign, *table, boundaries=b)
            )
            cpus.append(cpu)
            walls.append(wall)
        circles = len(drawn.spec["layer"][-1]["data"]["values"])
        print(
            f"{'outlines' if boundaries else 'plain'}: {circles} districts drawn, svg "
            f"{len(drawn.svg) // 1024} KB, cpu median {np.median(cpus):.3f} s, wall median "
            f"{np.median(walls):.3f} s"
        )
    print("load average", ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
