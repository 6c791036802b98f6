r"""Funnel plot data for observed against expected counts of areas, with 95% and 99.8% limits.

For an area with :math:`E` expected events (its need times the benchmark uptake) and
:math:`O` observed, the ratio is :math:`O / E` (1 = as expected). Under the null the count
is Poisson with mean :math:`E`; the control limits at level :math:`c` are the exact Poisson
limits evaluated at :math:`E`, divided by :math:`E`:

.. math::

    L_c(E) = \frac{\chi^2_{(1-c)/2,\ 2E}}{2E}, \qquad
    U_c(E) = \frac{\chi^2_{(1+c)/2,\ 2E+2}}{2E}

(Spiegelhalter 2005 describes funnels for indirectly standardised ratios; the chi-square
form is the continuous extension of the Poisson quantiles). 95% limits are about 2 SD and
99.8% about 3 SD. No over-dispersion adjustment is made: with many large areas, points
outside the 99.8% limits may reflect real variation between areas as much as a special
cause, so treat them as prompts to look, not verdicts.

References
----------
1. Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
   2005;24:1185-1202.
2. PHEindicatormethods 2.1.0, ``calculate_funnel_limits`` (funnels with 95% and 99.8%
   limits), for the conventions followed here.

>>> points = funnel_points(pd.DataFrame({"area_code": ["A", "B"], "observed": [50, 140],
...                                      "expected": [100.0, 100.0]}))
>>> points["outcome"].tolist()
['below 99.8% limit', 'above 99.8% limit']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.measures.intervals import exact_poisson_lower, exact_poisson_upper

__all__ = ["FUNNEL_LEVELS", "funnel_limits", "funnel_points"]

FUNNEL_LEVELS = (0.95, 0.998)


def _limits(expected: np.ndarray) -> dict[str, np.ndarray]:
    E = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "lower95_0": exact_poisson_lower(E, 0.95) / E,
            "upper95_0": exact_poisson_upper(E, 0.95) / E,
            "lower99_8": exact_poisson_lower(E, 0.998) / E,
            "upper99_8": exact_poisson_upper(E, 0.998) / E,
        }


def funnel_points(
    areas: pd.DataFrame, *, observed: str = "observed", expected: str = "expected"
) -> pd.DataFrame:
    """Each area's ratio, the limits at its expected count, and where it falls.

    ``areas`` has one row per area with ``observed`` and ``expected`` counts. Adds
    ``ratio``, ``lower95_0``, ``upper95_0``, ``lower99_8``, ``upper99_8`` and ``outcome``
    ("below 99.8% limit", "below 95% limit", "within limits", "above 95% limit",
    "above 99.8% limit"; "no expected events" when expected is 0).
    """
    out = areas.copy()
    seen = out[observed].to_numpy(dtype=float)
    E = out[expected].to_numpy(dtype=float)
    limits = _limits(E)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = seen / E
    for name, values in limits.items():
        out[name] = values
    ratio = out["ratio"].to_numpy()
    outcome = np.select(
        [
            E <= 0,
            ratio < limits["lower99_8"],
            ratio < limits["lower95_0"],
            ratio > limits["upper99_8"],
            ratio > limits["upper95_0"],
        ],
        [
            "no expected events",
            "below 99.8% limit",
            "below 95% limit",
            "above 99.8% limit",
            "above 95% limit",
        ],
        default="within limits",
    )
    out["outcome"] = outcome
    return out


def funnel_limits(expected: np.ndarray | pd.Series, *, points: int = 100) -> pd.DataFrame:
    """The limit lines over the range of ``expected`` (log-spaced), for drawing the funnel.

    >>> funnel_limits([10.0, 1000.0], points=3)["expected"].round(1).tolist()
    [10.0, 100.0, 1000.0]
    """
    E = np.asarray(expected, dtype=float)
    E = E[E > 0]
    low, high = (max(float(E.min()), 0.5), float(E.max())) if E.size else (1.0, 10.0)
    if high <= low:
        high = low * 10.0
    grid = np.geomspace(low, high, points)
    return pd.DataFrame({"expected": grid, **_limits(grid)})
