"""The SYNTHETIC insight demo tables: deterministic for a seed, consistent with the demo
country, and usable end to end (segments -> survey stages -> audit)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from healthgap.data import open_workspace
from healthgap.datasets import build_demo_workspace, load_demo
from healthgap.datasets.insight_demo import (
    DEMO_DOMAINS,
    INSIGHT_TABLES,
    add_insight_tables,
    generate_insight_demo,
)
from healthgap.datasets.lifestyle_survey import SURVEY_STAGE_COLUMNS
from healthgap.datasets.service_use import SERVICES
from healthgap.errors import SmallNumbersWarning
from healthgap.insight import (
    STAGES,
    SmallAreaSegmenter,
    indicator_table,
    join_indicators,
    stage_shares,
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate_insight_demo("small")


def test_same_seed_same_tables_other_seed_other_tables(tables) -> None:
    again = generate_insight_demo("small")
    for name in INSIGHT_TABLES:
        pd.testing.assert_frame_equal(tables[name], again[name])
    other = generate_insight_demo("small", seed=99)
    assert not tables["lifestyle_survey"]["weight"].equals(other["lifestyle_survey"]["weight"])


def test_tables_use_the_demo_countrys_lsoas_wards_and_population(tables) -> None:
    demo = load_demo("small")
    lsoas = demo["areas"].query("level == 'lsoa'")
    codes = set(lsoas["area_code"].astype(str))
    assert set(tables["area_indicators"]["area_code"]) == codes
    assert set(tables["lifestyle_survey"]["area_code"]) <= codes
    assert set(tables["lifestyle_survey"]["psu"]) <= set(lsoas["parent_ward"].astype(str))
    assert set(tables["service_need"]["area_code"]) <= codes
    # the deprivation deciles are national: national demo LSOAs keep the same decile
    deciles = tables["area_deprivation"].set_index("area_code")["deprivation_decile"]
    assert deciles.between(1, 10).all()
    assert (
        tables["area_deprivation"]["deprivation_quintile"]
        == (tables["area_deprivation"]["deprivation_decile"] + 1) // 2
    ).all()


def test_survey_weights_add_up_to_the_adult_population(tables) -> None:
    demo = load_demo("small")
    pop = demo["population"]
    lsoas = set(tables["area_indicators"]["area_code"])
    latest = pop[
        (pop["period"] == "2024") & pop["area_code"].isin(lsoas) & (pop["age_start"] >= 15)
    ]
    adults = (latest["person_years"] * np.where(latest["age_start"] == 15, 0.8, 1.0)).sum()
    survey = tables["lifestyle_survey"]
    assert survey["weight"].sum() == pytest.approx(adults, rel=0.01)
    assert (survey["weight"] > 0).all()
    for column in SURVEY_STAGE_COLUMNS.values():
        answered = survey[column].dropna()
        assert set(answered) <= set(STAGES)
    # only smokers and ex-smokers are asked the smoking stage
    never = survey[survey["smoking_status"] == "never"]
    assert never["smoking_stage"].isna().all()
    assert 0.08 < (survey["smoking_status"] == "current").mean() < 0.2


def test_service_tables_match_each_other(tables) -> None:
    need, activity = tables["service_need"], tables["service_activity"]
    assert set(need["service"]) == set(SERVICES)
    keys = ["service", "area_code", "ethnic_group", "age_band", "sex"]
    assert not need.duplicated(keys).any()
    joined = activity.merge(need, on=keys, how="left", indicator=True)
    assert (joined["_merge"] == "both").all()
    assert need["prevalence"].between(0, 1).all()
    assert (activity["activity"] > 0).all()  # cells with no activity have no row
    for service, bands in SERVICES.items():
        assert set(need.loc[need["service"] == service, "age_band"]) <= set(bands)


def test_demo_segments_are_stable_and_feed_the_survey(tables) -> None:
    indicators = indicator_table(tables["area_indicators"], columns=list(DEMO_DOMAINS))
    model = SmallAreaSegmenter(random_state=1, candidates=(3, 4, 5, 6), n_bootstrap=6)
    model.fit(join_indicators([indicators]))
    assert model.stability_ >= 0.75
    survey = tables["lifestyle_survey"].join(model.labels_, on="area_code")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        shares = stage_shares(survey, stages=SURVEY_STAGE_COLUMNS, strata="stratum", psu="psu")
    totals = shares.groupby(["segment", "behaviour"])["value"].sum()
    np.testing.assert_allclose(totals, 1.0)


def test_insight_tables_go_into_a_demo_workspace(tmp_path) -> None:
    path = tmp_path / "demo"
    build_demo_workspace(path, "small", years=1)
    workspace = add_insight_tables(path, "small")
    assert set(INSIGHT_TABLES) <= set(workspace.tables)
    reopened = open_workspace(path)
    assert reopened.is_synthetic
    assert reopened.metadata["insight_generator_version"] >= 1
    assert {"areas", "population", "deaths"} <= set(reopened.tables)
