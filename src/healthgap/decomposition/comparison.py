"""One way to name a comparison: which two populations a gap is measured between.

The same :class:`Comparison` is written three ways and read into one value:

- on the command line and in web addresses, beside an area: ``england``, ``parent``, an area
  code, ``quintiles``, ``deciles`` or ``period:2012-14`` (:meth:`Comparison.parse`);
- in a scenario file: ``{type: quintiles, level: la, area: E06000001}``,
  ``{type: area, area: E06000001, comparator: england}`` or
  ``{type: period, area: E06000001, before: 2012-14}`` (:meth:`Comparison.from_mapping`);
- in Python: ``Comparison.against_england("E06000001")``, ``Comparison.within(...)``.

Kinds:

``area``
    an area against another population: ``england`` (its country), ``parent`` (the nearest
    area above it) or another area's code;
``quantiles``
    the most against the least deprived fifth (or tenth) of the small areas inside an area,
    inside every area of a level (no ``area``), or in the whole country (neither);
``period``
    the same area in an earlier period (base) against the chosen period (comparator).

Which rows make up each side is decided by :mod:`healthgap.decomposition.populations` (and,
for the scenario model, by :class:`healthgap.scenarios.baseline.ComparisonGroups`), never by
the interfaces.

>>> Comparison.parse("england", area="E06000002")
Comparison(kind='area', area='E06000002', comparator='england')
>>> Comparison.from_mapping({"type": "quintiles", "level": "la", "area": "E1"}).token
'quintiles'
>>> Comparison.from_mapping({}) == Comparison.from_mapping({"type": "quintiles"})
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from healthgap.errors import InputError, Problem
from healthgap.periods import Period

__all__ = ["ENGLAND", "PARENT", "Comparison"]

ENGLAND = "england"
PARENT = "parent"
_QUANTILE_WORDS = {"quintiles": 5, "deciles": 10}
_KINDS = {
    **dict.fromkeys(("quintiles", "deciles", "quantiles"), "quantiles"),
    **dict.fromkeys(("area", "areas"), "area"),
    **dict.fromkeys(("period", "periods"), "period"),
}
_KEYS = {
    "area": {"type", "area", "base", "comparator", "level"},
    "quantiles": {"type", "area", "level", "base", "comparator", "quantiles"},
    "period": {"type", "area", "before"},
}


@dataclass(frozen=True)
class Comparison:
    """Who is compared with whom. Build it with :meth:`parse`, :meth:`from_mapping` or the
    named constructors; equal comparisons compare equal whatever their spelling."""

    kind: Literal["area", "quantiles", "period"]
    area: str | None = None
    comparator: str | None = None  # area kind: "england", "parent" or an area code
    level: str | None = None  # level of the area(s) whose small areas are split
    quantiles: int = 5
    base_group: int = 1  # quantile of the base population (1 = most deprived)
    comparator_group: int | None = None  # default: the least deprived quantile
    before: Period | None = None  # period kind: the earlier period

    def __post_init__(self) -> None:
        if self.kind == "quantiles" and self.comparator_group is None:
            object.__setattr__(self, "comparator_group", self.quantiles)

    def __repr__(self) -> str:
        shown = {"area": self.area, "comparator": self.comparator, "level": self.level}
        if self.kind == "quantiles":
            shown |= {"quantiles": self.quantiles}
            if (self.base_group, self.comparator_group) != (1, self.quantiles):
                shown |= {"base_group": self.base_group, "comparator_group": self.comparator_group}
        if self.before is not None:
            shown["before"] = self.before.label  # type: ignore[assignment]
        fields = ", ".join(f"{k}={v!r}" for k, v in shown.items() if v is not None)
        return (
            f"Comparison(kind={self.kind!r}, {fields})" if fields else f"Comparison({self.kind!r})"
        )

    # --- named constructors ----------------------------------------------------------

    @classmethod
    def against_england(cls, area: str) -> Comparison:
        return cls("area", area=area, comparator=ENGLAND)

    @classmethod
    def against_area(cls, area: str, comparator: str) -> Comparison:
        return cls("area", area=area, comparator=comparator)

    @classmethod
    def within(
        cls, area: str | None = None, *, level: str | None = None, quantiles: int = 5
    ) -> Comparison:
        """Most vs least deprived fifth (``quantiles=5``) or tenth (10) of the small areas
        inside ``area`` (or inside every area at ``level``, or the whole country)."""
        return cls("quantiles", area=area, level=level, quantiles=quantiles)

    @classmethod
    def over_time(cls, area: str, before: str | Period) -> Comparison:
        return cls("period", area=area, before=Period.parse(before))

    # --- reading ---------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, *, area: str | None = None) -> Comparison:
        """A comparison as the CLI's ``--compare`` and the web's ``compare=`` name it."""
        word = str(text).strip()
        lowered = word.lower()
        if lowered in (ENGLAND, "country"):
            return cls("area", area=area, comparator=ENGLAND)
        if lowered == PARENT:
            return cls("area", area=area, comparator=PARENT)
        if lowered in _QUANTILE_WORDS:
            return cls("quantiles", area=area, quantiles=_QUANTILE_WORDS[lowered])
        if lowered.startswith("period:"):
            return cls("period", area=area, before=Period.parse(word.split(":", 1)[1]))
        if not word or any(ch.isspace() for ch in word):
            raise InputError(
                f"comparator {word!r} is neither england, parent, quintiles, deciles, "
                "period:LABEL nor an area code",
                rule="unknown_comparator",
            )
        return cls("area", area=area, comparator=word)

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any] | Comparison | None, *, where: str = "<scenario>"
    ) -> Comparison:
        """A comparison as a scenario file writes it; every problem is reported at once.

        ``{}`` is the whole country's most against least deprived fifth.
        """
        if isinstance(raw, Comparison):
            return raw
        if raw is not None and not isinstance(raw, Mapping):
            raise InputError(
                [Problem(where, None, "comparison", "bad_comparison", "give a mapping with type")]
            )
        raw = dict(raw or {})
        problems: list[Problem] = []

        def bad(key: str, rule: str, message: str) -> None:
            problems.append(Problem(where, None, f"comparison.{key}", rule, message))

        kind_word = str(raw.get("type", "quintiles")).lower()
        kind = _KINDS.get(kind_word)
        if kind is None:
            bad(
                "type",
                "unknown_comparison",
                f"{kind_word!r}: use quintiles, deciles, area or period",
            )
            raise InputError(problems)
        for key in sorted(set(raw) - _KEYS[kind]):
            hint = " (give one area, or none for every area of the level)" if key == "areas" else ""
            bad(key, "unknown_field", f"{key!r} is not a field of a {kind_word} comparison{hint}")
        text = {k: None if raw.get(k) is None else str(raw[k]) for k in ("area", "level")}
        if kind == "area":
            area = text["area"] or (None if raw.get("base") is None else str(raw["base"]))
            comparator = raw.get("comparator")
            if area is None:
                bad("area", "missing_area", "an area comparison needs the area (or base)")
            made = cls(
                "area",
                area=area,
                level=text["level"],
                comparator=ENGLAND if comparator is None else str(comparator),
            )
        elif kind == "period":
            made = cls("period", area=text["area"])
            if text["area"] is None:
                bad("area", "missing_area", "a period comparison needs the area")
            try:
                made = replace(made, before=Period.parse(raw.get("before", "")))
            except InputError as error:
                bad("before", "invalid_period", error.problems[0].message)
        else:
            made = cls._quantiles_from(raw, kind_word, text, bad)
        if problems:
            raise InputError(problems)
        return made

    @classmethod
    def _quantiles_from(
        cls, raw: Mapping[str, Any], kind_word: str, text: Mapping[str, str | None], bad: Any
    ) -> Comparison:
        n = _QUANTILE_WORDS.get(kind_word) or raw.get("quantiles", 5)
        groups = {}
        for key, default in (("quantiles", n), ("base", 1), ("comparator", None)):
            value = raw.get(key, default)
            try:
                groups[key] = None if value is None else int(value)
            except (TypeError, ValueError):
                bad(key, "not_a_number", f"{value!r} is not a whole number")
                groups[key] = default
        n = groups["quantiles"] or 5
        if n < 2:
            bad("quantiles", "bad_quantiles", f"{n} groups cannot make a gap")
        for key in ("base", "comparator"):
            value = groups[key]
            if value is not None and not 1 <= value <= n:
                bad(key, "bad_quantile", f"group {value} is not between 1 and {n}")
        return cls(
            "quantiles",
            area=text["area"],
            level=text["level"],
            quantiles=n,
            base_group=groups["base"] or 1,
            comparator_group=groups["comparator"],
        )

    @classmethod
    def coerce(
        cls, value: Comparison | str | Mapping[str, Any] | None, *, area: str | None = None
    ) -> Comparison:
        """A :class:`Comparison` from any of its spellings (``None``: national fifths)."""
        if isinstance(value, Comparison):
            return value if area is None or value.area == area else value.for_area(area)
        if isinstance(value, str):
            return cls.parse(value, area=area)
        made = cls.from_mapping(value)
        return made if area is None else made.for_area(area)

    # --- writing ---------------------------------------------------------------------

    def for_area(self, area: str | None) -> Comparison:
        """The same comparison for another area."""
        return replace(self, area=area)

    @property
    def token(self) -> str:
        """The comparison as the CLI and web name it beside an area (``"england"``)."""
        if self.kind == "area":
            return str(self.comparator)
        if self.kind == "period":
            return f"period:{self.before}"
        words = {n: w for w, n in _QUANTILE_WORDS.items()}
        default_groups = (self.base_group, self.comparator_group) == (1, self.quantiles)
        if self.quantiles in words and default_groups:
            return words[self.quantiles]
        return f"quantiles:{self.quantiles}:{self.base_group}-{self.comparator_group}"

    def to_mapping(self) -> dict[str, Any]:
        """The scenario-file form (read back by :meth:`from_mapping`)."""
        out: dict[str, Any] = {"type": self.kind}
        if self.kind == "quantiles":
            out |= {
                "quantiles": self.quantiles,
                "base": self.base_group,
                "comparator": self.comparator_group,
            }
        elif self.kind == "area":
            out["comparator"] = self.comparator
        else:
            out["before"] = str(self.before)
        out |= {k: v for k, v in (("area", self.area), ("level", self.level)) if v is not None}
        return out

    def periods(self, period: str | Period) -> list[Period]:
        """The periods this comparison reads for a gap in ``period``."""
        chosen = Period.parse(period)
        return [chosen] if self.before is None else [self.before, chosen]

    @property
    def group_tag(self) -> str:
        """``"Q"`` for fifths, ``"D"`` for tenths, ``"G"`` for other splits."""
        return {5: "Q", 10: "D"}.get(self.quantiles, "G")

    @property
    def group_word(self) -> str:
        return {5: "fifth", 10: "tenth"}.get(self.quantiles, f"1/{self.quantiles}")
