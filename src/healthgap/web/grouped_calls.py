"""Concurrent requests answered by one shared call in a worker thread (group commit).

A burst of requests that each need one small database write (1,000 phones syncing their MECC
queue at the same moment) costs most in what every request pays on its own: a hop to a
worker thread, a transaction, a commit. :class:`GroupedCalls` lets each request hand in its
item and wait on the event loop; the items waiting when the worker thread is free are passed
to ``run(items)`` together, in one call in the thread (one transaction, one commit), and each
request is woken with its own result once that call has returned, so an answer is sent only
after the write it reports was committed. While one call runs the next group gathers, so a
burst is written in a few large groups and a lone request is written at once, alone.

>>> import asyncio
>>> calls = []
>>> def double(items):
...     calls.append(len(items))
...     return [2 * item for item in items]
>>> grouped = GroupedCalls(double)
>>> async def burst():
...     return await asyncio.gather(*(grouped.submit(n) for n in range(5)))
>>> asyncio.run(burst()), sum(calls)
([0, 2, 4, 6, 8], 5)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from anyio import to_thread

__all__ = ["GroupedCalls"]

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class _Queue(Generic[Item, Result]):
    """The items waiting on one event loop, and the task that hands them to the thread."""

    waiting: list[tuple[Item, asyncio.Future[Result]]] = field(default_factory=list)
    drainer: asyncio.Task[None] | None = None


class GroupedCalls(Generic[Item, Result]):
    """Runs ``run(items) -> results`` (one result per item, in order) in a worker thread for
    every group of items submitted while the previous group was being run; at most
    ``most`` items per call. An exception raised by ``run`` is raised in every request of
    its group (``run`` should return a per-item error instead when one item can fail
    alone)."""

    def __init__(self, run: Callable[[list[Item]], Sequence[Result]], *, most: int = 1000):
        self._run = run
        self._most = most
        # One queue per event loop: tests run an app on several loops, one after another.
        self._queues: WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue[Item, Result]] = (
            WeakKeyDictionary()
        )

    async def submit(self, item: Item) -> Result:
        """Hand in ``item`` and wait until the call that took it has returned."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue()
        future: asyncio.Future[Result] = loop.create_future()
        queue.waiting.append((item, future))
        if queue.drainer is None:
            queue.drainer = loop.create_task(self._drain(queue))
        return await future

    async def _drain(self, queue: _Queue[Item, Result]) -> None:
        group: list[tuple[Item, asyncio.Future[Result]]] = []
        try:
            while queue.waiting:
                group, queue.waiting = queue.waiting[: self._most], queue.waiting[self._most :]
                try:
                    # Not abandoned when the waiting requests are cancelled: a write that
                    # started is finished (and a phone that gave up sends it again, counted
                    # once).
                    results = await to_thread.run_sync(self._run, [item for item, _ in group])
                except Exception as exc:  # noqa: BLE001 - handed to every request of the group
                    for _, future in group:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(group, results, strict=True):
                    if not future.done():
                        future.set_result(result)
                group = []
        finally:
            for _, future in group + queue.waiting:  # only when the loop is shutting down
                future.cancel()
            queue.waiting = []
            queue.drainer = None
