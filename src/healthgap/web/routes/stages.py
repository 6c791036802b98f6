"""Stages of change: the share of survey respondents at each stage by segment (a stored
segmentation, or the deprivation fifth of their area), as a heatmap and a table, with an
editable message, channel and offer per segment x stage cell, and downloads.

The page says plainly that stages are a communication aid, not a prediction. Estimates
come from :func:`healthgap.analyses.survey_stages`; analysts edit the suggestions, which
are checked by :func:`healthgap.analyses.check_stage_suggestion` and stored per workspace.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import STAGE_FIELDS, check_stage_suggestion, survey_stages
from healthgap.errors import InputError, Problem
from healthgap.reports.bundle import ResultBundle
from healthgap.store import save_stage_suggestion, stage_suggestions
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, is_htmx, render, services
from healthgap.web.files import bundle_download, slug
from healthgap.web.insight import labels_of, load_run, saved_runs

router = APIRouter(prefix="/stages")
QUINTILE = "deprivation_quintile"
FIELD_LABELS = {"message": "Message", "channel": "Channel", "offer": "Offer"}


def _groupings(request: Request, db: DatabaseDep) -> list[tuple[str, str]]:
    runs = saved_runs(db, services(request).workspaces.workspace_id)
    found = [(f"run:{r.id}", f"Segments: {r.name}") for r in runs]
    return [*found, (QUINTILE, "Deprivation fifth of the respondent's area")]


def _stages(request: Request, db: DatabaseDep, grouping: str) -> ResultBundle:
    """The survey's stage shares for ``grouping``, with the team's suggestions (memoised by
    the suggestions, so an edit shows at once)."""
    running = services(request)
    workspace_id = running.workspaces.workspace_id
    with db.reader() as session:
        edits = stage_suggestions(session, workspace_id=workspace_id, grouping=grouping)
    key = ("stages", grouping, tuple(tuple(sorted(e.items())) for e in edits))
    if grouping.startswith("run:"):
        run_id = int(grouping.split(":", 1)[1]) if grouping[4:].isdigit() else -1
        run = load_run(db, workspace_id, run_id)
        if run is None:
            raise InputError(
                [Problem("<form>", None, "grouping", "unknown_grouping", "choose from the list")]
            )
        return running.workspaces.memo(
            (*key, tuple((n["segment"], n["name"]) for n in run.names)),
            lambda: survey_stages(
                running.source,
                by="segment",
                segments=labels_of(db, run.id),
                names=run.names,
                suggestions=edits,
            ),
        )
    if grouping != QUINTILE:
        raise InputError(
            [Problem("<form>", None, "grouping", "unknown_grouping", "choose from the list")]
        )
    return running.workspaces.memo(
        key, lambda: survey_stages(running.source, by=QUINTILE, suggestions=edits)
    )


def _default_grouping(groupings: list[tuple[str, str]], grouping: str) -> str:
    return grouping or groupings[0][0]


@router.get("")
def stages_page(
    request: Request,
    _user: Viewer,
    db: DatabaseDep,
    grouping: str = "",
    behaviour: str = "",
    saved: int = 0,
) -> Response:
    groupings = _groupings(request, db)
    chosen = _default_grouping(groupings, grouping)
    context: dict[str, Any] = {
        "groupings": groupings,
        "grouping": chosen,
        "no_survey": False,
        "saved": bool(saved),
    }
    if not services(request).source.has("lifestyle_survey"):
        context["no_survey"] = True
        return render(request, "stages.html", context)
    bundle = _stages(request, db, chosen)
    behaviours = bundle.summary["behaviours"]
    behaviour = behaviour if behaviour in behaviours else behaviours[0]
    context |= {
        "summary": bundle.summary,
        "behaviours": behaviours,
        "behaviour": behaviour,
        "groups": _by_segment(bundle.table(f"matrix_{behaviour}").to_dict("records")),
        "chart": bundle.chart(f"heatmap_{behaviour}"),
        "query": "?" + urlencode({"grouping": chosen, "behaviour": behaviour}),
    }
    return render(request, "stages.html", context)


def _by_segment(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The matrix's rows grouped by segment, in the matrix's order (1, 2, ... 10)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:  # segments x stages: a few dozen rows
        groups.setdefault(str(row["segment_name"]), []).append(row)
    return list(groups.items())


def _cell_context(request: Request, db: DatabaseDep, params: dict[str, str]) -> dict[str, Any]:
    bundle = _stages(request, db, params.get("grouping", ""))
    behaviour = params.get("behaviour", "")
    if behaviour not in bundle.summary["behaviours"]:
        raise HTTPException(status_code=404)
    rows = bundle.table(f"matrix_{behaviour}")
    hit = rows[(rows["segment"] == params.get("segment")) & (rows["stage"] == params.get("stage"))]
    if hit.empty:
        raise HTTPException(status_code=404)  # no such cell of the matrix
    return {"cell": hit.iloc[0].to_dict(), "grouping": params["grouping"], "behaviour": behaviour}


@router.get("/cell")
def cell_form(
    request: Request,
    _user: Analyst,
    db: DatabaseDep,
    grouping: str = "",
    behaviour: str = "",
    segment: str = "",
    stage: str = "",
) -> Response:
    """The form editing one cell's message, channel and offer (a fragment for HTMX)."""
    chosen = _default_grouping(_groupings(request, db), grouping)
    params = {"grouping": chosen, "behaviour": behaviour, "segment": segment, "stage": stage}
    context = _cell_context(request, db, params)
    template = "_stage_cell.html" if is_htmx(request) else "stage_cell.html"
    return render(request, template, context)


