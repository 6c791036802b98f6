"""The segmenter follows scikit-learn conventions, finds planted segments, is repeatable for a
seed, chooses k by quality and stability, and records its run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score
from tests.conftest import shared_path

from healthgap.errors import InputError
from healthgap.insight import (
    RunRecord,
    SmallAreaSegmenter,
    UnstableSegmentsWarning,
    join_indicators,
    read_imd_domains,
)


def _blobs(n: int = 600, k: int = 4, seed: int = 3, spread: float = 1.0):
    X, truth = make_blobs(
        n_samples=n, centers=k, n_features=5, cluster_std=spread, random_state=seed
    )
    codes = [f"E01{i:06d}" for i in range(n)]
    frame = pd.DataFrame(
        X * [1, 10, 100, 0.1, 5] + [0, 50, 0, 3, -2], columns=list("abcde"), index=codes
    )
    return frame, truth


FAST = {"n_bootstrap": 4, "candidates": (2, 3, 4, 5, 6)}


def test_planted_segments_are_found_and_k_is_chosen() -> None:
    X, truth = _blobs()
    model = SmallAreaSegmenter(random_state=1, **FAST).fit(X)
    assert model.n_segments_ == 4
    assert adjusted_rand_score(truth, model.labels_) > 0.99
    assert model.stability_ > 0.95
    chosen = model.selection_[model.selection_["chosen"]]
    assert list(chosen["k"]) == [4]
    assert set(model.selection_.columns) >= {"silhouette", "calinski_harabasz", "stability"}
    assert list(model.labels_.index) == list(X.index)
    assert sorted(model.labels_.unique()) == [1, 2, 3, 4]


def test_same_seed_same_segments_and_numbering_by_population() -> None:
    X, _ = _blobs(spread=2.5)
    first = SmallAreaSegmenter(random_state=7, **FAST).fit(X)
    second = SmallAreaSegmenter(random_state=7, **FAST).fit(X)
    pd.testing.assert_series_equal(first.labels_, second.labels_)
    pd.testing.assert_frame_equal(first.selection_, second.selection_)
    sizes = first.labels_.value_counts().sort_index()
    assert sizes.is_monotonic_decreasing  # segment 1 is the largest


def test_scikit_learn_conventions() -> None:
    X, _ = _blobs(n=200)
    model = SmallAreaSegmenter(n_segments=3, n_bootstrap=2)
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert model.fit(X) is model
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(clone(model), "labels_")
    assert list(model.feature_names_in_) == list("abcde")
    assert model.n_features_in_ == 5
    # k-means labels are the nearest centroids, so predicting the training data gives them
    pd.testing.assert_series_equal(model.predict(X), model.labels_)
    pd.testing.assert_series_equal(model.fit_predict(X), model.labels_)


def test_fixed_k_is_kept_and_its_stability_reported() -> None:
    X, _ = _blobs()
    with pytest.warns(UnstableSegmentsWarning, match="6 segments are unstable"):
        model = SmallAreaSegmenter(n_segments=6, n_bootstrap=4, random_state=2).fit(X)
    assert model.n_segments_ == 6
    assert len(model.selection_) == 1
    assert 0 <= model.stability_ <= 1


def test_unstable_choices_warn() -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=list("abc"))  # no structure at all
    with pytest.warns(UnstableSegmentsWarning):
        SmallAreaSegmenter(candidates=(6, 7), n_bootstrap=4, min_stability=0.99).fit(X)


def test_ward_finds_the_same_planted_segments_exactly_and_on_a_sample() -> None:
    X, truth = _blobs(n=900)
    exact = SmallAreaSegmenter(n_segments=4, method="ward", n_bootstrap=3).fit(X)
    sampled = SmallAreaSegmenter(n_segments=4, method="ward", ward_sample=200, n_bootstrap=3).fit(X)
    assert adjusted_rand_score(truth, exact.labels_) > 0.99
    assert adjusted_rand_score(truth, sampled.labels_) > 0.99
    assert "sample of 200" in sampled.run_record_.method


def test_population_weights_move_the_standardisation_and_the_sizes() -> None:
    X, _ = _blobs(n=300, k=3)
    weights = pd.Series(np.where(np.arange(300) < 150, 10.0, 1.0), index=X.index)
    plain = SmallAreaSegmenter(n_segments=3, n_bootstrap=0).fit(X)
    weighted = SmallAreaSegmenter(n_segments=3, n_bootstrap=0).fit(X, sample_weight=weights)
    expected_mean = np.average(X["a"], weights=weights)
    assert weighted.mean_["a"] == pytest.approx(expected_mean)
    assert plain.mean_["a"] == pytest.approx(X["a"].mean())
    assert np.isnan(weighted.stability_)


def test_bad_parameters_and_data_are_input_errors() -> None:
    X, _ = _blobs(n=50)
    with pytest.raises(InputError) as err:
        SmallAreaSegmenter(method="dbscan", n_segments=1).fit(X)
    assert {p.column for p in err.value.problems} == {"method", "n_segments"}
    broken = X.copy()
    broken.iloc[4, 2] = np.nan
    with pytest.raises(InputError) as err:
        SmallAreaSegmenter(n_segments=2).fit(broken)
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.rule) == (6, "c", "missing_value")
    with pytest.raises(InputError) as err:
        SmallAreaSegmenter(n_segments=2).fit(X.assign(a=1.0))
    assert err.value.problems[0].rule == "constant_indicator"
    with pytest.raises(InputError) as err:
        SmallAreaSegmenter(n_segments=2).fit(X, sample_weight=-np.ones(50))
    assert err.value.problems[0].rule == "negative_weight"


def test_the_run_record_repeats_the_run_exactly() -> None:
    X, _ = _blobs(spread=2.0)
    model = SmallAreaSegmenter(random_state=11, **FAST).fit(X)
    record = model.run_record_
    stored = json.loads(json.dumps(record.to_dict()))
    again = RunRecord.from_dict(stored)
    assert again == record
    again.check_inputs(X, None)
    repeat = SmallAreaSegmenter.from_record(again).fit(X)
    pd.testing.assert_series_equal(repeat.labels_, model.labels_)
    assert set(record.versions) >= {"healthgap", "scikit-learn"}
    with pytest.raises(InputError, match="inputs_changed"):
        again.check_inputs(X.iloc[1:], None)


@settings(max_examples=15, deadline=None)
@given(
    scale=st.floats(min_value=0.01, max_value=1000),
    shift=st.floats(min_value=-1000, max_value=1000),
    column=st.sampled_from(list("abcde")),
)
def test_units_of_an_indicator_do_not_change_the_segments(scale, shift, column) -> None:
    X, _ = _blobs(n=240, k=3, seed=5)
    base = SmallAreaSegmenter(n_segments=3, n_bootstrap=0, random_state=4).fit(X)
    moved = X.assign(**{column: X[column] * scale + shift})
    other = SmallAreaSegmenter(n_segments=3, n_bootstrap=0, random_state=4).fit(moved)
    assert adjusted_rand_score(base.labels_, other.labels_) == pytest.approx(1.0)


@pytest.mark.slow
def test_imd_2025_domain_scores_and_2019_ranks_segment_repeatably() -> None:
    scores = join_indicators(
        [read_imd_domains(shared_path("data", "imd", "imd2025_lsoa21_england.csv"))]
    )
    settings_ = {"candidates": (4, 6), "n_bootstrap": 3, "random_state": 5}
    first = SmallAreaSegmenter(**settings_).fit(scores)
    second = SmallAreaSegmenter(**settings_).fit(scores)
    assert len(first.labels_) == 33_755
    pd.testing.assert_series_equal(first.labels_, second.labels_)
    assert first.run_record_.vintage == "2021"
    ranks = join_indicators(
        [read_imd_domains(shared_path("data", "imd", "imd2019_lsoa11_england.csv"), measure="rank")]
    )
    model = SmallAreaSegmenter(n_segments=6, n_bootstrap=2).fit(ranks)
    assert model.labels_.nunique() == 6 and model.run_record_.vintage == "2011"
