"""The worked example of interventions.md §6 (inputs transcribed from §6.1), shared by tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.scenarios import Baseline, scenario_from_dict

CAUSES = ("circulatory", "cancer", "respiratory", "other")

# Age band: Q1 P, circ, cancer, resp, other, Q5 P, circ, cancer, resp, other (3 pooled years)
TABLE_6_1 = """
0 6300 0 0 2 35 4500 0 0 1 13
1 25200 0 1 0 3 18900 0 0 0 2
5 30600 0 0 0 2 25200 0 0 0 1
10 28800 0 1 0 3 26100 0 0 0 2
15 27900 1 1 1 11 23400 0 0 0 4
20 32400 1 3 1 21 18000 0 1 0 5
25 36900 2 4 2 28 18900 0 1 0 6
30 35100 2 4 2 36 22500 1 1 1 10
35 31500 18 22 7 19 26100 4 6 1 6
40 28800 24 29 10 25 28800 7 10 2 9
45 27900 34 42 14 37 32400 12 16 4 15
50 27000 50 61 20 54 34200 18 26 6 24
55 25200 72 88 29 78 33300 28 39 9 36
60 21600 96 118 39 104 31500 41 58 13 53
65 18000 121 128 62 78 29700 82 95 35 60
70 14400 154 163 79 99 26100 114 134 50 84
75 9900 149 159 77 96 19800 167 195 72 122
80 6300 166 177 86 107 13500 199 232 86 146
85 3150 133 83 67 133 8100 268 168 134 268
90 1350 114 71 57 114 4050 268 168 134 268
"""


def worked_example_baseline() -> Baseline:
    rows = np.array([line.split() for line in TABLE_6_1.strip().splitlines()], dtype=float)
    deaths = np.stack([rows[:, 2:6], rows[:, 7:11]])[:, None]  # (cell, sex, band, cause)
    population = np.stack([rows[:, 1], rows[:, 6]])[:, None]
    cells = pd.DataFrame({"cell": ["Q1", "Q5"], "area_code": ["X", "X"], "quintile": [1, 5]})
    return Baseline.from_arrays(deaths, population, cells, sexes=("male",), causes=CAUSES,
                                years=3, period="synthetic")  # fmt: skip


SMOKING = {
    "intervention": "smoking_cessation",
    "label": "A smoking",
    "volume": {"units_total": 1000},
    "target": {"quintiles": [1], "sexes": ["male"], "ages": [35, 70]},
    "overrides": {"p4": 0.526, "p52": 0.25, "s_unaided": 0.03, "r_late": 0.35},
    "exposure": {"by_age": {35: 0.30, 55: 0.25, 65: 0.18}, "quintile_ratio": [1, 1, 1, 1, 1]},
    "unit_cost": 400,
}
STATINS = {
    "intervention": "statins",
    "label": "B statins",
    "volume": {"units_per_year": 200},
    "target": {"quintiles": [1], "sexes": ["male"], "ages": [40, 70]},
    "overrides": {"rr_per_mmol": 0.85, "ldl_reduction": 1.2, "adherence": 0.70, "k_risk": 1.5},
    "exposure": {"by_age": {40: 0.10, 50: 0.30, 60: 0.65, 70: 0.90},
                 "quintile_ratio": [1, 1, 1, 1, 1]},
    "unit_cost": 50,
}  # fmt: skip

# §6.4 uncertainty distributions (scenario-specific overrides of the library defaults)
SMOKING_UNCERTAIN = {
    **SMOKING,
    "overrides": {
        "p4": 0.526,
        "p52": {"value": 0.25, "distribution": "beta(25, 75)"},
        "s_unaided": {"value": 0.03, "distribution": "uniform(0.02, 0.05)"},
        "r_late": {"value": 0.35, "distribution": "uniform(0.25, 0.45)"},
        "rr_excess_multiplier": {"value": 1.0, "distribution": "lognormal(0, 0.1)"},
    },
}
STATINS_UNCERTAIN = {
    **STATINS,
    "overrides": {
        "rr_per_mmol": {"value": 0.85, "distribution": "lognormal(-0.16251893, 0.030)"},
        "ldl_reduction": 1.2,
        "adherence": {"value": 0.70, "distribution": "beta(70, 30)"},
        "k_risk": {"value": 1.5, "distribution": "uniform(1.2, 1.8)"},
    },
}


def scenario(*items: dict, name: str = "worked example") -> object:
    return scenario_from_dict(
        {"name": name, "horizon": 3, "comparison": {"type": "quintiles"},
         "target_reduction": 0.10, "interventions": list(items)}
    )  # fmt: skip
