r"""Proportions with Wilson score confidence limits.

Formula
-------
For :math:`x` people with an attribute out of :math:`n`, with
:math:`z = \Phi^{-1}((1 + c)/2)`:

.. math::

    p = \frac{x}{n} \times \text{multiplier}, \qquad
    \text{limits} = \frac{2x + z^2 \mp z \sqrt{z^2 + 4x(1 - x/n)}}{2(n + z^2)}
    \times \text{multiplier}

References
----------
1. Wilson EB. Probable inference, the law of succession, and statistical inference.
   J Am Stat Assoc 1927;22:209-212.
2. Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of
   seven methods. Stat Med 1998;17:857-872.
3. PHEindicatormethods 2.1.0, ``phe_proportion`` (the national reference method).

Notes
-----
Rows are summed within each group of ``keys`` first. A missing numerator or denominator
makes the group's value and limits missing. Numerators below 0 or above the denominator,
and denominators of 0 or less, are refused with an :class:`~healthgap.errors.InputError`
listing every row. The Wilson interval stays inside [0, 1] and is well behaved at
:math:`x = 0` and :math:`x = n`, so nothing is suppressed. ``statistic`` is
"percentage" when ``multiplier`` is 100, else "proportion of <multiplier>".

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"area": ["A", "B"], "smokers": [65, 1], "adults": [100, 100]})
>>> out = proportion(data, keys=("area",), numerator="smokers", denominator="adults")
>>> out[["value", "lowercl", "uppercl"]].round(4).to_dict("list")
{'value': [0.65, 0.01], 'lowercl': [0.5525, 0.0018], 'uppercl': [0.7364, 0.0545]}
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from healthgap.measures._validation import format_multiplier
from healthgap.measures.intervals import (
    confidence_labels,
    limit_columns,
    normalise_confidence,
    wilson_limits,
)
from healthgap.measures.rates import counts_by_group

__all__ = ["proportion"]


def proportion(
    data: pd.DataFrame,
    *,
    keys: Sequence[str],
    numerator: str,
    denominator: str,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    source: str = "data",
) -> pd.DataFrame:
    """Proportion ``numerator / denominator`` times ``multiplier``, with Wilson limits.

    Parameters
    ----------
    data : DataFrame
        One or more rows per group; both columns are summed within each group.
    keys : sequence of str
        Columns identifying a group (may be empty for one overall proportion).
    numerator, denominator : str
        Columns of the count with the attribute and of the population.
    multiplier : float
        1 for a fraction, 100 for a percentage.
    confidence : float or sequence of float
        Level(s) as fractions.
    source : str
        Name used for ``data`` in error messages.

    Returns
    -------
    DataFrame
        ``keys``, ``numerator``, ``denominator``, ``value``, limits, ``confidence``,
        ``statistic`` and ``method`` ("Wilson").
    """
    levels = normalise_confidence(confidence)
    out, X, N = counts_by_group(
        data,
        keys=keys,
        count=numerator,
        population=denominator,
        multiplier=multiplier,
        source=source,
        nouns=("numerator", "denominator"),
        count_within_population=True,
    )
    out["value"] = X / N * multiplier
    for level, (lower_name, upper_name) in zip(levels, limit_columns(levels), strict=True):
        lower, upper = wilson_limits(X, N, level)
        out[lower_name] = lower * multiplier
        out[upper_name] = upper * multiplier
    out["confidence"] = confidence_labels(levels)
    out["statistic"] = (
        "percentage" if multiplier == 100 else f"proportion of {format_multiplier(multiplier)}"
    )
    out["method"] = "Wilson"
    return out
