"""The content model of a self-assessment framework, as frozen dataclasses.

Framework → version → sections → items (criteria, elements or steps) → level descriptors,
rated on a :class:`Scale` of ordered levels with labels, positions and RAG colours. "Don't
know" and "not applicable" are :class:`SpecialAnswer` values, kept apart from the lowest
level: "we do not know" and "nothing is in place" mean different things (frameworks.md §1).

Every wording is a :class:`Wording` carrying a ``reconstructed`` flag: ``True`` when the text
is ours because the source's own wording was not available (frameworks.md tags such content
[A]); ``False`` when it paraphrases a cited source.

The positions of levels (``Level.value``) order them; they are never averaged.

>>> scale = Scale("rag3", Wording("Three levels"), (
...     Level("0", 0, Wording("Not met"), "red", "#D4351C"),
...     Level("1", 1, Wording("Partly met"), "amber", "#F47738"),
...     Level("2", 2, Wording("Met"), "green", "#00703C")), SPECIAL_ANSWERS)
>>> scale.value_of("2"), scale.value_of("dont_know")
(2, None)
>>> scale.is_answer("3")
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from healthgap.errors import InputError, Problem

__all__ = [
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "RAG_COLOURS",
    "SPECIAL_ANSWERS",
    "DataStep",
    "FrameworkVersion",
    "Item",
    "Level",
    "Mode",
    "Ordering",
    "Scale",
    "Section",
    "Source",
    "SpecialAnswer",
    "Tool",
    "Wording",
]

DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
#: Default colours of the three RAG bands (GOV.UK design system red, orange and green).
RAG_COLOURS: Mapping[str, str] = MappingProxyType(
    {"red": "#D4351C", "amber": "#F47738", "green": "#00703C"}
)


@dataclass(frozen=True)
class Wording:
    """A piece of framework text and whether it is reconstructed rather than sourced."""

    text: str
    reconstructed: bool = False
    note: str = ""

    def __str__(self) -> str:
        return self.text

    def to_content(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "reconstructed": self.reconstructed}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Level:
    """One level of a scale. ``value`` orders the levels; it is not a score to average."""

    key: str
    value: int
    label: Wording
    rag: str
    colour: str
    descriptor: Wording | None = None


@dataclass(frozen=True)
class SpecialAnswer:
    """An answer that is not a level: "don't know" or "not applicable"."""

    key: str
    label: Wording


SPECIAL_ANSWERS: tuple[SpecialAnswer, ...] = (
    SpecialAnswer(DONT_KNOW, Wording("Don't know")),
    SpecialAnswer(NOT_APPLICABLE, Wording("Not applicable")),
)


@dataclass(frozen=True)
class Scale:
    """Ordered levels (lowest first) plus the special answers allowed."""

    id: str
    name: Wording
    levels: tuple[Level, ...]
    special: tuple[SpecialAnswer, ...] = SPECIAL_ANSWERS

    @property
    def keys(self) -> tuple[str, ...]:
        """Every accepted answer: the levels, lowest first, then the special answers."""
        return tuple(lv.key for lv in self.levels) + tuple(s.key for s in self.special)

    def is_answer(self, key: str) -> bool:
        return key in self.keys

    def is_level(self, key: str) -> bool:
        return any(lv.key == key for lv in self.levels)

    def level(self, key: str) -> Level:
        for lv in self.levels:
            if lv.key == key:
                return lv
        raise KeyError(key)

    def value_of(self, key: str) -> int | None:
        """Position of a level, or ``None`` for a special answer."""
        return self.level(key).value if self.is_level(key) else None

    def label_of(self, key: str) -> str:
        if self.is_level(key):
            return self.level(key).label.text
        for answer in self.special:
            if answer.key == key:
                return answer.label.text
        raise KeyError(key)

    @property
    def top_rag(self) -> str:
        """The RAG band of the highest level (``green`` on every shipped scale)."""
        return self.levels[-1].rag

    def check_answer(self, key: object, *, where: str = "<rating>", item: str = "") -> str:
        """Return ``key`` as a string when it is on the scale; refuse it otherwise.

        >>> from healthgap.assessment.catalogue import shipped_catalogue
        >>> shipped_catalogue().get("nsmc_benchmarks").scale.check_answer(7, item="behaviour")
        Traceback (most recent call last):
        ...
        healthgap.errors.InputError: 1 problem found:
          <rating>, column 'level': [level_not_on_scale] 7 is not on the scale ...
        """
        text = str(key).strip()
        if self.is_answer(text):
            return text
        allowed = ", ".join(f"{lv.key} ({lv.label.text})" for lv in self.levels)
        specials = ", ".join(s.key for s in self.special)
        subject = f" for item {item!r}" if item else ""
        raise InputError(
            [
                Problem(
                    where,
                    None,
                    "level",
                    "level_not_on_scale",
                    f"{key!r} is not on the scale {self.id!r}{subject}: use one of {allowed}"
                    + (f", or {specials}" if specials else ""),
                )
            ]
        )


@dataclass(frozen=True)
class Section:
    """A display group of items (e.g. the HINST "effectiveness chain")."""

    id: str
    title: Wording
    description: Wording | None = None


@dataclass(frozen=True)
class Item:
    """One criterion, element or component to rate.

    ``parent`` is set for a sub-question of a full mode; ``indicators`` name the measures
    shown beside the rating (:mod:`healthgap.assessment.indicators`); ``related`` names
    items that overlap or feed each other; ``descriptors`` (level key → text) override the
    scale's generic level descriptors for this item; ``attributes`` hold display hints such
    as the position of a triangle component, and ``practice_id``, the id under which the
    practice bank files examples of good practice for the item (e.g. ``nsmc/insight``).
    """

    id: str
    number: str
    section: str
    name: Wording
    prompt: Wording
    parent: str | None = None
    guidance: Wording | None = None
    evidence_prompt: Wording | None = None
    evidence_required: bool = False
    indicators: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    descriptors: Mapping[str, Wording] = field(default_factory=lambda: MappingProxyType({}))
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def prompt_for(self, *, topic: str = "", place: str = "") -> str:
        """The prompt with ``{topic}`` and ``{place}`` filled in (generic words when empty)."""
        return self.prompt.text.format(topic=topic or "this topic", place=place or "this place")

    @property
    def practice_id(self) -> str:
        """The practice bank's id for this item (``""`` when the pack names none).

        >>> from healthgap.assessment import shipped_catalogue
        >>> shipped_catalogue().get("hinst_cbo").item("service_volumes").practice_id
        'hinst/adequate_service_volumes'
        """
        return self.attributes.get("practice_id", "")


@dataclass(frozen=True)
class Mode:
    """A named selection of items, e.g. ``quick`` (one question per area) or ``full``."""

    id: str
    label: Wording
    items: tuple[str, ...]


@dataclass(frozen=True)
class Ordering:
    """A named order of items (the NSMC criteria have two)."""

    id: str
    label: Wording
    items: tuple[str, ...]


@dataclass(frozen=True)
class DataStep:
    """A step of a data sequence (PIT Tool A), pre-filled from the linked indicators."""

    number: int
    id: str
    title: Wording
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tool:
    """A tool placed on a component of another framework (PIT Tools A-D)."""

    id: str
    title: Wording
    component: str
    framework: str
    focus: Wording


@dataclass(frozen=True)
class Source:
    """Where the content comes from and how far it could be checked."""

    citation: str
    evidence: str
    note: str = ""


@dataclass(frozen=True, eq=False)
class FrameworkVersion:
    """One version of one framework: everything an assessment needs, and nothing else.

    ``content`` is the validated pack as plain data: saved with every assessment, so an
    assessment keeps the wording it was made with even after the pack is replaced.
    """

    framework_id: str
    version: str
    title: Wording
    summary: Wording
    source: Source
    scale: Scale
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    modes: tuple[Mode, ...]
    default_mode: str
    orderings: tuple[Ordering, ...] = ()
    default_ordering: str | None = None
    data_steps: tuple[DataStep, ...] = ()
    data_steps_support: tuple[str, ...] = ()
    tools: tuple[Tool, ...] = ()
    reconstruction_note: str = ""
    origin: str = "shipped"
    content: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.framework_id, self.version)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise InputError(
            f"framework {self.framework_id!r} version {self.version} has no item {item_id!r}",
            rule="unknown_item",
        )

    def has_item(self, item_id: str) -> bool:
        return any(item.id == item_id for item in self.items)

    def mode(self, mode_id: str | None = None) -> Mode:
        wanted = mode_id or self.default_mode
        for mode in self.modes:
            if mode.id == wanted:
                return mode
        known = ", ".join(m.id for m in self.modes)
        raise InputError(
            f"framework {self.framework_id!r} has no mode {wanted!r} (modes: {known})",
            rule="unknown_mode",
        )

    def items_in(self, mode_id: str | None = None) -> tuple[Item, ...]:
        """The items of a mode, in the framework's (default ordering's) order."""
        chosen = set(self.mode(mode_id).items)
        return tuple(item for item in self.ordered_items() if item.id in chosen)

    def top_items(self) -> tuple[Item, ...]:
        """Items that are not sub-questions (the 12 HINST areas, the 8 NSMC criteria ...)."""
        return tuple(item for item in self.ordered_items() if item.parent is None)

    def ordered_items(self, ordering: str | None = None) -> tuple[Item, ...]:
        """Items in the named ordering (default: the pack's default, else file order)."""
        wanted = ordering or self.default_ordering
        if wanted is None:
            return self.items
        for candidate in self.orderings:
            if candidate.id == wanted:
                position = {item_id: i for i, item_id in enumerate(candidate.items)}
                # sub-questions follow their parent
                return tuple(
                    sorted(
                        self.items,
                        key=lambda it: (
                            position.get(it.parent or it.id, len(position)),
                            it.parent is not None,
                        ),
                    )
                )
        raise InputError(f"no ordering {wanted!r}", rule="unknown_ordering")

    @property
    def evidence_required(self) -> bool:
        return all(item.evidence_required for item in self.items)

    def reconstructed_items(self) -> tuple[str, ...]:
        """Ids of items whose name or prompt is reconstructed wording."""
        return tuple(i.id for i in self.items if i.name.reconstructed or i.prompt.reconstructed)
