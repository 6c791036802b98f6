r"""Parameters of the SYNTHETIC demo country: geography sizes, population and mortality model.

Every number here is a deliberate design choice, set to make the synthetic country behave
like England (see ``docs/demo-data.md`` for the targets and the figures reached). The
mortality model for LSOA :math:`l`, sex :math:`s`, band :math:`b` (mid-age :math:`x_b`),
cause :math:`c` and year :math:`t` is

.. math::

    m_{lsbct} = \lambda_s\, \mu_{sbc}\, \phi_l\, u_l
        \exp\!\left(\gamma_s G_c w_b (r_l - \tfrac12)\right) \exp\!\left(-\tau(r_l, t)\right)

with :math:`\mu_{sbc}` the Gompertz-like cause schedule (:func:`cause_schedule`),
:math:`r_l \in (0, 1]` the national deprivation rank fraction (1 = most deprived),
:math:`G_c` the cause's log rate ratio between the most and least deprived ends at
working ages, :math:`w_b` its age weight, :math:`\phi_l` a mean-one LSOA frailty,
:math:`u_l` the rural factor and :math:`\tau` the period trend relative to
:data:`REFERENCE_YEAR`. :math:`\lambda_s` and :math:`\gamma_s` are calibrated
(:data:`LEVEL`, :data:`GRADIENT_SCALE`) so that national LE and the decile gap hit
the targets in :data:`TARGETS` for the pooled years around :data:`REFERENCE_YEAR`.

>>> cause_schedule("male").shape
(20, 8)
"""

from __future__ import annotations

import numpy as np

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS

__all__ = [
    "BAND_MID_AGES",
    "CAUSE_GRADIENT",
    "DEMO_SEXES",
    "GRADIENT_SCALE",
    "LEVEL",
    "REFERENCE_YEAR",
    "TARGETS",
    "age_weight",
    "cause_schedule",
]

#: Sexes generated (persons is the analyst's sum).
DEMO_SEXES: tuple[str, str] = ("male", "female")

#: Representative age of each of the 20 standard bands.
BAND_MID_AGES = np.array([0.5, 3.0, *(s + 2.5 for s in STANDARD_STARTS[2:-1]), 93.0])

# --- Geography -------------------------------------------------------------------------
N_LSOA = 33_800
N_WARD = 6_800
#: Local authorities per region (300 in all); region 7 is London-like (all boroughs, urban).
LAS_PER_REGION = (12, 39, 21, 40, 30, 45, 33, 58, 22)
LONDON_REGION = 6
#: Regions with metropolitan districts (E08) and how many of their LAs are metropolitan.
METROPOLITAN_LAS = {1: 15, 2: 4, 4: 7, 0: 5}
#: Deprivation: log IMD-like score = SCORE_LOG_MEAN + region + LA + ward + LSOA effects.
SCORE_LOG_MEAN = 2.78
REGION_SCORE_EFFECT = (0.30, 0.22, 0.18, 0.00, 0.15, -0.15, 0.10, -0.25, -0.05)
SCORE_SD = {"la": 0.22, "ward": 0.22, "lsoa": 0.50}
RURAL_SCORE_EFFECT = -0.30
#: Share of wards that are rural is drawn per LA from Beta(a, b) (about 18% of people rural).
RURAL_SHARE_BETA = (0.6, 2.4)

# --- Population ------------------------------------------------------------------------
#: Mean LSOA population (all ages, both sexes) in :data:`REFERENCE_YEAR`, and log-sd of size.
LSOA_MEAN_SIZE = 1_670.0
LSOA_SIZE_SD = 0.18
MALE_SHARE = 0.494
#: Age shares by band (England mid-2019, rounded, percent), males then females.
AGE_SHARE = np.array(
    [
        [1.15, 4.8, 6.3, 5.9, 5.6, 6.4, 6.9, 6.8, 6.6, 6.2,
         6.8, 6.9, 6.3, 5.4, 4.9, 4.8, 3.4, 2.4, 1.3, 0.55],
        [1.05, 4.4, 5.9, 5.5, 5.2, 6.0, 6.7, 6.8, 6.5, 6.0,
         6.7, 6.9, 6.3, 5.5, 5.1, 5.2, 3.9, 3.0, 1.9, 1.1],
    ]
)  # fmt: skip
#: Age tilt per LSOA: shares scale by exp(tilt * (age - 40) / 40); deprived and urban
#: areas are younger, rural ones older.
TILT_PER_RANK = -0.45
TILT_RURAL = 0.30
TILT_SD = 0.12
GROWTH_MEAN = 0.006
GROWTH_SD = 0.006

