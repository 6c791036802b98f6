"""One value type for the periods data are reported for: a year, pooled years, financial years.

Every label healthgap reads or writes goes through :class:`Period`, so "1998-02" means 1998
to 2002 in the CLI, the web, the decomposition, the targets and the demo alike.

Spellings read (spaces around the separators are ignored):

============================  ====================================================
``"2014"``, ``"2014.0"``      one calendar year (the second as Excel writes numbers)
``"2012-14"``, ``"2012-2014"``  consecutive calendar years, pooled
``"1998-02"``                 1998 to 2002 (a two-digit end below the start's crosses
                              the century, for spans under 50 years)
``"2018/19"``                 one financial year (April 2018 to March 2019)
``"2016/17-18/19"``           consecutive financial years (also ``2016/17-2018/19``)
``"2012+2014"``               years that are not consecutive, pooled
============================  ====================================================

The *label* is the canonical spelling: ``Period.parse(p.label) == p`` for every period, and
``Period.of_years(p.years, financial=p.financial) == p``.

>>> p = Period.parse("2016 - 18")
>>> p.label, p.years, p.midpoint, p.n_years
('2016-18', (2016, 2017, 2018), 2017.0, 3)
>>> Period.parse("1998-02").years
(1998, 1999, 2000, 2001, 2002)
>>> Period.of_years(["2012", "2013", "2014"]).label, Period.of_years([2012, 2014]).label
('2012-14', '2012+2014')
>>> sorted(Period.parse(t) for t in ["2015-17", "2014", "2012-14"])
[Period('2012-14'), Period('2014'), Period('2015-17')]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from healthgap.errors import InputError

__all__ = ["Period"]

_YEAR = r"\d{4}"
_FINANCIAL = r"(\d{4})\s*/\s*(\d{2}|\d{4})"
_SINGLE = re.compile(rf"^({_YEAR})(?:\.0+)?$")
_RANGE = re.compile(rf"^({_YEAR})\s*-\s*(\d{{2}}|{_YEAR})$")
_FINANCIAL_ONE = re.compile(rf"^{_FINANCIAL}$")
_FINANCIAL_RANGE = re.compile(rf"^{_FINANCIAL}\s*-\s*(\d{{2}}|{_YEAR})\s*/\s*(\d{{2}}|{_YEAR})$")
#: Longest span written with a two-digit end year (a longer one is written in full).
MAX_SHORT_SPAN = 50
# A financial year starting in April sits a quarter of a year later than the calendar year
# of the same name, whose mid-point is written as the year itself (1 July = 2014.0).
_FINANCIAL_OFFSET = 0.25


def _full_year(digits: str, first: int, text: object = None) -> int:
    """A year given as 4 digits, or as 2 digits after ``first``: the first year at or after
    it ending in those digits, less than :data:`MAX_SHORT_SPAN` years on ("1998-02" is 2002;
    "2014-13" ends before it starts)."""
    if len(digits) == 4:
        return int(digits)
    year = first // 100 * 100 + int(digits)
    if year < first:
        year += 100
        if year - first >= MAX_SHORT_SPAN:
            raise _problem(first if text is None else text, "ends before it starts")
    return year


def _problem(text: object, why: str) -> InputError:
    return InputError(
        f"period {str(text)!r} {why}; write a year (2014), pooled years (2012-14 or "
        "2012+2014) or financial years (2018/19, 2016/17-18/19)",
        rule="invalid_period",
    )


@functools.total_ordering
@dataclass(frozen=True)
class Period:
    """A period: the calendar years (or first years of financial years) it pools.

    ``years`` are ascending and distinct. Ordering is by first year, then last year.
    """

    years: tuple[int, ...]
    financial: bool = False

    def __post_init__(self) -> None:
        years = tuple(int(y) for y in self.years)
        if not years or list(years) != sorted(set(years)):
            raise _problem(self.years, "needs distinct years in ascending order")
        object.__setattr__(self, "years", years)

    # --- reading ---------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | int | Period) -> Period:
        """The period a label names; :class:`InputError` (rule ``invalid_period``) if none."""
        if isinstance(text, Period):
            return text
        raw = str(text).strip()
        if "+" in raw:
            parts = [cls._one(part.strip(), text) for part in raw.split("+")]
            if any(p.n_years != 1 for p in parts) or len({p.financial for p in parts}) != 1:
                raise _problem(text, "joins ranges or mixes financial and calendar years")
            years = sorted(p.first for p in parts)
            if len(set(years)) != len(years):
                raise _problem(text, "names a year twice")
            return cls(tuple(years), parts[0].financial)
        return cls._one(raw, text)

    @classmethod
    def _one(cls, raw: str, text: object) -> Period:
        if match := _SINGLE.match(raw):
            return cls((int(match.group(1)),))
        if match := _RANGE.match(raw):
            first = int(match.group(1))
            return cls._span(first, _full_year(match.group(2), first, text), text)
        if match := _FINANCIAL_ONE.match(raw):
            first = int(match.group(1))
            cls._check_financial(first, match.group(2), text)
            return cls((first,), financial=True)
        if match := _FINANCIAL_RANGE.match(raw):
            first = int(match.group(1))
            cls._check_financial(first, match.group(2), text)
            last = _full_year(match.group(3), first, text)
            cls._check_financial(last, match.group(4), text)
            return cls._span(first, last, text, financial=True)
        raise _problem(text, "is not a year, pooled years or financial years")

    @staticmethod
    def _check_financial(first: int, second: str, text: object) -> None:
        if _full_year(second, first + 1) != first + 1:
            raise _problem(text, "is not a financial year (the second year must follow the first)")

    @classmethod
    def _span(cls, first: int, last: int, text: object, financial: bool = False) -> Period:
        if last < first:
            raise _problem(text, "ends before it starts")
        return cls(tuple(range(first, last + 1)), financial)

    @classmethod
    def try_parse(cls, text: object) -> Period | None:
        """:meth:`parse`, or ``None`` for a label that names no period (e.g. ``"Q1"``)."""
        try:
            return cls.parse(text)  # type: ignore[arg-type]
        except InputError:
            return None

    @classmethod
    def of_years(cls, years: Iterable[int | str | Period], *, financial: bool = False) -> Period:
        """The pool of ``years`` (numbers, labels or periods): ``[2012, 2013, 2014]`` -> 2012-14.

        Labels and periods bring their own kind (calendar or financial); pooling the two
        kinds together is refused.
        """
        found: set[int] = set()
        kinds: set[bool] = set()
        for item in years:
            if isinstance(item, int):
                found.add(item)
                kinds.add(financial)
            else:
                period = cls.parse(item)
                found.update(period.years)
                kinds.add(period.financial)
        if len(kinds) > 1:
            raise _problem(sorted(found), "mixes financial and calendar years")
        return cls(tuple(sorted(found)), kinds.pop() if kinds else financial)

    # --- what it covers --------------------------------------------------------------

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]

    @property
    def n_years(self) -> int:
        """Number of years pooled (e.g. 3 for 2012-14)."""
        return len(self.years)

    @property
    def is_consecutive(self) -> bool:
        return self.last - self.first + 1 == self.n_years

    @property
    def midpoint(self) -> float:
        """Mid-year, with a calendar year's own mid-point written as the year (2012-14 ->
        2013.0); a financial year sits a quarter later (2018/19 -> 2018.25)."""
        offset = _FINANCIAL_OFFSET if self.financial else 0.0
        return sum(self.years) / self.n_years + offset

    @property
    def singles(self) -> tuple[Period, ...]:
        """The one-year periods this one pools."""
        return tuple(Period((y,), self.financial) for y in self.years)

    @property
    def single_labels(self) -> tuple[str, ...]:
        """Labels of the one-year periods this one pools (how workspaces store years)."""
        return tuple(p.label for p in self.singles)

    # --- writing ---------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The canonical spelling (``"2012-14"``, ``"2018/19"``, ``"2012+2014"``)."""
        if self.n_years == 1:
            return self._name(self.first)
        if not self.is_consecutive:
            return "+".join(self._name(y) for y in self.years)
        long = self.last - self.first >= MAX_SHORT_SPAN
        if self.financial:
            end = str(self.last) if long else f"{self.last % 100:02d}"
            return f"{self._name(self.first)}-{end}/{(self.last + 1) % 100:02d}"
        return f"{self.first}-{self.last if long else f'{self.last % 100:02d}'}"

    def _name(self, year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}" if self.financial else str(year)

    @property
    def fingertips_label(self) -> str:
        """As Fingertips writes it: ``"2012 - 14"``."""
        return self.label.replace("-", " - ")

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Period({self.label!r})"

    def _key(self) -> tuple[int, int, int, bool, tuple[int, ...]]:
        return (self.first, self.last, self.n_years, self.financial, self.years)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    # --- choosing periods from what a table holds ------------------------------------

    @classmethod
    def latest(cls, labels: Iterable[object], width: int = 3) -> Period | None:
        """The latest ``width`` single calendar years pooled (stable values for small
        areas), or the latest period when the latest label is already pooled.

        >>> Period.latest(["2021", "2022", "2023", "2024"]), Period.latest(["2012-14", "2015-17"])
        (Period('2022-24'), Period('2015-17'))
        """
        periods = sorted({p for p in map(cls.try_parse, labels) if p is not None})
        if not periods:
            return None
        singles = [p for p in periods if p.n_years == 1 and not p.financial]
        newest = max(periods, key=lambda p: (p.last, -p.n_years))
        if len(singles) >= width and singles[-1] == newest:
            return cls.of_years(singles[-width:])
        return newest

    @classmethod
    def non_overlapping(cls, labels: Iterable[object], width: int = 3) -> list[Period]:
        """Pools of ``width`` years ending at the latest single year, oldest first.

        Overlapping pools share deaths and would overstate a trend's certainty.

        >>> [p.label for p in Period.non_overlapping(map(str, range(2010, 2025)))]
        ['2010-12', '2013-15', '2016-18', '2019-21', '2022-24']
        """
        years = sorted(
            p.first
            for p in map(cls.try_parse, labels)
            if p is not None and p.n_years == 1 and not p.financial
        )
        pools = []
        end = years[-1] if years else 0
        while years and end - width + 1 >= years[0]:
            pools.append(cls(tuple(range(end - width + 1, end + 1))))
            end -= width
        return pools[::-1]
