"""Downloads of the measure and classification use cases, the same tables the CLI's
``healthgap measure`` and ``healthgap explain-classify`` write (no page of their own: a link
or a script asks for the file)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from healthgap.analyses import (
    classify_areas,
    measure_deprivation_gap,
    measure_dsr,
    measure_healthy_life_expectancy,
    measure_life_expectancy,
)
from healthgap.errors import InputError
from healthgap.web.deps import SourceDep, Viewer, Workspaces
from healthgap.web.files import bundle_download, slug

router = APIRouter()

MEASURES = {
    "le": measure_life_expectancy,
    "hle": measure_healthy_life_expectancy,
    "dsr": measure_dsr,
}


@router.get("/measure/{measure}.{fmt}")
def measure_file(
    _user: Viewer,
    source: SourceDep,
    service: Workspaces,
    measure: str,
    fmt: str,
    level: str = "la",
    period: str | None = None,
    sex: Annotated[list[str], Query()] = ["male", "female"],  # noqa: B006
    quantiles: int = 10,
) -> Response:
    """``le``, ``hle`` or ``dsr`` of every area of ``level``, or ``gap`` (the deprivation
    gap), in ``period`` (default: the latest three years pooled)."""
    key = ("measure", measure, level, period, tuple(sex), quantiles)
    if measure == "gap":
        bundle = service.memo(
            key,
            lambda: measure_deprivation_gap(source, period=period, sexes=sex, quantiles=quantiles),
        )
    elif measure in MEASURES:
        bundle = service.memo(
            key, lambda: MEASURES[measure](source, level=level, period=period, sexes=sex)
        )
    else:
        raise InputError(f"no measure {measure!r}: use le, hle, dsr or gap", rule="unknown_measure")
    (name,) = bundle.tables
    where = level if measure != "gap" else "country"
    stem = f"measure-{measure}_{where}_{slug(bundle.metadata['period'])}"
    return bundle_download(bundle, name, stem, fmt)


@router.get("/classify.{fmt}")
def classification_file(
    _user: Viewer,
    source: SourceDep,
    service: Workspaces,
    fmt: str,
    period: str | None = None,
    level: str = "la",
    rule: str = "spearhead",
) -> Response:
    """The areas of ``level`` flagged by a shipped rule (default Spearhead) in ``period``."""
    shipped = resources.files("healthgap.frameworks").joinpath("rules", f"{rule}.yaml")
    if not rule.isidentifier() or not shipped.is_file():  # never a path from a request
        raise InputError(f"no shipped rule called {rule!r}", rule="no_rule")
    bundle = service.memo(
        ("classify", rule, level, period),
        lambda: classify_areas(source, period=period, rule=rule, level=level),
    )
    stem = f"classification-{slug(rule)}_{level}_{slug(bundle.metadata['period'])}"
    return bundle_download(bundle, "classification", stem, fmt, formats=("csv", "xlsx"))
