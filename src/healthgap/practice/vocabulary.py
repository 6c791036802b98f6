"""The fixed vocabularies of the practice bank: evidence strength, triangle parts, status, roles,
research types, and the id conventions for framework items and plan-library parameters.

These are the *model* (code); the topic list and the glossary are *content* (YAML) so that teams
can edit them without a release.

Evidence strength is ordered, weakest first, as in ``frameworks.md`` §9:

>>> EvidenceStrength.descriptive < EvidenceStrength.before_after < EvidenceStrength.randomised
True
>>> EvidenceStrength.parse("before/after").label
'before/after (no comparison group)'
>>> TrianglePart.parse("service ↔ community seam").value
'seam_service_community'
"""

from __future__ import annotations

import enum
import re
from functools import total_ordering
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "FRAMEWORK_ITEM_PATTERN",
    "PARAMETER_ID_PATTERN",
    "EvidenceStrength",
    "PracticeRole",
    "ResearchType",
    "Status",
    "TrianglePart",
    "load_topics",
]

#: A framework item is named ``<framework>/<item>``, both lower-case slugs, e.g.
#: ``nsmc/insight`` or ``hinst/responsive_services``. The assessment content packs own the
#: frameworks; the bank keeps the ids as strings and the use case checks them against the packs.
FRAMEWORK_ITEM_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*/[a-z0-9][a-z0-9_.-]*$")

#: A plan-library parameter is named ``<intervention id>.<parameter>``, e.g.
#: ``smoking_cessation.p52`` or ``statins.unit_cost``; a table is ``<intervention>.tables.<name>``.
PARAMETER_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.(tables\.)?[A-Za-z][A-Za-z0-9_]*$")


def _key(text: str) -> str:
    """Loose key for parsing labels: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@total_ordering
class EvidenceStrength(enum.Enum):
    """How strong the evaluation behind a claim is; comparisons follow the order of strength."""

    descriptive = "descriptive"
    before_after = "before_after"
    controlled = "controlled"
    randomised = "randomised"

    @property
    def rank(self) -> int:
        return list(EvidenceStrength).index(self)

    @property
    def label(self) -> str:
        return _EVIDENCE_LABELS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, EvidenceStrength):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str) -> EvidenceStrength:
        """Read a value or a common spelling ("before/after", "RCT", "randomized")."""
        key = _key(str(text))
        aliases = {
            "beforeafter": "before_after",
            "prepost": "before_after",
            "rct": "randomised",
            "randomized": "randomised",
            "controlledtrial": "controlled",
        }
        value = aliases.get(key, key)
        for member in cls:
            if _key(member.value) == _key(value):
                return member
        raise ValueError(f"{text!r} is not one of {[m.value for m in cls]}")


_EVIDENCE_LABELS = {
    EvidenceStrength.descriptive: "descriptive (an account, no comparison)",
    EvidenceStrength.before_after: "before/after (no comparison group)",
    EvidenceStrength.controlled: "controlled (compared with a group not receiving it)",
    EvidenceStrength.randomised: "randomised (allocation by chance)",
}


class TrianglePart(enum.Enum):
    """The seven components of the population intervention triangle (``frameworks.md`` §3)."""

    civic = "civic"
    community = "community"
    service = "service"
    seam_civic_community = "seam_civic_community"
    seam_service_community = "seam_service_community"
    seam_civic_service = "seam_civic_service"
    centre = "centre"

    @property
    def label(self) -> str:
        return _TRIANGLE_LABELS[self]

    @property
    def is_seam(self) -> bool:
        return self.value.startswith("seam_")

    @classmethod
    def parse(cls, text: str) -> TrianglePart:
        key = _key(str(text))
        for member in cls:
            if key in (_key(member.value), _key(member.label)):
                return member
        text_lower = str(text).lower()
        words = frozenset(re.findall(r"civic|community|service", text_lower))
        if "seam" in text_lower and words in _SEAMS:
            return _SEAMS[words]
        raise ValueError(f"{text!r} is not a part of the triangle: {[m.value for m in cls]}")


_TRIANGLE_LABELS = {
    TrianglePart.civic: "civic-level interventions",
    TrianglePart.community: "community-centred interventions",
    TrianglePart.service: "service-based interventions",
    TrianglePart.seam_civic_community: "civic ↔ community seam",
    TrianglePart.seam_service_community: "service ↔ community seam",
    TrianglePart.seam_civic_service: "civic ↔ service seam",
    TrianglePart.centre: "centre: place-based planning",
}


_SEAMS = {
    frozenset({"civic", "community"}): TrianglePart.seam_civic_community,
    frozenset({"service", "community"}): TrianglePart.seam_service_community,
    frozenset({"civic", "service"}): TrianglePart.seam_civic_service,
}


class Status(enum.Enum):
    """Where a submission is in the review workflow (see :mod:`healthgap.practice.workflow`)."""

    draft = "draft"
    submitted = "submitted"
    reviewed = "reviewed"
    published = "published"
    archived = "archived"


class PracticeRole(enum.Enum):
    """Roles of the review workflow; each includes the rights of the ones before it."""

    contributor = "contributor"
    reviewer = "reviewer"
    editor = "editor"

    @property
    def rank(self) -> int:
        return list(PracticeRole).index(self)

    def allows(self, needed: PracticeRole) -> bool:
        """True when this role has at least the rights of ``needed``.

        >>> PracticeRole.editor.allows(PracticeRole.reviewer)
        True
        """
        return self.rank >= needed.rank


class ResearchType(enum.Enum):
    """Kind of publication in the research library."""

    systematic_review = "systematic_review"
    rct = "rct"
    observational = "observational"
    economic = "economic"
    guidance = "guidance"
    grey_report = "grey_report"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("rct", "randomised controlled trial")

    @classmethod
    def parse(cls, text: str) -> ResearchType:
        key = _key(str(text))
        aliases = {
            "randomisedcontrolledtrial": "rct",
            "randomizedcontrolledtrial": "rct",
            "metaanalysis": "systematic_review",
            "review": "systematic_review",
            "cohort": "observational",
            "greyliterature": "grey_report",
            "grey": "grey_report",
            "gray": "grey_report",
            "report": "grey_report",
            "costeffectiveness": "economic",
            "guideline": "guidance",
        }
        value = aliases.get(key, key)
        for member in cls:
            if _key(member.value) == _key(value):
                return member
        raise ValueError(f"{text!r} is not one of {[m.value for m in cls]}")


def load_topics() -> dict[str, dict[str, Any]]:
    """The topic vocabulary (content, editable): ``{id: {"label": ..., "description": ...}}``.

    >>> topics = load_topics()
    >>> topics["tobacco"]["label"]
    'Tobacco and smoking'
    """
    raw = yaml.safe_load(
        (resources.files("healthgap.practice") / "content" / "topics.yaml").read_text("utf-8")
    )
    return {str(item["id"]): dict(item) for item in raw["topics"]}
