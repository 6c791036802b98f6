"""Classification by rule: hand cases, rule checks, the Spearhead rule on demo and real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.frameworks.classification import apply_rule, load_rule, wide_to_indicators

RULE = {
    "name": "two_of_three",
    "worst_fraction": 0.4,
    "min_criteria": 2,
    "criteria": [
        {"id": "le", "indicator": "le", "worse": "low", "label": "Life expectancy"},
        {"id": "mort", "indicator": "mort", "worse": "high", "label": "Mortality"},
        {"id": "dep", "indicator": "dep", "worse": "high", "label": "Deprivation"},
    ],
}


def _table() -> pd.DataFrame:
    values = {
        "le": [70, 75, 80, 85, None],  # E has no value: never among the worst
        "mort": [500, 100, 400, 50, 450],
        "dep": [10, 40, 35, 5, 50],
    }
    rows = [
        {"area_code": area, "indicator": ind, "value": v}
        for ind, column in values.items()
        for area, v in zip("ABCDE", column, strict=True)
    ]
    return pd.DataFrame(rows)


def test_hand_worked_rule() -> None:
    """Worst 40%: of 4 LE values the worst 1.6 -> rank 1 (A); of 5 others, ranks 1-2."""
    out = apply_rule(_table(), RULE).set_index("area_code")
    # LE worst: A. Mortality worst: A (500), E (450). Deprivation worst: E (50), B (40).
    assert out.loc["A", "flagged_by"] == "Life expectancy; Mortality"
    assert out.loc["E", "flagged_by"] == "Mortality; Deprivation"
    assert out.loc["B", "flagged_by"] == "Deprivation"
    assert out["flagged"].to_dict() == {"A": True, "E": True, "B": False, "C": False, "D": False}
    assert out.loc["E", "criteria_available"] == 2
    assert out.loc["A", "le_rank"] == 1
    assert out.attrs["rule"]["min_criteria"] == 2
    assert list(out.index[:2]) == ["A", "E"]  # flagged areas first


def test_ties_at_the_threshold_flag_every_tied_area() -> None:
    table = pd.DataFrame(
        {"area_code": list("ABCDE"), "indicator": "x", "value": [1.0, 1.0, 2, 3, 4]}
    )
    rule = {
        "name": "t",
        "worst_fraction": 0.2,
        "min_criteria": 1,
        "criteria": [{"indicator": "x", "worse": "low"}],
    }
    out = apply_rule(table, rule)
    assert sorted(out.loc[out["flagged"], "area_code"]) == ["A", "B"]


def test_bad_rule_reports_every_problem() -> None:
    bad = {
        "name": "bad",
        "worst_fraction": 20,
        "min_criteria": 9,
        "criteria": [{"indicator": "x", "worse": "sideways"}, {"worse": "low"}],
    }
    with pytest.raises(InputError) as info:
        load_rule(bad)
    rules = sorted(p.rule for p in info.value.problems)
    assert rules == ["bad_count", "bad_polarity", "missing_field", "not_a_fraction"]


def test_missing_indicator_and_repeated_periods_are_reported() -> None:
    table = _table()
    table = pd.concat([table, table.assign(period="2")]).assign(
        period=lambda t: t["period"].fillna("1")
    )
    with pytest.raises(InputError) as info:
        apply_rule(table[table["indicator"] != "dep"], RULE)
    rules = sorted(p.rule for p in info.value.problems)
    assert rules == ["indicator_not_found", "several_values_per_area", "several_values_per_area"]


def test_shipped_spearhead_rule() -> None:
    rule = load_rule("spearhead")
    assert [c.indicator for c in rule.criteria] == [
        "life_expectancy",
        "life_expectancy",
        "under75_mortality_cancer",
        "under75_mortality_circulatory",
        "deprivation_score",
    ]
    assert rule.worst_fraction == 0.2 and rule.min_criteria == 3


def test_spearhead_rule_flags_demo_local_authorities() -> None:
    """SYNTHETIC national demo (one year, 300 LAs): indicators computed, then the rule."""
    from healthgap.datasets import generate_demo
    from healthgap.frameworks.area_indicators import spearhead_indicators

    demo = generate_demo("national", years=1, first_year=2024)
    table = spearhead_indicators(demo["areas"], demo["population"], demo["deaths"])
    assert table.groupby("indicator")["area_code"].nunique().to_dict() == {
        "deprivation_score": 300,
        "life_expectancy": 300,
        "under75_mortality_cancer": 300,
        "under75_mortality_circulatory": 300,
    }
    out = apply_rule(table, "spearhead")
    flagged = out[out["flagged"]]
    assert 20 <= len(flagged) <= 100  # at most 5 x 60 worst-fifth places, 3 needed each
    assert (flagged["criteria_met"] >= 3).all()
    assert flagged["flagged_by"].str.count(";").ge(2).all()
    # deprived areas have lower life expectancy, so the flags agree with each other
    assert flagged["deprivation_value"].mean() > out["deprivation_value"].mean()


@pytest.mark.shared
def test_spearhead_rule_on_real_local_health_indicators(shared_data: Path) -> None:
    """Local Health 2015-19 LE and under-75 SMRs with the IMD 2019 LA average score."""
    wide = pd.read_csv(
        shared_data / "published_indicators" / "local_health_ltla_indicators_2015_19.csv"
    )
    table = wide_to_indicators(
        wide,
        {
            "Life expectancy at birth for males": ("life_expectancy", "male"),
            "Life expectancy at birth for females": ("life_expectancy", "female"),
            "Deaths from all cancer, under 75 years": ("under75_mortality_cancer", "persons"),
            "Deaths from circulatory disease, under 75 years": (
                "under75_mortality_circulatory",
                "persons",
            ),
        },
        period="2015-19",
    )
    imd = pd.read_csv(shared_data / "imd" / "imd2019_la19_scores_extent_england.csv")
    deprivation = wide_to_indicators(
        imd, {"Score": ("deprivation_score", "persons")}, period="2019", area_column="ltla19_code"
    )
    out = apply_rule(pd.concat([table, deprivation]), "spearhead").set_index("area_code")
    assert len(out) >= 309
    flagged = out[out["flagged"]]
    assert 40 <= len(flagged) <= 90
    # Blackpool and Middlesbrough are in the worst fifth on every indicator
    for code in ("E06000009", "E06000002"):
        assert out.loc[code, "criteria_met"] == 5
    assert not out.loc["E07000089", "flagged"]  # Hart, among the least deprived
