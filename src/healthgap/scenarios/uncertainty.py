r"""Monte Carlo uncertainty: parameter draws plus Poisson noise on baseline deaths.

Each parameter is drawn from its distribution by inverse CDF of a uniform stream keyed
by ``seed`` and ``"<intervention id>.<parameter>"``; baseline deaths of each group are
drawn as :math:`D^* \sim \mathrm{Poisson}(D)` from a stream keyed by the seed and the
draw index. So two scenarios run with the same seed share their random numbers
(common random numbers) and their difference is stable. Draws are processed in chunks
so memory stays bounded; a ``progress(done, total)`` callback reports each chunk (the
CLI passes a Rich progress bar; the core never imports Rich).

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

import numpy as np

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


def _baseline_noise(model: ScenarioModel, seed: int, start: int, n: int) -> np.ndarray:
    """Poisson draws of the groups' all-cause baseline deaths, one generator per draw."""
    D = model.group_deaths_.sum(-1)
    out = np.empty((*D.shape, n))
    for i in range(n):  # one stream per draw keeps draws identical whatever the chunking
        rng = np.random.default_rng([seed, 0xBA5E, start + i])
        out[..., i] = rng.poisson(D)
    return out


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
        Called as ``progress(done, total)`` after each chunk.

    Returns
    -------
    dict of str to numpy.ndarray
        The arrays of :class:`healthgap.scenarios.engine.Evaluation` with ``draws``
        along the last axis.
    """
    if draws < 1 or chunk_size < 1:
        raise InputError("draws and chunk_size must be at least 1", rule="bad_draws")
    items = model.resolve(scenario)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in _KEEP}
    done = 0
    while done < draws:
        n = min(chunk_size, draws - done)
        params = sample_parameters(items, seed, done, n)
        noise = _baseline_noise(model, seed, done, n) if baseline_noise else None
        result = model.evaluate(scenario, params, noise, items=items, detail=detail)
        for key in _KEEP:
            if key in result.arrays:
                parts[key].append(result.arrays[key])
        done += n
        if progress is not None:
            progress(done, draws)
    return {k: np.concatenate(v, axis=-1) for k, v in parts.items() if v}


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
