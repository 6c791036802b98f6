r"""A SYNTHETIC lifestyle survey of the demo country: smoking, drinking, activity and diet,
each with a stage-of-change answer, under a stratified cluster design with weights.

Design. Strata are the quartiles of ward deprivation (small demo) or the regions
(national); primary sampling units (PSUs) are wards: every ward of the small demo's local
authority, or 40 wards per region drawn with probability proportional to adult population
(national). Within a PSU, respondents aged 16+ are drawn from its LSOAs by age band and
sex, tilted by a response propensity that is lower in deprived areas and at younger ages,
as in real surveys. The weight of respondent :math:`i` in PSU :math:`j` is

.. math:: w_i = \frac{N_j}{\pi_j\, n_j} \cdot \frac{\bar\rho_j}{\rho_i}

with :math:`N_j` the PSU's adults, :math:`\pi_j` its inclusion probability,
:math:`n_j` its respondents, :math:`\rho_i` the response propensity and
:math:`\bar\rho_j` its harmonic mean in the PSU, so weights add up to the adult population.

Behaviours depend on deprivation, age and sex with England-like levels (about 13% smoke,
most in deprived areas); each behaviour's stage is asked of people it concerns (e.g.
smoking stage of smokers and ex-smokers): empty otherwise. Stages of people who have not
changed follow a multinomial model with more precontemplation in deprived areas.
No figure is a real statistic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from healthgap.datasets.insight_demo import DemoAreas

__all__ = ["SURVEY_AGE_BANDS", "SURVEY_STAGE_COLUMNS", "draw_lifestyle_survey"]

SURVEY_AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
#: Behaviour -> its stage column (the mapping ``stage_shares`` takes).
SURVEY_STAGE_COLUMNS = {
    "smoking": "smoking_stage",
    "drinking": "drinking_stage",
    "physical_activity": "activity_stage",
    "diet": "diet_stage",
}
_NOT_CHANGED = ("precontemplation", "contemplation", "preparation")
_RESPONDENTS_PER_PSU = {"small": 100, "national": 50}
_PSUS_PER_REGION = 40


def _band_of_start(age_start: np.ndarray) -> np.ndarray:
    """Survey age band index of each 5-year band start (15-19 counts as 16-19)."""
    return np.clip(np.searchsorted([25, 35, 45, 55, 65, 75], age_start, side="right"), 0, 6)


def _pick_within(group: np.ndarray, weight: np.ndarray, wanted: np.ndarray, u: np.ndarray):
    """For each draw (its group in ``wanted``), an item of that group with probability
    proportional to ``weight``: inverse-CDF sampling on one global cumulative sum."""
    order = np.argsort(group, kind="stable")
    g, w = group[order], weight[order]
    cumulative = np.cumsum(w)
    starts = np.searchsorted(g, np.arange(g.max() + 1), side="left")
    ends = np.searchsorted(g, np.arange(g.max() + 1), side="right")
    before = np.r_[0.0, cumulative][starts]
    total = np.r_[0.0, cumulative][ends] - before
    target = before[wanted] + u * total[wanted]
    found = np.searchsorted(cumulative, target, side="right")
    return order[np.minimum(found, ends[wanted] - 1)]


def _stages(rng, n, deprived, changed_recently, changed_long_ago, asked):
    """Stage answers: action/maintenance for people who changed, otherwise a multinomial
    logit over precontemplation/contemplation/preparation tilted by deprivation."""
    logits = np.column_stack([0.6 + 1.0 * deprived, 0.3 + 0.2 * deprived, -0.3 - 0.4 * deprived])
    pick = np.argmax(logits + rng.gumbel(size=(n, 3)), axis=1)
    stage = np.asarray(_NOT_CHANGED, dtype=object)[pick]
    stage = np.where(changed_recently, "action", stage)
    stage = np.where(changed_long_ago, "maintenance", stage)
    return np.where(asked, stage, None)


def _design(a: pd.DataFrame, size: str, rng: np.random.Generator):
    """Stratum and PSU inclusion probability of every ward, and which wards are in."""
    ward = a.groupby("parent_ward", sort=True).agg(
        region=("parent_region", "first"), rank=("rank_fraction", "mean"), adults=("adults", "sum")
    )
    if size == "small":
        ward["stratum"] = "Q" + (
            pd.qcut(ward["rank"].rank(method="first"), 4, labels=False) + 1
        ).astype(str)
        ward["probability"] = 1.0
        ward["selected"] = True
        return ward
    ward["stratum"] = ward["region"].astype(str)
    # probability-proportional-to-size selection without replacement by Gumbel top-k
    key = np.log(ward["adults"].to_numpy()) + rng.gumbel(size=len(ward))
    rank_in_region = pd.Series(key, index=ward.index).groupby(ward["stratum"]).rank(ascending=False)
    ward["selected"] = rank_in_region <= _PSUS_PER_REGION
    share = ward["adults"] / ward.groupby("stratum")["adults"].transform("sum")
    ward["probability"] = np.minimum(1.0, _PSUS_PER_REGION * share)
    return ward


def draw_lifestyle_survey(areas: DemoAreas, rng: np.random.Generator, *, size: str = "small"):
    """The survey respondents as a tidy frame (one row per respondent)."""
    pop = areas.population
    adult = pop[pop["age_start"] >= 15].copy()
    adult["adults"] = np.where(adult["age_start"] == 15, 0.8, 1.0) * adult["person_years"]
    a = areas.areas.set_index("area_code")
    a["adults"] = adult.groupby("area_code")["adults"].sum().reindex(a.index).fillna(0.0)
    ward = _design(a.reset_index(), size, rng)

    # cells (LSOA x sex x 5-year band) in selected wards, with response propensity
    cells = adult.join(a[["parent_ward", "rank_fraction"]], on="area_code")
    cells = cells[cells["parent_ward"].map(ward["selected"]).to_numpy(dtype=bool)]
    cells = cells[cells["adults"] > 0].reset_index(drop=True)
    age_mid = cells["age_start"].to_numpy() + 2.5
    propensity = 0.55 - 0.2 * cells["rank_fraction"].to_numpy() + 0.003 * (age_mid - 45)
    psu_codes, psu_of_cell = np.unique(cells["parent_ward"].astype(str), return_inverse=True)
    per_psu = _RESPONDENTS_PER_PSU[size]
    wanted = np.repeat(np.arange(len(psu_codes)), per_psu)
    chosen = _pick_within(
        psu_of_cell, cells["adults"].to_numpy() * propensity, wanted, rng.random(wanted.size)
    )
    r = cells.iloc[chosen].reset_index(drop=True)
    rho = propensity[chosen]
    psu = psu_codes[wanted]
    info = ward.loc[psu]
    harmonic = pd.Series(1 / rho).groupby(psu).transform("mean").to_numpy()
    weight = info["adults"].to_numpy() / (info["probability"].to_numpy() * per_psu)
    weight = weight / (rho * harmonic)
    n = len(r)

    deprived = r["rank_fraction"].to_numpy() - 0.5  # -0.5 least to +0.5 most deprived
    male = (r["sex"] == "male").to_numpy()
    age = r["age_start"].to_numpy() + 2.5
    u = rng.random((n, 8))
    p_smoke = 1 / (1 + np.exp(-(-1.95 + 2.4 * deprived + 0.25 * male - 0.02 * (age - 40))))
    p_ex = 1 / (1 + np.exp(-(-1.6 + 0.03 * (age - 40))))
    current = u[:, 0] < p_smoke
    ex = ~current & (u[:, 1] < p_ex)
    quit_recent = ex & (u[:, 2] < 0.08)
    relapse = current & (u[:, 3] < 0.12)
    smoking_stage = _stages(rng, n, deprived, quit_recent, ex & ~quit_recent, current | ex)
    smoking_stage = np.where(relapse, "relapse", smoking_stage)

    units = rng.gamma(1.2, 7.0 + 4.0 * male - 4.0 * deprived, n) * (u[:, 4] > 0.2)
    risky = units > 14
    cut_down = ~risky & (units > 0) & (u[:, 5] < 0.12)
    drinking_stage = _stages(
        rng, n, deprived, cut_down & (u[:, 2] < 0.4), cut_down & (u[:, 2] >= 0.4), risky | cut_down
    )

    minutes = rng.gamma(1.5, 110 - 80 * deprived - 0.8 * (age - 40), n).clip(0)
    inactive = minutes < 150
    started = ~inactive & (u[:, 6] < 0.15)
    activity_stage = _stages(
        rng, n, deprived, started & (u[:, 2] < 0.4), started & (u[:, 2] >= 0.4), inactive | started
    )

    portions = rng.poisson(np.clip(4.0 - 2.5 * deprived + 0.02 * (age - 40), 0.5, None))
    low = portions < 5
    improved = ~low & (u[:, 7] < 0.2)
    diet_stage = _stages(
        rng, n, deprived, improved & (u[:, 2] < 0.4), improved & (u[:, 2] >= 0.4), low | improved
    )

    band = np.asarray(SURVEY_AGE_BANDS, dtype=object)[_band_of_start(r["age_start"].to_numpy())]
    status = np.where(current, "current", np.where(ex, "ex", "never"))
    return pd.DataFrame(
        {
            "respondent_id": [f"R{i:06d}" for i in range(1, n + 1)],
            "area_code": r["area_code"].astype(str).to_numpy(),
            "stratum": info["stratum"].to_numpy(),
            "psu": psu,
            "weight": np.round(weight, 4),
            "sex": r["sex"].to_numpy(),
            "age_band": band,
            "smoking_status": status,
            "smoking_stage": smoking_stage,
            "drinking_units": np.round(units, 1),
            "drinking_stage": drinking_stage,
            "activity_minutes": np.round(minutes).astype(int),
            "activity_stage": activity_stage,
            "fruit_veg_portions": portions,
            "diet_stage": diet_stage,
        }
    )
