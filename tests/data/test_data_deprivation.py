"""assign_quantiles() against PHEindicatormethods phe_quantile test data."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from healthgap.data import assign_quantiles
from healthgap.errors import SmallNumbersWarning

_N = {"Decile": 10, "Quintile": 5, "Septile": 7}


def test_phe_quantile_reference_cases(phe_testdata) -> None:
    """Exact match to ``QuantileInGrp`` for every valid case in quantiles_testdata.csv.

    R: ``phe_quantile(group_by(df, IndSexRef[, ParentCode]), Value, nquantiles = n,
    invert = Polarity == "RAG - Low is good")`` (testQuantiles.R).
    """
    data = pd.read_csv(phe_testdata / "quantiles_testdata.csv")
    data = data[data["Test"].str.startswith("Good")]
    checked = 0
    for (group_set, name, polarity), block in data.groupby(["GroupSet", "QuantileNm", "Polarity"]):
        block = block.assign(
            group=block["IndSexRef"] + (block["ParentCode"] if group_set == "IndSexReg" else "")
        )
        invert = polarity in {"RAG - Low is good", "True"}
        with warnings.catch_warnings():
            # Groups with fewer areas than quantiles warn; their NA is what is checked here.
            warnings.simplefilter("ignore", SmallNumbersWarning)
            got = assign_quantiles(block, _N[name], score="Value", by="group", invert=invert)
        expected = block["QuantileInGrp"].astype("Int64")
        pd.testing.assert_series_equal(got, expected, check_names=False)
        checked += len(block)
    assert checked == 152 * 3 + 35


def test_too_few_areas_give_na_and_warn() -> None:
    areas = pd.DataFrame({"deprivation_score": [3.0, 2.0, 1.0]})
    with pytest.warns(SmallNumbersWarning, match="too few small areas"):
        result = assign_quantiles(areas, n=5)
    assert result.isna().all()


def test_population_weighted_quintiles() -> None:
    # One big deprived area holds half the population: it alone fills quintiles 1-2.5,
    # so it is quintile 1 and the small areas spread over the rest.
    areas = pd.DataFrame(
        {"deprivation_score": [90.0, 50.0, 40.0, 30.0, 20.0], "pop": [400, 100, 100, 100, 100]}
    )
    weighted = assign_quantiles(areas, n=5, weights="pop").tolist()
    assert weighted == [1, 3, 4, 4, 5]
    equal = assign_quantiles(areas.assign(pop=1), n=5, weights="pop")
    pd.testing.assert_series_equal(equal, assign_quantiles(areas, n=5))


def test_bad_arguments_are_input_errors() -> None:
    from healthgap.errors import InputError

    with pytest.raises(InputError) as error:
        assign_quantiles(pd.DataFrame({"x": [1.0]}), n=0, by="nope")
    assert {p.rule for p in error.value.problems} == {"missing_column", "invalid_argument"}
