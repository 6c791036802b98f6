r"""Confidence-interval helpers shared by every measure: z values, Byar's and exact Poisson
limits for counts, Wilson score limits for proportions, and the naming of CI columns.

All functions are vectorised: they take scalars or NumPy arrays and return arrays of the
broadcast shape. Quantiles come from SciPy (``scipy.stats.norm`` and ``scipy.stats.chi2``).

Formulas
--------
With a confidence level :math:`c` (a fraction, e.g. 0.95), :math:`z = \Phi^{-1}((1 + c)/2)`.

Byar's approximation to the Poisson limits of a count :math:`O`:

.. math::

    O_L = O \left(1 - \frac{1}{9 O} - \frac{z}{3 \sqrt{O}}\right)^3, \qquad
    O_U = (O + 1) \left(1 - \frac{1}{9 (O + 1)} + \frac{z}{3 \sqrt{O + 1}}\right)^3

Exact Poisson limits: :math:`O_L = \chi^2_{(1-c)/2,\,2O} / 2` and
:math:`O_U = \chi^2_{(1+c)/2,\,2O+2} / 2` (with :math:`O_L = 0` when :math:`O = 0`).

Wilson score limits of a proportion :math:`x / n`:

.. math::

    \frac{2x + z^2 \mp z \sqrt{z^2 + 4x(1 - x/n)}}{2(n + z^2)}

References
----------
1. Breslow NE, Day NE. *Statistical Methods in Cancer Research, Vol II*. IARC, 1987
   (Byar's approximation, p. 69).
2. Ulm K. A simple method to calculate the confidence interval of a standardized
   mortality ratio. Am J Epidemiol 1990;131:373-375 (exact limits from chi-square).
3. Wilson EB. Probable inference, the law of succession, and statistical inference.
   J Am Stat Assoc 1927;22:209-212.
4. PHEindicatormethods 2.1.0, ``byars_lower``/``byars_upper``/``wilson_lower``/``wilson_upper``.

Notes
-----
Byar's lower limit is undefined when the bracket is negative (tiny counts at high
confidence, e.g. :math:`O = 1` at 99.8%); it is returned as NaN, as the reference does.
That is why :func:`poisson_limits` uses exact limits below 10 events.

Examples
--------
>>> lower, upper = poisson_limits([1, 65], 0.95)
>>> [round(float(v), 4) for v in lower], [round(float(v), 4) for v in upper]
([0.0253, 50.1632], [5.5716, 82.8491])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from healthgap.errors import InputError, Problem

__all__ = [
    "EXACT_BELOW",
    "LOWEST_LEVEL",
    "byars_lower",
    "byars_upper",
    "confidence_label",
    "confidence_labels",
    "exact_poisson_lower",
    "exact_poisson_upper",
    "level_columns",
    "limit_columns",
    "normalise_confidence",
    "poisson_limits",
    "poisson_method",
    "wilson_limits",
    "z_value",
]

#: Counts below this get exact Poisson limits; from this up, Byar's approximation.
EXACT_BELOW = 10
#: The lowest confidence level the reference's rate and inequality methods accept.
LOWEST_LEVEL = 0.9


def normalise_confidence(
    confidence: float | Sequence[float],
    *,
    argument: str = "confidence",
    lowest: float | None = LOWEST_LEVEL,
) -> tuple[float, ...]:
    """Check confidence levels given as fractions and return them as a tuple.

    Every level must be a number with ``lowest`` <= c < 1 (by default 0.9, the
    reference's lower bound; ``lowest=None`` allows any fraction above 0). A percentage
    such as 95 is refused, so a mistaken scale never passes silently. Every problem is
    listed.

    >>> normalise_confidence(0.95), normalise_confidence((0.95, 0.998))
    ((0.95,), (0.95, 0.998))
    >>> normalise_confidence(95)
    Traceback (most recent call last):
    ...
    healthgap.errors.InputError: 1 problem found:
      <arguments>, column 'confidence': [confidence_not_fraction] ...
    """
    scalar = isinstance(confidence, str) or np.isscalar(confidence)
    levels: tuple[object, ...] = (confidence,) if scalar else tuple(confidence)  # type: ignore[arg-type]
    problems: list[Problem] = []

    def problem(rule: str, message: str) -> None:
        problems.append(Problem("<arguments>", None, argument, rule, message))

    if not levels:
        problem("confidence_missing", "give at least one level")
    for level in levels:
        number = isinstance(level, int | float | np.floating | np.integer)
        hint = f" (did you mean {level / 100:g}?)" if _is_percent(level) else ""
        wrong = f"confidence must be a fraction between 0 and 1, got {level!r}{hint}"
        if isinstance(level, bool) or not number:
            problem("confidence_not_number", wrong)
        elif level >= 1:
            problem("confidence_not_fraction", wrong)
        elif lowest is not None and level < lowest:
            problem(
                "confidence_too_low",
                f"confidence {level!r} is below {lowest:g}, the lowest level the methods allow",
            )
        elif level <= 0:
            problem("confidence_not_fraction", wrong)
    if len(set(levels)) != len(levels):
        problem("confidence_repeated", "a level is repeated")
    if problems:
        raise InputError(problems)
    return tuple(float(level) for level in levels)  # type: ignore[arg-type]


def _is_percent(level: object) -> bool:
    return (
        isinstance(level, int | float | np.floating | np.integer)
        and not isinstance(level, bool)
        and 1.0 < float(level) < 100.0
    )


def z_value(confidence: ArrayLike) -> np.ndarray:
    """Two-sided normal quantile :math:`z = \\Phi^{-1}((1 + c) / 2)`.

    >>> round(float(z_value(0.95)), 6), round(float(z_value(0.998)), 6)
    (1.959964, 3.090232)
    """
    return stats.norm.ppf((1.0 + np.asarray(confidence, dtype=float)) / 2.0)


def confidence_label(level: float) -> str:
    """Human label of a level: ``0.95`` -> ``"95%"``, ``0.998`` -> ``"99.8%"``.

    >>> confidence_label(0.95), confidence_label(0.998)
    ('95%', '99.8%')
    """
    return f"{round(level * 100, 6):g}%"


def confidence_labels(levels: Sequence[float]) -> str:
    """Label of several levels, as the ``confidence`` column holds it.

    >>> confidence_labels((0.95, 0.998))
    '95%, 99.8%'
    """
    return ", ".join(confidence_label(level) for level in levels)


def level_columns(level: float) -> tuple[str, str]:
    """The (lower, upper) column names of one of several levels, as the reference names them.

    >>> level_columns(0.95), level_columns(0.998)
    (('lower95_0cl', 'upper95_0cl'), ('lower99_8cl', 'upper99_8cl'))
    """
    tag = f"{level * 100:.1f}".replace(".", "_")
    return f"lower{tag}cl", f"upper{tag}cl"


def limit_columns(levels: Sequence[float]) -> list[tuple[str, str]]:
    """Names of the (lower, upper) columns for each level.

    One level gives ``lowercl``/``uppercl``; several give ``lower95_0cl``/``upper95_0cl``,
    ``lower99_8cl``/``upper99_8cl``, ... as in PHEindicatormethods.

    >>> limit_columns([0.95])
    [('lowercl', 'uppercl')]
    >>> limit_columns([0.95, 0.998])
    [('lower95_0cl', 'upper95_0cl'), ('lower99_8cl', 'upper99_8cl')]
    """
    if len(levels) == 1:
        return [("lowercl", "uppercl")]
    return [level_columns(level) for level in levels]


def byars_lower(count: ArrayLike, confidence: float) -> np.ndarray:
    """Byar's lower limit of a Poisson count (NaN where the approximation goes negative).

    >>> round(float(byars_lower(65, 0.95)), 6)
    50.163188
    """
    observed = np.asarray(count, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        bracket = 1.0 - 1.0 / (9.0 * observed) - z / (3.0 * np.sqrt(observed))
        lower = observed * bracket**3
    return np.where(bracket < 0, np.nan, lower)


def byars_upper(count: ArrayLike, confidence: float) -> np.ndarray:
    """Byar's upper limit of a Poisson count.

    >>> round(float(byars_upper(65, 0.95)), 6)
    82.849139
    """
    O1 = np.asarray(count, dtype=float) + 1.0
    z = z_value(confidence)
    return O1 * (1.0 - 1.0 / (9.0 * O1) + z / (3.0 * np.sqrt(O1))) ** 3


def exact_poisson_lower(count: ArrayLike, confidence: float) -> np.ndarray:
    """Exact lower limit ``chi2.ppf((1 - c)/2, 2 O) / 2`` (0 when the count is 0).

    >>> round(float(exact_poisson_lower(1, 0.95)), 6), float(exact_poisson_lower(0, 0.95))
    (0.025318, 0.0)
    """
    observed = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        lower = stats.chi2.ppf((1.0 - confidence) / 2.0, 2.0 * observed) / 2.0
    return np.where(observed == 0, 0.0, lower)


def exact_poisson_upper(count: ArrayLike, confidence: float) -> np.ndarray:
    """Exact upper limit ``chi2.ppf((1 + c)/2, 2 O + 2) / 2``.

    >>> round(float(exact_poisson_upper(1, 0.95)), 6)
    5.571643
    """
    observed = np.asarray(count, dtype=float)
    return stats.chi2.ppf((1.0 + confidence) / 2.0, 2.0 * observed + 2.0) / 2.0


def poisson_limits(count: ArrayLike, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a Poisson count: exact below 10 events, Byar's from 10 up (NaN counts give NaN).

    >>> lower, upper = poisson_limits([9, 10], 0.95)
    >>> [round(float(v), 3) for v in upper]
    [17.085, 18.391]
    """
    observed = np.asarray(count, dtype=float)
    exact = observed < EXACT_BELOW
    safe = np.where(np.isnan(observed) | (observed < 0), np.nan, observed)
    lower = np.where(exact, exact_poisson_lower(safe, confidence), byars_lower(safe, confidence))
    upper = np.where(exact, exact_poisson_upper(safe, confidence), byars_upper(safe, confidence))
    return lower, upper


def poisson_method(count: ArrayLike) -> np.ndarray:
    """Name of the method :func:`poisson_limits` used for each count: ``"Exact"`` or ``"Byars"``
    (``None`` where the count is missing).

    >>> poisson_method([3, 10, np.nan]).tolist()
    ['Exact', 'Byars', None]
    """
    observed = np.asarray(count, dtype=float)
    method = np.where(observed < EXACT_BELOW, "Exact", "Byars").astype(object)
    method[np.isnan(observed)] = None
    return method


def wilson_limits(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of the proportion ``numerator / denominator`` (as fractions).

    >>> lower, upper = wilson_limits(65, 100, 0.95)
    >>> round(float(lower), 6), round(float(upper), 6)
    (0.552544, 0.736358)
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z**2 + 4.0 * x * (1.0 - x / n))
        scale = 2.0 * (n + z**2)
        return (2.0 * x + z**2 - root) / scale, (2.0 * x + z**2 + root) / scale
