"""Chunks on a Dask ``distributed`` cluster: a local one started here, or one already running.

Imported only by :func:`healthgap.compute.open_executor` when a cluster is asked for. What
Dask gives for free and healthgap relies on:

- a chunk lost with its worker (the process killed, the machine gone) is run again on
  another worker by the scheduler (up to ``distributed.scheduler.allowed-failures``
  times); chunks are pure functions of their chunk and seed, so the result is the same;
- the shared value is scattered once to every worker, not sent with each chunk;
- a local cluster's nanny restarts a worker that died.

At most ``4 x workers`` chunks are in flight at once and each result is released as soon
as it has been handed over, so memory stays bounded however many chunks a run has.
Warnings raised in a worker (e.g. small numbers) are carried back and raised again here,
so a cluster run reports what an in-process run would.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from healthgap.compute.executor import Chunk, Executor, Progress, chunks_of
from healthgap.errors import ComputeError, HealthgapError

__all__ = ["DaskExecutor"]

log = logging.getLogger("healthgap.compute")


def _run_chunk(
    fn: Callable[[Chunk[Any], Any], Any], chunk: Chunk[Any], shared: Any
) -> tuple[Any, list[tuple[type[Warning], str]]]:
    """Run one chunk in a worker, keeping the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(chunk, shared)
    return result, [(w.category, str(w.message)) for w in caught]


class DaskExecutor(Executor):
    """Chunks submitted to a Dask client (see the module docstring)."""

    name = "dask"

    def __init__(self, client: Any, cluster: Any = None, *, address: str = "") -> None:
        self.client = client
        self.cluster = cluster
        self.address = address or str(client.scheduler.address)
        self.workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))

    @classmethod
    def connect(cls, address: str, *, timeout: float = 10.0) -> DaskExecutor:
        """A client of the scheduler at ``address``; a clear error within ``timeout`` s."""
        from distributed import Client

        if "://" not in address:
            address = f"tcp://{address}"
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ComputeError(
                f"could not reach the Dask scheduler at {address} within {timeout:g} s "
                f"({exc}). Check the address and port, that `dask scheduler` is running there "
                "and that this machine may connect to it; or drop --scheduler (and unset "
                "HEALTHGAP_SCHEDULER) to run in this process."
            ) from None
        return cls(client, address=address)

    @classmethod
    def local(cls, workers: int, *, timeout: float = 60.0) -> DaskExecutor:
        """A local cluster of ``workers`` single-threaded processes on this machine."""
        import dask
        from distributed import Client, LocalCluster

        # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
        # mmap threshold: every NumPy array above 128 KiB is then mapped and unmapped
        # afresh, and a grid chunk took 3.5 times the CPU it takes in this process
        # (docs/benchmarks.md). A chunk needs tens of MiB, so glibc's defaults are kept.
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        try:
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never clash with another cluster
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster, timeout=max(timeout, 30.0), set_as_default=False)
        except (OSError, TimeoutError, RuntimeError) as exc:
            raise ComputeError(f"could not start {workers} local Dask workers: {exc}") from None
        executor = cls(client, cluster)
        executor.workers = workers
        return executor

    def describe(self) -> str:
        where = "local Dask cluster" if self.cluster is not None else "Dask scheduler"
        return f"{where} at {self.address} ({self.workers} workers)"

    def map_chunks(
        self,
        fn: Callable[[Chunk[Any], Any], Any],
        items: Sequence[Any],
        *,
        seed: int = 0,
        shared: Any = None,
        progress: Progress | None = None,
        skip: Collection[int] = (),
    ) -> Iterator[tuple[Chunk[Any], Any]]:
        from distributed import as_completed

        chunks = chunks_of(items, seed)
        todo = [c for c in chunks if c.index not in skip]
        done = len(chunks) - len(todo)
        if progress is not None:
            progress(done, len(chunks))
        if not todo:
            return
        token = uuid.uuid4().hex[:12]
        scattered = (
            self.client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
        )
        pending = iter(todo)
        by_key: dict[str, Chunk[Any]] = {}

        def submit() -> Any:
            chunk = next(pending, None)
            if chunk is None:
                return None
            key = f"healthgap-{token}-{chunk.index}"
            by_key[key] = chunk
            return self.client.submit(_run_chunk, fn, chunk, scattered, key=key, pure=False)

        first = [f for f in (submit() for _ in range(4 * self.workers)) if f is not None]
        running = as_completed(first, loop=self.client.loop)
        try:
            for future in running:
                chunk = by_key.pop(future.key)
                result, caught = self._result(future, chunk)
                future.release()
                following = submit()
                if following is not None:
                    running.add(following)
                for category, message in caught:
                    warnings.warn(message, category, stacklevel=2)
                done += 1
                if progress is not None:
                    progress(done, len(chunks))
                yield chunk, result
        finally:
            if by_key:  # stopped early (an error, or the caller gave up): cancel the rest
                self.client.cancel(list(by_key))
            if scattered is not None:
                scattered.release()

    def _result(self, future: Any, chunk: Chunk[Any]) -> tuple[Any, list[Any]]:
        from distributed import KilledWorker

        try:
            return future.result()
        except HealthgapError:
            raise  # the user's problem, raised in a worker: the same message as in-process
        except KilledWorker as exc:
            raise ComputeError(
                f"chunk {chunk.index} killed the workers that ran it, again and again ({exc}); "
                "it may need more memory than a worker has"
            ) from None
        except (OSError, TimeoutError) as exc:
            raise ComputeError(f"lost the Dask scheduler at {self.address}: {exc}") from None

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
