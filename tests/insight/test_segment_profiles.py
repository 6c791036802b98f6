"""Profiles index every indicator against the whole; names are neutral and editable; persona
cards carry sizes, distinctive indicators, life expectancy and the ecological caveat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from healthgap.datasets import load_demo
from healthgap.errors import InputError
from healthgap.insight import (
    ECOLOGICAL_NOTE,
    persona_cards,
    rename_segments,
    segment_life_expectancy,
    segment_profiles,
    segment_shares,
    segment_summary,
    suggest_names,
)
from healthgap.measures import life_expectancy

CODES = ["E01000001", "E01000002", "E01000003", "E01000004"]


def _example():
    labels = pd.Series([1, 1, 2, 2], index=CODES, name="segment")
    X = pd.DataFrame(
        {"rate": [10.0, 30.0, 20.0, 40.0], "score": [-1.0, 0.0, 1.0, 2.0]}, index=CODES
    )
    population = pd.Series([100.0, 300.0, 200.0, 400.0], index=CODES)
    return labels, X, population


def test_ratio_index_matches_a_hand_computed_weighted_example() -> None:
    labels, X, population = _example()
    profile = segment_profiles(labels, X, population=population).set_index(["segment", "indicator"])
    # whole = (10*100 + 30*300 + 20*200 + 40*400) / 1000 = 30; segment 1 = 10000/400 = 25
    assert profile.loc[(1, "rate"), "whole_value"] == pytest.approx(30.0)
    assert profile.loc[(1, "rate"), "segment_value"] == pytest.approx(25.0)
    assert profile.loc[(1, "rate"), "index"] == pytest.approx(100 * 25 / 30, abs=0.05)
    assert profile.loc[(2, "rate"), "index"] == pytest.approx(
        100 * (4000 + 16000) / 600 / 30, abs=0.05
    )
    assert profile.loc[(1, "rate"), "index_method"] == "ratio"


def test_scores_centred_on_zero_are_indexed_on_weighted_percentiles() -> None:
    labels, X, population = _example()
    profile = segment_profiles(labels, X, population=population).set_index(["segment", "indicator"])
    # weighted mid-rank percentiles of -1, 0, 1, 2 with weights 1, 3, 2, 4 (tenths):
    # 0.05, 0.25, 0.5, 0.8; segment 1 = (0.05*1 + 0.25*3)/4 = 0.2; whole = 0.5
    assert profile.loc[(1, "score"), "index_method"] == "rank"
    assert profile.loc[(1, "score"), "index"] == pytest.approx(100 * 0.2 / 0.5, abs=0.05)
    assert profile.loc[(2, "score"), "index"] == pytest.approx(
        100 * (1.0 + 3.2) / 6 / 0.5, abs=0.05
    )


def test_population_weighted_segment_indices_average_to_100() -> None:
    rng = np.random.default_rng(2)
    codes = [f"E01{i:06d}" for i in range(200)]
    labels = pd.Series(rng.integers(1, 5, 200), index=codes)
    X = pd.DataFrame({"a": rng.gamma(2.0, 3.0, 200)}, index=codes)
    population = pd.Series(rng.integers(1000, 3000, 200).astype(float), index=codes)
    profile = segment_profiles(labels, X, population=population)
    summary = segment_summary(labels, population=population)
    weights = summary.set_index("segment")["population_share"]
    weighted = (profile.set_index("segment")["index"] * weights).sum()
    assert weighted == pytest.approx(100.0, abs=0.1)
    assert summary["population_share"].sum() == pytest.approx(1.0)


def test_missing_indicators_and_parents_are_problems() -> None:
    labels, X, _ = _example()
    with pytest.raises(InputError) as err:
        segment_profiles(labels, X.iloc[:3])
    assert err.value.problems[0].rule == "unmatched_code"
    with pytest.raises(InputError) as err:
        segment_shares(labels, pd.Series(["LA1"] * 3, index=CODES[:3]))
    assert err.value.problems[0].rule == "no_parent"


def test_names_are_built_only_from_indicator_words_and_can_be_edited() -> None:
    labels, X, population = _example()
    profile = segment_profiles(
        labels, X, population=population, indicator_labels={"rate": "smoking rate (per 100)"}
    )
    names = suggest_names(profile)
    assert names["name"].str.match(r"^\d+: ").all()
    words = set(
        " ".join(names["name"].str.replace(r"^\d+: ", "", regex=True)).replace(",", " ").split()
    )
    allowed = {"higher", "lower", "smoking", "rate", "score"}
    assert words <= allowed
    edited = rename_segments(names, {1: "Quiet streets"})
    assert edited.loc[edited["segment"] == 1, "name"].item() == "Quiet streets"
    assert edited["edited"].tolist() == [True, False]
    with pytest.raises(InputError) as err:
        rename_segments(names, {3: "x", 1: " ", 2: "y" * 81})
    assert {p.rule for p in err.value.problems} == {
        "unknown_segment",
        "empty_name",
        "name_too_long",
    }
    with pytest.raises(InputError) as err:
        rename_segments(names, {1: "Same", 2: "same"})
    assert {p.rule for p in err.value.problems} == {"duplicate_name"}


def test_persona_cards_have_sizes_indicators_places_and_the_caveat() -> None:
    labels, X, population = _example()
    profile = segment_profiles(labels, X, population=population)
    summary = segment_summary(labels, population=population)
    names = suggest_names(profile)
    places = segment_shares(
        labels, pd.Series(["LA1", "LA1", "LA2", "LA2"], index=CODES), population=population
    ).assign(parent_name=lambda f: f["parent_code"])
    cards = persona_cards(profile, summary, names, places=places, top=1)
    assert [c["segment"] for c in cards] == [1, 2]
    first = cards[0]
    assert first["population"] == 400.0 and first["population_share"] == pytest.approx(0.4)
    assert len(first["distinctive"]) == 1 and first["distinctive"][0]["direction"] == "lower"
    assert first["places"] == [{"name": "LA1", "share_of_segment": 1.0}]
    assert first["note"] == ECOLOGICAL_NOTE


def test_segment_life_expectancy_pools_deaths_and_person_years() -> None:
    tables = load_demo("small")
    lsoas = tables["areas"].query("level == 'lsoa'")["area_code"].astype(str)
    labels = pd.Series(np.arange(len(lsoas)) % 2 + 1, index=lsoas.to_numpy())
    population = tables["population"]
    population = population[population["period"] == "2024"]
    deaths = tables["deaths"][tables["deaths"]["period"] == "2024"]
    result = segment_life_expectancy(labels, population, deaths)
    assert set(result["segment"]) == {"1", "2", "whole"}
    whole = result[result["segment"] == "whole"].set_index("sex")
    # the whole equals LE computed directly on every LSOA pooled together
    pooled = (
        population[population["area_code"].isin(lsoas)]
        .groupby(["sex", "age_start"], observed=True, as_index=False)["person_years"]
        .sum()
    )
    dead = (
        deaths[deaths["area_code"].isin(lsoas)]
        .groupby(["sex", "age_start"], observed=True)["deaths"]
        .sum()
    )
    pooled["deaths"] = (
        dead.reindex(pd.MultiIndex.from_frame(pooled[["sex", "age_start"]])).fillna(0).to_numpy()
    )
    direct = life_expectancy(pooled, keys=("sex",), ages=[0]).set_index("sex")
    assert whole.loc["male", "value"] == pytest.approx(direct.loc["male", "value"])
    assert whole["gap"].abs().max() == 0
    cards = persona_cards(
        segment_profiles(
            labels, pd.DataFrame({"a": np.arange(len(lsoas)) + 1.0}, index=lsoas.to_numpy())
        ),
        segment_summary(labels),
        suggest_names(
            segment_profiles(
                labels, pd.DataFrame({"a": np.arange(len(lsoas)) + 1.0}, index=lsoas.to_numpy())
            )
        ),
        life_expectancy=result,
    )
    assert {e["sex"] for e in cards[0]["life_expectancy"]} == {"male", "female"}
