"""A SYNTHETIC workspace of several local authorities for grid tests (seconds to build).

Each authority has ten small areas, two in each deprivation fifth; death rates follow a
Gompertz curve, raised with deprivation, split over the cause groups in fixed shares, and
drawn from a Poisson distribution with a fixed seed (deterministic).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.model import CAUSE_GROUPS
from healthgap.data.workspace import write_workspace

GRID_TEXT = """
name: Test grid
seed: 5
draws: 40
chunk_draws: 15
areas: {level: la}
scenarios:
  - name: statins
    interventions:
      - intervention: statins
        volume: {coverage: {from: 0, to: 10}}
        target: {quintiles: [1], ages: [40, 70]}
  - name: smoking
    interventions:
      - intervention: smoking_cessation
        volume: {coverage: {from: 0, to: 5}}
        target: {gradient: 2.0}
parameters:
  - name: low adherence
    set: {statins.adherence: 0.5}
budgets: [20000]
keep_draws: true
"""


def build_grid_workspace(path: Path, n_la: int = 6, seed: int = 3, growth: float = 0.0) -> Path:
    """The workspace in ``path``; each authority ``growth`` times larger than the one before
    (0: all the same size)."""
    rng = np.random.default_rng(seed)
    starts = np.asarray(STANDARD_STARTS)
    base = 0.00006 * np.exp(0.085 * starts)
    base[0] = 0.004
    shares = np.array([0.27, 0.28, 0.12, 0.05, 0.04, 0.01, 0.05, 0.18])
    shares = shares / shares.sum()
    areas, population, deaths = [], [], []
    for la in range(n_la):
        la_code = f"E0690{la:04d}"
        areas.append({"area_code": la_code, "area_name": f"Testshire {la}", "level": "la"})
        for i in range(10):
            code = f"E0100{la:02d}{i:02d}"
            score = 5.0 + 5.0 * i + la
            areas.append(
                {
                    "area_code": code,
                    "area_name": f"Testshire {la} {i:02d}",
                    "level": "lsoa",
                    "deprivation_score": score,
                    "parent_la": la_code,
                }
            )
            for year in ("2022", "2023", "2024"):
                for sex, sex_factor in (("male", 1.25), ("female", 1.0)):
                    person_years = np.full(len(starts), 800.0 * (1 + growth * la))
                    rate = base * sex_factor * (1 + 0.08 * i)
                    population.append(
                        pd.DataFrame(
                            {
                                "area_code": code,
                                "period": year,
                                "sex": sex,
                                "age_start": starts,
                                "person_years": person_years,
                            }
                        )
                    )
                    expected = person_years[:, None] * rate[:, None] * shares[None, :]
                    frame = pd.DataFrame(
                        {
                            "area_code": code,
                            "period": year,
                            "sex": sex,
                            "age_start": np.repeat(starts, len(CAUSE_GROUPS)),
                            "cause": np.tile(CAUSE_GROUPS, len(starts)),
                            "deaths": rng.poisson(expected).ravel().astype(float),
                        }
                    )
                    deaths.append(frame)
    table = pd.DataFrame(areas)
    table["vintage"] = "2021"
    write_workspace(
        path,
        {"areas": table, "population": pd.concat(population, ignore_index=True),
         "deaths": pd.concat(deaths, ignore_index=True)},
        metadata={"synthetic": True, "source": "tests/scale/grid_workspace.py"},
    )  # fmt: skip
    return path
