"""Data-layer reliability figures for ``docs/reliability.md`` (the heavy variants of the tests).

Run: ``python benchmarks/bench_reliability.py [--sample N] [--kills N] [--rows N]``.

1. **Corpus through real processes.** Every malformed file of ``tests/reliability/corpus.py``
   goes through ``healthgap validate`` and ``healthgap import`` as separate processes: the
   exit status must be 2, no traceback may be printed, and the workspace must hash the same
   before and after. Prints files tried, crashes and partial writes.
2. **Expanding and oversized inputs.** An ``.xlsx`` of 3 million real rows (its sheet's size
   claim honest), the same workbook claiming 2 rows (so reading must stop at the row cap), and
   a sparse 600 MB CSV: time and peak memory until each is refused.
3. **kill -9 during a large import**, at random moments and at each step of the swap: the
   workspace must then open, read back to its manifest hashes and hold the old or the new
   version.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "reliability")]

from corpus import POP_HEADER, base_workspace_files, build_corpus  # noqa: E402

from healthgap.data import import_files, open_workspace  # noqa: E402
from healthgap.data.workspace import table_hash  # noqa: E402
from healthgap.data.workspace_swap import FAULT_INJECTION_ENV  # noqa: E402

RUN = [sys.executable, "-c", "import sys; from healthgap.cli import main; main(sys.argv[1:])"]


def digest(folder: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashed.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return hashed.hexdigest()


def healthgap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([*RUN, *args], capture_output=True, text=True, env=full, check=False)


def corpus_through_processes(root: Path, sample: int | None) -> None:
    cases = build_corpus(root / "files")
    if sample:
        cases = random.Random(1).sample(cases, min(sample, len(cases)))
    workspace = import_files(base_workspace_files(root / "base"), into=root / "ws").path
    files = {path for case in cases for path in case.files}
    runs = crashes = partial = unnamed = 0
    started = time.perf_counter()
    for case in cases:
        layout = ["--layout", case.layout] if case.layout else []
        names = [str(p) for p in case.files]
        before = digest(workspace)
        for command in (["validate", *names, *layout],
                        ["import", *names, *layout, "--into", str(workspace)]):  # fmt: skip
            result = healthgap(*command, env=case.env)
            runs += 1
            output = result.stdout + result.stderr
            if result.returncode != 2 or "Traceback" in output:
                crashes += 1
                print(f"  CRASH {case.name}: exit {result.returncode}\n{output[-2000:]}")
            elif not any(f" {rule} " in result.stderr for rule in case.rules):
                unnamed += 1
                print(f"  UNNAMED {case.name}: expected {case.rules}")
        if digest(workspace) != before:
            partial += 1
            print(f"  PARTIAL WRITE {case.name}")
    elapsed = time.perf_counter() - started
    print("\n## Corpus through real processes\n")
    print("| figure | value |\n|---|---|")
    print(f"| cases | {len(cases)} |\n| files tried | {len(files)} |")
    print(f"| process runs (validate + import) | {runs} |")
    print(f"| crashes (exit other than 2, or a traceback) | {crashes} |")
    print(f"| runs without the expected rule named | {unnamed} |")
    print(f"| partial writes (workspace hash changed) | {partial} |")
    print(f"| wall time | {elapsed:.0f} s |")


def _sheet_xlsx(path: Path, rows: int, claim: int | None) -> Path:
    """A workbook whose one sheet holds ``rows`` real rows, written straight as XML (fast)."""
    claimed = rows + 1 if claim is None else claim
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:E{claimed}"/><sheetData>'
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',  # noqa: E501
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',  # noqa: E501
    }
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCDE", POP_HEADER, strict=True)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((head + f'<row r="1">{header}</row>').encode())
            block = []
            for r in range(2, rows + 2):
                block.append(f'<row r="{r}"><c r="D{r}"><v>0</v></c><c r="E{r}"><v>1</v></c></row>')
                if len(block) == 50_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write(("".join(block) + "</sheetData></worksheet>").encode())
    return path


def _refusal(label: str, *args: str, env: dict[str, str] | None = None) -> tuple:
    started = time.perf_counter()
    code = (
        "import resource, sys; from healthgap.cli import main\n"
        "try:\n    main(sys.argv[1:])\nfinally:\n"
        "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    full = {**os.environ, "COLUMNS": "200", **(env or {})}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            env=full, check=False)  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = next((int(line.split()[1]) for line in result.stderr.splitlines()
                 if line.startswith("PEAK")), 0)  # fmt: skip
    rule = next((r for r in ("too_many_rows", "file_too_large", "cell_too_large")
                 if r in result.stderr), "?")  # fmt: skip
    return label, result.returncode, rule, elapsed, peak / 1024


def oversized_inputs(root: Path, rows: int) -> None:
    honest = _sheet_xlsx(root / "expanding_honest.xlsx", rows, None)
    lying = _sheet_xlsx(root / "expanding_lying.xlsx", rows, 2)
    sparse = root / "sparse_600MB.csv"
    with sparse.open("wb") as handle:
        handle.write(b"area_code,period,sex,age_start,person_years\n")
        handle.truncate(600 * 1024**2)
    results = [
        _refusal(
            f"xlsx, {rows:,} rows, honest size claim ({honest.stat().st_size / 1e6:.1f} MB)",
            "validate",
            str(honest),
        ),  # fmt: skip
        _refusal(
            f"same rows, sheet claiming 2 rows ({lying.stat().st_size / 1e6:.1f} MB)",
            "validate",
            str(lying),
        ),  # fmt: skip
        _refusal("600 MB CSV (sparse file)", "validate", str(sparse)),
    ]
    print("\n## Oversized and expanding inputs (validate, one process each)\n")
    print("| input | exit | rule | wall (s) | peak memory (MB) |\n|---|---|---|---|---|")
    for label, code, rule, elapsed, peak in results:
        print(f"| {label} | {code} | {rule} | {elapsed:.1f} | {peak:,.0f} |")


def _population_csv(path: Path, areas: int, period: str) -> Path:
    from healthgap.agebands import STANDARD_STARTS

    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(POP_HEADER) + "\n")
        for a in range(areas):
            code = f"E01{a:06d}"
            for sex in ("male", "female"):
                handle.writelines(f"{code},{period},{sex},{s},{100 + a % 50}\n"
                                  for s in STANDARD_STARTS)  # fmt: skip
    return path


def _areas_csv(path: Path, areas: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("area_code,area_name,level\n")
        handle.writelines(f"E01{a:06d},LSOA {a},lsoa\n" for a in range(areas))
    return path


def kills_during_a_large_import(root: Path, areas: int, kills: int) -> None:
    areas_file = _areas_csv(root / "areas.csv", areas)
    old_files = [areas_file, _population_csv(root / "pop2014.csv", areas, "2014")]
    new_file = _population_csv(root / "pop2015.csv", areas, "2015")
    size = new_file.stat().st_size / 1e6
    base = import_files(old_files, into=root / "base").path
    old = open_workspace(base).hashes()
    shutil.copytree(base, root / "expected")
    new = import_files([new_file], into=root / "expected").hashes()
    started = time.perf_counter()
    healthgap("import", str(new_file), "--into", str(root / "timing"))
    duration = time.perf_counter() - started
    draw = random.Random(20240611)
    outcome = {"old": 0, "new": 0, "mixed or unreadable": 0}
    plans = [("random", draw.uniform(0.3, duration)) for _ in range(kills)]
    plans += [(point, None) for point in ("table_written", "before_swap", "between_renames",
                                          "after_swap")]  # fmt: skip
    for plan, delay in plans:
        ws = root / "ws"
        shutil.rmtree(ws, ignore_errors=True)
        shutil.copytree(base, ws)
        signal_file = root / "signal"
        signal_file.unlink(missing_ok=True)
        env = {**os.environ}
        if delay is None:
            env[FAULT_INJECTION_ENV] = f"{plan}:{signal_file}"
        job = subprocess.Popen([*RUN, "import", str(new_file), "--into", str(ws)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        if delay is None:
            while not signal_file.exists() and job.poll() is None:
                time.sleep(0.02)
        else:
            time.sleep(delay)
        if job.poll() is None:
            os.kill(job.pid, signal.SIGKILL)
        job.wait()
        try:
            workspace = open_workspace(ws)
            for name, stored in workspace.hashes().items():
                assert table_hash(workspace.read(name)) == stored
            hashes = workspace.hashes()
            state = "old" if hashes == old else "new" if hashes == new else "mixed or unreadable"
            outcome[state] += 1
            leftovers = [p.name for p in root.iterdir() if p.name.startswith(".ws.")]
            assert leftovers in ([], [".ws.lock"]), leftovers
        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
            outcome["mixed or unreadable"] += 1
            print(f"  FAILED after kill ({plan}): {error}")
    print(f"\n## kill -9 during an import of {size:.0f} MB ({areas * 40:,} rows), "
          f"one import takes {duration:.1f} s\n")  # fmt: skip
    print("| kills | old version | new version | mixed or unreadable |\n|---|---|---|---|")
    print(f"| {len(plans)} ({kills} random, 4 at the swap steps) | {outcome['old']} | "
          f"{outcome['new']} | {outcome['mixed or unreadable']} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=None, help="corpus cases to run (all)")
    parser.add_argument("--rows", type=int, default=3_000_000, help="rows of the xlsx")
    parser.add_argument("--areas", type=int, default=33_800, help="areas of the large import")
    parser.add_argument("--kills", type=int, default=8, help="random kills")
    parser.add_argument("--skip", nargs="*", default=[], choices=["corpus", "oversized", "kills"])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="healthgap-reliability-"))
    if "corpus" not in args.skip:
        corpus_through_processes(root / "corpus", args.sample)
    if "oversized" not in args.skip:
        (root / "big").mkdir()
        oversized_inputs(root / "big", args.rows)
    if "kills" not in args.skip:
        (root / "kills").mkdir()
        kills_during_a_large_import(root / "kills", args.areas, args.kills)
    print(f"\nPeak memory of this script: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
