"""The MECC vocabulary as content: settings, organisation types, topics, actions, destinations
and the training routes and capability measures, read from YAML.

The built-in vocabulary is ``mecc_vocabulary.yaml`` beside this module; an organisation can
pass its own file (same keys) to :func:`load_vocabulary`. Every field a member of staff logs
is a code from here, which is how logging refuses free text by design.

>>> vocabulary = load_vocabulary()
>>> vocabulary.codes("topics")
('diet_weight', 'physical_activity', 'alcohol', 'tobacco', 'wellbeing')
>>> vocabulary.needs_destination("signpost"), vocabulary.label("destinations", "leisure")
(True, 'Leisure and physical activity')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from healthgap.errors import InputError, Problem

__all__ = ["SECTIONS", "MeccVocabulary", "Term", "load_vocabulary"]

#: The lists a vocabulary file must hold, each of terms with at least ``code`` and ``label``.
SECTIONS: tuple[str, ...] = (
    "settings",
    "organisation_types",
    "topics",
    "actions",
    "destinations",
    "training_routes",
    "capability_measures",
    "capability_waves",
)
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_BUILTIN = "mecc_vocabulary.yaml"


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary list: a stable ``code``, the ``label`` people see, and any
    further attributes of its section (``needs_destination`` of an action, ``topics`` of a
    destination, ``default_setting`` of an organisation type, a ``description``)."""

    code: str
    label: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MeccVocabulary:
    """Every list of the MECC vocabulary, in the order people should see them."""

    sections: Mapping[str, tuple[Term, ...]]
    score_minimum: float
    score_maximum: float
    source: str

    def terms(self, section: str) -> tuple[Term, ...]:
        """The terms of one section (see :data:`SECTIONS`)."""
        return self.sections[section]

    def codes(self, section: str) -> tuple[str, ...]:
        """The codes of one section, in display order."""
        return tuple(term.code for term in self.sections[section])

    def label(self, section: str, code: str) -> str:
        """The label of ``code`` in ``section`` (the code itself when unknown)."""
        return next((t.label for t in self.sections[section] if t.code == code), code)

    def labels(self, section: str) -> dict[str, str]:
        """Code -> label for one section."""
        return {t.code: t.label for t in self.sections[section]}

    def needs_destination(self, action: str) -> bool:
        """True for an action (signpost, referral) that must name where the person was sent."""
        term = next((t for t in self.sections["actions"] if t.code == action), None)
        return bool(term and term.attributes.get("needs_destination", False))

    def as_frame(self, section: str) -> pd.DataFrame:
        """One row per term (``code``, ``label`` and its attributes), e.g. for a pick list."""
        return pd.DataFrame(
            [{"code": t.code, "label": t.label, **dict(t.attributes)} for t in self.terms(section)]
        )


def load_vocabulary(path: str | os.PathLike[str] | None = None) -> MeccVocabulary:
    """Read and check a vocabulary file; ``None`` gives the built-in one (cached).

    Raises :class:`~healthgap.errors.InputError` naming the file, the section and the rule
    (``bad_vocabulary``) for a missing section, a term without code or label, a code that is
    not lower-case letters, digits and underscores, a repeated code, or a reference (an
    organisation type's default setting, a destination's topics) to an unknown code.
    """
    if path is None:
        return _builtin()
    file = Path(path)
    if not file.is_file():
        raise InputError([Problem(str(file), None, None, "file_not_found", "no such file")])
    return _parse(file.read_text(encoding="utf-8"), str(file))


@lru_cache(maxsize=1)
def _builtin() -> MeccVocabulary:
    text = (resources.files("healthgap.engage") / _BUILTIN).read_text("utf-8")
    return _parse(text, _BUILTIN)


def _parse(text: str, source: str) -> MeccVocabulary:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError([Problem(source, None, None, "bad_vocabulary", str(exc))]) from None
    problems: list[Problem] = []

    def bad(section: str, message: str) -> None:
        problems.append(Problem(source, None, section, "bad_vocabulary", message))

    sections: dict[str, tuple[Term, ...]] = {}
    for section in SECTIONS:
        entries = raw.get(section)
        if not isinstance(entries, list) or not entries:
            bad(section, f"the section {section!r} must be a non-empty list of terms")
            continue
        terms = []
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, Mapping) or not entry.get("code") or not entry.get("label"):
                bad(section, f"term {i} needs a code and a label")
                continue
            code = str(entry["code"])
            if not _CODE.match(code):
                bad(section, f"code {code!r} must be lower-case letters, digits and _")
            extra = {k: v for k, v in entry.items() if k not in ("code", "label")}
            terms.append(Term(code, str(entry["label"]), extra))
        codes = [t.code for t in terms]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            bad(section, f"code {code!r} appears more than once")
        sections[section] = tuple(terms)
    _check_references(sections, bad)
    scale = raw.get("score_scale") or {}
    low, high = scale.get("minimum"), scale.get("maximum")
    if not isinstance(low, int | float) or not isinstance(high, int | float) or low >= high:
        bad("score_scale", "score_scale needs numbers minimum < maximum")
        low, high = 0, 1
    if problems:
        raise InputError(problems)
    return MeccVocabulary(sections, float(low), float(high), source)


def _check_references(sections: Mapping[str, tuple[Term, ...]], bad: Any) -> None:
    settings = {t.code for t in sections.get("settings", ())}
    topics = {t.code for t in sections.get("topics", ())}
    for term in sections.get("organisation_types", ()):
        default = term.attributes.get("default_setting")
        if default is not None and default not in settings:
            bad("organisation_types", f"{term.code}: unknown default_setting {default!r}")
    for term in sections.get("destinations", ()):
        unknown = sorted(set(term.attributes.get("topics") or []) - topics)
        if unknown:
            bad("destinations", f"{term.code}: unknown topics {', '.join(map(str, unknown))}")
