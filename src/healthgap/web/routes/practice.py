"""The practice bank's pages: search with facets, a case study, the research library, the
contributor form and template, the review queue, the glossary, and the evidence behind a plan
intervention.

Every signed-in user reads published examples and may contribute; what else they may do
(review, publish, import) follows their workflow role (``practice_actor``), checked by the use
cases whatever the page shows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from healthgap.analyses import (
    attach_file,
    attached_file,
    attached_files,
    comment_on,
    contribution_choices,
    contribution_template,
    export_case_studies,
    export_research,
    form_to_case_study,
    glossary_terms,
    import_research_file,
    move_document,
    practice_actor,
    practice_for_intervention,
    review_queue,
    search_practice,
    submit_case_study,
    view_case_study,
    view_research_entry,
)
from healthgap.analyses.practice_library import MAX_IMPORT_BYTES
from healthgap.analyses.practice_search import may_see_all_statuses
from healthgap.web.deps import DatabaseDep, DataDir, Viewer, is_htmx, render
from healthgap.web.files import bundle_download

__all__ = ["router"]

router = APIRouter(prefix="/practice")
#: Read one byte more than an attachment may hold, so an oversized file is refused by size.
MAX_ATTACHMENT_READ = 10 * 1024 * 1024 + 1

FACET_NAMES = {"kind": "Kind", "topic": "Topic", "evidence": "Strength of evidence",
               "triangle": "Part of the triangle", "place": "Place", "status": "Status",
               "type": "Type of research"}  # fmt: skip
#: The contributor form's controls, by the case-study field a problem names.
FORM_LABELS = {
    "id": "Short id", "title": "Title", "place_codes": "Place codes (GSS)",
    "place_name": "Place name", "period": "When it ran", "topics": "Topics",
    "organisations": "Organisations", "risk_factors": "Risk factors",
    "population_groups": "Who it was for", "triangle_parts": "Parts of the triangle",
    "framework_items": "Assessment items", "intervention_ids": "Plan interventions",
    "mecc_relevance": "Use of routine contacts (MECC)", "problem": "The problem",
    "aim": "The aim", "what_was_done": "What was done", "reach": "Reach", "results": "Results",
    "figures": "Result figures", "costs": "Costs", "evaluation_design": "How it was evaluated",
    "evidence": "Strength of evidence", "evidence_note": "Note on the evidence",
    "learning": "Learning", "transferability": "What it needs to work elsewhere",
    "contact_role": "Contact role", "contact_organisation": "Contact organisation",
    "contact_route": "How to reach them", "links": "Links", "review_by": "Review by",
    "citation": "Citation", "body": "Comment", "comment": "Comment", "file": "File",
    "attachment": "File to attach",
}  # fmt: skip
FORM_FIELDS = {"contact.role": "contact_role", "contact.organisation": "contact_organisation",
               "contact.route": "contact_route", "contact": "contact_role"}  # fmt: skip


def _filters(request: Request) -> dict[str, list[str]]:
    params = request.query_params
    return {facet: params.getlist(facet) for facet in FACET_NAMES if params.getlist(facet)}


def _search_context(request: Request, db: Any, user: Any, q: str, page: int, **fixed: Any) -> dict:
    actor = practice_actor(db, user)
    filters = _filters(request) | fixed
    bundle = search_practice(db, q, filters=filters, actor=actor, page=page)
    query = [(k, v) for k, values in filters.items() for v in values]
    return {"bundle": bundle, "s": bundle.summary, "q": q, "facet_names": FACET_NAMES,
            "actor": actor, "query_pairs": query,
            "reviewer": may_see_all_statuses(actor)}  # fmt: skip


@router.get("")
def bank(request: Request, user: Viewer, db: DatabaseDep, q: str = "", page: int = 1) -> Response:
    return render(request, "practice/search.html", _search_context(request, db, user, q, page))


@router.get("/results.{fmt}")
def results_download(
    request: Request, user: Viewer, db: DatabaseDep, fmt: str, q: str = ""
) -> Response:
    actor = practice_actor(db, user)
    bundle = search_practice(db, q, filters=_filters(request), actor=actor, per_page=50)
    return bundle_download(bundle, "results", "practice-search", fmt, formats=("csv", "xlsx"))


@router.get("/cases/{slug}")
def case_page(request: Request, user: Viewer, db: DatabaseDep, slug: str) -> Response:
    actor = practice_actor(db, user)
    page = view_case_study(db, slug, actor=actor)
    if page is None:
        raise HTTPException(404)
    files = attached_files(db, "case", slug)
    context = {"page": page, "c": page.case, "actor": actor, "files": files}
    return render(request, "practice/case.html", context)


def _done(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _kind_url(kind: str, slug: str) -> str:
    return f"/practice/{'cases' if kind == 'case' else 'research'}/{slug}"


@router.post("/{kind}/{slug}/move")
async def move(request: Request, user: Viewer, db: DatabaseDep, kind: str, slug: str) -> Response:
    form = await _form(request)
    request.state.problem_labels = FORM_LABELS
    version = form.get("version", "")
    move_document(db, kind, slug, form.get("target", ""), practice_actor(db, user),
                  comment=form.get("comment", ""),
                  expected_version=int(version) if version.isdigit() else None)  # fmt: skip
    return _done(request, _kind_url(kind, slug))


@router.post("/{kind}/{slug}/comments")
async def comment(
    request: Request, user: Viewer, db: DatabaseDep, kind: str, slug: str
) -> Response:
    form = await _form(request)
    request.state.problem_labels = FORM_LABELS
    comment_on(db, kind, slug, practice_actor(db, user), form.get("body", ""))
    return _done(request, _kind_url(kind, slug) + "#comments")


@router.post("/{kind}/{slug}/attachments")
async def attach(
    request: Request,
    user: Viewer,
    db: DatabaseDep,
    folder: DataDir,
    kind: str,
    slug: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    request.state.problem_labels = FORM_LABELS
    request.state.problem_fields = dict.fromkeys(
        ("filename", "size", "content", "media_type"), "attachment"
    )
    data = await file.read(MAX_ATTACHMENT_READ)
    attach_file(db, folder, kind, slug, practice_actor(db, user), filename=file.filename or "",
                media_type=file.content_type or "", data=data)  # fmt: skip
    return _done(request, _kind_url(kind, slug) + "#attachments")


@router.get("/{kind}/{slug}/attachments/{file_id}")
def attachment_download(
    user: Viewer, db: DatabaseDep, folder: DataDir, kind: str, slug: str, file_id: int
) -> Response:
    stored = attached_file(db, folder, kind, slug, file_id, practice_actor(db, user))
    if stored is None:
        raise HTTPException(404)
    disposition = f'attachment; filename="{stored.filename}"'
    return Response(
        stored.data, media_type=stored.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/research")
def library(
    request: Request, user: Viewer, db: DatabaseDep, q: str = "", page: int = 1
) -> Response:
    context = _search_context(request, db, user, q, page, kind=["research"])
    context["choices"] = contribution_choices()
    return render(request, "practice/research_list.html", context)


@router.get("/research/export.{fmt}")
def research_export(_user: Viewer, db: DatabaseDep, fmt: str) -> Response:
    formats = {"ris": "ris", "bib": "bibtex", "csv": "csv"}
    if fmt not in formats:
        raise HTTPException(404)
    exported = export_research(db, formats[fmt])
    return _text_download(exported.text, exported.filename, exported.media_type)


def _text_download(text: str, filename: str, media_type: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type=f"{media_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/case-studies.csv")
def cases_export(_user: Viewer, db: DatabaseDep) -> Response:
    exported = export_case_studies(db)
    return _text_download(exported.text, exported.filename, exported.media_type)


@router.post("/research/import")
async def research_import(
    request: Request,
    user: Viewer,
    db: DatabaseDep,
    file: Annotated[UploadFile, File()],
    default_type: Annotated[str, Form()] = "",
) -> Response:
    request.state.problem_labels = FORM_LABELS
    data = await file.read(MAX_IMPORT_BYTES + 1)
    actor = practice_actor(db, user)
    entries = import_research_file(
        db, data, file.filename or "upload", actor, default_type=default_type or None
    )
    context = {"imported": entries}
    if is_htmx(request):
        return render(request, "practice/_imported.html", context)
    listing = _search_context(request, db, user, "", 1, kind=["research"])
    listing["choices"] = contribution_choices()
    return render(request, "practice/research_list.html", listing | context)


@router.get("/research/{slug}")
def research_page(request: Request, user: Viewer, db: DatabaseDep, slug: str) -> Response:
    actor = practice_actor(db, user)
    page = view_research_entry(db, slug, actor=actor)
    if page is None:
        raise HTTPException(404)
    return render(request, "practice/research.html", {"page": page, "e": page.entry})


@router.get("/contribute")
def contribute_page(request: Request, _user: Viewer) -> Response:
    context = {"labels": FORM_LABELS, "choices": contribution_choices()}
    return render(request, "practice/contribute.html", context)


@router.post("/contribute")
async def contribute(request: Request, user: Viewer, db: DatabaseDep) -> Response:
    received = await request.form()
    # Checkbox groups send one value per box: join them as the form's "one a line" lists.
    form = {k: "\n".join(v for v in received.getlist(k) if isinstance(v, str)) for k in received}
    request.state.problem_labels = FORM_LABELS
    request.state.problem_fields = FORM_FIELDS
    raw = form_to_case_study(form)
    case = submit_case_study(db, raw, practice_actor(db, user), file="the form",
                             submit=form.get("action") == "submit")  # fmt: skip
    return _done(request, f"/practice/cases/{case.id}")


@router.get("/template.yaml")
def template(_user: Viewer) -> Response:
    return _text_download(
        contribution_template(), "healthgap-case-study-template.yaml", "application/yaml"
    )


@router.get("/review")
def review(request: Request, user: Viewer, db: DatabaseDep) -> Response:
    actor = practice_actor(db, user)
    return render(request, "practice/review.html",
                  {"queue": review_queue(db, actor), "actor": actor})  # fmt: skip


@router.get("/glossary")
def glossary(request: Request, _user: Viewer, q: str = "", category: str = "") -> Response:
    """Every term, or those matching the search words and the chosen category."""
    terms = glossary_terms()
    chosen = terms.matching(q[:200], category if category in terms.categories else "")
    context = {"terms": chosen, "total": len(terms.terms), "q": q[:200],
               "category": category, "categories": terms.categories,
               "names": {t.id: t.term for t in terms.terms.values()}}  # fmt: skip
    return render(request, "practice/glossary.html", context)


@router.get("/interventions/{intervention}")
def intervention_evidence(
    request: Request, _user: Viewer, db: DatabaseDep, intervention: str
) -> Response:
    found = practice_for_intervention(db, intervention)
    return render(request, "practice/intervention.html", {"found": found})
