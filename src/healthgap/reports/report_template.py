"""Report templates: a short YAML file naming a report's title and its sections in order.

A template is what a user copies and edits to make their own report (``docs/reports.md``).
Three ship with healthgap (:data:`SHIPPED`): ``inequalities profile``, ``annual report
chapter`` and ``board slide pack``. Each section is a kind of :data:`SECTION_KINDS`, given
alone (``- headline``) or with options (``- trend: {target_year: 2030}``); an unknown kind
or option is an :class:`~healthgap.errors.InputError` naming the file, the section and the
rule.

>>> template = load_report_template("board slide pack")
>>> [section.kind for section in template.sections]
['headline', 'trend', 'contributions', 'plan']
>>> template.sections[1].options["target_year"]
2030
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from healthgap.errors import InputError, Problem

__all__ = [
    "OPTIONAL_KINDS",
    "SECTION_KINDS",
    "SHIPPED",
    "ReportTemplate",
    "SectionSpec",
    "load_report_template",
]

#: Every kind of section and the options it takes, with their defaults.
SECTION_KINDS: dict[str, dict[str, Any]] = {
    "headline": {},
    "within_area": {},
    "trend": {"target_year": 2030, "reduction": 0.10, "kind": "relative"},
    "contributions": {"comparison": "england"},
    "flags": {"rule": "spearhead"},
    "plan": {"draws": 200, "seed": 1, "interventions": None},
    "assessment": {},
    "equity_audit": {},
    "segments": {},
    "practice": {},
}
#: Sections whose results come from domains a workspace may not hold; without them the
#: section is omitted with a visible note.
OPTIONAL_KINDS = ("assessment", "equity_audit", "segments", "practice")
#: Shipped templates by name -> file in ``healthgap/reports/report_templates``.
SHIPPED = {
    "inequalities profile": "inequalities_profile.yaml",
    "annual report chapter": "annual_report_chapter.yaml",
    "board slide pack": "board_slide_pack.yaml",
}


@dataclass(frozen=True)
class SectionSpec:
    """One section of a template: its kind and its options (defaults filled in)."""

    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportTemplate:
    """A report's name, its title pattern (``{area_name}`` is replaced) and its sections."""

    name: str
    title: str
    sections: tuple[SectionSpec, ...]
    source: str

    def title_for(self, area_name: str) -> str:
        return self.title.replace("{area_name}", area_name)


def _shipped_name(name: str) -> str | None:
    wanted = name.strip().lower().replace("_", " ").replace("-", " ")
    return wanted if wanted in SHIPPED else None


def _read(name_or_path: str | Path) -> tuple[Any, str]:
    shipped = _shipped_name(str(name_or_path))
    if shipped is not None:
        resource = files("healthgap.reports") / "report_templates" / SHIPPED[shipped]
        return yaml.safe_load(resource.read_text(encoding="utf-8")), shipped
    path = Path(name_or_path)
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        raise InputError(
            f"{str(name_or_path)!r} is neither a shipped template "
            f"({', '.join(SHIPPED)}) nor a .yaml file",
            rule="unknown_template",
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), str(path)
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(path), None, None, "bad_yaml", str(exc))]) from None


def _section(raw: Any, index: int, where: str, problems: list[Problem]) -> SectionSpec | None:
    column = f"sections[{index}]"
    if isinstance(raw, str):
        kind, options = raw, {}
    elif isinstance(raw, Mapping) and len(raw) == 1:
        kind, options = next(iter(raw.items()))
        options = options or {}
    else:
        problems.append(
            Problem(
                where,
                index + 1,
                column,
                "bad_section",
                "a section is a kind, or a kind with its options",
            )
        )
        return None
    if kind not in SECTION_KINDS:
        problems.append(
            Problem(
                where,
                index + 1,
                column,
                "unknown_section",
                f"{kind!r} is not one of {', '.join(SECTION_KINDS)}",
            )
        )
        return None
    if not isinstance(options, Mapping):
        problems.append(
            Problem(
                where, index + 1, column, "bad_section", f"the options of {kind} must be a mapping"
            )
        )
        return None
    unknown = sorted(set(options) - set(SECTION_KINDS[kind]))
    if unknown:
        allowed = ", ".join(SECTION_KINDS[kind]) or "none"
        problems.append(
            Problem(
                where,
                index + 1,
                f"{column}.{unknown[0]}",
                "unknown_option",
                f"{kind} takes the options {allowed}",
            )
        )
        return None
    return SectionSpec(str(kind), {**SECTION_KINDS[kind], **options})


def load_report_template(name_or_path: str | Path) -> ReportTemplate:
    """A shipped template by name (``"inequalities profile"``) or a template file."""
    raw, where = _read(name_or_path)
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise InputError([Problem(where, None, None, "bad_template", "a template is a mapping")])
    sections = raw.get("sections")
    if not isinstance(sections, list) or not sections:
        raise InputError(
            [Problem(where, None, "sections", "bad_template", "list at least one section")]
        )
    specs = [_section(item, i, where, problems) for i, item in enumerate(sections)]
    if problems:
        raise InputError(problems)
    return ReportTemplate(
        name=str(raw.get("name") or Path(where).stem),
        title=str(raw.get("title") or "{area_name}"),
        sections=tuple(s for s in specs if s is not None),
        source=where,
    )
