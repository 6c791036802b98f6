"""Items linked to data: evidence rows from healthgap's own results, contradiction flags and
Tool A's data steps pre-filled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import healthgap as hg
from healthgap.assessment import (
    EVIDENCE_COLUMNS,
    AreaData,
    Assessment,
    Consensus,
    Rating,
    Scope,
    contradictions,
    evidence_table,
    indicator_evidence,
    shipped_catalogue,
    tool_a_data_steps,
)
from healthgap.assessment.evidence import TARGET_SHARE
from healthgap.errors import InputError
from healthgap.measures.deprivation_gap import mortality_by_band

HINST = shipped_catalogue().get("hinst_cbo")
TOOL_A = shipped_catalogue().get("pit_tool_a")
AREA = "E06000001"


def _plan(male_share: float = 0.11, female_share: float = 0.15) -> dict[str, pd.DataFrame]:
    """Tables shaped as ``ScenarioResult.tables['interventions']`` and ``['gap']``."""
    interventions = pd.DataFrame(
        {
            "intervention": ["statins", "smoking_cessation"],
            "units_per_year": [80.0, 60.0],
            "cost": [24000.0, 72000.0],
        }
    )
    rows = []
    for sex, share, base in (("male", male_share, 8.68), ("female", female_share, 5.50)):
        reduction = share * 0.10 * base
        for statistic, value in (
            ("gap_base", base),
            ("gap_new", base - reduction),
            ("gap_reduction", reduction),
            ("target_share", share),
        ):
            rows.append({"comparison": "Q1 vs Q5", "sex": sex, "statistic": statistic,
                         "value": value, "median": np.nan})  # fmt: skip
    return {"interventions": interventions, "gap": pd.DataFrame(rows)}


def _data(**tables: object) -> AreaData:
    le = pd.DataFrame({"area_code": [AREA, AREA, "E06000002"], "sex": ["male", "female", "male"],
                       "period": "2022-24", "age_start": 0, "value": [76.0, 80.5, 79.0],
                       "lowercl": [75.5, 80.0, 78.5], "uppercl": [76.5, 81.0, 79.5],
                       "suppression_note": ""})  # fmt: skip
    decomposition = pd.DataFrame({
        "base_area_code": AREA, "comparator_area_code": "E92000001", "sex": "male",
        "period": "2022-24", "age_band": ["60-64", "60-64", "70-74", "0"],
        "cause": ["circulatory", "cancer", "circulatory", "other"],
        "contribution": [0.9, 0.5, 0.7, 0.1], "gap": 2.2,
    })  # fmt: skip
    base = {"life_expectancy": le, "decomposition": decomposition, "plan": _plan()}
    return AreaData(AREA, **{**base, **tables})


def test_life_expectancy_rows_are_the_place_at_birth() -> None:
    rows = indicator_evidence("life_expectancy", _data())
    assert list(rows.columns) == list(EVIDENCE_COLUMNS)
    assert rows[["sex", "value", "lowercl"]].values.tolist() == [
        ["male", 76.0, 75.5],
        ["female", 80.5, 80.0],
    ]


def test_largest_contributions_by_cause_and_by_age_with_shares() -> None:
    rows = indicator_evidence("gap_contributions", _data())
    causes = rows[rows["statistic"].str.endswith("by cause")]
    assert causes["detail"].tolist() == ["circulatory", "cancer", "other"]
    assert causes["value"].tolist() == pytest.approx([1.6, 0.5, 0.1])
    assert causes["note"].iloc[0].startswith("73% of the 2.20-year gap")
    ages = rows[rows["statistic"].str.endswith("by age band")]
    assert ages["detail"].tolist()[:2] == ["60-64", "70-74"]


def test_plan_volumes_against_the_target_by_hand() -> None:
    rows = indicator_evidence("intervention_volumes", _data())
    share = rows[rows["statistic"] == TARGET_SHARE].set_index("sex")
    assert share.loc["male", "value"] == pytest.approx(0.11)
    assert "shortfall 89%" in share.loc["male", "note"]
    needed = rows[rows["statistic"].str.startswith("units per year for the target")]
    statins_male = needed[(needed["detail"] == "statins") & (needed["sex"] == "male")]
    assert statins_male["value"].item() == pytest.approx(80 / 0.11)
    assert (needed["method"] != "").all()  # the linear-scaling approximation is named


def test_missing_results_say_so_instead_of_vanishing() -> None:
    rows = indicator_evidence("comparator_gap", AreaData(AREA))
    assert len(rows) == 1 and not rows["available"].item()
    assert "no comparison result" in rows["note"].item()
    with pytest.raises(InputError) as caught:
        indicator_evidence("life_expectancy", AreaData(AREA, life_expectancy=pd.DataFrame(
            {"area_code": [AREA]})))  # fmt: skip
    assert {p.column for p in caught.value.problems} == {"sex", "period", "value"}


def test_evidence_table_lists_each_linked_item_and_marks_synthetic() -> None:
    table = evidence_table(HINST, _data(synthetic=True), items=HINST.items_in("quick"))
    assert set(table["item_id"]) == {"known_needs", "service_volumes"}
    assert table["source"].str.contains("SYNTHETIC").all()


def test_volumes_rated_established_against_a_large_shortfall_are_flagged() -> None:
    evidence = evidence_table(HINST, _data())
    ratings = (Rating("ann", "service_volumes", "3"), Rating("bob", "service_volumes", "1"))
    done = Assessment(
        "hinst_cbo",
        "1.0",
        Scope(AREA, "CVD", "2025"),
        "quick",
        ratings=ratings,
        consensus=(Consensus("service_volumes", "4", "lots of clinics"),),
    )
    flags = contradictions(HINST, done, evidence)
    assert list(zip(flags["round"], flags["who"], flags["rule"], strict=True)) == [
        ("individual", "ann", "volumes_shortfall"), ("consensus", "group", "volumes_shortfall"),
    ]  # fmt: skip
    assert "11% of its gap-reduction target (male)" in flags["message"].iloc[0]
    enough = evidence_table(HINST, _data(plan=_plan(male_share=0.8, female_share=0.9)))
    assert contradictions(HINST, done, enough).empty


def test_need_rated_green_without_any_life_expectancy_is_flagged() -> None:
    evidence = evidence_table(HINST, AreaData(AREA))
    done = Assessment(
        "hinst_cbo",
        "1.0",
        Scope(AREA, "CVD", "2025"),
        "quick",
        consensus=(Consensus("known_needs", "3", "we have a JSNA"),),
    )
    assert contradictions(HINST, done, evidence)["rule"].tolist() == ["need_not_measured"]


def test_tool_a_steps_prefilled_from_real_measures() -> None:
    demo = hg.load_demo("small")
    areas, population, deaths = demo["areas"], demo["population"], demo["deaths"]
    la = areas.loc[areas["level"] == "la", "area_code"].iloc[0]
    lsoas = areas.loc[areas["level"] == "lsoa", "area_code"]
    population = population[population["area_code"].isin(lsoas)]
    deaths = deaths[deaths["area_code"].isin(lsoas)]
    years = ["2022", "2023", "2024"]
    cells = mortality_by_band(hg.pool_periods(hg.aggregate(deaths, areas, "la"), years),
                              hg.pool_periods(hg.aggregate(population, areas, "la"), years),
                              ["area_code", "period", "sex"])  # fmt: skip
    le = hg.life_expectancy(cells, ages=[0])
    gap = hg.deprivation_gap(hg.pool_periods(deaths, years), hg.pool_periods(population, years),
                             areas, quantiles=5)  # fmt: skip
    comparison = hg.build_comparison(areas, population, deaths, area=la, compare="quintiles",
                                     period="2022-24")  # fmt: skip
    parts = hg.decompose_gap(comparison.deaths, comparison.population, comparison.pairs)
    data = AreaData(la, life_expectancy=le, deprivation_gap=gap, decomposition=parts,
                    synthetic=True)  # fmt: skip
    steps = tool_a_data_steps(TOOL_A, data)
    status = steps.drop_duplicates("step").set_index("step")["status"].to_dict()
    assert status == {1: "pre-filled", 2: "pre-filled", 3: "pre-filled", 4: "pre-filled",
                      5: "gather locally"}  # fmt: skip
    step3 = steps[steps["step"] == 3]
    assert step3["value"].tolist() == pytest.approx(gap.loc[gap["age_start"] == 0, "value"])
    causes = steps[(steps["step"] == 1) & steps["statistic"].str.endswith("by cause")]
    male = parts[parts["sex"] == "male"].groupby("cause", observed=True)["contribution"].sum()
    assert causes[causes["sex"] == "male"]["detail"].iloc[0] == male.idxmax()
    assert "SYNTHETIC" in steps["source"].iloc[0]
