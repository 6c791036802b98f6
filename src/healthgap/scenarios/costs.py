r"""Costs and cost-effectiveness of each intervention line of a scenario.

Cost over the horizon is units times unit cost: for one-off units (a quitter, a
check) :math:`C = c \sum_y V_y`; for treatments paid per person-year (statins,
antihypertensives) people started stay on treatment, so
:math:`C = c \sum_y \sum_{j \le y} V_j`. Ratios reported:

.. math::

    \frac{C}{\mathrm{DPP}_T}, \qquad \frac{C}{\mathrm{LYG}}, \qquad
    \frac{C}{100\,\Delta G}\ \text{(per 0.01 year of gap closed)}

Notes
-----
Unit costs are user-editable assumptions unless tagged otherwise; no NHS savings are
offset. A ratio is infinite when the effect is zero (shown as missing in tables).

Examples
--------
>>> import numpy as np
>>> years = np.ones(3)
>>> horizon_units(200.0, years, "per_person_year"), horizon_units(200.0, years, "per_unit")
(1200.0, 600.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cost_table", "horizon_units"]


def horizon_units(per_year: float, cohorts: np.ndarray, basis: str) -> float:
    """Units paid for over the horizon (person-years for per-person-year costs)."""
    started = per_year * np.asarray(cohorts, float)
    return float(np.cumsum(started).sum() if basis == "per_person_year" else started.sum())


def _ratio(cost: np.ndarray, effect: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(effect > 0, cost / effect, np.nan)


def cost_table(
    labels: list[str],
    units_per_year: np.ndarray,
    paid_units: np.ndarray,
    unit_cost: np.ndarray,
    dpp: np.ndarray,
    lyg: np.ndarray,
    lyg_discounted: np.ndarray,
    gap_reduction: np.ndarray,
) -> pd.DataFrame:
    """One row per intervention with cost and the cost-effectiveness ratios."""
    cost = paid_units * unit_cost
    return pd.DataFrame(
        {
            "intervention": labels,
            "units_per_year": units_per_year,
            "paid_units": paid_units,
            "unit_cost": unit_cost,
            "cost": cost,
            "dpp_year_T": dpp,
            "lyg": lyg,
            "lyg_discounted": lyg_discounted,
            "gap_reduction_alone": gap_reduction,
            "cost_per_dpp": _ratio(cost, dpp),
            "cost_per_lyg": _ratio(cost, lyg),
            "cost_per_lyg_discounted": _ratio(cost, lyg_discounted),
            "cost_per_0_01_gap": _ratio(cost, gap_reduction * 100.0),
            "gap_reduction_per_pound": np.where(
                cost > 0, gap_reduction / np.where(cost > 0, cost, 1), np.nan
            ),
            "lyg_per_pound": np.where(cost > 0, lyg / np.where(cost > 0, cost, 1), np.nan),
        }
    )
