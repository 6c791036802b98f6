"""Benchmark of the report builder on the SYNTHETIC national demo country.

Run: ``python benchmarks/bench_reports.py [--size national|small] [--workspace DIR]
[--sample N] [--workers 2] [--skip-in-process] [--compare 3]``

The workspace is copied to a temporary folder first (its prepared tables are kept inside
it, and the benchmark measures preparing them). Measures (results go in
docs/benchmarks.md, section "Reports"):

(a) preparing the workspace's per-level tables (once per workspace content; the web app's
    first start and the first ``healthgap report`` do it);
(b) one local authority's "inequalities profile" report in a fresh process with the
    prepared tables present: reading them, building the report (profile, target,
    explanation, flags, plan with 200 draws) and writing HTML, PDF, Word and PowerPoint.
    Twice: the first process also computes the results every report shares (the
    classification of every LA, the plan's national baseline) and keeps them beside the
    prepared tables; the second, for another LA, reads them back. Then the command a user
    runs, ``healthgap report CODE --format html,pdf,docx,pptx``, for two more LAs, each a
    fresh process. Target: under 10 s;
(c) ``healthgap report all`` (:func:`healthgap.analyses.build_reports`) in this process and
    on ``--workers`` local Dask workers, on every LA (``--sample 0``) or on ``--sample N``
    of them, projected to every LA. Target: all LAs under 10 minutes;
(d) with ``--compare N``: the report tables of N LAs and England from the prepared tables
    against those from the stored rows (they must be equal).

Wall and CPU seconds and the load average are printed: the machine is shared, so wall time
depends on its load. CPU time of (c) with workers counts this process only; the workers'
CPU is read from their processes' times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from healthgap.analyses import (
    PreparedSource,
    RememberingSource,
    WorkspaceSource,
    build_report,
    build_reports,
    report_areas,
)
from healthgap.compute import open_executor
from healthgap.datasets import build_demo_workspace
from healthgap.reports.report_template import load_report_template

ONE_LA = """
import sys, time, warnings
warnings.simplefilter("ignore")
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
from healthgap.analyses import PreparedSource, RememberingSource, build_report
from healthgap.reports.report_files import write_report
source = RememberingSource(PreparedSource.open(sys.argv[1]))
source.source.prepared()
t1, c1 = time.perf_counter(), time.process_time()
bundle = build_report(source, sys.argv[2])
t2, c2 = time.perf_counter(), time.process_time()
write_report(bundle, Path(sys.argv[3]), ["html", "pdf", "docx", "pptx"])
t3, c3 = time.perf_counter(), time.process_time()
print(t1 - t0, c1 - c0, t2 - t1, c2 - c1, t3 - t2, c3 - c2)
"""


class Clock:
    """Wall and CPU seconds of a block (CPU of this process and its finished children)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _cpu() - self.cpu


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def prepare(workspace: Path) -> None:
    with Clock() as clock:
        PreparedSource.open(workspace).prepared()
    print(f"(a) prepare the per-level tables: {clock.wall:.1f} s wall, {clock.cpu:.1f} s CPU "
          f"(load {_load()})")  # fmt: skip


