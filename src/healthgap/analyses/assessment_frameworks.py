"""Frameworks of the self-assessment engine: list and show them, install and export packs.

The installed frameworks are the packs shipped with healthgap plus every pack in a user's
packs folder (``<data folder>/assessment-packs``, :func:`packs_folder`), so the CLI and the
web see the same catalogue. Installing a pack checks it whole against what is installed; any
problem raises one :class:`~healthgap.errors.InputError` naming file, line, field and rule,
and nothing is written. See ``docs/assessment.md``.

>>> bundle = list_frameworks()
>>> int(bundle.table("frameworks").set_index("framework_id").loc["hinst_cbo", "items"])
12
>>> show_framework("nsmc_benchmarks").summary["levels"]
['Not met', 'Partly met', 'Fully met']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.assessment import (
    Catalogue,
    FrameworkVersion,
    export_pack,
    install_pack,
    load_catalogue,
    load_pack,
)
from healthgap.assessment.indicators import indicator_label
from healthgap.reports.bundle import Provenance, ResultBundle, Table

__all__ = [
    "PACKS_SUBFOLDER",
    "catalogue_of",
    "export_content_pack",
    "install_content_pack",
    "list_frameworks",
    "packs_folder",
    "show_framework",
]

#: Where a data folder keeps the packs users installed (beside the web database).
PACKS_SUBFOLDER = "assessment-packs"
CATALOGUE_SOURCE = "healthgap assessment catalogue"

PathLike = str | os.PathLike[str]


def packs_folder(data_dir: PathLike) -> Path:
    """The packs folder of a data folder (``.healthgap`` by default in the CLI and web)."""
    return Path(data_dir) / PACKS_SUBFOLDER


def catalogue_of(packs: PathLike | None = None) -> Catalogue:
    """The shipped frameworks plus the packs in ``packs`` (checked together)."""
    return load_catalogue(packs)


def _provenance(packs: PathLike | None) -> Provenance:
    where = f"{CATALOGUE_SOURCE} (shipped packs" + (f" and {packs})" if packs else ")")
    return Provenance(source=where)


def list_frameworks(*, packs: PathLike | None = None) -> ResultBundle:
    """Every installed framework version: table ``frameworks`` (id, version, title, items,
    sub-questions, scale, modes, evidence tag of the source, reconstructed items, latest,
    origin)."""
    catalogue = catalogue_of(packs)
    return ResultBundle(
        question="list assessment frameworks",
        provenance=_provenance(packs),
        tables={"frameworks": Table(catalogue.table(), "installed assessment frameworks")},
        summary={"count": len(catalogue.framework_ids())},
    )


def _wording(value: Any) -> str:
    return "" if value is None else value.text


def _items_table(version: FrameworkVersion) -> pd.DataFrame:
    sections = {s.id: s.title.text for s in version.sections}
    modes = {item.id: [m.id for m in version.modes if item.id in m.items] for item in version.items}
    return pd.DataFrame(
        [
            {
                "number": item.number,
                "item_id": item.id,
                "name": item.name.text,
                "section": sections.get(item.section, item.section),
                "parent": item.parent or "",
                "prompt": item.prompt.text,
                "guidance": _wording(item.guidance),
                "evidence_prompt": _wording(item.evidence_prompt),
                "evidence_required": item.evidence_required,
                "linked_indicators": "; ".join(indicator_label(i) for i in item.indicators),
                "modes": ", ".join(modes[item.id]),
                "reconstructed_wording": item.name.reconstructed or item.prompt.reconstructed,
            }
            for item in version.ordered_items()
        ]
    )


def _scale_table(version: FrameworkVersion) -> pd.DataFrame:
    scale = version.scale
    rows = [
        {
            "answer": level.key,
            "label": level.label.text,
            "order": level.value,
            "rag": level.rag,
            "descriptor": _wording(level.descriptor),
        }
        for level in scale.levels
    ]
    rows += [
        {"answer": s.key, "label": s.label.text, "order": None, "rag": "", "descriptor": ""}
        for s in scale.special
    ]
    return pd.DataFrame(rows).astype({"order": "Int64"})


def show_framework(
    framework_id: str,
    *,
    version: str | None = None,
    packs: PathLike | None = None,
) -> ResultBundle:
    """One framework version (default: the latest installed): tables ``items`` (in the
    default order, sub-questions after their parent), ``scale`` (levels lowest first, then
    "don't know" and "not applicable"; ``order`` orders levels and is never averaged),
    ``sections`` and, when the pack has them, ``data_steps`` and ``tools``."""
    catalogue = catalogue_of(packs)
    chosen = catalogue.get(framework_id, version)
    tables = {
        "items": Table(_items_table(chosen), f"items of {chosen.title.text}"),
        "scale": Table(_scale_table(chosen), f"rating scale: {chosen.scale.name.text}"),
        "sections": Table(
            pd.DataFrame(
                {
                    "section_id": [s.id for s in chosen.sections],
                    "title": [s.title.text for s in chosen.sections],
                }
            ),
            "display groups",
        ),
    }
    if chosen.data_steps:
        steps = pd.DataFrame(
            [
                {
                    "step": s.number,
                    "title": s.title.text,
                    "linked_indicators": "; ".join(indicator_label(i) for i in s.indicators),
                }
                for s in chosen.data_steps
            ]
        )
        tables["data_steps"] = Table(steps, "data steps (pre-filled from healthgap's measures)")
    if chosen.tools:
        tools = pd.DataFrame(
            [
                {
                    "tool": t.title.text,
                    "on_component": t.component,
                    "framework": t.framework,
                    "focus": t.focus.text,
                }
                for t in chosen.tools
            ]
        )
        tables["tools"] = Table(tools, "tools placed on the components")
    return ResultBundle(
        question="show an assessment framework",
        provenance=_provenance(packs),
        tables=tables,
        metadata={"framework": chosen.framework_id, "version": chosen.version},
        summary={
            "framework_id": chosen.framework_id,
            "version": chosen.version,
            "versions": list(catalogue.versions_of(chosen.framework_id)),
            "title": chosen.title.text,
            "about": chosen.summary.text,
            "source": chosen.source.citation,
            "source_evidence": chosen.source.evidence,
            "reconstruction_note": chosen.reconstruction_note,
            "modes": [
                {"id": m.id, "label": m.label.text, "items": len(m.items)} for m in chosen.modes
            ],
            "default_mode": chosen.default_mode,
            "levels": [level.label.text for level in chosen.scale.levels],
            "top_items": len(chosen.top_items()),
            "evidence_required": chosen.evidence_required,
        },
    )


def install_content_pack(path: PathLike, *, packs: PathLike) -> ResultBundle:
    """Check the pack at ``path`` and install it into ``packs`` (all or nothing); the
    summary names the framework, its version and the file written."""
    written = install_pack(path, packs)
    installed = load_pack(written)
    return ResultBundle(
        question="install an assessment content pack",
        provenance=_provenance(packs),
        summary={
            "framework_id": installed.framework_id,
            "version": installed.version,
            "title": installed.title.text,
            "path": str(written),
            "items": len(installed.top_items()),
        },
    )


def export_content_pack(
    framework_id: str, *, version: str | None = None, packs: PathLike | None = None
) -> str:
    """The YAML text of an installed framework version, to edit into a new version."""
    return export_pack(catalogue_of(packs).get(framework_id, version))
