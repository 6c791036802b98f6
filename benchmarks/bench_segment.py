"""Benchmark: segment all 33,755 English LSOAs (2021) on the IMD 2025 domain scores.

Run: ``python benchmarks/bench_segment.py [path/to/shared/data]`` (default ``../shared/data``
beside the repository, or ``$HEALTHGAP_SHARED/data``). Times the default segmentation:
read and check the file, standardise, k-means for k = 3..10, silhouette (4,000-area
sample) and Calinski-Harabasz for each, 10 bootstrap resamples of 10,000 areas per k for
stability (adjusted Rand index), choice of k. Target: under 15 s. Then checks that the
same seed gives the same segments, and that the IMD 2019 domain ranks (32,844 LSOAs,
2011 boundaries) segment too. Reports wall and CPU time: the machine is shared, so wall
time depends on the load.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

from healthgap.insight import SmallAreaSegmenter, join_indicators, read_imd_domains

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15.0


def _shared_data() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    if "HEALTHGAP_SHARED" in os.environ:
        return Path(os.environ["HEALTHGAP_SHARED"]) / "data"
    return REPO.parent / "shared" / "data"


def _timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    data = _shared_data()
    imd2025 = data / "imd" / "imd2025_lsoa21_england.csv"
    if not imd2025.is_file():
        print(f"needs {imd2025} (the shared IMD files); not found")
        return 1

    def run_2025():
        indicators = join_indicators([read_imd_domains(imd2025)])
        return SmallAreaSegmenter(random_state=2025).fit(indicators)

    first, wall, cpu = _timed(run_2025)
    again, wall2, cpu2 = _timed(run_2025)
    same = first.labels_.equals(again.labels_)
    verdict = "met" if max(wall, wall2) < TARGET_SECONDS else "MISSED"
    print(f"IMD 2025 domain scores, {len(first.labels_):,} LSOAs (2021), default settings")
    print(
        f"  wall {wall:.2f} s (repeat {wall2:.2f} s), CPU {cpu:.2f} s (repeat {cpu2:.2f} s);"
        f" target < {TARGET_SECONDS:.0f} s: {verdict}"
    )
    print(
        f"  chosen k = {first.n_segments_}, mean bootstrap ARI = {first.stability_:.3f}, "
        f"same segments for the same seed: {same}"
    )
    with pd.option_context("display.width", 120, "display.precision", 3):
        print(first.selection_.to_string(index=False))
    sizes = first.labels_.value_counts().sort_index()
    print("  LSOAs per segment:", ", ".join(f"{k}: {v:,}" for k, v in sizes.items()))

    imd2019 = data / "imd" / "imd2019_lsoa11_england.csv"
    ranks, wall19, cpu19 = _timed(
        lambda: SmallAreaSegmenter(random_state=2019).fit(
            join_indicators([read_imd_domains(imd2019, measure="rank")])
        )
    )
    print(
        f"IMD 2019 domain ranks, {len(ranks.labels_):,} LSOAs (2011): wall {wall19:.2f} s, "
        f"CPU {cpu19:.2f} s, k = {ranks.n_segments_}, mean ARI = {ranks.stability_:.3f}"
    )
    return 0 if same else 2


if __name__ == "__main__":
    raise SystemExit(main())