def one_la(workspace: Path, code: str, name: str, which: str) -> None:
    out = Path(tempfile.mkdtemp())
    with Clock() as clock:
        done = subprocess.run(
            [sys.executable, "-c", ONE_LA, str(workspace), code, str(out)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    read_w, read_c, build_w, build_c, write_w, write_c = map(float, done.stdout.split())
    print(f"(b) one LA ({name}), four formats, {which} (load "
          f"{_load()})\n| step | wall (s) | CPU (s) |\n|---|---|---|\n"
          f"| start Python, import, read the prepared tables | {read_w:.1f} | {read_c:.1f} |\n"
          f"| build (all sections) | {build_w:.1f} | {build_c:.1f} |\n"
          f"| draw charts, write html, pdf, docx, pptx | {write_w:.1f} | {write_c:.1f} |\n"
          f"| whole process | {clock.wall:.1f} | {clock.cpu:.1f} |")  # fmt: skip


def cli_one_la(workspace: Path, code: str, name: str) -> None:
    """What a user runs: ``healthgap report CODE ... --format html,pdf,docx,pptx``."""
    out = Path(tempfile.mkdtemp())
    command = [str(Path(sys.executable).with_name("healthgap")), "report", code,
               "--workspace", str(workspace), "--format", "html,pdf,docx,pptx",
               "--out", str(out)]  # fmt: skip
    with Clock() as clock:
        subprocess.run(command, capture_output=True, text=True, check=True)
    print(f"(b) `healthgap report {code} --format html,pdf,docx,pptx` ({name}), a fresh "
          f"process: {clock.wall:.1f} s wall, {clock.cpu:.1f} s CPU (load {_load()})")  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)


def report_all(workspace: Path, areas: list[tuple[str, str]], workers: int) -> float:
    """Run ``build_reports``; returns the wall seconds per LA after the first (which also
    computes what every report of the run shares)."""
    template = load_report_template("inequalities profile")
    out = Path(tempfile.mkdtemp())
    marks: list[tuple[int, float, float]] = []

    def progress(done: int, _total: int) -> None:
        marks.append((done, time.perf_counter(), _cpu()))

    with Clock() as clock, open_executor(workers or None, timeout=120) as executor:
        result = build_reports(
            workspace, areas, template=template, formats=["html", "pdf", "docx", "pptx"],
            out=out, executor=executor, progress=progress,
        )  # fmt: skip
    where = f"{workers} local workers" if workers else "in this process"
    first = next(m for m in marks if m[0] >= 1)
    last = marks[-1]
    further = max(len(areas) - 1, 1)
    per_wall = (last[1] - first[1]) / further
    per_cpu = (last[2] - first[2]) / further
    print(f"(c) report all, {len(areas)} LAs {where}: {clock.wall:.1f} s wall, "
          f"{clock.cpu:.1f} s CPU of this process (load {_load()}); "
          f"{result.count('written')} written, {result.count('failed')} failed; "
          f"each LA after the first: {per_wall:.1f} s wall"
          + ("" if workers else f", {per_cpu:.1f} s CPU"))  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    return per_wall


def compare(workspace: Path, codes: list[str]) -> None:
    stored = RememberingSource(WorkspaceSource.open(workspace))
    prepared = RememberingSource(PreparedSource.open(workspace))
    for code in codes:
        raw, fast = build_report(stored, code), build_report(prepared, code)
        same = raw.tables.keys() == fast.tables.keys() and all(
            raw.tables[n].frame.equals(fast.tables[n].frame) for n in raw.tables
        )
        same = same and raw.summary == fast.summary and raw.warnings == fast.warnings
        print(f"(d) {code}: {len(raw.tables)} report tables, prepared == stored: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--workspace", type=Path, default=Path(tempfile.gettempdir()) / "hg-reports-national"
    )
    parser.add_argument("--sample", type=int, default=0, help="LAs of (c); 0: every LA")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", type=int, default=0)
    parser.add_argument("--size", choices=("national", "small"), default="national")
    parser.add_argument(
        "--skip-in-process", action="store_true", help="(c) on the workers only (saves time)"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if not args.workspace.exists():
        build_demo_workspace(args.workspace, args.size)
    copy = Path(tempfile.mkdtemp()) / "ws"
    shutil.copytree(args.workspace, copy, ignore=shutil.ignore_patterns(".prepared"))
    prepare(copy)
    areas = report_areas(WorkspaceSource.open(copy), "la")
    one_la(
        copy,
        *areas[0],
        "first fresh process after preparing: it computes and keeps the "
        "shared results (classification, plan baseline)",
    )
    one_la(copy, *areas[1], "another fresh process: prepared tables and shared results kept")
    for code, name in areas[2:4]:
        cli_one_la(copy, code, name)
    chosen = areas if args.sample <= 0 else areas[: args.sample]
    runs = (args.workers,) if args.skip_in_process else (0, args.workers)
    for workers in dict.fromkeys(runs):
        per_la = report_all(copy, chosen, workers)
        if len(chosen) < len(areas):
            print(f"    all {len(areas)} LAs projected from the LAs after the first: "
                  f"{per_la * len(areas) / 60:.1f} min wall")  # fmt: skip
    if args.compare:
        compare(copy, [code for code, _ in areas[: args.compare]] + ["E92000001"])
    shutil.rmtree(copy.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
