"""One flat form of a research entry shared by the RIS, BibTeX and CSV formats.

Reference files have no place for an effect size or a plan-library parameter, so each finding is
written as one readable line that reference managers keep as a note, and that reads back exactly:

    Finding 1: <text> [effect: <measure> = <value> (95% CI <low> to <high>)] [parameters: a.b]

``effect: none`` and ``parameters: none`` stand for absent parts. The text comes first and the two
bracketed parts last, so brackets inside the text do no harm.

>>> f = Finding("Quit rate at 4 weeks", Effect("proportion", 0.526), ("smoking_cessation.p4",))
>>> line = format_finding(1, f)
>>> line
'Finding 1: Quit rate at 4 weeks [effect: proportion = 0.526] [parameters: smoking_cessation.p4]'
>>> parse_finding(line) == f
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from healthgap.practice.research import Effect, Finding, ResearchEntry

__all__ = [
    "FLAT_LISTS",
    "RawReference",
    "flat_from_entry",
    "format_finding",
    "mapping_from_flat",
    "parse_finding",
]

#: Flat fields that hold lists (each format writes them as repeated tags or joined text).
FLAT_LISTS = ("authors", "tags", "topics", "source_keys", "findings")


@dataclass
class RawReference:
    """One reference read from a file: the line it starts on, its flat fields, and the line of
    each field where the format tells (for problems that point at the right line)."""

    line: int
    flat: dict[str, Any]
    field_lines: dict[str, int] = field(default_factory=dict)


_LINE = re.compile(
    r"^Finding \d+: (?P<text>.*) \[effect: (?P<effect>[^\]]*)\] \[parameters: (?P<params>[^\]]*)\]$"
)
_EFFECT = re.compile(
    r"^(?P<measure>.+?) = (?P<value>\S+)( \(95% CI (?P<lower>\S+) to (?P<upper>\S+)\))?$"
)


def _number(value: float) -> str:
    """Shortest text that reads back as the same float (``282`` rather than ``282.0``)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def format_finding(number: int, finding: Finding) -> str:
    effect = "none"
    if finding.effect is not None:
        e = finding.effect
        effect = f"{e.measure} = {_number(e.value)}"
        if e.lower is not None and e.upper is not None:
            effect += f" (95% CI {_number(e.lower)} to {_number(e.upper)})"
    params = ", ".join(finding.parameter_ids) or "none"
    return f"Finding {number}: {finding.text} [effect: {effect}] [parameters: {params}]"


def parse_finding(line: str) -> Finding:
    """Read a line written by :func:`format_finding`; a plain note becomes a finding's text."""
    match = _LINE.match(line.strip())
    if not match:
        text = re.sub(r"^Finding \d+:\s*", "", line.strip())
        return Finding(text)
    effect = None
    if match["effect"] != "none":
        e = _EFFECT.match(match["effect"])
        if not e:
            raise ValueError(f"cannot read the effect {match['effect']!r}")
        lower = float(e["lower"]) if e["lower"] is not None else None
        upper = float(e["upper"]) if e["upper"] is not None else None
        effect = Effect(e["measure"], float(e["value"]), lower, upper)
    params = (
        ()
        if match["params"] == "none"
        else tuple(p.strip() for p in match["params"].split(",") if p.strip())
    )
    return Finding(match["text"], effect, params)


def flat_from_entry(entry: ResearchEntry) -> dict[str, Any]:
    """The entry as flat text fields (lists stay lists)."""
    return {
        "id": entry.id,
        "title": entry.title,
        "authors": list(entry.authors),
        "year": str(entry.year) if entry.year else "",
        "type": entry.type.value,
        "container": entry.container,
        "volume": entry.volume,
        "issue": entry.issue,
        "pages": entry.pages,
        "doi": entry.doi,
        "isbn": entry.isbn,
        "url": entry.url,
        "summary": entry.summary,
        "tags": list(entry.tags),
        "topics": list(entry.topics),
        "source_keys": list(entry.source_keys),
        "findings": [format_finding(i, f) for i, f in enumerate(entry.findings, start=1)],
        "appraisal_tool": entry.appraisal.tool if entry.appraisal else "",
        "appraisal_rating": entry.appraisal.rating if entry.appraisal else "",
        "status": entry.status.value,
        "reviewed_by": entry.reviewed_by,
        "reviewed_on": entry.reviewed_on.isoformat() if entry.reviewed_on else "",
        "citation_note": entry.citation_note,
    }


def mapping_from_flat(flat: dict[str, Any]) -> dict[str, Any]:
    """The mapping :func:`~healthgap.practice.research.research_entry_from_mapping` reads.

    Raises ``ValueError`` naming the finding that cannot be read.
    """
    raw = {
        k: v for k, v in flat.items() if k not in ("findings", "appraisal_tool", "appraisal_rating")
    }
    findings = []
    for line in flat.get("findings") or ():
        finding = parse_finding(str(line))
        findings.append(
            {
                "text": finding.text,
                "effect": vars(finding.effect).copy() if finding.effect else None,
                "parameter_ids": list(finding.parameter_ids),
            }
        )
    raw["findings"] = findings
    if flat.get("appraisal_tool") or flat.get("appraisal_rating"):
        raw["appraisal"] = {
            "tool": flat.get("appraisal_tool"),
            "rating": flat.get("appraisal_rating"),
        }
    return raw
