"""Stage-of-change shares match a hand-computed weighted example and the survey library's own
results; bad survey input is reported row by row; the matrix carries editable suggestions."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
import svy
from scipy import stats

from healthgap.datasets.insight_demo import generate_insight_demo
from healthgap.datasets.lifestyle_survey import SURVEY_STAGE_COLUMNS
from healthgap.errors import InputError, SmallNumbersWarning
from healthgap.insight import STAGES, load_stage_content, stage_matrix, stage_shares

STAGE_NAMES = {"pre": "precontemplation", "con": "contemplation", "act": "action"}


def _tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stratum": [1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
            "psu": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
            "weight": [1.0, 2, 1, 3, 2, 2, 1, 1, 4, 1],
            "segment": ["a", "a", "a", "b", "a", "b", "b", "b", "a", "a"],
            "smoking_stage": ["pre", "con", None, "pre", "con", "pre", "act", "pre", "pre", "con"],
        }
    ).assign(smoking_stage=lambda f: f["smoking_stage"].map(STAGE_NAMES))


def _cell(out: pd.DataFrame, segment: str, stage: str) -> pd.Series:
    return out[(out["segment"] == segment) & (out["stage"] == stage)].iloc[0]


def test_weights_only_matches_the_hand_computed_example() -> None:
    out = stage_shares(
        _tiny(), stages={"smoking": "smoking_stage"}, ci_method="logit", min_respondents=1
    )
    cell = _cell(out, "a", "contemplation")
    # Segment a answered: weights 1 (pre), 2 (con), 2 (con), 4 (pre), 1 (con) -> p = 5/10.
    assert cell["value"] == pytest.approx(0.5)
    assert (cell["respondents"], cell["base"]) == (3, 5)
    # Linearised values z = w (y - p) / 10 on the 10 rows (0 outside the domain):
    # -0.05, 0.1, 0.1, -0.2, 0.05; each row its own PSU: var = 10/9 * sum(z^2) = 10/9 * 0.065
    se = math.sqrt(10 / 9 * 0.065)
    assert cell["se"] == pytest.approx(se, rel=1e-9)
    # logit limits with t on 5 - 1 = 4 df
    t = stats.t.ppf(0.975, 4)
    half = t * se / 0.25
    assert cell["lowercl"] == pytest.approx(1 / (1 + math.exp(half)), rel=1e-9)
    assert cell["uppercl"] == pytest.approx(1 / (1 + math.exp(-half)), rel=1e-9)
    assert cell["df"] == 4
    assert _cell(out, "a", "action")["value"] == 0.0  # nobody in segment a took action
    # segment b: weights 3 (pre), 2 (pre), 1 (action), 1 (pre)
    assert _cell(out, "b", "precontemplation")["value"] == pytest.approx(6 / 7)


def test_strata_and_psus_match_the_hand_computed_example() -> None:
    out = stage_shares(
        _tiny(),
        stages={"smoking": "smoking_stage"},
        strata="stratum",
        psu="psu",
        ci_method="logit",
        min_respondents=1,
    )
    cell = _cell(out, "a", "contemplation")
    # PSU totals of z: stratum 1: 0.05, 0; stratum 2: 0.1, 0, -0.15.
    # var = 2/1 * [(0.025)^2 * 2] + 3/2 * [(0.1 + 1/60)^2 + (1/60)^2 + (0.15 - 1/60)^2]
    stratum1 = 2 / 1 * (0.025**2 * 2)
    mean2 = (0.1 + 0 - 0.15) / 3
    stratum2 = 3 / 2 * ((0.1 - mean2) ** 2 + (0 - mean2) ** 2 + (-0.15 - mean2) ** 2)
    assert stratum1 + stratum2 == pytest.approx(0.05)
    assert cell["se"] == pytest.approx(math.sqrt(stratum1 + stratum2), rel=1e-9)


def test_shares_match_the_survey_library_on_the_demo_survey() -> None:
    tables = generate_insight_demo("small")
    survey = tables["lifestyle_survey"].copy()
    survey["segment"] = (
        tables["area_deprivation"]
        .set_index("area_code")["deprivation_quintile"]
        .reindex(survey["area_code"])
        .to_numpy()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        ours = stage_shares(
            survey, stages={"smoking": "smoking_stage"}, strata="stratum", psu="psu"
        )
    frame = pl.from_pandas(survey[["segment", "stratum", "psu", "weight", "smoking_stage"]])
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    theirs = (
        sample.estimation.prop(
            "smoking_stage", by="segment", drop_nulls=True, ci_method="korn-graubard"
        )
        .to_polars()
        .to_pandas()
    )
    merged = ours.merge(
        theirs,
        left_on=["segment", "stage"],
        right_on=["segment", "smoking_stage"],
        suffixes=("", "_svy"),
    )
    assert len(merged) == len(theirs) > 20
    np.testing.assert_allclose(merged["value"], merged["est"], rtol=1e-12)
    np.testing.assert_allclose(merged["se"], merged["se_svy"], rtol=1e-12)
    np.testing.assert_allclose(merged["lowercl"], merged["lci"], rtol=1e-12)
    np.testing.assert_allclose(merged["uppercl"], merged["uci"], rtol=1e-12)
    # and the point estimates are the weighted shares, computed independently
    answered = survey.dropna(subset=["smoking_stage"])
    shares = (
        answered.groupby(["segment", "smoking_stage"])["weight"].sum()
        / answered.groupby("segment")["weight"].sum()
    )
    check = ours.set_index(["segment", "stage"])["value"]
    for (segment, stage), share in shares.items():
        assert check[(segment, stage)] == pytest.approx(share)


def test_stage_codes_are_accepted_and_relapse_only_appears_when_asked() -> None:
    survey = pd.DataFrame(
        {"segment": 1, "weight": 1.0, "drinking": ["1", "2", 3, "Action", "maintenance", ""]}
    )
    with pytest.warns(SmallNumbersWarning):
        out = stage_shares(survey, stages={"drinking": "drinking"})
    assert out["stage"].astype(str).tolist() == list(STAGES[:5])
    assert out["value"].sum() == pytest.approx(1.0)
    assert out["small_base"].all()


def test_bad_survey_input_is_reported_row_by_row() -> None:
    survey = pd.DataFrame(
        {
            "segment": [1, 1, None, 2],
            "weight": [1.0, -2.0, None, "x"],
            "smoking_stage": ["action", "7", "contemplation", "thinking about it"],
        }
    )
    with pytest.raises(InputError) as err:
        stage_shares(survey, stages={"smoking": "smoking_stage"}, source="survey.csv")
    found = {(p.row, p.column, p.rule) for p in err.value.problems}
    assert found == {
        (3, "weight", "negative_weight"),
        (4, "weight", "missing_weight"),
        (5, "weight", "non_numeric"),
        (4, "segment", "missing_value"),
        (3, "smoking_stage", "stage_out_of_scale"),
        (5, "smoking_stage", "stage_out_of_scale"),
    }
    assert {p.file for p in err.value.problems} == {"survey.csv"}
    with pytest.raises(InputError) as err:
        stage_shares(survey, stages={"smoking": "no_such_column"})
    assert {p.rule for p in err.value.problems} == {"missing_column"}


def test_a_stratum_with_one_psu_is_refused() -> None:
    survey = _tiny()
    survey.loc[survey["stratum"] == 1, "psu"] = 1
    with pytest.raises(InputError) as err:
        stage_shares(survey, stages={"smoking": "smoking_stage"}, strata="stratum", psu="psu")
    assert [p.rule for p in err.value.problems] == ["single_psu_stratum"]


def test_the_matrix_carries_suggestions_that_teams_can_edit(tmp_path) -> None:
    tables = generate_insight_demo("small")
    survey = tables["lifestyle_survey"].assign(segment=lambda f: f["stratum"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        shares = stage_shares(survey, stages=SURVEY_STAGE_COLUMNS, strata="stratum", psu="psu")
    assert set(shares["behaviour"]) == set(SURVEY_STAGE_COLUMNS)
    content = load_stage_content()
    assert "not a prediction" in content.note
    matrix = stage_matrix(shares, "smoking", content)
    assert {"message", "channel", "offer"} <= set(matrix.columns)
    assert (matrix["message"] != "").all()
    edited = content.edit("Q1", "smoking", "preparation", offer="Walk-in clinic on Fridays")
    path = tmp_path / "mine.yaml"
    path.write_text(edited.to_yaml(), encoding="utf-8")
    again = stage_matrix(shares, "smoking", load_stage_content(path))
    cell = again[(again["segment"] == "Q1") & (again["stage"] == "preparation")]
    assert cell["offer"].item() == "Walk-in clinic on Fridays"
    other = again[(again["segment"] == "Q2") & (again["stage"] == "preparation")]
    assert other["offer"].item().startswith("Referral to the stop-smoking service")


def test_bad_suggestion_files_name_the_key(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "defaults:\n  thinking: {message: hi}\n  action: {slogan: go, offer: ''}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_stage_content(path)
    found = {(p.file, p.column, p.rule) for p in err.value.problems}
    assert found == {
        ("bad.yaml", "defaults.thinking", "unknown_stage"),
        ("bad.yaml", "defaults.action.slogan", "unknown_field"),
        ("bad.yaml", "defaults.action.offer", "empty_text"),
    }
    path.write_text("defaults: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad_yaml"):
        load_stage_content(path)
