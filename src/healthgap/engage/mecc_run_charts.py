"""Run charts with the NHS "Making Data Count" rules: median, shifts, trends and runs.

A run chart plots a measure over time against its median. Four patterns suggest the process
changed rather than varied by chance; the first three are computed here (the fourth, an
"astronomical" point, is a judgement left to the reader):

- **shift**: six or more consecutive points all above or all below the median. Points on
  the median are skipped: they neither add to a shift nor break it.
- **trend**: five or more consecutive points each higher (or each lower) than the one
  before. A point equal to the one before is skipped: it neither adds nor breaks.
- **runs**: a run is a stretch of points on one side of the median (points on it skipped);
  too few or too many runs for the number of useful points suggests a non-random pattern.
  The limits come from the exact distribution of the number of runs given the points above
  and below the median (Swed & Eisenhart 1943; the Wald-Wolfowitz runs test), two-sided at
  ``runs_tail`` (5%: each tail at most 2.5%). Published tables (Perla et al. 2011) are built
  the same way for an even split and may differ from these by one run at some lengths. The
  test needs at least :data:`MIN_RUNS_POINTS` useful points.

References
----------
1. Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for learning from
   variation in healthcare processes. BMJ Qual Saf 2011;20:46-51.
2. NHS Improvement (now NHS England). Making Data Count: strengthening your decisions. 2019
   (run chart rules; statistical process control for longer series).
3. Swed FS, Eisenhart C. Tables for testing randomness of grouping in a sequence of
   alternatives. Ann Math Stat 1943;14:66-87.
4. Anhoej J, Olesen AV. Run charts revisited. PLoS One 2014;9:e113825 (the trend rule is
   weak at detecting drift; read trends with care).

>>> values = [10, 12, 9, 11, 10, 13, 9, 11, 12, 10, 14, 15, 16, 17, 18, 19]
>>> chart = run_chart(pd.DataFrame({"period": range(16), "value": values}))
>>> chart.summary[["median", "useful_points", "runs", "shifts", "trends"]].to_dict("records")
[{'median': 12.0, 'useful_points': 14, 'runs': 4, 'shifts': 1, 'trends': 1}]
>>> chart.points["shift"].to_numpy().nonzero()[0], chart.points["trend"].to_numpy().nonzero()[0]
(array([10, 11, 12, 13, 14, 15]), array([ 9, 10, 11, 12, 13, 14, 15]))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
import pandas as pd

from healthgap.errors import InputError

__all__ = ["MIN_RUNS_POINTS", "RULES", "RunChart", "run_chart", "runs_limits"]

#: Fewest useful points (not on the median) for the too-few/too-many runs rule.
MIN_RUNS_POINTS = 10

#: Each rule in a sentence, as shown beside the chart (our wording of refs 1-2).
RULES: dict[str, str] = {
    "shift": "Shift: six or more points in a row above, or below, the median "
    "(points on the median are skipped).",
    "trend": "Trend: five or more points in a row each rising, or each falling "
    "(a repeated value is skipped).",
    "runs": "Runs: too few or too many crossings of the median for the number of points "
    "(exact runs distribution, 5% two-sided).",
}


@dataclass(frozen=True)
class RunChart:
    """``points``: the series with ``median``, ``side`` (above / below / on), ``shift`` and
    ``trend`` flags and ``baseline`` (used for the median). ``summary``: per series the
    ``median``, ``points``, ``useful_points``, ``runs``, ``runs_lower`` / ``runs_upper``
    (expected range), ``runs_signal`` ("too few", "too many" or ""), and the number of
    ``shifts`` and ``trends`` found."""

    points: pd.DataFrame
    summary: pd.DataFrame


@lru_cache(maxsize=4096)
def _runs_distribution(above: int, below: int) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """P(R = r) for the number of runs R of ``above`` + ``below`` points in random order."""
    total = comb(above + below, above)
    values, probabilities = [], []
    for r in range(2, above + below + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways = comb(above - 1, k - 1) * comb(below - 1, k) + comb(above - 1, k) * comb(
                below - 1, k - 1
            )
        else:
            ways = 2 * comb(above - 1, k - 1) * comb(below - 1, k - 1)
        values.append(r)
        probabilities.append(ways / total)
    return tuple(values), tuple(probabilities)


def runs_limits(above: int, below: int, tail: float = 0.05) -> tuple[int, int]:
    """Fewest and most runs expected by chance: fewer than the first, or more than the
    second, is a signal (each tail holds at most ``tail / 2`` of the probability).

    >>> runs_limits(8, 8), runs_limits(5, 5)
    ((5, 13), (3, 9))
    """
    if above < 1 or below < 1:
        return 1, 1
    values, probabilities = _runs_distribution(above, below)
    cumulative = np.cumsum(probabilities)
    upper_tail = np.cumsum(probabilities[::-1])[::-1]
    lower = values[int(np.argmax(cumulative > tail / 2))]
    upper = values[len(values) - 1 - int(np.argmax(upper_tail[::-1] > tail / 2))]
    return int(lower), int(upper)


def _mark_spans(n: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Boolean mask of length ``n`` true on every position from each start to its end."""
    steps = np.zeros(n + 1, dtype=int)
    np.add.at(steps, starts, 1)
    np.add.at(steps, ends + 1, -1)
    return np.cumsum(steps[:-1]) > 0


