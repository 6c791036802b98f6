"""The practice bank's pages: search with facets and highlights, a case study with its links,
the evidence behind a plan intervention, contribute/review/publish with comments and the audit
trail, research import and export, the template, the glossary, and bad input."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, csrf_from, login

from healthgap.analyses import practice_for_item, set_practice_role
from healthgap.practice import read_references
from healthgap.store import Database


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _hits(html: str) -> list[str]:
    return re.findall(r'data-testid="hit">\s*<a class="[^"]*" href="/practice/\w+/([^"]+)"', html)


def _post(client: TestClient, url: str, data: dict, *, htmx: bool = True, page: str = "/practice"):
    token = csrf_from(client.get(page).text)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data={"csrf_token": token, **data}, headers=headers,
                       follow_redirects=False)  # fmt: skip


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("smoking men", {"ss-newham-mosque-quit", "ss-quit-men-40-60"}),
        ("late booking", {"ss-antenatal-late-booking"}),
        ("text message", {"ss-nelincs-coast"}),
    ],
)
def test_search_answers_typical_questions_with_the_right_examples_first(
    client_as, query: str, first: set[str]
) -> None:  # noqa: ANN001
    page = client_as("viewer").get("/practice", params={"q": query})
    assert page.status_code == 200
    hits = _hits(page.text)
    assert set(hits[: len(first)]) == first, hits[:5]
    assert "<mark>" in page.text  # the matched words are highlighted


def test_facet_counts_match_the_results_and_filters_narrow_them(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    page = viewer.get("/practice", params={"q": "smoking"}).text
    counts = dict(re.findall(r'name="evidence" type="checkbox" value="(\w+)"[^>]*>\s*<label[^>]*>'
                             r"[^<]*<span class=\"hg-count\">\((\d+)\)", page))  # fmt: skip
    assert counts and "descriptive" in counts
    narrowed = viewer.get("/practice", params={"q": "smoking", "evidence": "descriptive"}).text
    total = re.search(r'data-testid="result-count"><strong>(\d+)</strong>', narrowed)
    assert total and int(total.group(1)) == int(counts["descriptive"])
    assert "strength of evidence" in _text(page).lower()
    assert "before_after" not in _text(page)  # values are named in words, not keys


def test_a_case_study_shows_its_interventions_items_papers_and_glossary_links(
    client_as,
) -> None:  # noqa: ANN001
    page = client_as("viewer").get("/practice/cases/ss-newham-mosque-quit")
    text = _text(page.text)
    assert page.status_code == 200
    assert "Stop-smoking services" in text and "Insight" in text
    assert "/practice/interventions/smoking_cessation" in page.text
    assert 'href="/practice/glossary#' in page.text
    assert 'data-testid="similar"' in page.text  # more like this
    assert "Who changed what" not in text  # a reader sees no review history


def test_the_plan_library_links_each_intervention_to_its_evidence(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    plan = viewer.get("/plan").text
    assert "/practice/interventions/smoking_cessation" in plan
    assert 'href="/practice/glossary#life-expectancy"' in plan  # terms link to the glossary
    page = viewer.get("/practice/interventions/smoking_cessation")
    text = _text(page.text)
    assert page.status_code == 200
    assert "Impact of UK National Health Service smoking cessation services" in text
    assert "4-week quit rate" in text  # the parameter the paper sets, in words
    assert "/practice/cases/ss-newham-mosque-quit" in page.text
    assert viewer.get("/practice/interventions/no_such_thing").status_code == 400


def test_the_examples_partial_renders_on_its_own(app) -> None:  # noqa: ANN001
    template = app.state.templates.get_template("practice/_examples_for_item.html")
    examples = practice_for_item("nsmc_benchmarks/segmentation", database=app.state.database)
    html = template.render(examples=examples)
    assert "/practice/cases/ss-newham-mosque-quit" in html
    assert html.count("<li") == len(examples) == 10
    assert "No published example" in template.render(examples=[])


FORM = {
    "title": "Quit drop-in at the <b>market</b><script>alert(1)</script>",
    "place_codes": "E08000015",
    "place_name": "Wirral",
    "topics": "tobacco",
    "population_groups": "market traders",
    "triangle_parts": "service",
    "problem": "Few traders used the service.",
    "aim": "More quit attempts.",
    "what_was_done": "A stall at the market on Saturdays.",
    "reach": "Not stated.",
    "results": "No figures reported.",
    "evaluation_design": "An account by the team.",
    "evidence": "descriptive",
    "learning": "Go where people are.",
    "transferability": "Needs a market.",
    "contact_role": "Stop-smoking service lead",
}


def _role_client(app, database: Database, username: str, role: str) -> TestClient:  # noqa: ANN001
    add_user(database, "viewer", username)
    if role != "contributor":
        set_practice_role(database, username, role)
    return login(TestClient(app, base_url="http://testserver"), username)


def test_contribute_review_and_publish_with_comments_and_audit_trail(app, database) -> None:  # noqa: ANN001
    cat = _role_client(app, database, "cat", "contributor")
    rob = _role_client(app, database, "rob", "reviewer")
    eve = _role_client(app, database, "eve", "editor")
    sent = _post(cat, "/practice/contribute", {**FORM, "action": "submit"})
    assert sent.status_code == 200, sent.text
    url = sent.headers["HX-Redirect"]
    slug = url.rsplit("/", 1)[1]
    page = cat.get(url).text
    assert "&lt;script&gt;" not in page and "<script>alert" not in page  # markup reduced to text
    assert "Quit drop-in at the market" in _text(page)
    # Not published: other readers cannot see it; the reviewer finds it in the queue.
    assert _role_client(app, database, "val", "contributor").get(url).status_code == 404
    assert f"/practice/cases/{slug}" in rob.get("/practice/review").text
    # Returning without a comment is refused where the user acted; with one, it goes back.
    refused = _post(rob, f"/practice/case/{slug}/move", {"target": "draft"})
    assert refused.status_code == 400 and "govuk-error-summary" in refused.text
    assert "Say why" in refused.text
    _post(rob, f"/practice/case/{slug}/move", {"target": "draft", "comment": "Add the reach."})
    _post(cat, f"/practice/case/{slug}/move", {"target": "submitted"})
    # The author cannot approve their own; the reviewer approves, the editor publishes.
    assert _post(cat, f"/practice/case/{slug}/move", {"target": "reviewed"}).status_code == 403
    assert _post(rob, f"/practice/case/{slug}/move", {"target": "reviewed"}).status_code == 200
    assert _post(rob, f"/practice/case/{slug}/move", {"target": "published"}).status_code == 403
    assert _post(eve, f"/practice/case/{slug}/move", {"target": "published"}).status_code == 200
    _post(eve, f"/practice/case/{slug}/comments", {"body": "Thank you <i>all</i>"})
    history = _text(eve.get(url).text)
    for step in ("submit (draft → submitted)", "return (submitted → draft)",
                 "approve (submitted → reviewed)", "publish (reviewed → published)"):  # fmt: skip
        assert step in history, step
    assert "Add the reach." in history and "Thank you all" in history
    reader = _role_client(app, database, "ann", "contributor")
    assert "Quit drop-in" in _text(reader.get("/practice", params={"q": "market traders"}).text)


def test_a_contribution_with_problems_saves_nothing(client_as) -> None:  # noqa: ANN001
    cat = client_as("viewer")
    bad = {**FORM, "contact_role": "Ask jo@example.org", "aim": "", "place_codes": "Wirral"}
    answer = _post(cat, "/practice/contribute", bad)
    assert answer.status_code == 400
    text = _text(answer.text)
    assert "The aim: enter a value" in text
    assert "Contact role: give a role and a route, not a personal email address" in text
    assert 'href="#place_codes"' in answer.text
    assert "rule" not in text and "contact.role" not in text
    assert "quit-drop-in" not in cat.get("/practice/review").text
    # The same id twice: the second is refused, the first untouched.
    assert _post(cat, "/practice/contribute", {**FORM, "id": "market-quit"}).status_code == 200
    again = _post(cat, "/practice/contribute", {**FORM, "id": "market-quit", "title": "Other"})
    assert again.status_code == 400 and "already in the bank" in again.text


RIS_BAD = "TY  - JOUR\nTI  - A trial with no end\nPY  - 2020\n"


def test_research_import_export_and_bad_files(app, database, client_as) -> None:  # noqa: ANN001
    add_user(database, "viewer", "rita")
    set_practice_role(database, "rita", "reviewer")
    rita = login(TestClient(app, base_url="http://testserver"), "rita")
    token = csrf_from(rita.get("/practice/research").text)
    exported = rita.get("/practice/research/export.bib")
    assert exported.status_code == 200
    entries = read_references(exported.text, format="bibtex", file="export.bib")
    assert len(entries) >= 20  # the seeded library reads back whole

    def upload(name: str, body: bytes):  # noqa: ANN202
        data = {"csrf_token": token, "default_type": "rct"}
        return rita.post("/practice/research/import", data=data,
                         files={"file": (name, body)}, headers={"HX-Request": "true"})  # fmt: skip

    before = rita.get("/practice/research/export.csv").text
    assert upload("refs.ris", RIS_BAD.encode()).status_code == 400
    duplicate = upload("refs.bib", exported.content)
    assert duplicate.status_code == 400 and "already" in duplicate.text
    assert upload("refs.docx", b"PK\x03\x04").status_code == 400
    assert upload("refs.ris", b"\xff\xfe\x00bad").status_code == 400
    assert rita.get("/practice/research/export.csv").text == before  # nothing half-saved
    one = ("TY  - JOUR\nTI  - A new trial of text reminders\nPY  - 2024\nAU  - Doe, J\n"
           "DO  - 10.9999/new.1\nAB  - Reminders by text.\nER  - \n")  # fmt: skip
    done = upload("refs.ris", one.encode())
    assert done.status_code == 200 and "A new trial of text reminders" in done.text
    viewer = client_as("viewer")
    assert upload("refs.ris", one.encode()).status_code == 400  # now a duplicate DOI
    assert viewer.post("/practice/research/import", data={"csrf_token": csrf_from(
        viewer.get("/practice").text)}, files={"file": ("x.ris", one.encode())}
    ).status_code == 403  # fmt: skip


def test_template_glossary_and_library_pages(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    template = viewer.get("/practice/template.yaml")
    assert template.status_code == 200 and "case_studies:" in template.text
    assert "attachment" in template.headers["content-disposition"]
    glossary = viewer.get("/practice/glossary").text
    for anchor in ("social-marketing", "insight", "segmentation", "stages-of-change", "mecc"):
        assert f'id="{anchor}"' in glossary
    library = viewer.get("/practice/research")
    assert library.status_code == 200 and "Import references" not in library.text
    paper = viewer.get("/practice/research/ferguson2005")
    assert paper.status_code == 200 and "proportion 0.252" in _text(paper.text)
    assert "Stop-smoking services (extra 4-week quitters):" in _text(paper.text)
    results = viewer.get("/practice/results.csv", params={"q": "text message"})
    assert results.status_code == 200 and "ss-nelincs-coast" in results.text


def test_attachments_are_checked_and_nothing_is_kept_of_a_refused_one(
    app, database, settings
) -> None:  # noqa: ANN001
    cat = _role_client(app, database, "cat", "contributor")
    sent = _post(cat, "/practice/contribute", {**FORM, "id": "with-files"})
    assert sent.status_code == 200
    token = csrf_from(cat.get("/practice/cases/with-files").text)

    def attach(name: str, body: bytes, media_type: str):  # noqa: ANN202
        return cat.post("/practice/case/with-files/attachments", data={"csrf_token": token},
                        files={"file": (name, body, media_type)},
                        headers={"HX-Request": "true"})  # fmt: skip

    wrong_type = attach("run-me.exe", b"MZ\x90\x00", "application/octet-stream")
    assert wrong_type.status_code == 400 and "is not accepted" in wrong_type.text
    assert 'href="#attachment"' in wrong_type.text
    fake_pdf = attach("report.pdf", b"<html>not a pdf</html>", "application/pdf")
    assert fake_pdf.status_code == 400 and "does not look like a PDF" in fake_pdf.text
    too_big = attach("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    assert too_big.status_code == 400 and "10 MB" in too_big.text
    folder = settings.data_dir / "practice-attachments"
    assert not folder.exists() or not any(folder.iterdir())
    assert "No files attached." in cat.get("/practice/cases/with-files").text
    ok = attach("report.pdf", b"%PDF-1.4 a small report", "application/pdf")
    assert ok.status_code == 200
    page = cat.get("/practice/cases/with-files").text
    link = re.search(r'href="(/practice/case/with-files/attachments/\d+)"', page)
    assert link is not None
    download = cat.get(link.group(1))
    assert download.content == b"%PDF-1.4 a small report"
    assert download.headers["content-disposition"] == 'attachment; filename="report.pdf"'
    # A reader who may not see the draft may not fetch its files either.
    other = _role_client(app, database, "val", "contributor")
    assert other.get(link.group(1)).status_code == 404
