r"""Monte Carlo uncertainty: parameter draws plus Poisson noise on baseline deaths.

Each parameter is drawn from its distribution by inverse CDF of a uniform stream keyed
by ``seed`` and ``"<intervention id>.<parameter>"``; baseline deaths of each group are
drawn as :math:`D^* \sim \mathrm{Poisson}(D)` from a stream keyed by the seed and the
draw index. So two scenarios run with the same seed share their random numbers
(common random numbers) and their difference is stable. Draws are processed in chunks
so memory stays bounded, by an executor (:mod:`healthgap.compute`: in this process by
default, or on Dask workers); the streams are keyed by the draw index, finer than the
chunk, so the draws are the same whatever the chunk size and the number of workers. A
``progress(done, total)`` callback reports each chunk (the CLI passes a Rich progress bar;
the core never imports Rich).

Summaries are the median and the 2.5 and 97.5 percentiles; the probability that A beats
B is the share of draws in which A's gap reduction is larger.

Examples
--------
>>> import numpy as np
>>> summarise(np.arange(1001.0).reshape(1, 1001))["median"].tolist()
[500.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from healthgap.compute import Chunk, Executor, InProcessExecutor, map_ordered
from healthgap.errors import InputError
from healthgap.scenarios.allocate import Resolved
from healthgap.scenarios.engine import ScenarioModel
from healthgap.scenarios.parameters import stream_uniforms
from healthgap.scenarios.scenario import ScenarioSpec

__all__ = [
    "compare_scenarios",
    "monte_carlo",
    "probability_better",
    "sample_parameters",
    "summarise",
]

Progress = Callable[[int, int], None]
_KEEP = ("e0_base", "e0_new", "gap_base", "gap_new", "gap_reduction", "target_share",
         "dpp", "dpp_combined", "gap_reduction_alone", "e0_gain_alone")  # fmt: skip


def sample_parameters(
    items: Sequence[Resolved], seed: int, start: int, n: int
) -> list[dict[str, np.ndarray]]:
    """Draws ``start .. start+n-1`` of every parameter of every intervention."""
    return [
        {
            name: p.distribution.sample_uniforms(
                stream_uniforms(seed, f"{r.intervention.id}.{name}", n, start)
            )
            for name, p in r.parameters.items()
        }
        for r in items
    ]


def _baseline_noise(
    model: ScenarioModel, noise_key: Sequence[int], start: int, n: int
) -> np.ndarray:
    """Poisson draws of the groups' all-cause baseline deaths, one generator per draw."""
    D = model.group_deaths_.sum(-1)
    out = np.empty((*D.shape, n))
    for i in range(n):  # one stream per draw keeps draws identical whatever the chunking
        rng = np.random.default_rng([*noise_key, start + i])
        out[..., i] = rng.poisson(D)
    return out


@dataclass(frozen=True)
class _Run:
    """What every chunk of one Monte Carlo run needs (sent once to each worker)."""

    model: ScenarioModel
    scenario: ScenarioSpec
    items: list[Resolved]
    seed: int
    noise_key: tuple[int, ...] | None
    detail: bool
    noise: np.ndarray | None = None  # drawn beforehand for every draw (draw axis last)


def _draw_chunk(chunk: Chunk[tuple[int, int]], run: _Run) -> dict[str, np.ndarray]:
    """Evaluate draws ``start .. start+n-1`` (one chunk)."""
    start, n = chunk.item
    params = sample_parameters(run.items, run.seed, start, n)
    if run.noise is not None:
        noise = run.noise[..., start : start + n]
    elif run.noise_key is not None:
        noise = _baseline_noise(run.model, run.noise_key, start, n)
    else:
        noise = None
    result = run.model.evaluate(run.scenario, params, noise, items=run.items, detail=run.detail)
    return {key: result.arrays[key] for key in _KEEP if key in result.arrays}


