"""The executor: seeds from the run seed and the chunk index, the same results whatever the
number of workers, progress from the workers, resumable skips, clear errors."""

from __future__ import annotations

import os
import socket
import sys
import time
import warnings

import numpy as np
import pytest

from healthgap.compute import InProcessExecutor, chunk_seed, map_ordered, open_executor
from healthgap.compute.executor import Chunk
from healthgap.errors import ComputeError, InputError, SmallNumbersWarning


def noisy_sum(chunk: Chunk[int], scale: float) -> np.ndarray:
    """A chunk that draws fresh random numbers from its own seed."""
    rng = np.random.default_rng(chunk.seed)
    return scale * chunk.item + rng.normal(size=4)


def refuse_three(chunk: Chunk[int], _shared: None) -> int:
    if chunk.item == 3:
        raise InputError("three is not allowed", rule="no_three")
    return chunk.item


def warn_small(chunk: Chunk[int], _shared: None) -> int:
    warnings.warn(f"chunk {chunk.index} rests on few deaths", SmallNumbersWarning, stacklevel=1)
    return chunk.item


def test_chunk_seed_is_the_spawned_child() -> None:
    children = np.random.SeedSequence(42).spawn(5)
    for i, child in enumerate(children):
        assert (chunk_seed(42, i).generate_state(4) == child.generate_state(4)).all()


def test_in_process_progress_and_skip() -> None:
    seen: list[tuple[int, int]] = []
    executor = InProcessExecutor()
    run = executor.map_chunks(
        noisy_sum, list(range(6)), seed=3, shared=1.0, progress=lambda *a: seen.append(a),
        skip={1, 4},
    )  # fmt: skip
    done = {c.index: r for c, r in run}
    assert sorted(done) == [0, 2, 3, 5]
    assert seen == [(2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]
    full = map_ordered(executor, noisy_sum, list(range(6)), seed=3, shared=1.0)
    for index, result in done.items():  # a resumed chunk gives what a full run gives
        assert np.array_equal(result, full[index])


def test_one_and_three_workers_give_the_same_bytes(one_worker, three_workers) -> None:  # noqa: ANN001
    items = list(range(23))
    here = np.stack(map_ordered(InProcessExecutor(), noisy_sum, items, seed=9, shared=2.0))
    progress: list[int] = []
    one = np.stack(map_ordered(one_worker, noisy_sum, items, seed=9, shared=2.0))
    three = np.stack(
        map_ordered(three_workers, noisy_sum, items, seed=9, shared=2.0,
                    progress=lambda d, _t: progress.append(d))
    )  # fmt: skip
    assert here.tobytes() == one.tobytes() == three.tobytes()
    assert progress[0] == 0 and progress[-1] == 23 and progress == sorted(progress)
    other_seed = np.stack(map_ordered(three_workers, noisy_sum, items, seed=10, shared=2.0))
    assert not np.array_equal(three, other_seed)


def test_a_worker_error_is_the_users_error(three_workers) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="three is not allowed"):
        map_ordered(three_workers, refuse_three, list(range(8)))


def test_worker_warnings_come_back(three_workers) -> None:  # noqa: ANN001
    with pytest.warns(SmallNumbersWarning, match="rests on few deaths"):
        assert map_ordered(three_workers, warn_small, [5, 6]) == [5, 6]


def test_unreachable_scheduler_fails_fast_and_clearly() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ComputeError, match=rf"tcp://127.0.0.1:{port} within 1 s"):
        open_executor(scheduler=f"127.0.0.1:{port}", timeout=1)
    assert time.monotonic() - started < 10


def test_bad_options() -> None:
    with pytest.raises(InputError, match="not both"):
        open_executor(workers=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(InputError, match="0 or more"):
        open_executor(workers=-1)


def test_importing_healthgap_does_not_import_dask() -> None:
    import subprocess

    code = (
        "import sys, healthgap, healthgap.compute, healthgap.scenarios, healthgap.analyses;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_segmentation_stability_is_the_same_on_workers(three_workers) -> None:  # noqa: ANN001
    import pandas as pd

    from healthgap.insight import SmallAreaSegmenter

    rng = np.random.default_rng(0)
    centres = np.repeat([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]], 60, axis=0)
    X = pd.DataFrame(centres + rng.normal(size=(180, 2)), columns=["a", "b"],
                     index=[f"E01{i:06d}" for i in range(180)])  # fmt: skip
    here = SmallAreaSegmenter(candidates=(2, 3, 4), n_bootstrap=6, random_state=3).fit(X)
    there = SmallAreaSegmenter(candidates=(2, 3, 4), n_bootstrap=6, random_state=3).fit(
        X, executor=three_workers
    )
    pd.testing.assert_frame_equal(here.selection_, there.selection_)
    assert here.labels_.equals(there.labels_)


def test_local_workers_keep_glibcs_memory_defaults(three_workers) -> None:  # noqa: ANN001
    """Dask's MALLOC_TRIM_THRESHOLD_ made every grid chunk 3.5 times slower on a worker."""
    found = three_workers.client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
    assert len(found) == 3 and set(found.values()) == {None}
    assert set(three_workers.client.run(os.environ.get, "OMP_NUM_THREADS").values()) == {"1"}
