"""The segment x stage matrix: each cell's share with a suggested message, channel and offer.

Suggestions live in a YAML file (``content/stage_suggestions.yaml`` by default, in
healthgap's own words) with three layers, the most specific winning: ``defaults`` per
stage, ``behaviours`` per behaviour and stage, and ``cells`` per segment, behaviour and
stage (where a team's own edits go, see :meth:`StageContent.edit`).

>>> content = load_stage_content()
>>> content.suggestion(1, "smoking", "preparation")["offer"][:40]
'Referral to the stop-smoking service wit'
>>> edited = content.edit(1, "smoking", "preparation", offer="Walk-in clinic on Fridays")
>>> edited.suggestion(1, "smoking", "preparation")["offer"]
'Walk-in clinic on Fridays'
>>> content.suggestion(2, "smoking", "preparation") == load_stage_content().suggestion(
...     2, "smoking", "preparation")
True
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from healthgap.errors import InputError, Problem
from healthgap.insight.stages import STAGES

__all__ = ["FIELDS", "StageContent", "load_stage_content", "stage_matrix"]

FIELDS = ("message", "channel", "offer")
_BUILTIN = "stage_suggestions.yaml"


@dataclass(frozen=True)
class StageContent:
    """Checked suggestions: ``note`` (shown with the matrix) and the three layers."""

    note: str
    defaults: dict[str, dict[str, str]]
    behaviours: dict[str, dict[str, dict[str, str]]]
    cells: tuple[dict[str, Any], ...]
    source: str = _BUILTIN

    def suggestion(self, segment: Any, behaviour: str, stage: str) -> dict[str, str]:
        """Message, channel and offer for one cell (most specific layer wins)."""
        out = dict(self.defaults.get(stage, {}))
        out.update(self.behaviours.get(behaviour, {}).get(stage, {}))
        for cell in self.cells:
            if (str(cell["segment"]), cell["behaviour"], cell["stage"]) == (
                str(segment),
                behaviour,
                stage,
            ):
                out.update({f: cell[f] for f in FIELDS if f in cell})
        return {f: out.get(f, "") for f in FIELDS}

    def edit(self, segment: Any, behaviour: str, stage: str, **fields: str) -> StageContent:
        """A copy with one cell's suggestion changed (checked like the file)."""
        cell = {"segment": segment, "behaviour": behaviour, "stage": stage, **fields}
        data = self.to_dict()
        data["cells"] = [
            c
            for c in data["cells"]
            if (str(c["segment"]), c["behaviour"], c["stage"]) != (str(segment), behaviour, stage)
        ] + [cell]
        return _parse(data, self.source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "note": self.note,
            "defaults": copy.deepcopy(self.defaults),
            "behaviours": copy.deepcopy(self.behaviours),
            "cells": [dict(c) for c in self.cells],
        }

    def to_yaml(self) -> str:
        """The content as YAML, ready to save and load again."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)


def _fields(where: str, entry: Any, source: str, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(entry, dict):
        problems.append(Problem(source, None, where, "bad_content", "must be a mapping"))
        return {}
    out = {}
    for key, text in entry.items():
        if key not in FIELDS:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{where}.{key}",
                    "unknown_field",
                    f"fields are {', '.join(FIELDS)}",
                )
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(
                Problem(source, None, f"{where}.{key}", "empty_text", "must be non-empty text")
            )
        else:
            out[key] = text.strip()
    return out


def _stages(where: str, block: Any, source: str, problems: list[Problem]) -> dict[str, dict]:
    if not isinstance(block, dict):
        problems.append(Problem(source, None, where, "bad_content", "must be a mapping"))
        return {}
    out = {}
    for stage, entry in block.items():
        if stage not in STAGES:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{where}.{stage}",
                    "unknown_stage",
                    f"stages are {', '.join(STAGES)}",
                )
            )
            continue
        out[stage] = _fields(f"{where}.{stage}", entry, source, problems)
    return out


def _parse(data: Any, source: str) -> StageContent:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError([Problem(source, None, None, "bad_content", "must be a YAML mapping")])
    unknown = set(data) - {"note", "defaults", "behaviours", "cells"}
    for key in sorted(unknown):
        problems.append(
            Problem(
                source,
                None,
                key,
                "unknown_field",
                "top-level keys are note, defaults, behaviours, cells",
            )
        )
    defaults = _stages("defaults", data.get("defaults", {}), source, problems)
    behaviours = {
        str(name): _stages(f"behaviours.{name}", block, source, problems)
        for name, block in (data.get("behaviours") or {}).items()
    }
    cells = []
    for i, cell in enumerate(data.get("cells") or []):
        where = f"cells[{i}]"
        if not isinstance(cell, dict) or not {"segment", "behaviour", "stage"} <= set(cell):
            problems.append(
                Problem(
                    source, None, where, "bad_content", "a cell needs segment, behaviour and stage"
                )
            )
            continue
        if cell["stage"] not in STAGES:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{where}.stage",
                    "unknown_stage",
                    f"stages are {', '.join(STAGES)}",
                )
            )
        keys = {k: cell[k] for k in ("segment", "behaviour", "stage")}
        rest = {k: v for k, v in cell.items() if k not in keys}
        cells.append({**keys, **_fields(where, rest, source, problems)})
    if problems:
        raise InputError(problems)
    return StageContent(
        note=str(data.get("note", "")).strip(),
        defaults=defaults,
        behaviours=behaviours,
        cells=tuple(cells),
        source=source,
    )


def load_stage_content(path: str | Path | None = None) -> StageContent:
    """Suggestions from a YAML file, or healthgap's built-in ones when ``path`` is None.

    Raises
    ------
    InputError
        ``file_not_found``, ``bad_yaml``, ``bad_content``, ``unknown_field``,
        ``unknown_stage`` or ``empty_text``, naming the file and the YAML key.
    """
    if path is None:
        text = files("healthgap.insight").joinpath("content", _BUILTIN).read_text("utf-8")
        source = _BUILTIN
    else:
        source = Path(path).name
        if not Path(path).is_file():
            raise InputError([Problem(source, None, None, "file_not_found", "no such file")])
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            [Problem(source, None if line is None else line + 1, None, "bad_yaml", str(exc))]
        ) from None
    return _parse(data, source)


def stage_matrix(
    shares: pd.DataFrame,
    behaviour: str,
    content: StageContent | None = None,
    *,
    by: str = "segment",
) -> pd.DataFrame:
    """One row per segment and stage for ``behaviour``: the share, its limits and base,
    and the suggested ``message``, ``channel`` and ``offer`` of the cell.

    ``shares`` is :func:`~healthgap.insight.stages.stage_shares` output.
    """
    content = content or load_stage_content()
    rows = shares[shares["behaviour"] == behaviour]
    if rows.empty:
        known = ", ".join(map(str, shares["behaviour"].unique()))
        raise InputError(
            f"no stage shares for {behaviour!r} (have: {known})", rule="unknown_behaviour"
        )
    keep = [by, "stage", "respondents", "base", "value", "lowercl", "uppercl", "small_base"]
    out = rows[keep].reset_index(drop=True)
    suggestions = [
        content.suggestion(s, behaviour, str(t)) for s, t in zip(out[by], out["stage"], strict=True)
    ]
    for field in FIELDS:
        out[field] = [s[field] for s in suggestions]
    out["behaviour"] = behaviour
    return out
