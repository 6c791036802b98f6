"""Directly standardised rates: hand-computed case, band mapping by age_start, suppression,
user standards and refused input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import ESP2013_STARTS, STANDARD_STARTS, esp2013
from healthgap.errors import InputError
from healthgap.measures.dsr import directly_standardised_rate
from healthgap.measures.intervals import byars_lower, byars_upper


def _esp_bands(deaths: float = 10.0, pop: float = 1000.0) -> pd.DataFrame:
    return pd.DataFrame(
        {"area_code": "E1", "sex": "male", "period": "2014", "age_start": list(ESP2013_STARTS),
         "deaths": deaths, "person_years": pop}
    )  # fmt: skip


def test_two_band_standard_by_hand() -> None:
    """w = (1, 3), x = (10, 20), n = (100, 400): DSR = (1*0.1 + 3*0.05)/4 = 0.0625;
    Var = (1*10/100^2 + 9*20/400^2)/16; limits = DSR + sqrt(Var/30)(O_L,U - 30)."""
    data = pd.DataFrame({"g": "a", "age_start": [0, 50], "deaths": [10.0, 20.0],
                         "person_years": [100.0, 400.0]})  # fmt: skip
    standard = pd.DataFrame({"age_start": [50, 0], "standard_population": [3.0, 1.0]})
    out = directly_standardised_rate(data, keys=("g",), standard=standard, multiplier=1)
    variance = (1 * 10 / 100**2 + 9 * 20 / 400**2) / 16
    spread = np.sqrt(variance / 30)
    expected = [0.0625, 0.0625 + spread * (byars_lower(30, 0.95) - 30),
                0.0625 + spread * (byars_upper(30, 0.95) - 30)]  # fmt: skip
    np.testing.assert_allclose(out.loc[0, ["value", "lowercl", "uppercl"]].astype(float), expected)


def test_standard_is_joined_by_age_not_row_order() -> None:
    data = _esp_bands()
    data["deaths"] = np.arange(19) + 1.0
    shuffled = data.sample(frac=1, random_state=3)
    reversed_standard = esp2013().iloc[::-1]
    a = directly_standardised_rate(data)
    b = directly_standardised_rate(shuffled, standard=reversed_standard)
    pd.testing.assert_frame_equal(a, b)


def test_twenty_life_table_bands_merge_into_esp_0_to_4() -> None:
    twenty = pd.DataFrame({"area_code": "E1", "sex": "male", "period": "2014",
                           "age_start": list(STANDARD_STARTS), "deaths": 5.0,
                           "person_years": 500.0})  # fmt: skip
    merged = twenty.copy()
    merged["age_start"] = merged["age_start"].replace({1: 0})
    merged = merged.groupby(["area_code", "sex", "period", "age_start"], as_index=False).sum()
    pd.testing.assert_frame_equal(
        directly_standardised_rate(twenty), directly_standardised_rate(merged)
    )


def test_fewer_than_ten_events_is_suppressed_with_the_reason() -> None:
    data = _esp_bands(deaths=0.0)
    data.loc[0, "deaths"] = 9.0
    out = directly_standardised_rate(data, confidence=(0.95, 0.998))
    assert out.loc[0, "total_count"] == 9
    assert out.loc[0, ["value", "lower95_0cl", "upper99_8cl"]].isna().all()
    assert out.loc[0, "statistic"] == "dsr NA for total count < 10"


def test_band_straddling_the_standard_is_refused() -> None:
    data = _esp_bands().iloc[:-2]  # last band 80+: spans the ESP's 80-84, 85-89 and 90+
    with pytest.raises(InputError) as caught:
        directly_standardised_rate(data)
    assert [(p.row, p.rule) for p in caught.value.problems] == [(18, "band_straddles_standard")]


def test_every_bad_value_is_listed() -> None:
    data = _esp_bands()
    data.loc[2, "deaths"] = -1
    data.loc[4, "person_years"] = 0
    data.loc[5, "person_years"] = np.nan
    with pytest.raises(InputError) as caught:
        directly_standardised_rate(data, source="deaths.csv")
    assert [(p.file, p.row, p.rule) for p in caught.value.problems] == [
        ("deaths.csv", 4, "negative_count"),
        ("deaths.csv", 6, "population_not_positive"),
        ("deaths.csv", 7, "population_not_positive"),
    ]


def test_negative_band_and_negative_standard_are_refused() -> None:
    data = _esp_bands()
    data.loc[0, "age_start"] = -5
    with pytest.raises(InputError, match="unknown_band"):
        directly_standardised_rate(data)
    standard = esp2013()
    standard.loc[3, "standard_population"] = -1
    with pytest.raises(InputError, match="negative_standard"):
        directly_standardised_rate(_esp_bands(), standard=standard)


def test_non_independent_events_need_a_frequency_column() -> None:
    with pytest.raises(InputError, match="missing_event_frequency"):
        directly_standardised_rate(_esp_bands(), independent_events=False)