@router.post("/cell")
async def save_cell(request: Request, user: Analyst, db: DatabaseDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    context = _cell_context(request, db, form)
    request.state.problem_labels = FIELD_LABELS
    # the check names a field as the suggestions file would: cells[0].message
    request.state.problem_fields = {f"cells[0].{f}": f for f in STAGE_FIELDS}
    fields = {f: form.get(f, "") for f in STAGE_FIELDS}
    checked = check_stage_suggestion(
        str(context["cell"]["segment"]),
        context["behaviour"],
        str(context["cell"]["stage"]),
        **fields,
    )
    grouping = context["grouping"]
    with db.unit_of_work() as session:
        save_stage_suggestion(
            session,
            workspace_id=services(request).workspaces.workspace_id,
            grouping=grouping,
            run_id=int(grouping[4:]) if grouping.startswith("run:") else None,
            segment=str(context["cell"]["segment"]),
            behaviour=context["behaviour"],
            stage=str(context["cell"]["stage"]),
            user_id=user.id,
            **checked,
        )
    # a new address (saved=1), so the page reloads even from the same grouping and behaviour
    target = "/stages?" + urlencode(
        {"grouping": grouping, "behaviour": context["behaviour"], "saved": 1}
    )
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target + "#matrix"})
    return RedirectResponse(target + "#matrix", status_code=303)


@router.get("/chart-heatmap.{image}")
def heatmap_file(
    request: Request,
    _user: Viewer,
    db: DatabaseDep,
    image: str,
    grouping: str = "",
    behaviour: str = "smoking",
) -> Response:
    chosen = _default_grouping(_groupings(request, db), grouping)
    bundle = _stages(request, db, chosen)
    if f"heatmap_{behaviour}" not in bundle.charts:
        raise HTTPException(status_code=404)
    stem = f"stages-of-change-heatmap_{slug(behaviour)}_{slug(chosen)}"
    return bundle_download(bundle, f"heatmap_{behaviour}", stem, image)


@router.get("/{table}.{fmt}")
def table_file(
    request: Request,
    _user: Viewer,
    db: DatabaseDep,
    table: str,
    fmt: str,
    grouping: str = "",
    behaviour: str = "smoking",
) -> Response:
    chosen = _default_grouping(_groupings(request, db), grouping)
    bundle = _stages(request, db, chosen)
    name = "shares" if table == "shares" else f"matrix_{behaviour}"
    if table not in ("shares", "matrix") or name not in bundle.tables:
        raise HTTPException(status_code=404)
    stem = f"stages-of-change-{table}_{slug(behaviour) + '_' if table == 'matrix' else ''}"
    return bundle_download(bundle, name, stem + slug(chosen), fmt, formats=("csv", "xlsx"))
