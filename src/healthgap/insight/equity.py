r"""Service equity audit: who uses a service against who needs it, for every grouping.

For each grouping (deprivation quintile and decile, ethnic group at 2021 detailed and
high-level categories, age band, sex, and any other column of the activity file) and each
category :math:`g` with activity :math:`O_g` and need :math:`N_g` (summed over areas and
other groups):

* **uptake** :math:`u_g = O_g / N_g \times` ``multiplier``, with Poisson limits on
  :math:`O_g` (exact below 10, Byar's above; :func:`healthgap.measures.crude_rate`);
* **ratio to the reference group** :math:`R_g = u_g / u_r` with exact conditional limits:
  given :math:`T = O_g + O_r`, :math:`O_g \sim \text{Bin}(T, \pi)` with
  :math:`\pi = R N_g / (R N_g + N_r)`, so the Clopper-Pearson limits
  :math:`\pi_{L,U}` of :math:`O_g / T` give :math:`R_{L,U} = \frac{\pi_{L,U}}{1 - \pi_{L,U}}
  \frac{N_r}{N_g}` (Breslow & Day 1987, section 2.3);
* **missing** ("missing thousands") :math:`M_g = E_g - O_g` with :math:`E_g = N_g b`, the
  activity expected at the benchmark uptake :math:`b` (the reference group's, the overall,
  or a target); its limits use the Poisson limits of :math:`O_g` and treat :math:`b` as
  fixed;
* **under-use**: :math:`R_g` below ``materiality`` (default 0.9) *and* its 99.8% upper
  limit below 1, so that a group is flagged only for a difference both clear and material;
* the **slope index of inequality** of uptake across deprivation deciles
  (:func:`healthgap.measures.slope_index_of_inequality`, need as the weights);
* a **funnel plot** of areas: observed against expected at the overall (or target)
  uptake, with 95% and 99.8% limits (:mod:`healthgap.insight.funnel`).

The default reference is the least deprived category for deprivation groupings (the
usual gradient comparison) and, for every other grouping, ``"rest"``: each category against
all the others together, so that no category is picked arbitrarily as the yardstick (a
reference that was itself under-served would hide the finding). Any category can be named
instead, e.g. ``reference={"ethnic_group_high_level": "White"}``.

References
----------
1. Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol II*. IARC, 1987.
2. Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case
   of the binomial. Biometrika 1934;26:404-413.
3. NHS England. Health equity audit guide for screening providers and commissioners, for
   the practice of comparing uptake by group against the eligible population.

>>> import pandas as pd
>>> need = pd.DataFrame({"area_code": ["E01000001"] * 2 + ["E01000002"] * 2,
...                      "sex": ["female", "male"] * 2, "need": [1000, 1000, 800, 900]})
>>> activity = need.assign(activity=[500, 300, 420, 260]).drop(columns="need")
>>> audit = equity_audit(activity, need, reference={"sex": "female"})
>>> audit.ratios[["category", "value", "under_use"]].round(2).to_dict("list")
{'category': ['female', 'male'], 'value': [1.0, 0.58], 'under_use': [False, True]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.errors import InputError, Problem
from healthgap.insight.equity_input import audit_cells, grouping_columns
from healthgap.insight.funnel import funnel_limits, funnel_points
from healthgap.measures.intervals import confidence_labels, poisson_limits
from healthgap.measures.rates import crude_rate
from healthgap.measures.sii import slope_index_of_inequality

__all__ = ["EquityAudit", "equity_audit"]

LEVELS = (0.95, 0.998)
#: Reference meaning "every other category of the grouping together".
REST = "rest"
_DEPRIVATION = ("deprivation_decile", "deprivation_quintile")


@dataclass(frozen=True)
class EquityAudit:
    """Results of :func:`equity_audit` (tidy tables, one row per grouping and category)."""

    uptake: pd.DataFrame
    ratios: pd.DataFrame
    missing: pd.DataFrame
    sii: pd.DataFrame
    funnel: pd.DataFrame
    funnel_limits: pd.DataFrame
    summary: pd.DataFrame
    benchmark: str

    def findings(self) -> pd.DataFrame:
        """The groups flagged for under-use, with their uptake and missing activity."""
        flagged = self.ratios[self.ratios["under_use"]]
        keys = ["grouping", "category"]
        extra = self.missing[[*keys, "expected", "value"]].rename(columns={"value": "missing"})
        return flagged.merge(extra, on=keys, how="left").reset_index(drop=True)


def _ratio_limits(O_g, N_g, O_r, N_r, level):
    """Exact conditional (Clopper-Pearson) limits of the ratio of two Poisson rates."""
    T = O_g + O_r
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(O_g > 0, stats.beta.ppf(alpha / 2, O_g, T - O_g + 1), 0.0)
        high = np.where(O_g < T, stats.beta.ppf(1 - alpha / 2, O_g + 1, T - O_g), 1.0)
        scale = N_r / N_g
        return low / (1 - low) * scale, np.where(high < 1, high / (1 - high) * scale, np.inf)


def _reference(grouping: str, table: pd.DataFrame, chosen: Mapping[str, object]) -> str:
    if grouping in chosen:
        return str(chosen[grouping])
    if grouping in _DEPRIVATION:
        return str(table["category"].astype(int).max())
    return REST


def _compare(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.select([high < 1, low > 1], ["lower", "higher"], default="similar").astype(object)


def _by_grouping(cells, groupings, multiplier, source):
    pieces = []
    for grouping in groupings:  # a handful of groupings, not areas
        summed = cells.groupby(grouping, observed=True, as_index=False)[["activity", "need"]].sum()
        summed = summed.rename(columns={grouping: "category"})
        summed["category"] = summed["category"].astype(str)
        summed.insert(0, "grouping", grouping)
        pieces.append(summed)
    table = pd.concat(pieces, ignore_index=True)
    no_need = (table["need"] <= 0) & (table["activity"] > 0)
    if no_need.any():
        raise InputError(
            [
                Problem(
                    source,
                    None,
                    g,
                    "activity_without_need",
                    f"{c!r} has activity but no need; check the need file",
                )
                for g, c in table.loc[no_need, ["grouping", "category"]].itertuples(index=False)
            ]
        )
    table = table[table["need"] > 0].reset_index(drop=True)
    uptake = crude_rate(
        table,
        keys=["grouping", "category"],
        count="activity",
        population="need",
        multiplier=multiplier,
        confidence=LEVELS,
    )
    total = uptake.groupby("grouping")[["activity", "need"]].transform("sum")
    uptake.insert(4, "share_of_need", uptake["need"] / total["need"])
    uptake.insert(5, "share_of_activity", uptake["activity"] / total["activity"])
    uptake["statistic"] = f"uptake per {multiplier:g} in need"
    return uptake


def _ratios(uptake, groupings, reference, materiality, source):
    problems, rows = [], []
    for grouping in groupings:
        table = uptake[uptake["grouping"] == grouping]
        ref = _reference(grouping, table, reference)
        if ref != REST and ref not in set(table["category"]):
            problems.append(
                Problem(
                    source,
                    None,
                    grouping,
                    "unknown_reference",
                    f"reference {ref!r} is not a category of {grouping}",
                )
            )
            continue
        out = table[["grouping", "category", "activity", "need"]].copy()
        out["reference"] = ref
        O_g, N_g = out["activity"].to_numpy(float), out["need"].to_numpy(float)
        if ref == REST:  # each category against all the others together
            O_r, N_r = O_g.sum() - O_g, N_g.sum() - N_g
        else:
            base = table[table["category"] == ref].iloc[0]
            O_r, N_r = float(base["activity"]), float(base["need"])
        out["reference_activity"], out["reference_need"] = O_r, N_r
        with np.errstate(divide="ignore", invalid="ignore"):
            out["value"] = (O_g / N_g) / (O_r / N_r)
        for level in LEVELS:
            low, high = _ratio_limits(O_g, N_g, O_r, N_r, level)
            tag = f"{level * 100:.1f}".replace(".", "_")
            is_ref = (out["category"] == ref).to_numpy()
            out[f"lower{tag}cl"] = np.where(is_ref, np.nan, low)
            out[f"upper{tag}cl"] = np.where(is_ref, np.nan, high)
            out[f"compared_{tag}"] = np.where(is_ref, "reference", _compare(low, high))
        rows.append(out)
    if problems:
        raise InputError(problems)
    ratios = pd.concat(rows, ignore_index=True)
    ratios["under_use"] = (ratios["value"] < materiality) & (ratios["upper99_8cl"] < 1)
    ratios["confidence"] = confidence_labels(LEVELS)
    ratios["statistic"] = "ratio of uptake to the reference group's"
    ratios["method"] = "exact conditional binomial (Clopper-Pearson)"
    return ratios


def _missing(uptake, ratios, benchmark, multiplier):
    out = uptake[["grouping", "category", "activity", "need"]].copy()
    if benchmark == "reference":
        refs = out[["grouping", "category"]].merge(
            ratios[["grouping", "category", "reference_activity", "reference_need"]],
            on=["grouping", "category"],
            how="left",
        )
        rate = pd.Series(
            (refs["reference_activity"] / refs["reference_need"]).to_numpy(), index=out.index
        )
        label = "the reference group's uptake (everyone else's, where the reference is the rest)"
    elif benchmark == "overall":
        sums = out.groupby("grouping")[["activity", "need"]].transform("sum")
        rate = sums["activity"] / sums["need"]
        label = "the overall uptake"
    else:
        rate = pd.Series(float(benchmark), index=out.index)
        label = f"a target uptake of {float(benchmark) * multiplier:g} per {multiplier:g} in need"
    out["expected"] = out["need"] * rate
    seen = out["activity"].to_numpy(float)
    low, high = poisson_limits(seen, LEVELS[0])
    out["value"] = out["expected"] - seen
    out["lowercl"] = out["expected"] - high
    out["uppercl"] = out["expected"] - low
    out["confidence"] = confidence_labels(LEVELS[:1])
    out["statistic"] = f"activity missing: expected at {label} minus seen"
    out["method"] = "Poisson limits of the activity seen; benchmark taken as fixed"
    return out, label


def _sii(cells, multiplier, repetitions, seed):
    if "deprivation_decile" not in cells.columns:
        return pd.DataFrame()
    by = cells.groupby("deprivation_decile", as_index=False)[["activity", "need"]].sum()
    by = by[by["need"] > 0]
    if len(by) < 5 or (by["activity"] <= 0).any():
        return pd.DataFrame(
            {
                "measure": ["sii"],
                "value": [np.nan],
                "reason": ["not calculated: fewer than 5 deciles with activity"],
            }
        )
    rates = crude_rate(
        by, keys=["deprivation_decile"], count="activity", population="need", multiplier=multiplier
    )
    return slope_index_of_inequality(
        rates,
        keys=(),
        quantile="deprivation_decile",
        population="need",
        value="value",
        lowercl="lowercl",
        uppercl="uppercl",
        value_type="rate",
        confidence=LEVELS,
        repetitions=repetitions,
        seed=seed,
    )


def equity_audit(
    activity: pd.DataFrame,
    need: pd.DataFrame,
    *,
    area: str = "area_code",
    groupings: Sequence[str] | None = None,
    reference: Mapping[str, object] | None = None,
    benchmark: str | float = "reference",
    deprivation_decile: pd.Series | None = None,
    multiplier: float = 100,
    materiality: float = 0.9,
    sii_repetitions: int = 10_000,
    seed: int = 1,
    activity_source: str = "activity",
    need_source: str = "need",
) -> EquityAudit:
    """Audit a service's activity against need, for every grouping.

    Parameters
    ----------
    activity, need : DataFrame
        See :func:`~healthgap.insight.equity_input.audit_cells`.
    groupings : sequence of str, optional
        Columns to audit; default every group column (with deprivation and high-level
        ethnic group columns added).
    reference : mapping, optional
        Reference category per grouping, e.g. ``{"sex": "female"}``, or ``"rest"`` (each
        category against all the others; the default except for deprivation).
    benchmark : "reference", "overall" or float
        Uptake at which activity is "expected" for the missing counts: the reference
        group's (default), the overall, or a target per unit of need (e.g. 1.0 when need
        is expected cases). The funnel uses the overall uptake unless a number is given.
    deprivation_decile : Series, optional
        Decile of each area (1 = most deprived): adds deprivation groupings and the SII.
    multiplier : float
        Scale of uptake (100: per 100 in need).
    materiality : float
        Ratio below which a clear difference counts as under-use.

    Returns
    -------
    EquityAudit
    """
    if not (benchmark in ("reference", "overall") or isinstance(benchmark, int | float)):
        raise InputError(
            "benchmark must be 'reference', 'overall' or a number", rule="bad_benchmark"
        )
    cells = audit_cells(
        activity,
        need,
        area=area,
        deprivation_decile=deprivation_decile,
        activity_source=activity_source,
        need_source=need_source,
    )
    available = grouping_columns(cells, area)
    chosen = list(groupings) if groupings is not None else available
    unknown = [g for g in chosen if g not in available]
    if unknown:
        raise InputError(
            [
                Problem(
                    activity_source,
                    None,
                    g,
                    "unknown_grouping",
                    f"no column {g!r} to group by (have: {', '.join(available)})",
                )
                for g in unknown
            ]
        )
    reference = dict(reference or {})
    uptake = _by_grouping(cells, chosen, multiplier, need_source)
    ratios = _ratios(uptake, chosen, reference, materiality, activity_source)
    missing, label = _missing(uptake, ratios, benchmark, multiplier)

    areas = cells.groupby(area, as_index=False, observed=True)[["activity", "need"]].sum()
    areas[area] = areas[area].astype(str)
    rate = (
        float(benchmark)
        if isinstance(benchmark, int | float)
        else areas["activity"].sum() / areas["need"].sum()
    )
    areas["expected"] = areas["need"] * rate
    funnel = funnel_points(areas.rename(columns={"activity": "observed"}))
    summary = (
        missing.assign(positive=missing["value"].clip(lower=0))
        .groupby("grouping", sort=False)
        .agg(
            activity=("activity", "sum"),
            expected=("expected", "sum"),
            missing_total=("positive", "sum"),
        )
        .reset_index()
    )
    flagged = ratios[ratios["under_use"]].groupby("grouping")["category"].agg("; ".join)
    summary["reference"] = summary["grouping"].map(ratios.groupby("grouping")["reference"].first())
    summary["under_used"] = [str(flagged.get(g, "")) for g in summary["grouping"]]
    return EquityAudit(
        uptake=uptake,
        ratios=ratios,
        missing=missing,
        sii=_sii(cells, multiplier, sii_repetitions, seed),
        funnel=funnel,
        funnel_limits=funnel_limits(funnel["expected"]),
        summary=summary,
        benchmark=label,
    )
