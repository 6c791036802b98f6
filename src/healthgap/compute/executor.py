r"""One way to run heavy work in chunks: in this process, or on a Dask cluster.

Heavy work (Monte Carlo draws of a plan, scenario grids, budget sweeps, bootstrap
resamples, batch reports) is a list of independent *chunks*. A function
``fn(chunk, shared)`` computes one chunk; ``shared`` is a read-only value every chunk
needs (a fitted model, a baseline), sent once to each worker. :meth:`Executor.map_chunks`
runs the chunks and yields ``(chunk, result)`` as they finish; :func:`map_ordered`
returns the results in chunk order.

**Reproducibility.** Chunk ``i`` of a run with seed ``s`` carries
``numpy.random.SeedSequence(s, spawn_key=(i,))``, the ``i``-th child of
``SeedSequence(s).spawn(...)`` (O'Neill's seeding scheme as implemented by NumPy): its
random numbers depend on the run seed and the chunk index only, never on which worker
ran it or when. Callers combine results by chunk index, so a run gives the same bytes
with one process, three local workers or a remote cluster.

**Progress.** ``progress(done, total)`` is called in the calling process each time a
chunk finishes (wherever it ran), so the CLI's Rich bar and the web's job record move as
workers report back.

Three executors, chosen by :func:`open_executor`:

- :class:`InProcessExecutor` (the default): a plain loop, no dependency;
- a local Dask cluster of ``workers`` processes (``--workers N``);
- an existing Dask ``distributed`` scheduler (``--scheduler tcp://host:8786`` or the
  ``HEALTHGAP_SCHEDULER`` setting), reached within ``timeout`` seconds or a
  :class:`~healthgap.errors.ComputeError`.

Dask is imported only when a cluster is asked for: ``import healthgap`` stays light.

Examples
--------
>>> def square_plus_noise(chunk, offset):
...     rng = np.random.default_rng(chunk.seed)
...     return chunk.item**2 + offset + round(float(rng.random()), 3)
>>> with open_executor() as executor:
...     map_ordered(executor, square_plus_noise, [1, 2, 3], seed=7, shared=10)
[11.798, 14.481, 19.632]
>>> chunk_seed(7, 2).generate_state(1) == np.random.SeedSequence(7).spawn(3)[2].generate_state(1)
array([ True])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from healthgap.errors import InputError

__all__ = [
    "SCHEDULER_SETTING",
    "Chunk",
    "Executor",
    "InProcessExecutor",
    "Progress",
    "chunk_seed",
    "map_ordered",
    "open_executor",
]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]
#: The environment variable naming a Dask scheduler to use when no option does.
SCHEDULER_SETTING = "HEALTHGAP_SCHEDULER"


def chunk_seed(run_seed: int, index: int) -> np.random.SeedSequence:
    """The seed sequence of chunk ``index`` of a run seeded ``run_seed``."""
    return np.random.SeedSequence(int(run_seed), spawn_key=(int(index),))


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """One piece of work: its position, its item, its own seed and the run's size."""

    index: int
    item: T
    seed: np.random.SeedSequence
    total: int


def chunks_of(items: Sequence[T], seed: int) -> list[Chunk[T]]:
    """Number ``items`` as chunks of a run seeded ``seed``."""
    return [Chunk(i, item, chunk_seed(seed, i), len(items)) for i, item in enumerate(items)]


class Executor:
    """Where chunks run. Use as a context manager so a cluster is shut down."""

    name = "executor"
    workers = 1

    def map_chunks(
        self,
        fn: Callable[[Chunk[T], Any], R],
        items: Sequence[T],
        *,
        seed: int = 0,
        shared: Any = None,
        progress: Progress | None = None,
        skip: Collection[int] = (),
    ) -> Iterator[tuple[Chunk[T], R]]:
        """Run ``fn(chunk, shared)`` for every item not in ``skip`` (chunk indexes already
        done, e.g. by an interrupted run); yield each ``(chunk, result)`` as it finishes.

        ``progress(done, total)`` counts skipped chunks as done from the start.
        """
        raise NotImplementedError

    def describe(self) -> str:
        """One line for logs and output metadata."""
        return self.name

    def close(self) -> None:
        """Release workers (nothing to do in-process)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Chunks run one after another in this process."""

    name = "in-process"

    def map_chunks(self, fn, items, *, seed=0, shared=None, progress=None, skip=()):  # noqa: D102
        chunks = chunks_of(items, seed)
        done = len({i for i in skip if 0 <= i < len(chunks)})
        if progress is not None:
            progress(done, len(chunks))
        for chunk in chunks:
            if chunk.index in skip:
                continue
            result = fn(chunk, shared)
            done += 1
            if progress is not None:
                progress(done, len(chunks))
            yield chunk, result


def map_ordered(
    executor: Executor,
    fn: Callable[[Chunk[T], Any], R],
    items: Sequence[T],
    *,
    seed: int = 0,
    shared: Any = None,
    progress: Progress | None = None,
) -> list[R]:
    """The results of every chunk in chunk order (whatever order they finished in)."""
    results: dict[int, R] = {}
    for chunk, result in executor.map_chunks(
        fn, items, seed=seed, shared=shared, progress=progress
    ):
        results[chunk.index] = result
    return [results[i] for i in range(len(items))]


def open_executor(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    timeout: float = 10.0,
) -> Executor:
    """The executor for ``workers`` local processes or an existing ``scheduler``.

    Parameters
    ----------
    workers : int, optional
        0 or ``None``: run in this process (unless a scheduler is set); N >= 1: start a
        local Dask cluster of N single-threaded worker processes.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); default the
        ``HEALTHGAP_SCHEDULER`` environment variable. Cannot be combined with ``workers``.
    timeout : float
        Seconds to wait for the scheduler (or the local workers) before giving up with
        :class:`~healthgap.errors.ComputeError`.
    """
    scheduler = scheduler or os.environ.get(SCHEDULER_SETTING) or None
    if workers is not None and workers < 0:
        raise InputError(f"--workers must be 0 or more, not {workers}", rule="bad_workers")
    if scheduler and workers:
        raise InputError(
            "give either --workers (a local cluster) or --scheduler (an existing one), not both",
            rule="bad_workers",
        )
    if timeout <= 0:
        raise InputError("the timeout must be positive", rule="bad_timeout")
    if not scheduler and not workers:
        return InProcessExecutor()
    from healthgap.compute.dask_executor import DaskExecutor

    if scheduler:
        return DaskExecutor.connect(scheduler, timeout=timeout)
    return DaskExecutor.local(int(workers or 1), timeout=timeout)
