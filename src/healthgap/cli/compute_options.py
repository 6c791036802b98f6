"""Options every heavy command shares: where the work runs, and its progress bar.

``--workers N`` starts a local Dask cluster of N processes, ``--scheduler tcp://host:8786``
(or the ``HEALTHGAP_SCHEDULER`` setting) uses a running one; neither runs in this process.
The bar moves as workers report finished chunks back (see :mod:`healthgap.compute`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from healthgap.analyses import Executor, open_executor
from healthgap.cli import console

__all__ = ["Scheduler", "Timeout", "Workers", "executor_and_bar"]

Workers = Annotated[
    int,
    typer.Option(
        "--workers",
        help="Run on a local Dask cluster of this many worker processes (0: this process).",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: the HEALTHGAP_SCHEDULER setting, if any).",
    ),
]
Timeout = Annotated[
    float,
    typer.Option("--timeout", help="Seconds to wait for the scheduler before giving up."),
]


@contextmanager
def executor_and_bar(
    workers: int, scheduler: str | None, timeout: float, description: str, total: int
) -> Iterator[tuple[Executor, Callable[[int, int], None]]]:
    """The executor asked for, and a progress callback drawing a Rich bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with open_executor(workers or None, scheduler, timeout=timeout) as executor:
        if executor.workers > 1 or executor.name != "in-process":
            console.print(f"running on {executor.describe()}")
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(description, total=max(total, 1))

            def advance(done: int, all_steps: int) -> None:
                bar.update(task, completed=done, total=max(all_steps, 1))

            yield executor, advance
