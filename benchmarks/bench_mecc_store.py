"""Benchmark: 1,000 staff syncing a day's MECC queue at once, straight into the store.

Run: ``python benchmarks/bench_mecc_store.py [--url postgresql://...] [--threads 8 32]``
(default: a new SQLite file). Each of 1,000 members of staff of the SYNTHETIC demo sends one
batch of 5 entries; 200 of the batches are sent again (a retry after a lost answer). Batches
go through :func:`healthgap.store.mecc.sync_contacts` from a pool of threads, one
transaction each. Prints the wall time, the p50 / p95 / max time per batch (queueing
included) and checks that exactly 5,000 entries are stored. The web app's benchmark (the
issue's target: p95 under 500 ms through HTTP) is separate.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from sqlalchemy import text

from healthgap.datasets.mecc import generate_mecc_demo
from healthgap.engage.mecc import ContactEntry, entries_from_frame
from healthgap.store import Database
from healthgap.store.mecc import count_contacts, save_directory, sync_contacts

STAFF, PER_DAY, RETRIED = 1000, 5, 200


def batches() -> tuple[list[list[ContactEntry]], object]:
    demo = generate_mecc_demo()
    template = entries_from_frame(demo.logs.head(1), today=demo.end)[0]
    staff = demo.directory.staff["staff_id"].to_numpy()
    made = [
        [
            replace(
                template,
                client_id=f"{i:08x}-0000-4000-8000-{j:012x}",
                staff_id=str(staff[i % len(staff)]),
            )
            for j in range(PER_DAY)
        ]
        for i in range(STAFF)
    ]
    return made, demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    parser.add_argument("--threads", type=int, nargs="+", default=[8, 32])
    args = parser.parse_args()
    made, demo = batches()
    database = Database(args.url)
    with database.unit_of_work() as session:
        save_directory(session, demo.directory)

    def send(batch: list[ContactEntry]) -> float:
        began = time.perf_counter()
        sync_contacts(database, batch)
        return time.perf_counter() - began

    for threads in args.threads:
        with database.engine.begin() as connection:
            connection.execute(text("DELETE FROM mecc_contacts"))
        began = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            seconds = np.array(list(pool.map(send, made + made[:RETRIED])))
        wall = time.perf_counter() - began
        with database.reader() as session:
            stored = count_contacts(session)
        p50, p95 = np.percentile(seconds, [50, 95]) * 1000
        print(
            f"{database.engine.dialect.name} threads={threads}: {len(seconds)} batches in "
            f"{wall:.2f} s; per batch p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {seconds.max() * 1000:.0f} ms; stored {stored} of {STAFF * PER_DAY}"
        )
        assert stored == STAFF * PER_DAY
    database.dispose()


if __name__ == "__main__":
    main()
