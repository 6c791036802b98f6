"""Build a report: an area's health-inequalities profile and plan, laid out by a template.

:func:`build_report` runs the use cases a template's sections need (profile, healthy life
expectancy, gap target, explanation, classification, plan) once each, turns their results
into tables in words and sentences that quote those tables
(:mod:`healthgap.reports.report_words`), and returns one
:class:`~healthgap.reports.bundle.ResultBundle` whose ``summary["report"]`` is the
:class:`~healthgap.reports.report_document.ReportDocument`. The writers of
:mod:`healthgap.reports.report_files` lay it out as HTML, PDF, Word and PowerPoint.

A section the workspace cannot answer (no good-health table, too few periods for a trend,
a domain this version has no use case for) is omitted with a visible note, never a crash;
an unknown area or a template with an unknown section is an
:class:`~healthgap.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.report_actions import (
    contributions_section,
    flags_section,
    optional_section,
    plan_section,
)
from healthgap.analyses.report_context import SECTION_HEADINGS, ReportContext, omitted
from healthgap.analyses.report_sections import (
    headline_section,
    trend_section,
    within_area_section,
)
from healthgap.analyses.report_source import RememberingSource
from healthgap.analyses.source import Source
from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError, MethodError, WorkspaceError
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table, package_version
from healthgap.reports.labels import intervention_name
from healthgap.reports.report_document import ReportDocument, ReportSection
from healthgap.reports.report_template import (
    OPTIONAL_KINDS,
    ReportTemplate,
    load_report_template,
)
from healthgap.scenarios import ScenarioSpec

__all__ = ["build_report", "report_areas"]

_BUILDERS: dict[str, Callable[[ReportContext, str, Mapping[str, Any]], ReportSection]] = {
    "headline": headline_section,
    "within_area": within_area_section,
    "trend": trend_section,
    "contributions": contributions_section,
    "flags": flags_section,
}


def report_areas(source: Source, level: str = "la") -> list[tuple[str, str]]:
    """``(code, name)`` of every area of ``level``, in code order (for a report of each)."""
    areas = source.areas()
    chosen = areas[areas["level"].astype(str) == level].sort_values("area_code")
    if chosen.empty:
        known = ", ".join(sorted(set(areas["level"].astype(str))))
        raise InputError(
            f"the workspace has no areas of level {level!r} ({known})", rule="unknown_level"
        )
    names = chosen.get("area_name", chosen["area_code"])
    return list(zip(chosen["area_code"].astype(str), names.astype(str), strict=True))


def build_report(
    source: Source,
    area: str,
    *,
    template: str | Path | ReportTemplate = "inequalities profile",
    scenario: ScenarioSpec | None = None,
    period: str | Period | None = None,
) -> ResultBundle:
    """The report of ``template`` for ``area`` (small areas and inequality in ``period``,
    default the latest three years pooled), with ``scenario`` as its plan (default: a
    plan for the area's most deprived fifth from the template's ``plan`` options). Pass a
    :class:`~healthgap.analyses.report_source.RememberingSource` to share its reads across
    the reports of many areas.

    Tables are named ``<section>__<table>`` and ``appendix__<table>``; charts
    ``<section>__<chart>``. ``summary["report"]`` is the report as JSON
    (:meth:`ReportDocument.to_dict`).
    """
    chosen = template if isinstance(template, ReportTemplate) else load_report_template(template)
    if not isinstance(source, RememberingSource):  # the sections read the same rows often
        source = RememberingSource(source)
    areas = source.areas()
    found = areas[areas["area_code"].astype(str) == area]
    if found.empty:
        raise InputError(f"no area has the code {area!r}", rule="unknown_area")
    row = found.iloc[0]
    context = ReportContext(
        source=source,
        area=area,
        area_name=str(row.get("area_name", area)),
        level=str(row["level"]),
        period=None if period is None else str(period),
    )
    sections = []
    with collect_warnings() as met:
        for index, spec in enumerate(chosen.sections):
            key = f"s{index + 1}_{spec.kind}"
            try:
                sections.append(_section(context, key, spec.kind, spec.options, scenario))
            except (InputError, WorkspaceError, MethodError) as exc:
                reason = f"The workspace cannot answer it: {exc}"
                sections.append(omitted(key, spec.kind, SECTION_HEADINGS[spec.kind], reason))
    answered = [s for s in sections if not s.omitted]
    if not answered and any(s.kind not in OPTIONAL_KINDS for s in sections):
        notes = " ".join(s.note for s in sections)
        raise InputError(
            f"the workspace cannot answer any section of the report: {notes}", rule="empty_report"
        )
    provenance = provenance_of(source, *context.methods)
    policy = DisclosurePolicy()
    appendix = _appendix(context, chosen, provenance.hashes, policy)
    document = ReportDocument(
        title=chosen.title_for(context.area_name),
        area_code=area,
        area_name=context.area_name,
        template=chosen.name,
        synthetic=provenance.synthetic,
        sections=tuple(sections),
        appendix_tables=tuple(appendix),
        methods=tuple(context.methods),
        disclosure_note=policy.note,
        notes=tuple(dict.fromkeys([*context.warnings, *met])),
    )
    return ResultBundle(
        question="build a report",
        provenance=provenance,
        tables={**context.tables, **appendix},
        charts=context.charts,
        metadata={"area": f"{context.area_name} ({area})", "template": chosen.name},
        summary={"report": document.to_dict(), "title": document.title},
        warnings=document.notes,
    )


def _section(
    context: ReportContext,
    key: str,
    kind: str,
    options: Mapping[str, Any],
    scenario: ScenarioSpec | None,
) -> ReportSection:
    if kind in OPTIONAL_KINDS:
        return optional_section(key, kind)
    if kind == "plan":
        return plan_section(context, key, options, scenario)
    return _BUILDERS[kind](context, key, options)


def _appendix(
    context: ReportContext,
    template: ReportTemplate,
    hashes: Mapping[str, str],
    policy: DisclosurePolicy,
) -> dict[str, Table]:
    """Sources with hashes, software, the template's settings and the plan's parameters."""
    sources = pd.DataFrame({"Table": list(hashes), "Content hash (SHA-256)": list(hashes.values())})
    settings = pd.DataFrame(
        [
            {
                "Section": spec.kind.replace("_", " "),
                "Setting": name.replace("_", " "),
                "Value": str(value),
            }
            for spec in template.sections
            for name, value in spec.options.items()
            if value is not None
        ]
        or [{"Section": "", "Setting": "", "Value": ""}]
    )
    about = pd.DataFrame(
        {
            "Item": ["Software", "Template", "Workspace", "Disclosure control"],
            "Value": [
                f"healthgap {package_version()}",
                template.source,
                context.source.name,
                policy.note,
            ],
        }
    )
    tables = {
        "appendix__about": Table(about, "About this report"),
        "appendix__sources": Table(sources, "Data sources and their content hashes"),
        "appendix__settings": Table(settings, "Settings of the template's sections"),
    }
    if context.parameters:
        raw = pd.concat(context.parameters, ignore_index=True)
        parameters = pd.DataFrame(
            {
                "Intervention": raw["intervention"].map(intervention_name),
                "Parameter": raw.get("description", raw["parameter"]).astype(str),
                "Value": raw["value"].map(lambda v: f"{float(v):g}"),
                "Source": raw["source"].astype(str),
                "Evidence": raw["evidence"].astype(str),
            }
        )
        tables["appendix__parameters"] = Table(parameters, "Plan parameters and their sources")
    return tables
