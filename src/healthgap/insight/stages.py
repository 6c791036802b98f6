r"""Stages of change from survey microdata: design-weighted shares by segment, with CIs.

Stages (Prochaska & DiClemente's transtheoretical model) are ``precontemplation``,
``contemplation``, ``preparation``, ``action``, ``maintenance`` and, where the survey asks,
``relapse``; answers may be the names or the codes 1-6. They are a **communication aid,
not a prediction**: the cut-offs between stages are arbitrary and stage-matched
interventions have a weak evidence base (West 2005).

Estimates
---------
For a behaviour, a domain :math:`d` (a segment) and a stage :math:`s`, with weights
:math:`w_i`, domain indicator :math:`\delta_i` (respondent in :math:`d` and answered) and
:math:`y_i = 1` when the answer is :math:`s`:

.. math::

    \hat p = \frac{\sum_i w_i \delta_i y_i}{\sum_i w_i \delta_i}, \qquad
    z_i = \frac{w_i \delta_i (y_i - \hat p)}{\sum_i w_i \delta_i}, \qquad
    \widehat{\operatorname{Var}}(\hat p) = \sum_h \frac{n_h}{n_h - 1}
    \sum_{j \in h} (z_{hj} - \bar z_h)^2

where :math:`z_{hj}` is the total of :math:`z_i` over PSU :math:`j` of stratum :math:`h`
(each respondent is its own PSU, and the whole sample one stratum, when none are given):
Taylor linearisation of a ratio (Woodruff 1971; Binder 1983), with the whole design kept
for domain variances. The computation is done by the survey library **svy** (the
maintained successor of samplics); confidence limits are Korn & Graubard's (1998) by
default, which stay inside [0, 1] and exist for shares of 0, or ``logit`` limits as R's
``svyciprop``. Degrees of freedom are svy's: PSUs holding domain members minus strata.

Cells whose domain has fewer than ``min_respondents`` answers (unweighted) are flagged
``small_base`` and give a :class:`~healthgap.errors.SmallNumbersWarning`: survey data for
staging is sparse, so read such cells as indications only.

References
----------
1. Prochaska JO, DiClemente CC. Stages and processes of self-change of smoking. J Consult
   Clin Psychol 1983;51:390-395.
2. West R. Time for a change: putting the Transtheoretical (Stages of Change) Model to
   rest. Addiction 2005;100:1036-1039.
3. Binder DA. On the variances of asymptotically normal estimators from complex surveys.
   Int Stat Rev 1983;51:279-292.
4. Korn EL, Graubard BI. Confidence intervals for proportions with small expected number
   of positive counts estimated from survey data. Surv Methodol 1998;24:193-201.

>>> import pandas as pd
>>> survey = pd.DataFrame({"segment": [1, 1, 1, 2, 2], "weight": [1.0, 2, 1, 1, 1],
...                        "smoking_stage": ["contemplation", "preparation", "", "action", 2]})
>>> out = stage_shares(survey, stages={"smoking": "smoking_stage"}, min_respondents=1)
>>> first = out[out["segment"] == 1].head(3)
>>> first["stage"].tolist(), first["respondents"].tolist(), first["value"].round(3).tolist()
(['precontemplation', 'contemplation', 'preparation'], [0, 1, 1], [0.0, 0.333, 0.667])
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from importlib.metadata import version

import numpy as np
import pandas as pd
import polars as pl
import svy

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW
from healthgap.data.vocab import parse_numbers
from healthgap.errors import InputError, SmallNumbersWarning
from healthgap.measures.intervals import confidence_labels, normalise_confidence

__all__ = ["CI_METHODS", "STAGES", "normalise_stages", "stage_shares"]

STAGES: tuple[str, ...] = (
    "precontemplation",
    "contemplation",
    "preparation",
    "action",
    "maintenance",
    "relapse",
)
CI_METHODS = ("korn-graubard", "logit", "wilson", "beta")
_BY_CODE = {str(i): stage for i, stage in enumerate(STAGES, start=1)}
_NOT_ASKED = "__not_asked__"


def normalise_stages(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stage names from answers (names in any case, or codes 1-6); empty cells are NaN.

    Returns ``(stages, outside)`` where ``outside`` marks answers that are not empty and
    not on the scale.

    >>> stages, outside = normalise_stages(pd.Series(["Action", "3", "", "7", 1.0]))
    >>> stages.tolist(), outside.tolist()
    (['action', 'preparation', nan, nan, 'precontemplation'], [False, False, False, True, False])
    """
    text = values.astype(str).str.strip().str.lower()
    text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    empty = values.isna() | text.isin(["", "nan", "none", "<na>"])
    stages = text.map({**{s: s for s in STAGES}, **_BY_CODE})
    stages = stages.where(~empty)
    return stages, stages.isna() & ~empty


