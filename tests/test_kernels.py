"""Tests of the shared kernels: age bands, the error tree, the workspace store and the
Chiang life table (hand-computed and reference values)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from healthgap.agebands import STANDARD_STARTS, band_labels, band_widths, esp2013
from healthgap.data.workspace import open_workspace, table_hash, write_workspace
from healthgap.errors import InputError, Problem, WorkspaceError
from healthgap.measures.life_table import chiang_life_table


def test_standard_bands_are_the_twenty_english_bands() -> None:
    labels = band_labels(STANDARD_STARTS)
    assert labels[:3] == ["0", "1-4", "5-9"]
    assert labels[-2:] == ["85-89", "90+"]
    assert band_widths(STANDARD_STARTS)[:2].tolist() == [1.0, 4.0]


def test_esp2013_weights_sum_to_100000_and_are_keyed_by_start_age() -> None:
    esp = esp2013()
    assert esp["standard_population"].sum() == 100_000
    assert esp.set_index("age_start").loc[90, "standard_population"] == 1000


def test_input_error_lists_every_problem_with_its_place() -> None:
    problems = [
        Problem("a.csv", 2, "deaths", "negative_count", "deaths must be >= 0, got -1"),
        Problem("a.csv", None, None, "empty_file", "the file has no rows"),
    ]
    err = InputError(problems)
    assert "2 problems found" in str(err)
    assert "a.csv, row 2, column 'deaths': [negative_count]" in str(err)
    frame = err.to_frame()
    assert frame["rule"].tolist() == ["negative_count", "empty_file"]
    assert isinstance(err, ValueError)


def _hand_life_table(D: list[float], P: list[float], starts: list[int]) -> tuple[float, float]:
    """Life expectancy at birth and its variance, computed step by step without NumPy."""
    k = len(starts)
    n = [starts[i + 1] - starts[i] for i in range(k - 1)]
    a = [0.1 if (starts[0] == 0 and starts[1] == 1 and i == 0) else 0.5 for i in range(k)]
    M = [D[i] / P[i] for i in range(k)]
    q = []
    for i in range(k - 1):
        q.append(1.0 if n[i] * a[i] * M[i] > 1 else n[i] * M[i] / (1 + n[i] * (1 - a[i]) * M[i]))
    q.append(1.0)
    l_ = [100_000.0]
    for i in range(k - 1):
        l_.append(l_[i] * (1 - q[i]))
    L = [n[i] * (l_[i + 1] + a[i] * (l_[i] - l_[i + 1])) for i in range(k - 1)]
    L.append(l_[-1] / M[-1])
    T = [sum(L[i:]) for i in range(k)]
    e = [T[i] / l_[i] for i in range(k)]
    W = [
        (q[i] ** 2 * (1 - q[i]) / D[i]) * l_[i] ** 2 * ((1 - a[i]) * n[i] + e[i + 1]) ** 2
        for i in range(k - 1)
    ]
    W.append(l_[-1] ** 2 / (D[-1] * M[-1] ** 2))
    return e[0], sum(W) / l_[0] ** 2


def test_life_table_matches_a_hand_computed_three_band_table() -> None:
    D, P, starts = [3.0, 12.0, 150.0], [2000.0, 8000.0, 1500.0], [0, 1, 5]
    e0, var0 = _hand_life_table(D, P, starts)
    lt = chiang_life_table(np.array([D]), np.array([P]), starts)
    assert lt.e[0, 0] == pytest.approx(e0, rel=1e-13)
    assert lt.variance[0, 0] == pytest.approx(var0, rel=1e-12)


def test_life_table_is_vectorised_over_leading_dimensions() -> None:
    rng = np.random.default_rng(3)
    P = rng.uniform(1000, 5000, size=(4, 3, 20))
    D = rng.poisson(P * 0.01).astype(float) + 1
    lt = chiang_life_table(D, P)
    one = chiang_life_table(D[2, 1], P[2, 1])
    np.testing.assert_allclose(lt.e[2, 1], one.e, rtol=1e-14)
    assert lt.e.shape == (4, 3, 20)


def test_life_table_reproduces_the_reference_main_case(phe_testdata) -> None:
    """PHEindicatormethods 2.1.0: phe_life_expectancy(main, confidence = c(0.95, 0.998))."""
    inputs = pd.read_csv(phe_testdata / "le_inputs.csv")
    expected = pd.read_csv(phe_testdata / "le_package_output.csv")
    main = inputs[inputs["case"] == "main"].sort_values("startage")
    want = expected[expected["case"] == "main"].sort_values("startage")
    lt = chiang_life_table(main["deaths"].to_numpy()[None], main["pops"].to_numpy()[None])
    np.testing.assert_allclose(lt.e[0], want["value"], rtol=0, atol=1e-9)
    z = 1.959963984540054
    np.testing.assert_allclose(lt.e[0] - z * lt.se[0], want["lower95_0cl"], rtol=0, atol=1e-9)


def test_workspace_round_trip_and_noop_rewrite(tmp_path) -> None:
    frame = pd.DataFrame({"area_code": ["E01000001", "E01000002"], "value": [1.5, 2.5]})
    ws = write_workspace(tmp_path / "ws", {"areas": frame}, metadata={"synthetic": True})
    assert ws.is_synthetic and ws.tables == ["areas"]
    pd.testing.assert_frame_equal(open_workspace(tmp_path / "ws").read("areas"), frame)
    before = {p.name: p.read_bytes() for p in (tmp_path / "ws").iterdir()}
    write_workspace(tmp_path / "ws", {"areas": frame.copy()})
    after = {p.name: p.read_bytes() for p in (tmp_path / "ws").iterdir()}
    assert before == after


def test_workspace_keeps_other_tables_and_records_hashes(tmp_path) -> None:
    areas = pd.DataFrame({"area_code": ["E1"]})
    deaths = pd.DataFrame({"area_code": ["E1"], "deaths": [3]})
    write_workspace(tmp_path / "ws", {"areas": areas})
    ws = write_workspace(tmp_path / "ws", {"deaths": deaths})
    assert ws.tables == ["areas", "deaths"]
    manifest = json.loads((tmp_path / "ws" / "manifest.json").read_text())
    assert manifest["tables"]["deaths"]["hash"] == table_hash(deaths)
    # No staging folder or retired copy left; only the lock file stays (filelock keeps it).
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".ws.lock"]


def test_opening_a_folder_that_is_not_a_workspace_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(WorkspaceError, match="not a healthgap workspace"):
        open_workspace(tmp_path)
    with pytest.raises(WorkspaceError, match="has no table 'deaths'"):
        write_workspace(tmp_path / "ws", {"areas": pd.DataFrame({"a": [1]})}).read("deaths")
