"""Property tests of the Period type: labels, years and pools round-trip."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from healthgap.errors import InputError  # noqa: E402
from healthgap.periods import Period  # noqa: E402

years = st.lists(st.integers(1900, 2150), min_size=1, max_size=12, unique=True).map(sorted)
periods = st.builds(lambda ys, fy: Period(tuple(ys), fy), years, st.booleans())


@given(periods)
def test_label_to_years_to_label_round_trips(period: Period) -> None:
    assert Period.parse(period.label) == period
    assert Period.of_years(period.years, financial=period.financial).label == period.label


@given(periods)
def test_spellings_with_spaces_read_the_same(period: Period) -> None:
    spaced = period.label.replace("-", " - ").replace("+", " + ").replace("/", " / ")
    assert Period.parse(spaced) == period
    assert Period.parse(period.fingertips_label) == period


@given(st.integers(1900, 2150), st.integers(0, 99))
def test_a_two_digit_end_is_the_next_year_with_those_digits(first: int, end: int) -> None:
    last = first // 100 * 100 + end
    last += 100 if last < first else 0
    if last - first >= 50 and last // 100 != first // 100:  # "2014-13": no such range
        with pytest.raises(InputError):
            Period.parse(f"{first}-{end:02d}")
        return
    period = Period.parse(f"{first}-{end:02d}")
    assert (period.first, period.last) == (first, last)


@given(periods)
def test_singles_pool_back_to_the_period(period: Period) -> None:
    assert Period.of_years(period.single_labels) == period
    assert period.midpoint == pytest.approx(
        sum(period.years) / period.n_years + (0.25 if period.financial else 0.0)
    )


@given(periods, periods)
def test_order_is_total_and_follows_the_years(a: Period, b: Period) -> None:
    assert (a < b) + (b < a) + (a == b) == 1
    if a.last < b.first:
        assert a < b