def _check(
    survey: pd.DataFrame,
    stages: Mapping[str, str],
    by: Sequence[str],
    weight: str,
    strata: str | None,
    psu: str | None,
    source: str,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every problem of the survey at once; returns tidy answers and the weights."""
    found = FileProblems(source)
    rows = (
        survey[ROW].astype(int)
        if ROW in survey.columns
        else pd.Series(np.arange(len(survey)) + 2, index=survey.index)
    )
    needed = [*by, weight, *stages.values(), *(c for c in (strata, psu) if c)]
    for column in dict.fromkeys(needed):
        if column not in survey.columns:
            found.add(None, column, "missing_column", f"column {column!r} is missing")
    if not stages:
        found.add(None, None, "no_behaviours", "give at least one behaviour's stage column")
    found.raise_if_any()

    raw_weight = survey[weight]
    weights, unreadable = parse_numbers(raw_weight.astype(str).where(raw_weight.notna(), ""))
    found.add_rows(rows, unreadable, weight, "non_numeric", "the weight is not a number")
    found.add_rows(
        rows,
        weights.isna() & ~unreadable,
        weight,
        "missing_weight",
        "every respondent needs a weight",
    )
    found.add_rows(
        rows,
        weights < 0,
        weight,
        "negative_weight",
        "weight " + weights.astype(str) + " is negative",
    )
    for column in [*by, *(c for c in (strata, psu) if c)]:
        empty = survey[column].isna() | survey[column].astype(str).str.strip().eq("")
        found.add_rows(rows, empty, column, "missing_value", "is empty")
    answers = {}
    for behaviour, column in stages.items():
        named, outside = normalise_stages(survey[column])
        found.add_rows(
            rows,
            outside,
            column,
            "stage_out_of_scale",
            "'" + survey[column].astype(str) + "' is not a stage (names "
            "precontemplation ... relapse, or codes 1-6)",
        )
        answers[behaviour] = named
    if strata and psu:
        design = survey[[strata, psu]].astype(str).drop_duplicates()
        per_stratum = design.groupby(strata)[psu].size()
        for stratum in per_stratum.index[per_stratum < 2]:
            found.add(
                None,
                strata,
                "single_psu_stratum",
                f"stratum {stratum} has one PSU, so its variance cannot be estimated; "
                "combine it with a similar stratum",
            )
    found.raise_if_any()
    if weights.sum() <= 0:
        found.add(None, weight, "negative_weight", "the weights add up to zero")
        found.raise_if_any()
    return pd.DataFrame(answers, index=survey.index), weights.to_numpy(dtype=float)


def stage_shares(
    survey: pd.DataFrame,
    *,
    stages: Mapping[str, str],
    by: str | Sequence[str] | None = "segment",
    weight: str = "weight",
    strata: str | None = None,
    psu: str | None = None,
    confidence: float = 0.95,
    ci_method: str = "korn-graubard",
    min_respondents: int = 50,
    source: str = "survey",
) -> pd.DataFrame:
    """Share of respondents at each stage of change, per behaviour and domain, with CIs.

    Parameters
    ----------
    survey : DataFrame
        One row per respondent (text cells as read from a file are accepted).
    stages : mapping
        Behaviour -> its stage column, e.g. ``{"smoking": "smoking_stage"}``. Empty cells
        mean the question was not asked (e.g. of non-smokers) and leave the respondent out
        of that behaviour's shares, but not out of the design.
    by : str, sequence of str or None
        Domain column(s), e.g. ``"segment"``; None for the whole survey.
    weight, strata, psu : str
        Design columns (strata and PSU optional).
    confidence : float
        Level of the limits.
    ci_method : {"korn-graubard", "logit", "wilson", "beta"}
        svy's confidence-interval method for proportions.
    min_respondents : int
        Domains with fewer answers are flagged ``small_base`` with a warning.

    Returns
    -------
    DataFrame
        ``by`` columns, ``behaviour``, ``stage`` (every stage of the scale asked),
        ``respondents`` (unweighted answers in the cell), ``base`` (answers in the domain),
        ``value`` (share), ``se``, ``lowercl``, ``uppercl``, ``df``, ``confidence``,
        ``small_base``, ``statistic`` and ``method``.

    Raises
    ------
    InputError
        ``missing_column``, ``non_numeric``, ``missing_weight``, ``negative_weight``,
        ``missing_value`` (design or domain cell), ``stage_out_of_scale``,
        ``single_psu_stratum``, every offending row listed.
    """
    level = normalise_confidence(confidence)[0]
    if ci_method not in CI_METHODS:
        raise InputError(f"ci_method must be one of {', '.join(CI_METHODS)}", rule="bad_method")
    domains = [] if by is None else ([by] if isinstance(by, str) else list(by))
    answers, weights = _check(survey, stages, domains, weight, strata, psu, source)

    columns: dict[str, object] = {"__w": weights}
    for column in domains:
        columns[column] = pl.Series(survey[column].tolist(), strict=False)
    if strata:
        columns["__stratum"] = survey[strata].astype(str).to_numpy()
    if psu:
        # PSU codes are only unique within their stratum in many surveys
        prefix = survey[strata].astype(str) + "|" if strata else ""
        columns["__psu"] = (prefix + survey[psu].astype(str)).to_numpy()
    for i, behaviour in enumerate(stages):
        stage_text = answers[behaviour].astype(object)
        columns[f"__stage{i}"] = pl.Series(
            stage_text.where(stage_text.notna(), None).tolist(), dtype=pl.String
        )
    frame = pl.DataFrame(columns, strict=False)
    design = svy.Design(
        wgt="__w",
        stratum="__stratum" if strata else None,
        psu="__psu" if psu else None,
    )
    sample = svy.Sample(frame, design)

    pieces = []
    for i, behaviour in enumerate(stages):  # a few behaviours, not respondents
        asked = answers[behaviour].notna()
        if not asked.any():
            continue
        result = sample.estimation.prop(
            f"__stage{i}",
            by=domains or None,
            drop_nulls=True,
            ci_method=ci_method,  # type: ignore[arg-type]
            alpha=1.0 - level,
        ).to_polars()
        estimate = result.to_pandas().rename(
            columns={
                f"__stage{i}": "stage",
                "est": "value",
                "lci": "lowercl",
                "uci": "uppercl",
                "n": "base",
            }
        )
        estimate["behaviour"] = behaviour
        counts = (
            pd.DataFrame(
                {**{c: survey[c].to_numpy() for c in domains}, "stage": answers[behaviour]}
            )[asked]
            .groupby([*domains, "stage"], observed=True)
            .size()
            .rename("respondents")
        )
        estimate = estimate.join(counts, on=[*domains, "stage"])
        pieces.append(_complete(estimate, domains, answers[behaviour]))
    out = pd.concat(pieces, ignore_index=True)
    out["respondents"] = out["respondents"].fillna(0).astype(int)
    out["confidence"] = confidence_labels([level])
    out["small_base"] = out["base"] < min_respondents
    out["statistic"] = "share of respondents at each stage of change"
    out["method"] = f"design-based (Taylor linearisation), {ci_method} limits; svy {version('svy')}"
    if out["small_base"].any():
        small = out.loc[out["small_base"], [*domains, "behaviour"]].drop_duplicates()
        warnings.warn(
            f"{len(small)} domain(s) have fewer than {min_respondents} answers: read their "
            "shares as indications only",
            SmallNumbersWarning,
            stacklevel=2,
        )
    order = [
        *domains,
        "behaviour",
        "stage",
        "respondents",
        "base",
        "value",
        "se",
        "lowercl",
        "uppercl",
        "df",
        "confidence",
        "small_base",
        "statistic",
        "method",
    ]
    return out[order]


def _complete(estimate: pd.DataFrame, domains: list[str], answers: pd.Series) -> pd.DataFrame:
    """Every stage from precontemplation to the last one asked, in order, for every domain
    (a stage nobody chose in a domain gets share 0 if svy left it out)."""
    asked = [s for s in STAGES if s in set(answers.dropna())]
    scale = list(STAGES[:5]) + (["relapse"] if "relapse" in asked else [])
    keys = estimate[domains].drop_duplicates() if domains else pd.DataFrame(index=[0])
    grid = keys.merge(pd.DataFrame({"stage": scale}), how="cross")
    full = grid.merge(estimate, on=[*domains, "stage"], how="left")
    full["value"] = full["value"].fillna(0.0)
    base = full.groupby(domains)["base"].transform("max") if domains else full["base"].max()
    full["base"] = np.asarray(base, dtype=float)
    full["behaviour"] = estimate["behaviour"].iloc[0]
    full["stage"] = pd.Categorical(full["stage"], categories=list(STAGES), ordered=True)
    return full.sort_values([*domains, "stage"]).reset_index(drop=True)
