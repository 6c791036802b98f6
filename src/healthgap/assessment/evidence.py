"""The data shown beside a rating: evidence rows built from healthgap's own results.

Each indicator an item links to (:mod:`healthgap.assessment.indicators`) is read from the
tidy table the core already produces for the place assessed, gathered in :class:`AreaData`:

- ``life_expectancy``: :func:`healthgap.measures.life_expectancy` rows (age 0);
- ``comparator_gap``: :func:`healthgap.measures.compare` rows on life expectancy (the
  ``difference`` and its limits, with the benchmark label);
- ``deprivation_gap``: :func:`healthgap.measures.deprivation_gap` rows (age 0);
- ``gap_contributions``: :func:`healthgap.decomposition.decompose_gap` rows, summed to the
  largest causes and the largest age bands (``top`` of each, default 3);
- ``intervention_volumes``: ``ScenarioResult.tables`` of a plan: planned units a year per
  intervention, the share :math:`s` of the gap-reduction target the plan reaches, and the
  units needed at the same mix under linear scaling, :math:`u / s`. Linear scaling is an
  approximation (effects add up less than linearly at large volumes): run the plan at those
  volumes to check.

Every evidence table has the columns :data:`EVIDENCE_COLUMNS`; an indicator whose table is
missing gives one row with no value and ``available = False``, so a panel can say "no
data" instead of showing nothing.

>>> import pandas as pd
>>> le = pd.DataFrame({"area_code": ["E06000001"] * 2, "sex": ["male", "female"],
...                    "period": "2022-24", "age_start": 0, "value": [76.2, 80.4],
...                    "lowercl": [75.6, 79.8], "uppercl": [76.8, 81.0]})
>>> rows = indicator_evidence("life_expectancy", AreaData("E06000001", life_expectancy=le))
>>> rows[["sex", "value", "unit", "available"]].values.tolist()
[['male', 76.2, 'years', True], ['female', 80.4, 'years', True]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from healthgap.assessment.indicators import INDICATORS
from healthgap.assessment.model import FrameworkVersion, Item
from healthgap.errors import InputError, Problem

__all__ = [
    "EVIDENCE_COLUMNS",
    "TARGET_SHARE",
    "AreaData",
    "evidence_table",
    "indicator_evidence",
    "tool_a_data_steps",
]

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "indicator_label",
    "sex",
    "period",
    "statistic",
    "detail",
    "value",
    "lowercl",
    "uppercl",
    "confidence",
    "unit",
    "note",
    "method",
    "source",
    "available",
)
#: Statistic naming the share of the plan's gap-reduction target reached.
TARGET_SHARE = "share of the gap-reduction target reached"
LINEAR_METHOD = "planned units divided by the share of the target reached (linear scaling)"


@dataclass(frozen=True, eq=False)
class AreaData:
    """The results of one place that items link to; any table may be missing."""

    area_code: str
    life_expectancy: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    deprivation_gap: pd.DataFrame | None = None
    decomposition: pd.DataFrame | None = None
    plan: Mapping[str, pd.DataFrame] | None = field(default=None)
    synthetic: bool = False


def _need(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            [
                Problem(name, None, c, "missing_column", f"the {name} table needs a column {c!r}")
                for c in missing
            ]
        )


def _at_birth(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["age_start"] == 0] if "age_start" in frame.columns else frame


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="object")
    return frame[column].astype("object").where(frame[column].notna(), "").astype(str)


def _rows(frame: pd.DataFrame, **columns: object) -> pd.DataFrame:
    """Evidence rows from ``frame`` with the given columns (others empty)."""
    out = pd.DataFrame(index=frame.index)
    for name in EVIDENCE_COLUMNS[:-1]:
        out[name] = columns.get(name, np.nan if name in ("value", "lowercl", "uppercl") else "")
    out["available"] = columns.get("available", out["value"].notna())
    return out.reset_index(drop=True)


def _life_expectancy(data: AreaData) -> pd.DataFrame:
    le = data.life_expectancy
    _need(le, ("area_code", "sex", "period", "value"), "life_expectancy")
    rows = _at_birth(le[le["area_code"].astype(str) == data.area_code])
    return _rows(
        rows,
        sex=_text(rows, "sex"),
        period=_text(rows, "period"),
        statistic="life expectancy at birth",
        value=rows["value"].astype(float),
        lowercl=rows.get("lowercl", np.nan),
        uppercl=rows.get("uppercl", np.nan),
        confidence=_text(rows, "confidence"),
        unit="years",
        note=_text(rows, "suppression_note"),
        method=_text(rows, "method"),
    )


def _comparator_gap(data: AreaData) -> pd.DataFrame:
    cmp = data.comparison
    _need(cmp, ("area_code", "sex", "period", "difference", "comparator_value"), "comparison")
    rows = _at_birth(cmp[cmp["area_code"].astype(str) == data.area_code])
    detail = (
        "area "
        + rows["value"].map("{:.1f}".format)
        + " against "
        + rows["comparator_value"].map("{:.1f}".format)
    )
    return _rows(
        rows,
        sex=_text(rows, "sex"),
        period=_text(rows, "period"),
        statistic="difference from the comparator",
        detail=detail,
        value=rows["difference"].astype(float),
        lowercl=rows.get("difference_lowercl", np.nan),
        uppercl=rows.get("difference_uppercl", np.nan),
        confidence=_text(rows, "confidence"),
        unit="years",
        note=_text(rows, "benchmark_label"),
        method=_text(rows, "benchmark_method"),
    )


def _deprivation_gap(data: AreaData) -> pd.DataFrame:
    gap = data.deprivation_gap
    _need(gap, ("sex", "period", "value"), "deprivation_gap")
    rows = _at_birth(gap)
    detail = pd.Series("", index=rows.index, dtype="object")
    if {"most_deprived_value", "least_deprived_value"} <= set(rows.columns):
        detail = (
            "most deprived "
            + rows["most_deprived_value"].map("{:.1f}".format)
            + ", least deprived "
            + rows["least_deprived_value"].map("{:.1f}".format)
        )
    return _rows(
        rows,
        sex=_text(rows, "sex"),
        period=_text(rows, "period"),
        statistic=_text(rows, "statistic"),
        detail=detail,
        value=rows["value"].astype(float),
        lowercl=rows.get("lowercl", np.nan),
        uppercl=rows.get("uppercl", np.nan),
        confidence=_text(rows, "confidence"),
        unit="years",
        note=_text(rows, "suppression_note"),
        method=_text(rows, "method"),
    )


def _largest(parts: pd.DataFrame, by: str, top: int, keys: list[str]) -> pd.DataFrame:
    summed = parts.groupby([*keys, by], observed=True, as_index=False).agg(
        contribution=("contribution", "sum"), gap=("gap", "first")
    )
    summed = summed.sort_values([*keys, "contribution"], ascending=[True] * len(keys) + [False])
    return summed.groupby(keys, observed=True).head(top)


def _gap_contributions(data: AreaData, top: int = 3) -> pd.DataFrame:
    parts = data.decomposition
    _need(parts, ("sex", "period", "age_band", "cause", "contribution", "gap"), "decomposition")
    keys = [
        k for k in ("base_area_code", "comparator_area_code", "sex", "period") if k in parts.columns
    ]
    out = []
    for by, word in (("cause", "cause"), ("age_band", "age band")):
        rows = _largest(parts, by, top, keys)
        share = rows["contribution"] / rows["gap"]
        # the pair compared is named once beside the panel, not by its codes in every row
        note = (
            share.map("{:.0%}".format) + " of the " + rows["gap"].map("{:.2f}".format) + "-year gap"
        )
        out.append(
            _rows(
                rows,
                sex=_text(rows, "sex"),
                period=_text(rows, "period"),
                statistic=f"contribution to the gap, largest by {word}",
                detail=rows[by].astype(str),
                value=rows["contribution"].astype(float),
                unit="years",
                note=note,
                method=_text(parts.head(1), "method").iloc[0] if len(parts) else "",
            )
        )
    return pd.concat(out, ignore_index=True)


def _intervention_volumes(data: AreaData) -> pd.DataFrame:
    tables = data.plan
    if "interventions" not in tables or "gap" not in tables:
        raise InputError(
            "the plan needs the 'interventions' and 'gap' tables of a scenario run",
            rule="missing_table",
        )
    units, gap = tables["interventions"], tables["gap"]
    _need(units, ("intervention", "units_per_year"), "interventions")
    _need(gap, ("sex", "statistic", "value"), "gap")
    planned = _rows(
        units,
        statistic="planned units per year",
        detail=units["intervention"].astype(str),
        value=units["units_per_year"].astype(float),
        unit="units a year",
    )
    wide = gap.pivot_table(
        index=[c for c in ("comparison", "sex") if c in gap.columns],
        columns="statistic",
        values="value",
        aggfunc="first",
    ).reset_index()
    _need(wide, ("gap_base", "gap_reduction", "target_share"), "gap")
    shortfall = (1.0 - wide["target_share"]).clip(lower=0.0)
    share = _rows(
        wide,
        sex=_text(wide, "sex"),
        statistic=TARGET_SHARE,
        detail=_text(wide, "comparison"),
        value=wide["target_share"].astype(float),
        unit="share",
        note="the plan closes "
        + wide["gap_reduction"].map("{:.3f}".format)
        + " years of a "
        + wide["gap_base"].map("{:.2f}".format)
        + "-year gap; shortfall "
        + shortfall.map("{:.0%}".format),
    )
    cross = units[["intervention", "units_per_year"]].merge(
        wide[[c for c in ("sex", "target_share") if c in wide.columns]], how="cross"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.where(
            cross["target_share"] > 0, cross["units_per_year"] / cross["target_share"], np.nan
        )
    scaled = _rows(
        cross,
        sex=_text(cross, "sex"),
        statistic="units per year for the target at the same mix",
        detail=cross["intervention"].astype(str),
        value=needed,
        unit="units a year",
        note="an approximation: run the plan at these volumes to check",
        method=LINEAR_METHOD,
    )
    return pd.concat([planned, share, scaled], ignore_index=True)


_BUILDERS: Mapping[str, tuple[str, Callable[[AreaData], pd.DataFrame]]] = {
    "life_expectancy": ("life_expectancy", _life_expectancy),
    "comparator_gap": ("comparison", _comparator_gap),
    "deprivation_gap": ("deprivation_gap", _deprivation_gap),
    "gap_contributions": ("decomposition", _gap_contributions),
    "intervention_volumes": ("plan", _intervention_volumes),
}


def indicator_evidence(indicator: str, data: AreaData) -> pd.DataFrame:
    """Evidence rows of one indicator for the place in ``data`` (:data:`EVIDENCE_COLUMNS`)."""
    if indicator not in _BUILDERS:
        raise InputError(
            f"no indicator {indicator!r} (known: {', '.join(INDICATORS)})", rule="unknown_indicator"
        )
    table_name, build = _BUILDERS[indicator]
    spec = INDICATORS[indicator]
    if getattr(data, table_name) is None:
        rows = _rows(
            pd.DataFrame(index=[0]),
            available=False,
            note=f"no {table_name.replace('_', ' ')} result for {data.area_code} in the workspace",
        )
    else:
        rows = build(data)
        if rows.empty:
            rows = _rows(
                pd.DataFrame(index=[0]),
                available=False,
                note=f"no rows for {data.area_code} in the {table_name} table",
            )
    rows["indicator"] = indicator
    rows["indicator_label"] = spec.label
    rows["source"] = spec.source + (" (SYNTHETIC data)" if data.synthetic else "")
    return rows[list(EVIDENCE_COLUMNS)]


def evidence_table(
    version: FrameworkVersion, data: AreaData, *, items: tuple[Item, ...] | None = None
) -> pd.DataFrame:
    """Evidence rows of every linked item (default: all items of ``version``), with
    ``item_id, item_number, item_name`` in front; each indicator is built once."""
    chosen = items if items is not None else version.ordered_items()
    linked = [(item, indicator) for item in chosen for indicator in item.indicators]
    built = {ind: indicator_evidence(ind, data) for ind in dict.fromkeys(i for _, i in linked)}
    parts = [
        built[ind].assign(item_id=item.id, item_number=item.number, item_name=item.name.text)
        for item, ind in linked
    ]
    columns = ["item_id", "item_number", "item_name", *EVIDENCE_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def tool_a_data_steps(version: FrameworkVersion, data: AreaData) -> pd.DataFrame:
    """The data sequence of a pack (PIT Tool A's five steps) pre-filled from ``data``.

    One row per evidence row of each step, led by ``step, step_id, step_title, supports,
    status``; ``status`` is ``pre-filled`` (some value found), ``no data`` (the linked
    results are missing for this place) or ``gather locally`` (healthgap has no measure for
    the step, e.g. comparing care pathways with similar systems).
    """
    if not version.data_steps:
        raise InputError(f"{version.framework_id!r} has no data steps", rule="no_data_steps")
    supports = ", ".join(version.item(i).name.text for i in version.data_steps_support)
    parts = []
    for step in version.data_steps:
        head = {
            "step": step.number,
            "step_id": step.id,
            "step_title": step.title.text,
            "supports": supports,
        }
        if not step.indicators:
            rows = _rows(
                pd.DataFrame(index=[0]),
                available=False,
                note="healthgap has no measure for this step: gather it locally",
            )
            parts.append(rows.assign(**head, status="gather locally"))
            continue
        rows = pd.concat([indicator_evidence(i, data) for i in step.indicators], ignore_index=True)
        status = "pre-filled" if rows["available"].any() else "no data"
        parts.append(rows.assign(**head, status=status))
    out = pd.concat(parts, ignore_index=True)
    return out[["step", "step_id", "step_title", "supports", "status", *EVIDENCE_COLUMNS]]
