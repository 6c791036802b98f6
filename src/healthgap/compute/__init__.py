"""Where heavy work runs: in this process, on a local Dask cluster or on an existing one.

:func:`open_executor` gives an :class:`Executor`; :meth:`Executor.map_chunks` and
:func:`map_ordered` run a function over chunks, each with a seed derived from the run seed
and the chunk index, so the same seed gives the same results whatever the number of
workers. Dask is imported only when a cluster is asked for. See ``docs/scale.md``.
"""

from healthgap.compute.executor import (
    SCHEDULER_SETTING,
    Chunk,
    Executor,
    InProcessExecutor,
    Progress,
    chunk_seed,
    map_ordered,
    open_executor,
)

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
