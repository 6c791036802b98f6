"""Journey maps: the list, a new journey from a template or a file, one journey (swimlane map,
emotion curve, funnel, improvements and the same map as tables), any saved version and its
restore, the history, a to-be redesign, as-is vs to-be side by side, and downloads.

Every page calls one use case of :mod:`healthgap.analyses` (``journey_maps``,
``journey_compare``, ``journey_edits``); viewers read, analysts change (checked here, on the
server). Editing is :mod:`healthgap.web.routes.journey_edit`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from healthgap.analyses import (
    compare_journey_maps,
    create_journey_from_template,
    import_journey,
    journey_history,
    list_journey_templates,
    list_journeys,
    save_journey_content,
    show_journey,
    start_to_be,
)
from healthgap.analyses.journey_files import journey_file_text
from healthgap.analyses.journey_segments import journey_segment
from healthgap.errors import InputError, Problem
from healthgap.web.deps import Analyst, DatabaseDep, Viewer, render
from healthgap.web.files import attachment, bundle_download, slug
from healthgap.web.journey_pages import (
    CHOICES,
    chosen_segment,
    form_values,
    in_words,
    journey_or_404,
    lane_label,
    picker_of,
    version_of,
    workspace_of,
)

router = APIRouter(prefix="/journeys")
JOURNEY_FILES = {".json", ".yaml", ".yml", ".csv"}
NEW_FIELDS = ("template", "title", "segment", "segment_label")


def _list_page(request: Request, database: DatabaseDep, **extra: object) -> Response:
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    context = {
        "journeys": list_journeys(database).summary["journeys"],
        "templates": list_journey_templates().table("templates").to_dict("records"),
        "picker": picker_of(request, database),
        "choices": CHOICES,
        "values": {},
        **extra,
    }
    return render(request, "journeys.html", context, status)


@router.get("")
def journeys_page(request: Request, _user: Viewer, database: DatabaseDep) -> Response:
    return _list_page(request, database)


@router.post("")
async def new_journey(request: Request, user: Analyst, database: DatabaseDep) -> Response:
    values = form_values(await request.form(), NEW_FIELDS)
    problems = []
    if not values["template"]:
        problems.append(Problem("<form>", None, "template", "missing_value", "choose a template"))
    try:
        if problems:
            raise InputError(problems)
        bundle = create_journey_from_template(
            database, values["template"], title=values["title"], user_id=user.id,
            segment=chosen_segment(request, database, values, None),
            workspace_id=workspace_of(request),
        )  # fmt: skip
    except InputError as error:
        return _list_page(request, database, errors=in_words(error.problems), values=values,
                          status=400)  # fmt: skip
    done = quote(f"Created from the template as version {bundle.summary['version']}")
    return RedirectResponse(f"/journeys/{bundle.summary['key']}/edit?done={done}", 303)


@router.post("/import")
async def import_file(request: Request, user: Analyst, database: DatabaseDep) -> Response:
    """A journey from one JSON or YAML file, or the CSV files of one journey (all at once)."""
    uploads = [f for f in (await request.form()).getlist("files") if isinstance(f, UploadFile)]
    uploads = [f for f in uploads if f.filename]
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as folder:
        saved = []
        for upload in uploads:
            name = Path(upload.filename or "").name
            if Path(name).suffix.lower() not in JOURNEY_FILES:
                message = "upload .json, .yaml or the .csv files of a journey"
                problems.append(Problem(name, None, None, "unsupported_file", message))
            else:
                (Path(folder) / name).write_bytes(await upload.read())
                saved.append(Path(folder) / name)
            await upload.close()
        if not uploads:
            problems.append(Problem("<form>", None, "files", "no_file", "choose a file"))
        csvs = [p for p in saved if p.suffix.lower() == ".csv"]
        if not problems and (len(saved) > 1 and len(csvs) != len(saved)):
            problems.append(Problem("<form>", None, "files", "mixed_files",
                                    "upload one JSON or YAML file, or only CSV files"))  # fmt: skip
        if not problems:
            try:
                target = Path(folder) if csvs else saved[0]
                bundle = import_journey(database, target, user_id=user.id,
                                        workspace_id=workspace_of(request))  # fmt: skip
            except InputError as error:
                problems = [_uploaded(p, folder) for p in error.problems]
    if problems:
        return _list_page(request, database, problems=problems, status=400)
    done = quote(f"Imported as version {bundle.summary['version']}")
    return RedirectResponse(f"/journeys/{bundle.summary['key']}?done={done}", 303)


def _uploaded(problem: Problem, folder: str) -> Problem:
    """The problem naming the uploaded file, not its temporary copy."""
    name = problem.file.replace(folder, "").lstrip("/") or "the upload"
    return Problem(name, problem.row, problem.column, problem.rule, problem.message)


@router.get("/{key}")
def journey_page(
    request: Request, key: str, _user: Viewer, database: DatabaseDep, version: int | None = None
) -> Response:
    bundle = journey_or_404(database, key, version)
    journey = bundle.summary["journey"]
    context = {
        "bundle": bundle,
        "journey": journey,
        "version": bundle.summary["version"],
        "current_version": bundle.summary["current_version"],
        "charts": {name: bundle.chart(name) for name in bundle.charts},
        "stages": bundle.table("stages").to_dict("records"),
        "improvements": bundle.table("improvements").to_dict("records"),
        "funnel": bundle.table("funnel").drop_duplicates("step").to_dict("records")
        if "funnel" in bundle.tables else [],
        "done": request.query_params.get("done", ""),
        "lane_label": lane_label,
        "query": f"?version={version}" if version else "",
        "segment": journey_segment(database, workspace_of(request), journey.segment),
    }  # fmt: skip
    return render(request, "journey.html", context)


@router.post("/{key}/restore")
async def restore(request: Request, key: str, user: Analyst, database: DatabaseDep) -> Response:
    """Make a saved version the current content again (as a new version)."""
    form = await request.form()
    chosen, expected = version_of({"version": form.get("restore")}), version_of(form)
    if chosen is None or expected is None:
        raise InputError("choose a version to restore", rule="missing_value")
    old = show_journey(database, key, version=chosen).summary["journey"]
    bundle = save_journey_content(database, old, expected_version=expected, user_id=user.id,
                                  note=f"Restored version {chosen}")  # fmt: skip
    done = quote(f"Version {chosen} restored as version {bundle.summary['current_version']}")
    return RedirectResponse(f"/journeys/{key}?done={done}", 303)


@router.get("/{key}/history")
def history_page(request: Request, key: str, _user: Viewer, database: DatabaseDep) -> Response:
    journey_or_404(database, key)
    bundle = journey_history(database, key)
    return render(request, "journey_history.html", {
        "journey": bundle.summary["journey"], "versions": bundle.summary["versions"][::-1],
        "current_version": bundle.summary["current_version"],
    })  # fmt: skip


@router.post("/{key}/to-be")
async def new_to_be(request: Request, key: str, user: Analyst, database: DatabaseDep) -> Response:
    title = str((await request.form()).get("title") or "")
    bundle = start_to_be(database, key, title=title, user_id=user.id)
    done = quote("To-be journey started: change it to show how the journey should be")
    return RedirectResponse(f"/journeys/{bundle.summary['key']}/edit?done={done}", 303)


def _comparison(database: DatabaseDep, key: str, request: Request):  # noqa: ANN202
    journey_or_404(database, key)
    params = request.query_params
    other = params.get("with") or None
    numbers = {name: version_of({"version": params.get(name)})
               for name in ("as_is_version", "to_be_version")}  # fmt: skip
    return compare_journey_maps(database, key, other, **numbers)


@router.get("/{key}/compare")
def compare_page(request: Request, key: str, _user: Viewer, database: DatabaseDep) -> Response:
    try:
        bundle = _comparison(database, key, request)
    except InputError as error:
        if error.problems[0].rule != "no_redesign":
            raise
        journey = journey_or_404(database, key).summary["journey"]
        return render(request, "journey_compare.html", {"journey": journey, "missing": True,
                                                         "choices": CHOICES})  # fmt: skip
    return render(request, "journey_compare.html", {
        "bundle": bundle, "journey": journey_or_404(database, key).summary["journey"],
        "left": bundle.summary["as_is"], "to_be": bundle.summary["to_be"],
        "figures": bundle.summary["figures"], "rows": bundle.summary["side_by_side"],
        "charts": {name: bundle.chart(name) for name in bundle.charts},
        "lane_label": lane_label, "query": request.url.query,
    })  # fmt: skip


@router.get("/{key}/compare/{name}.{fmt}")
def compare_download(
    request: Request, key: str, name: str, fmt: str, _user: Viewer, database: DatabaseDep
) -> Response:
    bundle = _comparison(database, key, request)
    return bundle_download(bundle, name, f"{slug(key)}-as-is-to-be-{name}", fmt)


@router.get("/{key}/download/{name}.{fmt}")
def download(
    key: str, name: str, fmt: str, _user: Viewer, database: DatabaseDep, version: int | None = None
) -> Response:
    """A table (CSV, Excel) or chart (SVG, PNG) of the journey, its file (``journey.json``)
    or the accessible map (``map.html``)."""
    bundle = journey_or_404(database, key, version)
    stem = f"{slug(key)}-v{bundle.summary['version']}"
    if (name, fmt) == ("map", "html"):
        page = f"<!DOCTYPE html><html lang='en-GB'><meta charset='utf-8'><title>{stem}</title>"
        body = page + str(bundle.summary["map_html"])
        return attachment(body.encode("utf-8"), f"{stem}-map.html", "html")
    if (name, fmt) == ("journey", "json"):
        text = journey_file_text(bundle.summary["journey"])
        return attachment(text.encode("utf-8"), f"{stem}.json", "json")
    if name not in bundle.tables and name not in bundle.charts:
        raise HTTPException(404)
    return bundle_download(bundle, name, f"{stem}-{name}", fmt, formats=("csv", "xlsx", "svg",
                                                                         "png"))  # fmt: skip