# --- Mortality -------------------------------------------------------------------------
REFERENCE_YEAR = 2023
TREND_BREAK_YEAR = 2011
#: Annual fall in death rates before the break (everyone) and after it (least -> most deprived).
IMPROVEMENT_BEFORE = 0.022
IMPROVEMENT_AFTER_LEAST = 0.011
IMPROVEMENT_AFTER_MOST = 0.000
FRAILTY_SD = 0.10
RURAL_RATE_FACTOR = 0.95

#: Male Gompertz-like schedules per 100,000 (national average, REFERENCE_YEAR):
#: rate(x) = floor + r70 * exp(b * (x - 70)), b = b_young below 70 and b_old above,
#: plus a hump amp * exp(-((x - centre) / width)^2).
_SCHEDULE = {
    #                    floor, r70,   b_young, b_old, amp,  centre, width
    "circulatory":        (0.5, 600.0, 0.095, 0.100, 0.0, 40.0, 15.0),
    "cancer":             (2.0, 900.0, 0.100, 0.045, 0.0, 40.0, 15.0),
    "respiratory":        (1.0, 220.0, 0.110, 0.120, 0.0, 40.0, 15.0),
    "digestive":          (0.3, 95.0, 0.055, 0.070, 0.0, 40.0, 15.0),
    "external":           (2.0, 15.0, 0.080, 0.080, 40.0, 33.0, 18.0),
    "infant_perinatal":   (0.0, 0.0, 0.0, 0.0, 0.0, 40.0, 15.0),
    "mental_behavioural": (0.2, 45.0, 0.100, 0.170, 9.0, 45.0, 14.0),
    "other":              (7.0, 170.0, 0.090, 0.130, 0.0, 40.0, 15.0),
}  # fmt: skip
#: Extra rates per 100,000 in the first two bands (age 0, 1-4) for males.
_INFANT_EXTRA = {"infant_perinatal": (330.0, 1.5), "other": (85.0, 3.0)}
#: Female / male rate ratio at ages <= 60 and >= 90 (linear in between).
_FEMALE_RATIO = {
    "circulatory": (0.40, 0.85),
    "cancer": (0.95, 0.65),
    "respiratory": (0.85, 0.75),
    "digestive": (0.60, 0.85),
    "external": (0.30, 0.60),
    "infant_perinatal": (0.80, 0.80),
    "mental_behavioural": (0.40, 1.25),
    "other": (0.80, 0.90),
}

#: Log rate ratio, most vs least deprived end (rank 1 vs 0), at ages 15-64, per cause.
CAUSE_GRADIENT = np.array(
    [
        {
            "circulatory": 1.45,
            "cancer": 0.95,
            "respiratory": 1.90,
            "digestive": 1.60,
            "external": 1.50,
            "infant_perinatal": 0.80,
            "mental_behavioural": 1.60,
            "other": 1.00,
        }[cause]
        for cause in CAUSE_GROUPS
    ]
)

#: Calibrated by :func:`healthgap.datasets.calibration.calibrate` (rerun it after changing
#: any parameter above and paste its output here): overall level and gradient scale per sex.
LEVEL = {"male": 0.96239, "female": 0.97472}
GRADIENT_SCALE = {"male": 0.84574, "female": 0.76384}

#: Published English figures the demo country is calibrated to (3 pooled years).
TARGETS = {
    "le_male": 79.5,
    "le_female": 83.1,
    "decile_gap_male": 9.4,
    "decile_gap_female": 7.4,
}


def age_weight() -> np.ndarray:
    """Weight of the deprivation gradient by band: 0.6 for children, 1 at 15-64, falling
    linearly to 0.3 by the open band (inequality in death rates narrows in old age)."""
    x = BAND_MID_AGES
    old = np.clip((x - 65.0) / (93.0 - 65.0), 0.0, 1.0)
    weight = 1.0 - 0.7 * old
    return np.where(x < 15.0, 0.6, weight)


def cause_schedule(sex: str) -> np.ndarray:
    """Death rates per person-year by band and cause (shape (20, 8)) for a national-average
    person of ``sex`` in :data:`REFERENCE_YEAR`, before the calibrated level."""
    x = BAND_MID_AGES
    rates = np.empty((len(x), len(CAUSE_GROUPS)))
    for j, cause in enumerate(CAUSE_GROUPS):  # 8 causes, not areas
        floor, r70, b_young, b_old, amp, centre, width = _SCHEDULE[cause]
        slope = np.where(x < 70.0, b_young, b_old)
        rate = (
            floor + r70 * np.exp(slope * (x - 70.0)) + amp * np.exp(-(((x - centre) / width) ** 2))
        )
        if cause == "infant_perinatal":
            rate = np.zeros_like(x)
        extra = _INFANT_EXTRA.get(cause, (0.0, 0.0))
        rate[:2] += extra
        if sex == "female":
            young, old = _FEMALE_RATIO[cause]
            rate *= young + (old - young) * np.clip((x - 60.0) / 30.0, 0.0, 1.0)
        rates[:, j] = rate
    return rates / 100_000.0
