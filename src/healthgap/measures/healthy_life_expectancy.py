r"""Healthy life expectancy by Sullivan's method, with confidence intervals.

The life table is the one life expectancy uses (Chiang II, 90+ open), with the same
group-level suppression rules; the years lived in each band are split by the
prevalence of good health (or of no disability) from a survey.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from healthgap.measures._life_table_output import band_columns, tidy_result
from healthgap.measures._validation import raise_if_any, read_numeric, row_problems
from healthgap.measures.intervals import normalise_confidence
from healthgap.measures.life_expectancy import MAX_CI_WIDTH, Z95, life_expectancy_arrays

__all__ = ["HLE_METHOD", "healthy_life_expectancy"]

HLE_METHOD = (
    "Sullivan method on a Chiang II abridged life table; variance with life-table and "
    "prevalence terms (Jagger et al. 2014)"
)


def _check_prevalence(data: pd.DataFrame, prevalence: str, respondents: str, name: str) -> None:
    """Every prevalence in [0, 1] and every respondent count positive, all problems at once."""
    columns = [prevalence, respondents]
    numbers = read_numeric(data, required=columns, numeric=columns, name=name, allow_missing=False)
    p, n = numbers[prevalence], numbers[respondents]
    problems = row_problems(
        (p < 0) | (p > 1),
        name,
        prevalence,
        "prevalence_out_of_range",
        "must be a proportion between 0 and 1 (not a percentage)",
    )
    problems += row_problems(
        n <= 0, name, respondents, "respondents_not_positive", "must be more than 0"
    )
    raise_if_any(problems)


def healthy_life_expectancy(
    data: pd.DataFrame,
    *,
    keys: Sequence[str] = ("area_code", "sex", "period"),
    age_start: str = "age_start",
    deaths: str = "deaths",
    population: str = "person_years",
    prevalence: str = "prevalence",
    respondents: str = "respondents",
    confidence: float | Sequence[float] = 0.95,
    ages: str | Sequence[int] = "all",
    starts: Sequence[int] | None = None,
) -> pd.DataFrame:
    r"""Healthy life expectancy (Sullivan) at every age band with confidence limits.

    Parameters
    ----------
    data : DataFrame
        One row per group and age band with ``deaths``, ``population`` (person-years),
        ``prevalence`` (proportion in good health, 0-1) and ``respondents`` (survey
        sample size behind that prevalence), e.g. the ``deaths``, ``population`` and
        ``good_health`` tables joined on their keys.
    keys, age_start, deaths, population, prevalence, respondents : str
        Column names.
    confidence : float or sequence of float
        Level(s) as fractions, e.g. ``0.95``; ``95`` is refused.
    ages : "all" or list of int
        Band starts at which to report.
    starts : sequence of int, optional
        The band set (default the 20 standard bands, 90+ open).

    Returns
    -------
    DataFrame
        As :func:`~healthgap.measures.life_expectancy.life_expectancy`, with
        ``statistic`` "healthy life expectancy at X" and the column
        ``life_expectancy`` (the LE the healthy years are part of).

    Notes
    -----
    With the life table's :math:`l_i, L_i, q_i, a_i, n_i` and the prevalence of good
    health :math:`\pi_i` from :math:`N_i` respondents:

    .. math::

        \mathrm{HLE}_x = \frac{1}{l_x} \sum_{i \ge x} \pi_i L_i

        \operatorname{Var}(\mathrm{HLE}_x) = \frac{1}{l_x^2} \Big[
        \sum_{x \le i < \omega} l_i^2 \big((1-a_i)n_i\pi_i + \mathrm{HLE}_{i+1}\big)^2
        \operatorname{Var}(q_i) + \frac{\pi_\omega^2 l_\omega^2}{D_\omega M_\omega^2}
        + \sum_{i \ge x} L_i^2 \frac{\pi_i(1-\pi_i)}{N_i} \Big]

    with :math:`\operatorname{Var}(q_i) = q_i^2(1-q_i)/D_i` (Chiang) and the open band's
    term the Silcocks variance of :math:`L_\omega = l_\omega / M_\omega`. Limits are
    :math:`\mathrm{HLE}_x \pm z\,\mathrm{SE}`. Setting every :math:`\pi_i = 1` gives
    life expectancy and its variance exactly.

    Suppression: every group-level rule of life expectancy applies (same reasons and
    warnings); a value whose 95% CI is wider than 20 years is not shown
    (``ci_too_wide``), its limits are. Prevalences outside [0, 1] and respondent
    counts of zero or less are refused with an :class:`~healthgap.errors.InputError`.

    References
    ----------
    1. Sullivan DF. A single index of mortality and morbidity. HSMHA Health Reports
       1971;86:347-354.
    2. Jagger C, Van Oyen H, Robine JM. Health expectancy calculation by the Sullivan
       method: a practical guide, 4th edition. EHLEIS Technical Report 2014_4.1, 2014.
    3. Office for National Statistics. Health state life expectancies, UK: methodology
       (Sullivan method, Chiang II life tables).

    Examples
    --------
    >>> import pandas as pd
    >>> from healthgap.agebands import STANDARD_STARTS
    >>> deaths = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]
    >>> good = [0.98] * 5 + [0.9] * 8 + [0.75] * 7
    >>> data = pd.DataFrame({"area_code": "E1", "sex": "male", "period": "2014",
    ...                      "age_start": STANDARD_STARTS, "person_years": 10_000,
    ...                      "deaths": deaths, "prevalence": good, "respondents": 400})
    >>> hle = healthy_life_expectancy(data, ages=[0])
    >>> hle[["value", "lowercl", "uppercl", "life_expectancy"]].round(2)
       value  lowercl  uppercl  life_expectancy
    0   70.1    69.35    70.84            79.64
    """
    levels = normalise_confidence(confidence, lowest=None)
    _check_prevalence(data, prevalence, respondents, "data")
    arrays, extra = life_expectancy_arrays(
        data,
        keys=keys,
        age_start=age_start,
        deaths=deaths,
        population=population,
        starts=starts,
        extra=(prevalence, respondents),
    )
    table = arrays.table
    p, N = extra[prevalence], extra[respondents]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        healthy_years = p * table.L
        tail = np.flip(np.cumsum(np.flip(healthy_years, axis=-1), axis=-1), axis=-1)
        hle = np.where(table.l > 0, tail / table.l, 0.0)
        hle_next = np.concatenate([hle[:, 1:], np.zeros((len(hle), 1))], axis=1)
        var_q = np.where(table.d > 0, table.q**2 * (1.0 - table.q) / arrays.deaths, 0.0)
        mortality = table.l**2 * ((1.0 - table.a) * table.n * p + hle_next) ** 2 * var_q
        mortality[:, -1] = (p[:, -1] * table.l[:, -1]) ** 2 / (
            arrays.deaths[:, -1] * table.m[:, -1] ** 2
        )
        sampling = table.L**2 * p * (1.0 - p) / N
        terms = mortality + sampling
        summed = np.flip(np.cumsum(np.flip(terms, axis=-1), axis=-1), axis=-1)
        se = np.sqrt(np.where(table.l > 0, summed / table.l**2, np.nan))

    ci_too_wide = len(arrays.rules)
    row_reason = arrays.row_reason.copy()
    row_reason[row_reason == ci_too_wide] = 0  # judged again on the HLE's own interval
    with np.errstate(invalid="ignore"):
        row_reason[(row_reason == 0) & (Z95 * se > MAX_CI_WIDTH / 2)] = ci_too_wide

    columns = band_columns(table.starts, ages)
    return tidy_result(
        arrays,
        columns,
        age_start,
        value=hle[:, columns],
        se=se[:, columns],
        row_reason=row_reason[:, columns],
        levels=levels,
        statistic="healthy life expectancy",
        method=HLE_METHOD,
        extra={"life_expectancy": table.e[:, columns]},
    )
