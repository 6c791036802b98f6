"""Launch-day rush on the public pledge page: pledges per second, latency, nothing lost.

Starts ``healthgap serve`` in its own process over SQLite (WAL, ``synchronous=NORMAL``) or
over a PostgreSQL server this script starts from Debian's packages with durable defaults
(``fsync=on``, ``synchronous_commit=on``), creates the campaign, opens ``--sessions``
visitor sessions (each opens the page once: session cookie and CSRF token, as a browser
does), then sends pledges at ``--rate`` a second for ``--duration`` seconds, open loop
(see ``pledge_load.py``): the load generator runs on the same machine as the server. At the
end it reads the database: every acknowledged pledge must be there exactly once.

Target (issue 15): at least 200 pledges a second sustained for 60 s, p95 under 300 ms.

Run: ``python benchmarks/bench_pledge_rush.py --database sqlite`` or ``--database
postgresql`` (``--rate 200 --duration 60 --warmup 5 --sessions 300``). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from pathlib import Path

import httpx2 as httpx
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from pledge_load import PledgeServer, free_port, open_sessions, rush  # noqa: E402

from healthgap.engage import example_campaign  # noqa: E402


@contextmanager
def postgres_server(folder: Path) -> Iterator[str]:
    """A throwaway PostgreSQL server with durable settings (the defaults), on loopback."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed: run scripts/setup-system.sh")
    bin_dir, port = Path(found[-1]).parent, free_port()
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = folder / "pg"
    if as_user:
        pwd.getpwnam("postgres")
        shutil.chown(folder, user="postgres")

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "healthgap", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    log = str(folder / "pg.log")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", log, "-o", options, "start")
    try:
        address = ["-h", "127.0.0.1", "-p", str(port), "-U", "healthgap"]
        run(str(bin_dir / "createdb"), *address, "healthgap")
        yield f"postgresql://healthgap@127.0.0.1:{port}/healthgap"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")


def create_campaign(data_dir: Path, database_url: str | None) -> None:
    today = date.today()
    definition = data_dir.parent / "campaign.yaml"
    dates = {"starts_on": str(today - timedelta(days=1)), "ends_on": str(today + timedelta(30))}
    definition.write_text(yaml.safe_dump(example_campaign(**dates)), encoding="utf-8")
    cli = [sys.executable, "-c", "from healthgap.cli import main; main()"]
    command = [*cli, "pledges", "create", str(definition), "--data-dir", str(data_dir)]
    if database_url:
        command += ["--database-url", database_url]
    env = {**os.environ, "HEALTHGAP_SECRET_KEY": "benchmark secret " * 4}
    subprocess.run(command, check=True, capture_output=True, env=env)


def stored(database_url: str, keys: set[str]) -> tuple[int, int, int]:
    """(rows in the table, acknowledged ``keys`` found, keys found more than once)."""
    from sqlalchemy import func, select

    from healthgap.store import Database
    from healthgap.store.pledge_tables import Pledge

    database = Database(database_url, run_migrations=False)
    with database.reader() as session:
        rows = int(session.scalar(select(func.count()).select_from(Pledge)))
        found = list(session.scalars(select(Pledge.idempotency_key)))
    database.dispose()
    present = [k for k in found if k in keys]
    return rows, len(set(present)), len(present) - len(set(present))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def measure(server: PledgeServer, args: argparse.Namespace) -> dict[str, object]:
    limits = httpx.Limits(max_connections=args.connections, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        sessions = await open_sessions(server.url, args.sessions)
        warm = await rush(client, server.url, sessions, rate=args.rate, duration=args.warmup)
        load = os.getloadavg()[0]
        started, server_started = time.process_time(), server.cpu_seconds()
        main = await rush(client, server.url, sessions, rate=args.rate, duration=args.duration)
        generator_cpu = time.process_time() - started
        server_cpu = server.cpu_seconds() - server_started
    elapsed = main.finished - main.started
    return {
        "sent": len(main.sent),
        "acknowledged": len(main.receipts),
        "failures": main.failures,
        "rate": len(main.receipts) / elapsed,
        "p50": statistics.median(main.latencies) * 1000,
        "p95": percentile(main.latencies, 0.95) * 1000,
        "p99": percentile(main.latencies, 0.99) * 1000,
        "max": max(main.latencies) * 1000,
        "generator_cpu": generator_cpu / elapsed,
        "server_cpu": server_cpu / elapsed,
        "server_ms_per_pledge": 1000 * server_cpu / max(1, len(main.sent)),
        "load_before": load,
        "acknowledged_keys": set(warm.receipts) | set(main.receipts),
    }


def report(
    args: argparse.Namespace, result: dict[str, object], check: tuple[int, int, int]
) -> None:
    rows, found, doubled = check
    acknowledged = len(result["acknowledged_keys"])  # type: ignore[arg-type]
    lines = [
        f"database: {args.database}; server workers: {args.workers}; load average before the "
        f"rush: {result['load_before']:.2f} (2 cores, shared with the load generator)",
        f"sent {result['sent']} pledges at {args.rate:g}/s for {args.duration:g} s: "
        f"{result['acknowledged']} acknowledged ({result['rate']:.1f}/s); failures: "
        f"{result['failures'] or 'none'}",
        f"latency of acknowledged pledges, ms: p50 {result['p50']:.0f}, p95 "
        f"{result['p95']:.0f}, p99 {result['p99']:.0f}, max {result['max']:.0f}",
        f"CPU: server {result['server_cpu']:.2f} of a core "
        f"({result['server_ms_per_pledge']:.1f} ms per pledge sent), load generator "
        f"{result['generator_cpu']:.2f} of a core",
        f"stored: {rows} pledges; acknowledged (warm-up included): {acknowledged}, of which "
        f"found {found}, stored twice {doubled}",
    ]
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pledge-rush-"))
    (folder / "web").mkdir()
    postgres = postgres_server(folder) if args.database == "postgresql" else nullcontext(None)
    with postgres as url:
        database_url = url or f"sqlite:///{folder / 'web' / 'healthgap.db'}"
        create_campaign(folder / "web", url)
        server = PledgeServer(folder / "web", database_url=url, workers=args.workers).start()
        try:
            result = asyncio.run(measure(server, args))
        finally:
            server.stop()
        check = stored(database_url, result["acknowledged_keys"])  # type: ignore[arg-type]
    report(args, result, check)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
