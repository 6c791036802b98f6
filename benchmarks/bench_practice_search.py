"""Benchmark: install the seeded practice bank and search it, on SQLite (and PostgreSQL).

Run: ``python benchmarks/bench_practice_search.py [POSTGRESQL_URL]``. Installs the seeded case
studies and research entries into a fresh SQLite file in a temporary folder (and into the given
PostgreSQL database, which must be empty), then times ``ranked_search`` over typical queries
(5 rounds) and one ``more_like_this``. Prints the install time and the median and worst query.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from healthgap.practice import Actor, PracticeRole
from healthgap.store import Database, install_seed, more_like_this, ranked_search

QUERIES = [
    "smoking men",
    "late booking",
    "text message",
    "healthy living pharmacy",
    "community champions",
    "insight",
    '"stop smoking" -hospital',
    "",
]
ROUNDS = 5


def run(url: str, label: str) -> None:
    db = Database(url)
    start = time.perf_counter()
    with db.unit_of_work() as session:
        install_seed(session, Actor("benchmark", PracticeRole.editor))
    seeded = time.perf_counter() - start
    times = []
    with db.reader() as session:
        for _ in range(ROUNDS):
            for query in QUERIES:
                start = time.perf_counter()
                ranked_search(session, query, filters={"status": ["published"]})
                times.append(time.perf_counter() - start)
        start = time.perf_counter()
        more_like_this(session, "case:ss-newham-mosque-quit")
        similar = time.perf_counter() - start
    db.dispose()
    print(
        f"{label}: install_seed {seeded:.2f} s; ranked_search median "
        f"{statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms "
        f"({len(times)} queries); more_like_this {similar * 1000:.0f} ms"
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bank.db'}", "SQLite")
    if len(sys.argv) > 1:
        run(sys.argv[1], "PostgreSQL")
