r"""Staff health per organisation over time against targets: sickness absence, staff survey
health and wellbeing, staff who quit smoking, frontline flu vaccination (CQUIN 1c) and the
healthy-food checklist (CQUIN 1b).

A staff health series is a tidy table (:data:`STAFF_HEALTH_COLUMNS`): ``organisation``,
``period`` (a month, ``YYYY-MM``), ``metric`` (a code of ``staff_health_metrics.yaml``),
``numerator``, ``denominator`` and ``value`` (either the two counts or the value, or all).

Formulas
--------
- proportion metrics: :math:`100\,x/n` with Wilson score limits (Wilson 1927), or the value
  given when counts are absent;
- rate metrics: :math:`100\,x/n` (e.g. FTE days lost over FTE days available), no limits;
- count metrics: the number given;
- targets: ``target`` is a level; ``target_change`` is a change from the organisation's first
  figure of that metric (e.g. CQUIN 1a: 5 points), in the direction of the metric's polarity;
  ``met`` says whether the value is on the good side of the target.

Reference: NHS England, CQUIN 2016/17 and 2017-19 guidance, indicator 1 "Improving staff
health and wellbeing" (parts 1a-1c), as summarised in ``frameworks.md`` section 8.

>>> series = pd.DataFrame({"organisation": "rxa", "period": ["2023-12", "2024-12"],
...     "metric": "flu_vaccination_frontline", "numerator": [520, 700],
...     "denominator": [1000, 1000], "value": None})
>>> out = against_targets(series, policy=None)
>>> out[["period", "value", "target", "met"]].round(1).to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'period': '2023-12', 'value': 52.0, 'target': 75.0, 'met': False},
 {'period': '2024-12', 'value': 70.0, 'target': 75.0, 'met': False}]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError, Problem
from healthgap.measures.intervals import wilson_limits

__all__ = [
    "STAFF_HEALTH_COLUMNS",
    "StaffHealthMetrics",
    "against_targets",
    "healthy_food_checklist",
    "load_staff_health_metrics",
    "survey_improvement",
]

STAFF_HEALTH_COLUMNS = ("organisation", "period", "metric", "numerator", "denominator", "value")
_KINDS = ("proportion", "rate", "count")
_POLARITIES = ("high_is_good", "low_is_good")
_POLICY = DisclosurePolicy()
#: The three CQUIN 1a staff survey questions; two of them must improve.
SURVEY_METRICS = ("survey_positive_action", "survey_msk_from_work", "survey_work_stress")


@dataclass(frozen=True)
class StaffHealthMetrics:
    """The metric definitions (one row per metric) and the healthy-food checklist items."""

    metrics: pd.DataFrame
    checks: pd.DataFrame

    def codes(self) -> tuple[str, ...]:
        """Every code a series may use: metrics then checklist items."""
        return (*self.metrics["code"], *self.checks["code"])

    def kinds(self) -> dict[str, str]:
        """Code -> ``proportion``, ``rate``, ``count`` or ``check`` (a checklist item)."""
        return {
            **dict(zip(self.metrics["code"], self.metrics["kind"], strict=True)),
            **dict.fromkeys(self.checks["code"], "check"),
        }


def load_staff_health_metrics(path: str | os.PathLike[str] | None = None) -> StaffHealthMetrics:
    """Read metric definitions (the built-in file when ``path`` is None); InputError with rule
    ``bad_metrics`` for an unknown kind or polarity, a missing code or label, or a repeat."""
    if path is None:
        return _builtin()
    return _parse(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _builtin() -> StaffHealthMetrics:
    text = (resources.files("healthgap.engage") / "staff_health_metrics.yaml").read_text("utf-8")
    return _parse(text, "staff_health_metrics.yaml")


def _parse(text: str, source: str) -> StaffHealthMetrics:
    raw: Mapping[str, Any] = yaml.safe_load(text) or {}
    problems = []
    metrics = pd.DataFrame(raw.get("metrics") or [])
    checks = pd.DataFrame(raw.get("checks") or [], columns=["code", "label"])
    for column in ("code", "label", "kind", "polarity", "frequency"):
        if column not in metrics.columns:
            metrics[column] = None
    for column in ("target", "target_change"):
        metrics[column] = pd.to_numeric(metrics.get(column), errors="coerce")
    for i, row in metrics.iterrows():
        where = f"metric {i + 1} ({row['code']})"
        if not row["code"] or not row["label"]:
            problems.append(f"{where}: needs a code and a label")
        if row["kind"] not in _KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(_KINDS)}")
        if row["polarity"] not in _POLARITIES:
            problems.append(f"{where}: polarity must be one of {', '.join(_POLARITIES)}")
    codes = [*metrics["code"], *checks["code"]]
    problems += [
        f"code {c!r} appears twice" for c in sorted({c for c in codes if codes.count(c) > 1})
    ]
    if problems:
        raise InputError([Problem(source, None, None, "bad_metrics", p) for p in problems])
    return StaffHealthMetrics(metrics.reset_index(drop=True), checks.reset_index(drop=True))


def _values(series: pd.DataFrame, metrics: StaffHealthMetrics) -> pd.DataFrame:
    """The series with ``kind``, ``value`` computed from the counts where given, and limits."""
    data = series.merge(
        metrics.metrics[["code", "label", "kind", "polarity", "target", "target_change"]],
        left_on="metric",
        right_on="code",
        how="inner",
    ).drop(columns="code")
    x = pd.to_numeric(data["numerator"], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(data["denominator"], errors="coerce").to_numpy(dtype=float)
    given = pd.to_numeric(data["value"], errors="coerce").to_numpy(dtype=float)
    has_counts = np.isfinite(x) & np.isfinite(n) & (n > 0)
    is_count = (data["kind"] == "count").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        from_counts = np.where(is_count, x, 100 * x / n)
    data["value"] = np.where(has_counts | (is_count & np.isfinite(x)), from_counts, given)
    wilson = (data["kind"] == "proportion").to_numpy() & has_counts
    lower, upper = wilson_limits(np.where(wilson, x, 0), np.where(wilson, n, 1), 0.95)
    data["lowercl"] = np.where(wilson, 100 * lower, np.nan)
    data["uppercl"] = np.where(wilson, 100 * upper, np.nan)
    data["method"] = np.where(wilson, "Wilson", np.where(has_counts, "ratio", "as given"))
    return data


def against_targets(
    series: pd.DataFrame,
    *,
    metrics: StaffHealthMetrics | None = None,
    policy: DisclosurePolicy | None = _POLICY,
) -> pd.DataFrame:
    """Each figure of each metric (checklist items excluded) with its value, 95% limits where
    the metric is a proportion of people, the target and whether it is met.

    Returns ``organisation``, ``period``, ``metric``, ``label``, ``numerator``,
    ``denominator``, ``value``, ``lowercl``, ``uppercl``, ``target``, ``met`` (True / False /
    missing when there is no target or value), ``polarity``, ``confidence``, ``statistic``,
    ``method``, sorted by organisation, metric and period. Disclosure control applies to the
    counts of people (``proportion`` and ``count`` metrics), not to FTE days.
    """
    defs = metrics or load_staff_health_metrics()
    data = _values(series, defs).sort_values(["organisation", "metric", "period"], kind="stable")
    first = data.groupby(["organisation", "metric"])["value"].transform("first")
    relative_target = data["target"].isna() & data["target_change"].notna()
    sign = np.where(data["polarity"] == "high_is_good", 1.0, -1.0)
    data["target"] = data["target"].where(
        data["target"].notna(), first + sign * data["target_change"]
    )
    gap = sign * (data["value"] - data["target"])
    data["met"] = pd.array(np.where(gap.notna(), gap >= 0, None), dtype="boolean")
    data["confidence"] = "95%"
    data["statistic"] = np.where(data["kind"] == "count", "count", "percentage")
    columns = [
        "organisation",
        "period",
        "metric",
        "label",
        "numerator",
        "denominator",
        "value",
        "lowercl",
        "uppercl",
        "target",
        "met",
        "polarity",
        "confidence",
        "statistic",
        "method",
    ]
    data = data[columns + ["kind"]].reset_index(drop=True)
    relative_target = pd.Series(relative_target.to_numpy(), index=data.index)
    if policy is None:
        return data.drop(columns="kind").assign(disclosure_note="")
    parts, notes = [], []
    for kinds, counts, rate_count in (
        (["proportion"], ["numerator"], "numerator"),  # people out of people
        (["count"], ["numerator", "value"], None),  # the value is itself the count
    ):
        rows = data[data["kind"].isin(kinds)]
        controlled, notes = policy.for_columns(counts=counts, rate_count=rate_count).apply(rows)
        parts.append(controlled)
    parts.append(data[data["kind"] == "rate"].assign(disclosure_note=""))  # FTE days
    out = pd.concat(parts).sort_index().drop(columns="kind")
    # A withheld figure must not be told by its verdict, nor a withheld first figure by the
    # target counted from it (first + change): both become missing.
    withheld = out["value"].isna() & data["value"].notna()
    first_withheld = withheld.groupby([data["organisation"], data["metric"]]).transform("first")
    out.loc[relative_target & first_withheld, "target"] = np.nan
    out.loc[withheld | (relative_target & first_withheld), "met"] = pd.NA
    out["value_flag"] = out["value_flag"].fillna("") if "value_flag" in out else ""
    out.attrs["disclosure"] = " ".join(notes)
    return out


def healthy_food_checklist(
    series: pd.DataFrame, *, metrics: StaffHealthMetrics | None = None
) -> pd.DataFrame:
    """CQUIN 1b as a checklist: one row per organisation, period and item (``met`` True or
    False, the item's ``label``), plus per organisation and period ``items_met`` out of
    ``items`` and ``all_met``. Items not reported at a check are listed with ``met`` missing.
    """
    defs = metrics or load_staff_health_metrics()
    items = defs.checks.rename(columns={"code": "metric"})
    checks = series[series["metric"].isin(items["metric"])]
    visits = checks[["organisation", "period"]].drop_duplicates()
    grid = visits.merge(items, how="cross")
    out = grid.merge(
        checks[["organisation", "period", "metric", "value"]],
        how="left",
        on=["organisation", "period", "metric"],
    )
    value = pd.to_numeric(out["value"], errors="coerce")
    out["met"] = pd.array(np.where(value.notna(), value >= 1, None), dtype="boolean")
    out = out.drop(columns="value")
    per_visit = out.groupby(["organisation", "period"])["met"]
    out["items_met"] = per_visit.transform(lambda m: int(m.sum()))
    out["items"] = len(items)
    out["all_met"] = out["items_met"] == out["items"]
    return out.sort_values(["organisation", "period"], kind="stable").reset_index(drop=True)


def survey_improvement(
    series: pd.DataFrame, *, required: int = 2, metrics: StaffHealthMetrics | None = None
) -> pd.DataFrame:
    """CQUIN 1a: per organisation, the change in each of the three staff survey questions
    from its first to its latest survey, whether each reached its target change, and
    ``cquin_1a_met`` when at least ``required`` (two) of the three did."""
    defs = metrics or load_staff_health_metrics()
    data = against_targets(series[series["metric"].isin(SURVEY_METRICS)], metrics=defs, policy=None)
    ends = data.groupby(["organisation", "metric"]).agg(
        first_period=("period", "first"),
        last_period=("period", "last"),
        first_value=("value", "first"),
        last_value=("value", "last"),
        target=("target", "last"),
        met=("met", "last"),
    )
    ends["change"] = ends["last_value"] - ends["first_value"]
    ends = ends.reset_index()
    improved = ends.groupby("organisation")["met"].transform(lambda m: int(m.fillna(False).sum()))
    ends["questions_met"] = improved
    ends["cquin_1a_met"] = improved >= required
    return ends
