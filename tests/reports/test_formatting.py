"""Plain-language numbers: never scientific notation, and what is written reads back."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from healthgap.reports import formatting as fmt

FINITE = st.floats(allow_nan=False, allow_infinity=False)
MODERATE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
SCIENTIFIC = ("e+", "e-", "E+", "E-", "inf", "nan")


def _plain(text: str) -> bool:
    return not any(marker in text for marker in SCIENTIFIC)


@given(FINITE, st.integers(min_value=0, max_value=4))
def test_no_scientific_notation_ever(value: float, decimals: int) -> None:
    for text in (
        fmt.number(value, decimals),
        fmt.years(value, value - 1, value + 1, decimals),
        fmt.signed(value, "years", decimals),
        fmt.percent(value / 100, decimals),
        fmt.rate(value, decimals=decimals),
        fmt.pounds(value),
        fmt.pounds(value, short=True),
        fmt.small(value),
        fmt.count(value),
        fmt.disclosed_count(abs(value)),
    ):
        assert _plain(text), text


@given(MODERATE, st.integers(min_value=0, max_value=3))
def test_numbers_read_back_within_rounding(value: float, decimals: int) -> None:
    back = fmt.parse_number(fmt.number(value, decimals))
    assert math.isclose(back, value, abs_tol=0.5 * 10**-decimals + 1e-9 * abs(value))


@given(MODERATE)
def test_signed_differences_keep_their_sign(value: float) -> None:
    text = fmt.signed(value, "years")
    back = fmt.parse_number(text)
    assert math.isclose(back, value, abs_tol=0.05 + 1e-9 * abs(value))
    if back > 0:
        assert text.startswith("+")
    elif back < 0:
        assert text.startswith(fmt.MINUS)
    else:
        assert text[0].isdigit()


@given(st.floats(min_value=0, max_value=1e12))
def test_pounds_read_back_to_the_penny_or_pound(value: float) -> None:
    text = fmt.pounds(value)
    assert text.startswith("£")
    tolerance = 0.5 if value >= 1000 or text.count(".") == 0 else 0.005
    assert math.isclose(fmt.parse_number(text), value, abs_tol=tolerance + 1e-9 * value)


@given(st.floats(min_value=-1e6, max_value=1e6).filter(lambda v: v == 0 or abs(v) >= 1e-4))
def test_small_values_keep_two_significant_figures(value: float) -> None:
    back = fmt.parse_number(fmt.small(value))
    assert math.isclose(back, value, rel_tol=0.05, abs_tol=1e-12)


@given(st.integers(min_value=0, max_value=10**9))
def test_disclosed_counts_hide_one_to_seven_and_round_the_rest(value: int) -> None:
    text = fmt.disclosed_count(value)
    if 1 <= value <= 7:
        assert text == fmt.SUPPRESSED
    else:
        back = fmt.parse_number(text)
        assert back % 5 == 0 and abs(back - value) <= 2.5


def test_missing_values_say_so() -> None:
    for function in fmt.FILTERS.values():
        assert function(float("nan")) == fmt.NOT_AVAILABLE
        assert function(None) == fmt.NOT_AVAILABLE


def test_interval_is_shown_only_with_both_limits() -> None:
    assert fmt.years(79.6, 79.2, None) == "79.6"
    assert fmt.years(79.64, 79.21, 80.04) == "79.6 (79.2 to 80.0)"