def run_chart(
    series: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] = (),
    baseline_points: int | None = None,
    shift_length: int = 6,
    trend_length: int = 5,
    runs_tail: float = 0.05,
) -> RunChart:
    """Apply the run chart rules to each series (one per group of ``by``), in ``period`` order.

    ``baseline_points`` freezes the median on the first points of each series (Making Data
    Count advises a baseline of at least 10-12 points before judging a change); by default
    the median of all points is used. Missing values are left out of every rule.
    """
    missing = [c for c in (value, period, *by) if c not in series.columns]
    if missing:
        raise InputError(f"run chart: missing columns {', '.join(missing)}", rule="missing_column")
    keys = list(by)
    data = series.sort_values([*keys, period], kind="stable").reset_index(drop=True)
    values = pd.to_numeric(data[value], errors="coerce").astype(float)
    group = data.groupby(keys, sort=False).ngroup() if keys else pd.Series(0, index=data.index)
    position = group.groupby(group).cumcount()
    data["baseline"] = values.notna() & (
        position < baseline_points if baseline_points else pd.Series(True, index=data.index)
    )
    median = values.where(data["baseline"]).groupby(group).transform("median")
    data["median"] = median
    sign = np.sign(values - median)
    data["side"] = np.select([sign > 0, sign < 0], ["above", "below"], "on")
    useful = (sign != 0) & values.notna()
    data.loc[values.isna(), "side"] = ""

    # Shifts: runs of useful points on one side, long enough.
    u_group, u_sign = group[useful], sign[useful]
    run_id = ((u_sign != u_sign.shift()) | (u_group != u_group.shift())).cumsum()
    run_length = run_id.map(run_id.value_counts())
    data["shift"] = False
    data.loc[run_length.index, "shift"] = (run_length >= shift_length).to_numpy()

    # Trends: consecutive rises (or falls) among points that differ from the one before.
    present = values.notna()
    p_values, p_group = values[present], group[present]
    kept = ~((p_values == p_values.shift()) & (p_group == p_group.shift()))
    k_values, k_group = p_values[kept], p_group[kept]
    step = np.sign(k_values.diff()).where(k_group == k_group.shift(), 0).fillna(0)
    moving = step != 0
    step_id = ((step != step.shift()) | ~moving).cumsum()
    step_length = step_id.map(step_id[moving].value_counts()).fillna(0)
    order = np.arange(len(k_values))
    is_end = moving & (step_id != step_id.shift(-1)) & (step_length + 1 >= trend_length)
    ends = order[is_end.to_numpy()]
    starts = ends - step_length[is_end].to_numpy(dtype=int)
    original = k_values.index.to_numpy()
    data["trend"] = _mark_spans(len(data), original[starts], original[ends])

    long_runs = u_group.groupby(run_id).first()[run_id.value_counts().sort_index() >= shift_length]
    counts = pd.DataFrame(
        {
            "shifts": long_runs.value_counts(),
            "trends": k_group[is_end].value_counts(),
        }
    )
    summary = _summarise(data, keys, group, useful, run_id, sign, counts, runs_tail)
    return RunChart(data, summary)


def _summarise(
    data: pd.DataFrame,
    keys: list[str],
    group: pd.Series,
    useful: pd.Series,
    run_id: pd.Series,
    sign: pd.Series,
    counts: pd.DataFrame,
    runs_tail: float,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "group": group,
            "useful": useful,
            "above": useful & (sign > 0),
            "below": useful & (sign < 0),
            "median": data["median"],
        }
    )
    out = frame.groupby("group").agg(
        median=("median", "first"),
        points=("useful", "size"),
        useful_points=("useful", "sum"),
        above=("above", "sum"),
        below=("below", "sum"),
    )
    out = out.join(counts).fillna({"shifts": 0, "trends": 0})
    out["runs"] = run_id.groupby(group[useful]).nunique().reindex(out.index).fillna(0)
    pairs = {
        pair: runs_limits(*pair, tail=runs_tail)
        for pair in zip(out["above"], out["below"], strict=True)
    }
    limits = [pairs[pair] for pair in zip(out["above"], out["below"], strict=True)]
    out["runs_lower"] = [low for low, _ in limits]
    out["runs_upper"] = [high for _, high in limits]
    enough = out["useful_points"] >= MIN_RUNS_POINTS
    out["runs_signal"] = np.select(
        [enough & (out["runs"] < out["runs_lower"]), enough & (out["runs"] > out["runs_upper"])],
        ["too few", "too many"],
        "",
    )
    out[["runs_lower", "runs_upper"]] = out[["runs_lower", "runs_upper"]].astype(float)
    out.loc[~enough, ["runs_lower", "runs_upper"]] = np.nan
    out = out.astype({"runs": int, "shifts": int, "trends": int, "useful_points": int})
    if keys:
        labels = data[keys].groupby(group).first()
        out = labels.join(out)
    return out.drop(columns=["above", "below"]).reset_index(drop=True)