def monte_carlo(
    model: ScenarioModel,
    scenario: ScenarioSpec,
    draws: int = 1000,
    seed: int = 1,
    *,
    chunk_size: int = 25,
    baseline_noise: bool = True,
    detail: bool = True,
    progress: Progress | None = None,
    executor: Executor | None = None,
    noise_key: Sequence[int] | None = None,
    noise: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Arrays of every output over ``draws`` draws (draw axis last).

    Parameters
    ----------
    model, scenario : ScenarioModel, ScenarioSpec
        A fitted model and the scenario to run on it.
    draws, seed : int
        Number of draws and the seed of the common random numbers.
    chunk_size : int
        Draws evaluated together (memory grows linearly with it).
    baseline_noise : bool
        Also draw baseline deaths from Poisson(D) (small-area sampling error).
    detail : bool
        Also return per-intervention gap reductions (``gap_reduction_alone``).
    progress : callable, optional
        Called as ``progress(draws done, draws)`` after each chunk.
    executor : Executor, optional
        Where the chunks run (default: in this process); see :mod:`healthgap.compute`.
    noise_key : sequence of int, optional
        Seeds the baseline noise (default ``(seed, 0xBA5E)``); give each area its own key
        for independent sampling errors while the parameter draws stay common to every
        area and scenario.
    noise : numpy.ndarray, optional
        Baseline deaths already drawn for every draw, shaped like the groups' all-cause
        deaths with the draws last (a scenario grid draws them once per area and shares
        them between its scenarios); used instead of drawing them from ``noise_key``.

    Returns
    -------
    dict of str to numpy.ndarray
        The arrays of :class:`healthgap.scenarios.engine.Evaluation` with ``draws``
        along the last axis.
    """
    if draws < 1 or chunk_size < 1:
        raise InputError("draws and chunk_size must be at least 1", rule="bad_draws")
    items = model.resolve(scenario)
    key = (seed, 0xBA5E) if noise_key is None else tuple(int(k) for k in noise_key)
    if noise is not None and noise.shape != (*model.group_deaths_.shape[:-1], draws):
        raise InputError(f"the baseline noise has shape {noise.shape}, not one draw of the "
                         "groups' deaths per draw", rule="bad_draws")  # fmt: skip
    run = _Run(model, scenario, items, seed, key if baseline_noise else None, detail,
               noise if baseline_noise else None)  # fmt: skip
    blocks = [(start, min(chunk_size, draws - start)) for start in range(0, draws, chunk_size)]

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(draws if done == total else min(done * chunk_size, draws), draws)

    parts = map_ordered(executor or InProcessExecutor(), _draw_chunk, blocks, seed=seed,
                        shared=run, progress=report)  # fmt: skip
    return {k: np.concatenate([p[k] for p in parts], axis=-1) for k in _KEEP if k in parts[0]}


def summarise(values: np.ndarray, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Median and equal-tailed interval over the last (draw) axis."""
    if not 0 < confidence < 1:
        raise InputError(f"confidence is a fraction such as 0.95, not {confidence}",
                         rule="bad_confidence")  # fmt: skip
    tail = (1 - confidence) / 2 * 100
    low, median, high = np.nanpercentile(values, [tail, 50.0, 100 - tail], axis=-1)
    return {"median": median, "lowercl": low, "uppercl": high}


def probability_better(a: np.ndarray, b: np.ndarray) -> float:
    """Share of draws in which ``a`` exceeds ``b`` (same draws: common random numbers)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise InputError("both runs need the same number of draws", rule="draws_mismatch")
    return float(np.mean(a > b))


def compare_scenarios(
    model: ScenarioModel,
    first: ScenarioSpec,
    second: ScenarioSpec,
    draws: int = 1000,
    seed: int = 1,
) -> dict[str, float]:
    """Probability that ``first`` closes each gap more than ``second`` (mean over gaps and
    sexes), with the median difference; both runs share their random numbers."""
    a = monte_carlo(model, first, draws, seed, detail=False)["gap_reduction"]
    b = monte_carlo(model, second, draws, seed, detail=False)["gap_reduction"]
    a, b = a.mean(axis=(0, 1)), b.mean(axis=(0, 1))
    return {
        "probability_first_better": probability_better(a, b),
        "median_difference": float(np.median(a - b)),
    }
