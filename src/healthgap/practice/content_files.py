"""Case studies and research entries from YAML content files, with line numbers in problems.

The seeded bank ships as ``practice/content/case_studies.yaml`` and ``research.yaml``; teams can
keep their own files in the same format and load them with :func:`load_case_studies` and
:func:`load_research`. A file may declare ``defaults`` (applied to every entry that does not set
the field) and, for case studies, ``sources`` (a citation and a contact for each key, used by
entries that name the key in ``source``). Every problem in every entry is raised together; each
names the file and the line where its entry starts.

>>> cases = load_case_studies()
>>> len(cases) >= 20, cases[0].status.value
(True, 'published')
>>> research = load_research()
>>> next(e for e in research if e.id == "ferguson2005").parameter_ids
('smoking_cessation.p52',)
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from healthgap.errors import InputError, Problem
from healthgap.practice.case_study import CaseStudy, case_study_from_mapping
from healthgap.practice.research import ResearchEntry, find_duplicates, research_entry_from_mapping
from healthgap.practice.vocabulary import load_topics

__all__ = ["case_study_template", "load_case_studies", "load_research"]


def _read(path: str | Path | None, default: str) -> tuple[str, str]:
    if path is None:
        resource = resources.files("healthgap.practice") / "content" / default
        return resource.read_text("utf-8"), default
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise InputError([Problem(str(path), None, None, "unreadable", str(exc))]) from None


def _records(text: str, file: str, key: str) -> tuple[dict[str, Any], list[tuple[int, Any]]]:
    """The whole document and each item of its ``key`` list with the line it starts on."""
    try:
        document = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            [Problem(file, line, None, "bad_yaml", str(exc).splitlines()[0])]
        ) from None
    if not isinstance(document, Mapping) or not isinstance(document.get(key), list):
        raise InputError([Problem(file, None, key, "missing_field", f"needs a list {key!r}")])
    lines: list[int] = []
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value_node.value]
    items = document[key]
    return dict(document), [
        (lines[i] if i < len(lines) else None, item) for i, item in enumerate(items)
    ]


def _with_defaults(item: Any, defaults: Mapping[str, Any]) -> Any:
    if not isinstance(item, Mapping):
        return item
    return {**defaults, **item}


def load_case_studies(path: str | Path | None = None) -> list[CaseStudy]:
    """Case studies from a YAML file (default: the seeded bank); all problems raised at once."""
    text, file = _read(path, "case_studies.yaml")
    document, items = _records(text, file, "case_studies")
    defaults = dict(document.get("defaults") or {})
    sources = dict(document.get("sources") or {})
    topics = load_topics()
    problems: list[Problem] = []
    cases: list[CaseStudy] = []
    seen: set[str] = set()
    for line, item in items:
        raw = _with_defaults(item, defaults)
        if isinstance(raw, Mapping) and raw.get("source") is not None:
            source = sources.get(raw["source"])
            if not isinstance(source, Mapping):
                problems.append(
                    Problem(
                        file,
                        line,
                        "source",
                        "unknown_source",
                        f"{raw['source']!r} is not a key of 'sources'",
                    )
                )
                continue
            section = f" Section: {raw['source_section']}." if raw.get("source_section") else ""
            raw = {
                "contact": source.get("contact"),
                **raw,
                "citation": f"{str(source.get('citation', '')).strip()}{section}",
            }
        if not isinstance(raw, Mapping):
            problems.append(
                Problem(file, line, None, "not_a_mapping", "an entry must be a mapping")
            )
            continue
        try:
            case = case_study_from_mapping(raw, file=file, row=line, topics=topics)
        except InputError as err:
            problems += err.problems
            continue
        if case.id in seen:
            problems.append(Problem(file, line, "id", "duplicate_id", f"{case.id!r} is used twice"))
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise InputError(problems)
    return cases


def load_research(path: str | Path | None = None) -> list[ResearchEntry]:
    """Research entries from a YAML file (default: the seeded library); duplicates refused."""
    text, file = _read(path, "research.yaml")
    document, items = _records(text, file, "research")
    defaults = dict(document.get("defaults") or {})
    problems: list[Problem] = []
    entries: list[ResearchEntry] = []
    lines: dict[str, int | None] = {}
    for line, item in items:
        raw = _with_defaults(item, defaults)
        if not isinstance(raw, Mapping):
            problems.append(
                Problem(file, line, None, "not_a_mapping", "an entry must be a mapping")
            )
            continue
        try:
            entry = research_entry_from_mapping(raw, file=file, row=line)
        except InputError as err:
            problems += err.problems
            continue
        if entry.id in lines:
            problems.append(
                Problem(file, line, "id", "duplicate_id", f"{entry.id!r} is used twice")
            )
            continue
        lines[entry.id] = line
        entries.append(entry)
    for d in find_duplicates(entries):
        problems.append(
            Problem(
                file,
                lines[d.entry_id],
                d.reason,
                f"duplicate_{d.reason}",
                f"repeats {d.other_id!r}",
            )
        )
    if problems:
        raise InputError(problems)
    return entries


def case_study_template() -> str:
    """A commented YAML template a contributor fills in (the downloadable form's content)."""
    resource = resources.files("healthgap.practice") / "content" / "case_study_template.yaml"
    return resource.read_text("utf-8")
