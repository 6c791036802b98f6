"""Life expectancy: hand-computed cases, suppression rules, options and input errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS
from healthgap.errors import BandingWarning, InputError, SuppressionWarning
from healthgap.measures.life_expectancy import LE_METHOD, life_expectancy

DEATHS = [40, 4, 2, 2, 4, 5, 6, 8, 12, 18, 28, 45, 70, 110, 170, 260, 400, 600, 900, 1500]


def _frame(deaths: list[float] = DEATHS, pops: float | list[float] = 10_000.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": "E1",
            "sex": "male",
            "period": "2014",
            "age_start": STANDARD_STARTS,
            "person_years": pops,
            "deaths": deaths,
        }
    )


def test_three_band_case_matches_the_hand_computation() -> None:
    """Bands 0, 1-4, 5+; every step written out with scalars."""
    data = pd.DataFrame(
        {
            "area_code": "E1",
            "sex": "female",
            "period": "2014",
            "age_start": [0, 1, 5],
            "person_years": [1000.0, 4000.0, 10000.0],
            "deaths": [10.0, 4.0, 1000.0],
        }
    )
    with pytest.warns(BandingWarning, match=r"open band 5\+ is treated like 90\+"):
        out = life_expectancy(data, starts=(0, 1, 5))
    q0, q1 = 0.01 / 1.009, 0.004 / 1.002
    l0 = 100_000.0
    l1 = l0 * (1 - q0)
    l2 = l1 * (1 - q1)
    L = [l1 + 0.1 * (l0 - l1), 4 * (l2 + 0.5 * (l1 - l2)), l2 / 0.1]
    e = [sum(L) / l0, (L[1] + L[2]) / l1, L[2] / l2]
    w2 = l2**2 / (1000 * 0.1**2)
    w1 = l1**2 * (0.5 * 4 + e[2]) ** 2 * q1**2 * (1 - q1) / 4
    w0 = l0**2 * (0.9 * 1 + e[1]) ** 2 * q0**2 * (1 - q0) / 10
    se = [math.sqrt((w0 + w1 + w2) / l0**2), math.sqrt((w1 + w2) / l1**2), math.sqrt(w2 / l2**2)]
    np.testing.assert_allclose(out["value"], e, rtol=1e-12)
    z = 1.959963984540054
    np.testing.assert_allclose(out["lowercl"], np.array(e) - z * np.array(se), rtol=1e-12)
    np.testing.assert_allclose(out["uppercl"], np.array(e) + z * np.array(se), rtol=1e-12)
    assert round(e[2], 6) == 10.0  # 1 / M at 5+
    assert out["person_years_used"].tolist() == [15000.0, 14000.0, 10000.0]
    assert out["deaths_used"].tolist() == [1014.0, 1004.0, 1000.0]


def test_output_columns_and_labels() -> None:
    out = life_expectancy(_frame(), confidence=(0.95, 0.998), ages=[0, 1, 90])
    assert list(out.columns) == [
        "area_code",
        "sex",
        "period",
        "age_start",
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
        "confidence",
        "statistic",
        "method",
        "person_years_used",
        "deaths_used",
        "suppression_reason",
        "suppression_note",
    ]
    assert out["statistic"].tolist() == [f"life expectancy at {a}" for a in (0, 1, 90)]
    assert set(out["method"]) == {LE_METHOD} and set(out["confidence"]) == {"95%, 99.8%"}
    assert (out["lower99_8cl"] < out["lower95_0cl"]).all()
    assert (out["upper99_8cl"] > out["upper95_0cl"]).all()
    assert out["value"].iloc[2] == pytest.approx(10_000 / 1500)  # 1 / M at 90+


def test_groups_keep_the_order_they_first_appear_in() -> None:
    data = pd.concat([_frame().assign(area_code=code) for code in ["E3", "E1", "E2"]])
    out = life_expectancy(data.iloc[::-1], ages=[0])
    assert out["area_code"].tolist() == ["E2", "E1", "E3"]


def test_q_is_one_when_deaths_pass_the_threshold_and_later_ages_are_explained() -> None:
    deaths = DEATHS.copy()
    deaths[17] = 6000  # 80-84: M = 0.6, so n a M = 1.5 > 1 and q = 1
    with pytest.warns(SuppressionWarning, match="no one in the life table"):
        out = life_expectancy(_frame(deaths))
    at = out.set_index("age_start")
    assert at.loc[80, "value"] == pytest.approx(2.5)  # half of the 5 years, everyone dies
    assert at.loc[[85, 90], "suppression_reason"].tolist() == ["no_survivors"] * 2
    assert at.loc[[85, 90], "value"].isna().all()


@pytest.mark.parametrize(
    ("change", "reason", "warning"),
    [
        ({"deaths": (5, -1)}, "negative_deaths", "negative deaths"),
        ({"person_years": (5, 0)}, "population_not_positive", "zero or less population"),
        ({"deaths": (5, 20_000)}, "deaths_exceed_population", "more deaths than population"),
        ({"deaths": (19, 0)}, "no_deaths_open_band", "no deaths in the open age band"),
    ],
)
def test_group_rules(change: dict[str, tuple[int, float]], reason: str, warning: str) -> None:
    good = _frame().assign(area_code="GOOD")
    bad = _frame()
    for column, (row, value) in change.items():
        bad.loc[row, column] = value
    with pytest.warns(SuppressionWarning, match=warning):
        out = life_expectancy(pd.concat([bad, good]))
    by_area = out.groupby("area_code")
    assert by_area["value"].count().to_dict() == {"E1": 0, "GOOD": 20}
    assert set(out.loc[out["area_code"] == "E1", "suppression_reason"]) == {reason}
    assert out.loc[out["area_code"] == "E1", "lowercl"].isna().all()


def test_small_population_is_five_thousand_or_fewer() -> None:
    pops = [250.0] * 20  # exactly 5,000 person-years: the reference uses <=
    deaths = [d / 40 for d in DEATHS]
    with pytest.warns(SuppressionWarning, match="less than 5,000"):
        out = life_expectancy(_frame(deaths, pops))
    assert set(out["suppression_reason"]) == {"small_population"}
    out = life_expectancy(_frame(deaths, [250.05] * 20), ages=[0])
    assert out["suppression_reason"].tolist() == [""]


def test_missing_and_repeated_bands() -> None:
    missing = _frame().drop(index=7).assign(area_code="MISS")
    repeated = pd.concat([_frame(), _frame().iloc[[3]]]).assign(area_code="REP")
    with pytest.warns(SuppressionWarning, match="different number of age bands than 20"):
        out = life_expectancy(pd.concat([missing, repeated]), ages=[0])
    assert out.set_index("area_code")["suppression_reason"].to_dict() == {
        "MISS": "missing_age_band",
        "REP": "duplicate_age_band",
    }


def test_wide_interval_hides_the_value_but_keeps_the_limits() -> None:
    pops = [300.0] * 20
    deaths = [1.0] * 19 + [3.0]
    with pytest.warns(SuppressionWarning, match="95% confidence interval > 20 years"):
        out = life_expectancy(_frame(deaths, pops), confidence=0.998)
    hidden = out[out["suppression_reason"] == "ci_too_wide"]
    assert len(hidden) > 0 and hidden["value"].isna().all()
    assert hidden[["lowercl", "uppercl"]].notna().all().all()
    # judged on the 95% interval even when 99.8% was asked for
    z95, z998 = 1.959963984540054, 3.090232306167813
    widths95 = (hidden["uppercl"] - hidden["lowercl"]) * z95 / z998
    assert (widths95 > 20).all()
    shown = out[out["suppression_reason"] == ""]
    assert ((shown["uppercl"] - shown["lowercl"]) * z95 / z998 <= 20).all()


def test_other_band_set_with_85_open_band() -> None:
    starts = STANDARD_STARTS[:-1]
    data = _frame().iloc[:-1].copy()
    data.loc[18, "deaths"] = 2400
    with pytest.warns(BandingWarning, match=r"open band 85\+"):
        out = life_expectancy(data, starts=starts, ages=[85])
    assert out["value"].iloc[0] == pytest.approx(10_000 / 2400)


@pytest.mark.parametrize("level", [95, 0, 1, -0.5, "0.95"])
def test_confidence_must_be_a_fraction(level: object) -> None:
    with pytest.raises(InputError, match="confidence must be a fraction"):
        life_expectancy(_frame(), confidence=level)  # type: ignore[arg-type]


def test_bad_rows_are_all_reported() -> None:
    data = _frame().astype({"deaths": object})
    data.loc[2, "deaths"] = "n/a"
    data.loc[4, "deaths"] = "x"
    data.loc[6, "age_start"] = 3
    with pytest.raises(InputError) as caught:
        life_expectancy(data)
    problems = {(p.row, p.column, p.rule) for p in caught.value.problems}
    assert problems == {(4, "deaths", "not_numeric"), (6, "deaths", "not_numeric")}
    data.loc[[2, 4], "deaths"] = 1
    with pytest.raises(InputError) as caught:
        life_expectancy(data)
    assert [(p.row, p.column, p.rule) for p in caught.value.problems] == [
        (8, "age_start", "unknown_age_band")
    ]


def test_missing_columns_and_ages_are_named() -> None:
    with pytest.raises(InputError) as caught:
        life_expectancy(_frame().drop(columns=["deaths", "sex"]))
    assert {p.column for p in caught.value.problems} == {"deaths", "sex"}
    with pytest.raises(InputError, match="3 is not the start of an age band"):
        life_expectancy(_frame(), ages=[0, 3])
