"""Benchmark of the report builder on the SYNTHETIC national demo country.

Run: ``python benchmarks/bench_reports.py [--size national|small] [--workspace DIR]
[--sample 5]``

Measures (results go in docs/benchmarks.md, section "Reports"):

1. One local authority's "inequalities profile" report: building it (profile, target,
   explanation, flags, plan with 200 draws) and writing it as HTML, PDF, Word and
   PowerPoint. Target: under 10 s for all four formats.
2. ``--sample`` local authorities one after another, as ``healthgap report all`` runs
   them, projected to every local authority of the demo. Target: all of them under 10
   minutes.

Wall and CPU time are both given: the machine is shared, so wall time depends on its load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

from healthgap.analyses import RememberingSource, WorkspaceSource, build_report, report_areas
from healthgap.datasets import build_demo_workspace
from healthgap.reports.report_files import REPORT_FORMATS, report_file
from healthgap.reports.report_html import ChartImages


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def one_report(source: RememberingSource, area: str, out: Path) -> list[tuple[str, Clock]]:
    timings = []
    with Clock() as built:
        bundle = build_report(source, area)
    timings.append(("build (all sections)", built))
    images = ChartImages(bundle)
    with Clock() as drawn:
        for name in bundle.charts:
            images.png(name)
    timings.append((f"draw {len(bundle.charts)} charts (SVG and PNG)", drawn))
    for fmt in REPORT_FORMATS:
        with Clock() as wrote:
            (out / f"{area}.{fmt}").write_bytes(report_file(bundle, fmt, images))
        timings.append((f"write {fmt}", wrote))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--workspace", type=Path, default=Path(tempfile.gettempdir()) / "hg-reports-national"
    )
    parser.add_argument("--sample", type=int, default=5)
    parser.add_argument("--size", choices=("national", "small"), default="national")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_demo_workspace(args.workspace, args.size)
        # One source for every report, as `healthgap report all` does: shared reads.
        source = RememberingSource(WorkspaceSource.open(args.workspace))
        areas = report_areas(source, "la")
        out = Path(tempfile.mkdtemp())
        source.areas()  # first read of the areas table, outside the timings
        timings = one_report(source, areas[0][0], out)
        print(f"| step ({areas[0][1]}) | wall (s) | CPU (s) |\n|---|---|---|")
        for name, clock in timings:
            print(f"| {name} | {clock.wall:.1f} | {clock.cpu:.1f} |")
        total_wall = sum(c.wall for _, c in timings)
        total_cpu = sum(c.cpu for _, c in timings)
        print(f"| one LA, four formats | {total_wall:.1f} | {total_cpu:.1f} |")
        sampled = areas[1 : 1 + args.sample]
        with Clock() as sample:
            for code, _name in sampled:
                one_report(source, code, out)
    n = len(areas)
    if not sampled:
        return
    per_wall, per_cpu = sample.wall / len(sampled), sample.cpu / len(sampled)
    print(
        f"\n{len(sampled)} more LAs: {per_wall:.1f} s wall, {per_cpu:.1f} s CPU each; all {n} "
        f"LAs projected {per_wall * n / 60:.0f} min wall, {per_cpu * n / 60:.0f} min CPU"
    )


if __name__ == "__main__":
    main()
