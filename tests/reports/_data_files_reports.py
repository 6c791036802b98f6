"""A small workspace whose area names are spreadsheet formulas (CSV injection tests)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from healthgap.agebands import STANDARD_STARTS
from healthgap.data import write_workspace

HOSTILE_NAMES = {"E06000001": "=cmd|' /C calc'!A0", "E06000002": "@SUM(1+1)*cmd|' /C calc'!A0"}


def formula_workspace(tmp_path: Path) -> Path:
    rows = [(a, "2014", s, age) for a in HOSTILE_NAMES for s in ("male", "female")
            for age in STANDARD_STARTS]  # fmt: skip
    keys = pd.DataFrame(rows, columns=["area_code", "period", "sex", "age_start"])
    population = keys.assign(person_years=5000.0)
    deaths = keys.assign(cause="all", deaths=[1.0 + (age // 10) * 4 for age in keys["age_start"]])
    areas = pd.DataFrame(
        {"area_code": list(HOSTILE_NAMES), "area_name": list(HOSTILE_NAMES.values()),
         "level": "la"}
    )  # fmt: skip
    tables = {"areas": areas, "population": population, "deaths": deaths}
    return write_workspace(tmp_path / "ws", tables).path
