"""What a file of each table must hold: its columns in words, and a template to fill in.

The Data page lists, for each table of the data model
(:data:`healthgap.data.model.TABLE_COLUMNS`), its columns with what each holds, whether it
is needed and an example, and offers a template CSV (the header and one example row) to
download. The words here are our own summary of ``docs/data-model.md``.

>>> data_templates()["deaths"][["column", "required"]].head(2).to_dict("list")
{'column': ['area_code', 'period'], 'required': ['yes', 'yes']}
>>> template_csv("population").splitlines()[0]
'area_code,period,sex,age_start,person_years'
"""

from __future__ import annotations

import io

import pandas as pd

from healthgap.data.csv_export import neutralise_formulas
from healthgap.data.model import KEY_COLUMNS, TABLE_COLUMNS
from healthgap.errors import InputError

__all__ = ["TABLE_PURPOSES", "data_templates", "template_csv"]

#: What each table is for, in a sentence.
TABLE_PURPOSES: dict[str, str] = {
    "areas": "The places: one row per area, with its level, its parents and its deprivation.",
    "population": "People (person-years) by area, period, sex and age band.",
    "deaths": "Deaths by area, period, sex, age band and cause (rows of zero may be left out).",
    "good_health": "The share of people in good health, for healthy life expectancy.",
    "indicators": "Any published indicator with its 95% limits (the Fingertips layout works).",
}
#: Column -> (what it holds, an example value).
_COLUMNS: dict[str, tuple[str, str]] = {
    "area_code": ("The area's code, e.g. an ONS GSS code", "E06000001"),
    "area_name": ("The name to show", "Hartlepool"),
    "level": ("lsoa, msoa, ward, la, utla, region, icb or country (or a level of your own)", "la"),
    "vintage": ("The boundary year of the area set", "2021"),
    "deprivation_score": ("A deprivation score such as IMD (higher = more deprived)", "35.0"),
    "period": ("One year (2014), pooled years (2012-14) or a financial year (2018/19)", "2022"),
    "sex": ("male, female or persons (M, F, P, 1, 2 are read too)", "female"),
    "age_start": ("The first age of the band: 0, 1, 5, 10, ... 90 (90 = 90 and over)", "0"),
    "person_years": ("Population (person-years), 0 or more", "512"),
    "cause": (
        "circulatory, cancer, respiratory, digestive, external, infant_perinatal, "
        "mental_behavioural, other, or all",
        "all",
    ),
    "deaths": ("Number of deaths, 0 or more", "3"),
    "prevalence": ("Share in good health, from 0 to 1", "0.81"),
    "respondents": ("Number of people the share is based on", "120"),
    "indicator": ("A short name of the indicator", "smoking_prevalence"),
    "value": ("The indicator's value", "14.2"),
    "lowercl": ("Lower 95% limit (may be empty)", "12.9"),
    "uppercl": ("Upper 95% limit (may be empty)", "15.6"),
    "count": ("The count behind the value (may be empty)", "210"),
    "denominator": ("The denominator behind the value (may be empty)", "1480"),
}
_NEEDED = {"person_years", "deaths", "value", "prevalence"}
_PARENT = ("parent_la", "The code of the area's parent at a level, one column per level", "")


def data_templates() -> dict[str, pd.DataFrame]:
    """For each table: ``column``, ``required`` (yes/no), ``meaning`` and ``example``."""
    out = {}
    for table, columns in TABLE_COLUMNS.items():
        rows = [
            {
                "column": column,
                "required": "yes" if column in KEY_COLUMNS[table] or column in _NEEDED else "no",
                "meaning": _COLUMNS[column][0],
                "example": _COLUMNS[column][1],
            }
            for column in columns
        ]
        if table == "areas":
            rows.append(
                {"column": _PARENT[0], "required": "no", "meaning": _PARENT[1], "example": ""}
            )
        out[table] = pd.DataFrame(rows)
    return out


def template_csv(table: str) -> str:
    """A CSV with the table's header and one example row, to fill in."""
    templates = data_templates()
    if table not in templates:
        raise InputError(
            f"there is no {table!r} table; choose one of {', '.join(templates)}",
            rule="unknown_table",
        )
    frame = templates[table]
    example = pd.DataFrame([frame["example"].tolist()], columns=frame["column"].tolist())
    if table == "areas":
        example.loc[0, "parent_la"] = ""
        example.loc[0, "level"] = "la"
    buffer = io.StringIO()
    # our own example values, but every CSV writer guards against formula cells all the same
    neutralise_formulas(example).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
