"""Numbers in plain words: the one formatter for pages, tables and reports.

Every number a person reads goes through one of these functions, so a value looks the same
on the profile, in the Plan results and in a report: thousands separators, pounds with pence
only when there are pence, years to one decimal with their 95% confidence interval, shares
as percentages, rates per 100,000, signed differences with a proper minus sign, counts under
the disclosure policy, and **never scientific notation** (a value too small for the decimals
asked for says so in words instead of showing ``1.82e-07``). The web app registers each
function as a Jinja filter of the same name (``{{ value|years }}``).

A missing value (``None`` or NaN) reads :data:`NOT_AVAILABLE`; a count withheld by the
disclosure policy reads :data:`SUPPRESSED`, explained by :data:`SUPPRESSED_NOTE`.

>>> number(1234567.891)
'1,234,568'
>>> pounds(500000), pounds(75), pounds(75.5), pounds(1_250_000, short=True)
('£500,000', '£75', '£75.50', '£1.25 million')
>>> years(79.64, 79.21, 80.04)
'79.6 (79.2 to 80.0)'
>>> signed(0.4, "years"), signed(-1.25, "years"), signed(-0.01, "years")
('+0.4 years', '−1.3 years', '0.0 years')
>>> percent(0.1234), rate(512.345)
('12%', '512.3 per 100,000')
>>> count(12345), count(None), disclosed_count(5), disclosed_count(1234)
('12,345', 'not available', '[c]', '1,235')
>>> small(1.82e-07), small(0.003184)
('less than 0.0001', '0.0032')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from healthgap.disclosure import DisclosurePolicy

__all__ = [
    "FILTERS",
    "MINUS",
    "NOT_AVAILABLE",
    "SUPPRESSED",
    "SUPPRESSED_NOTE",
    "count",
    "disclosed_count",
    "number",
    "parse_number",
    "percent",
    "pounds",
    "rate",
    "signed",
    "small",
    "small_years",
    "years",
]

NOT_AVAILABLE = "not available"
#: The Government Statistical Service's marker for a value withheld for confidentiality.
SUPPRESSED = "[c]"
SUPPRESSED_NOTE = (
    "[c] means a count from 1 to 7, not shown so that no one can be identified; other counts "
    "are rounded to the nearest 5."
)
#: U+2212, read as "minus" by screen readers (a hyphen is often read as "dash").
MINUS = "\u2212"
_DEFAULT_POLICY = DisclosurePolicy()


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _fixed(value: float, decimals: int) -> str:
    """``value`` rounded half away from zero to ``decimals`` places, with thousands
    separators, in fixed notation (``Decimal`` keeps 2.25 -> 2.3 as people round it)."""
    exact = Decimal(repr(float(value)))
    with localcontext() as context:
        context.prec = 400 + decimals  # room for any float's digits: quantize never fails
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    text = f"{rounded:,.{decimals}f}"
    return text.replace("-", MINUS)


def number(value: float | None, decimals: int = 0) -> str:
    """A number with thousands separators and ``decimals`` places.

    >>> number(-1234.5, 1), number(0.0)
    ('−1,234.5', '0')
    """
    if _missing(value):
        return NOT_AVAILABLE
    return _fixed(float(value), decimals)  # type: ignore[arg-type]


def count(value: float | None) -> str:
    """A whole count with thousands separators (no disclosure control: for totals that
    are not about people, or already controlled).

    >>> count(7), count(1_000_000)
    ('7', '1,000,000')
    """
    return number(value, 0)


def disclosed_count(value: float | None, policy: DisclosurePolicy = _DEFAULT_POLICY) -> str:
    """A count of people or events under the disclosure policy: counts from
    ``policy.suppress_from`` to ``policy.suppress_to`` read :data:`SUPPRESSED`, others are
    rounded to the nearest ``policy.rounding_base``.

    >>> disclosed_count(0), disclosed_count(7), disclosed_count(8), disclosed_count(22)
    ('0', '[c]', '10', '20')
    """
    if _missing(value):
        return NOT_AVAILABLE
    whole = float(value)  # type: ignore[arg-type]
    if policy.suppress_from <= whole <= policy.suppress_to:
        return SUPPRESSED
    base = policy.rounding_base
    return number(parse_number(_fixed(whole / base, 0)) * base, 0)


def pounds(value: float | None, *, short: bool = False) -> str:
    """Money: whole pounds when there are no pence (GOV.UK style: "£75", not "£75.00"),
    pence when there are (under £1,000), and with ``short`` "£1.25 million" from a million.

    >>> pounds(0.5), pounds(1999.99), pounds(-20), pounds(3_000_000, short=True)
    ('£0.50', '£2,000', '−£20', '£3 million')
    """
    if _missing(value):
        return NOT_AVAILABLE
    amount = float(value)  # type: ignore[arg-type]
    sign = MINUS if amount < 0 and _fixed(abs(amount), 2) != "0.00" else ""
    amount = abs(amount)
    if short and amount >= 999_999.5:
        millions = _fixed(amount / 1_000_000, 2).rstrip("0").rstrip(".")
        return f"{sign}£{millions} million"
    pence = _fixed(amount, 2)
    if amount >= 1000 or pence.endswith(".00"):
        return f"{sign}£{_fixed(amount, 0)}"
    return f"{sign}£{pence}"


def years(
    value: float | None,
    lower: float | None = None,
    upper: float | None = None,
    decimals: int = 1,
) -> str:
    """Years (life expectancy, a gap) to one decimal, with the 95% confidence interval in
    brackets when both limits are given.

    >>> years(81.04), years(None), years(2.0, 1.55, 2.45)
    ('81.0', 'not available', '2.0 (1.6 to 2.5)')
    """
    if _missing(value):
        return NOT_AVAILABLE
    text = number(value, decimals)
    if not _missing(lower) and not _missing(upper):
        text += f" ({number(lower, decimals)} to {number(upper, decimals)})"
    return text


def signed(value: float | None, unit: str = "", decimals: int = 1) -> str:
    """A difference with its sign ("+0.4 years", "−1.3 years"); a difference that rounds
    to zero has no sign.

    >>> signed(2.25, "years"), signed(0.0), signed(12000, "deaths", 0)
    ('+2.3 years', '0.0', '+12,000 deaths')
    """
    if _missing(value):
        return NOT_AVAILABLE
    text = _fixed(float(value), decimals)  # type: ignore[arg-type]
    if not text.startswith(MINUS) and text.strip("0.,") != "":
        text = "+" + text
    return f"{text} {unit}".rstrip()


def percent(share: float | None, decimals: int = 0) -> str:
    """A share (0.25) as a percentage ("25%").

    >>> percent(0.025, 1), percent(1.0), percent(-0.105)
    ('2.5%', '100%', '−11%')
    """
    if _missing(share):
        return NOT_AVAILABLE
    return f"{_fixed(100 * float(share), decimals)}%"  # type: ignore[arg-type]


def rate(value: float | None, per: int = 100_000, decimals: int = 1) -> str:
    """A rate per ``per`` people ("512.3 per 100,000").

    >>> rate(12.345, per=1000, decimals=2)
    '12.35 per 1,000'
    """
    if _missing(value):
        return NOT_AVAILABLE
    return f"{number(value, decimals)} per {per:,}"


def small(value: float | None, digits: int = 2, floor: float = 1e-4) -> str:
    """A value that may be tiny (a gap reduction of a thousandth of a year) to ``digits``
    significant figures, in fixed notation; below ``floor`` it reads "less than 0.0001".

    >>> small(12345.6), small(0.04567), small(-0.00001), small(0.0)
    ('12,346', '0.046', 'less than 0.0001', '0')
    """
    if _missing(value):
        return NOT_AVAILABLE
    amount = float(value)  # type: ignore[arg-type]
    if amount == 0:
        return "0"
    if abs(amount) < floor:
        return f"less than {_fixed(floor, _decimals_of(floor))}"
    magnitude = math.floor(math.log10(abs(amount)))
    decimals = max(0, digits - 1 - magnitude)
    return _fixed(amount, decimals)


def small_years(value: float | None) -> str:
    """A small number of years (a gap reduction) with the days it comes to.

    >>> small_years(0.0795), small_years(1.5), small_years(0.0001), small_years(-0.01)
    ('0.080 years (about 29 days)', '1.5 years', 'less than a day', '−0.010 years (about 4 days)')
    """
    if _missing(value):
        return NOT_AVAILABLE
    amount = float(value)  # type: ignore[arg-type]
    days = abs(amount) * 365.25
    if days < 1:
        return "less than a day" if amount else "0 years"
    if abs(amount) >= 1:
        return f"{number(amount, 1)} years"
    day_words = f"about {number(days)} day{'s' if round(days) != 1 else ''}"
    return f"{number(amount, 3)} years ({day_words})"


def _decimals_of(value: float) -> int:
    return max(0, -math.floor(math.log10(value)))


def parse_number(text: str) -> float:
    """Read back a number this module wrote (separators, minus sign, £, %, "+" removed);
    for tests and for reading a figure typed as shown.

    >>> parse_number("−£1,234.50"), parse_number("+0.4 years"), parse_number("12%")
    (-1234.5, 0.4, 12.0)
    """
    cleaned = text.split(" ")[0].split("(")[0]
    cleaned = cleaned.replace(MINUS, "-").replace("£", "").replace(",", "").replace("%", "")
    return float(cleaned.replace("+", ""))


#: Name -> function, registered as Jinja filters by the web app.
FILTERS = {
    "number": number,
    "count": count,
    "disclosed_count": disclosed_count,
    "pounds": pounds,
    "years": years,
    "signed": signed,
    "percent": percent,
    "rate": rate,
    "small": small,
    "small_years": small_years,
}
