"""Layouts: small declarative specs mapping a file's columns onto a healthgap table.

A layout is a mapping (written in YAML) with these keys; see ``docs/data-model.md``:

``table``
    the healthgap table produced (population, deaths, areas, good_health, indicators).
``extends``
    name of a built-in layout whose keys this one starts from.
``detect``
    header names that identify the layout when none is given.
``columns``
    healthgap column -> source header, or ``{source, optional, default, numeric}``.
``extra``
    further columns to keep, in the same form.
``keep_columns``
    regular expression: source columns kept under their own name (e.g. ``'^parent_'``).
``age``
    ``{column, kind: start | single_year | label, open_from}``: how ages are given.
``wide``
    ``{value, age_columns, kind, open_from, total_column}`` for tables wide by age.
``period`` / ``sex``
    ``{from_filename: regex}`` or ``{value: ...}`` when the file has no such column.
``constants``
    healthgap column -> value set on every row.
``values``
    healthgap column -> {source value: healthgap value} recodes.
``keep_rows``
    source column -> list of values kept, or ``{empty: true}`` / ``{pattern: regex}``.
``distinct``
    drop repeated rows after mapping (e.g. an areas table read from a long file).
``area_codes``
    ``gss`` declares that codes must be ONS GSS codes (letter + 8 digits).
``sheet`` / ``header_row``
    Excel sheet and the 1-based row holding the headers.

>>> spec = resolve_layout("ons_deaths")
>>> spec["table"], spec["age"]["kind"]
('deaths', 'label')
>>> resolve_layout({"extends": "ons_deaths", "constants": {"period": "2014"}})["constants"]
{'period': '2014'}
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from healthgap.data.model import TABLE_COLUMNS
from healthgap.errors import InputError, Problem

__all__ = ["BUILTIN_LAYOUTS", "detect_layout", "resolve_layout"]

_KNOWN_KEYS = {
    "table",
    "extends",
    "description",
    "detect",
    "columns",
    "extra",
    "keep_columns",
    "age",
    "wide",
    "period",
    "sex",
    "constants",
    "values",
    "keep_rows",
    "distinct",
    "area_codes",
    "sheet",
    "header_row",
    "name",
}


def _builtin_names() -> tuple[str, ...]:
    folder = resources.files("healthgap.data") / "layouts"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


#: Names of the layouts shipped with healthgap (YAML files in ``healthgap/data/layouts``).
BUILTIN_LAYOUTS: tuple[str, ...] = _builtin_names()


def _read_builtin(name: str) -> dict[str, Any]:
    text = (resources.files("healthgap.data") / "layouts" / f"{name}.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def resolve_layout(layout: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Return the full spec for a built-in name, a YAML file path or a mapping.

    ``extends`` is followed (one level or more); the child's keys replace the parent's.
    Raises InputError (rule ``unknown_layout`` / ``bad_layout``) on a spec it cannot use.
    """
    where = "<layout>"
    if isinstance(layout, Mapping):
        spec = dict(layout)
    elif str(layout) in BUILTIN_LAYOUTS:
        spec = _read_builtin(str(layout))
        spec.setdefault("name", str(layout))
    elif Path(layout).suffix.lower() in {".yaml", ".yml"} and Path(layout).is_file():
        where = str(layout)
        try:
            spec = dict(yaml.safe_load(Path(layout).read_text(encoding="utf-8")) or {})
        except yaml.YAMLError as exc:
            raise InputError([Problem(where, None, None, "bad_layout", str(exc))]) from None
    else:
        raise InputError(
            [
                Problem(
                    "<argument>",
                    None,
                    "layout",
                    "unknown_layout",
                    f"unknown layout {str(layout)!r}; built-in layouts: "
                    f"{', '.join(BUILTIN_LAYOUTS)}, or give a YAML file or a mapping",
                )
            ]
        )
    if "extends" in spec:
        parent = resolve_layout(str(spec.pop("extends")))
        spec = {**parent, **spec}
    _check_spec(spec, where)
    return spec


def _check_spec(spec: Mapping[str, Any], where: str) -> None:
    problems = [
        Problem(where, None, key, "bad_layout", f"unknown layout key {key!r}")
        for key in spec
        if key not in _KNOWN_KEYS
    ]
    if spec.get("table") not in TABLE_COLUMNS:
        problems.append(
            Problem(
                where,
                None,
                "table",
                "bad_layout",
                f"'table' must be one of {', '.join(TABLE_COLUMNS)} (got {spec.get('table')!r})",
            )
        )
    if "age" in spec and "wide" in spec:
        problems.append(
            Problem(where, None, "wide", "bad_layout", "give 'age' or 'wide', not both")
        )
    if problems:
        raise InputError(problems)


def detect_layout(header: Iterable[str], file: str = "<file>") -> str:
    """Name of the built-in layout whose ``detect`` headers all appear in ``header``.

    The most specific match (most detect headers) wins. Raises InputError
    (rule ``unknown_layout``) when none matches.

    >>> detect_layout(["area_code", "sex", "age_band", "deaths", "area_name"])
    'ons_deaths'
    """
    present = {h.strip().lower() for h in header}
    matches = []
    for name in BUILTIN_LAYOUTS:
        wanted = [str(h).lower() for h in _read_builtin(name).get("detect", [])]
        if wanted and all(h in present for h in wanted):
            matches.append((len(wanted), name))
    if not matches:
        raise InputError(
            [
                Problem(
                    file,
                    1,
                    None,
                    "unknown_layout",
                    "could not recognise the columns; pass --layout (built-in: "
                    f"{', '.join(BUILTIN_LAYOUTS)}) or a mapping spec",
                )
            ]
        )
    return max(matches)[1]
