"""The Segments, Stages of change and Equity audit pages (TestClient): what each role sees and
may do, a run through its job, names and suggestions edited, a licensed lookup imported,
downloads controlled and marked SYNTHETIC, CSRF, escaping and problems where the user acted."""

from __future__ import annotations

import re
import time

import pandas as pd
from fastapi.testclient import TestClient
from web_helpers import csrf_from, unlinked

INDICATORS = (
    "Income_score",
    "Employment_score",
    "Education_score",
    "Health_score",
    "Crime_score",
    "Housing_and_Services_score",
    "Environment_score",
)


def _run(analyst: TestClient, name: str = "First") -> int:
    """Run a segmentation through the page's job and return its id."""
    token = csrf_from(analyst.get("/segments").text)
    form = {
        "csrf_token": token,
        "name": name,
        "n_segments": "auto",
        "method": "kmeans",
        "weights": "auto",
        "seed": "2",
        **{f"column-{c}": "1" for c in INDICATORS},
    }
    response = analyst.post("/segments", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    job = response.headers["location"]
    for _ in range(240):
        response = analyst.get(job, follow_redirects=False)
        if response.status_code == 303:
            return int(re.search(r"run=(\d+)", response.headers["location"]).group(1))
        assert response.status_code == 200 and "progress" in response.text
        time.sleep(0.25)
    raise AssertionError("the segmentation job did not finish")


def test_viewers_read_but_do_not_run(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    page = unlinked(viewer.get("/segments").text)  # the phrases, glossary links aside
    assert "No segmentation has been saved yet" in page and "Ask an analyst" in page
    assert "Run the segmentation" not in page
    token = csrf_from(page)
    assert viewer.post("/segments", data={"csrf_token": token}).status_code == 403
    stages = unlinked(viewer.get("/stages").text)
    assert "communication aid, not a prediction" in stages
    assert "Most deprived fifth (1)" in stages and "Edit" not in stages
    equity = unlinked(viewer.get("/equity?service=bowel_screening").text)
    assert "most deprived fifth of areas used bowel screening" in equity


def test_a_run_its_page_downloads_and_names(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    run_id = _run(analyst)
    page = analyst.get(f"/segments?run={run_id}").text
    assert "segments of 103 small areas" in page and "hg-persona" in page
    assert 'id="spec-profiles"' in page and 'id="spec-map"' in page
    csv = analyst.get(f"/segments/{run_id}/personas.csv")
    assert csv.status_code == 200 and "SYNTHETIC" in csv.text and "ecological" in csv.text
    assert csv.headers["content-disposition"].endswith('_first.csv"')
    record = analyst.get(f"/segments/{run_id}/run.json").json()
    assert record["seed"] == 2 and record["record"]["seed"] == 2
    svg = analyst.get(f"/segments/{run_id}/chart-map.svg")
    assert svg.status_code == 200 and svg.text.lstrip().startswith("<svg")
    token = csrf_from(page)
    hostile = "<script>alert(1)</script>"
    saved = analyst.post(
        f"/segments/{run_id}/names",
        data={"csrf_token": token, "name-1": hostile},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = analyst.get(f"/segments?run={run_id}").text
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # names used twice: the error summary names both controls, for HTMX where the user acted
    twice = analyst.post(
        f"/segments/{run_id}/names",
        data={"csrf_token": token, "name-1": "A", "name-2": "a"},
        headers={"HX-Request": "true"},
    )
    assert twice.status_code == 400
    assert 'href="#name-1"' in twice.text and "used for more than one segment" in twice.text
    assert analyst.post(f"/segments/{run_id}/names", data={"name-1": "x"}).status_code == 403


def test_duplicate_run_names_and_bad_choices_are_refused(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    _run(analyst, "Only one")
    token = csrf_from(analyst.get("/segments").text)
    again = analyst.post(
        "/segments",
        data={"csrf_token": token, "name": "Only one", "column-Income_score": "1"},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 400 and "already exists" in again.text
    bad = analyst.post(
        "/segments",
        data={
            "csrf_token": token,
            "name": "New",
            "n_segments": "40",
            "seed": "x",
            "column-Income_score": "1",
        },
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400
    for words in ("choose 2 to 15 segments", "enter a whole number", "at least two indicators"):
        assert words in bad.text.lower(), words


def test_a_licensed_lookup_is_imported_and_never_kept(client_as, demo_workspace) -> None:  # noqa: ANN001
    from healthgap.data.workspace import open_workspace

    analyst = client_as("analyst")
    areas = open_workspace(demo_workspace).read("areas")
    lsoas = areas.loc[areas["level"] == "lsoa", "area_code"].astype(str)
    lookup = pd.DataFrame(
        {
            "lsoa_code": lsoas,
            "segment_code": ["A", "B"] * (len(lsoas) // 2) + ["A"] * (len(lsoas) % 2),
            "segment_name": "name",
        }
    )
    lookup["segment_name"] = "Group " + lookup["segment_code"]
    body = lookup.to_csv(index=False).encode()
    token = csrf_from(analyst.get("/segments").text)
    missing = analyst.post(
        "/segments/lookup",
        data={"csrf_token": token, "key_type": "lsoa", "version": "", "classification": "Licensed"},
        files={"file": ("licensed.csv", body, "text/csv")},
    )
    assert missing.status_code == 400 and "version" in missing.text.lower()
    done = analyst.post(
        "/segments/lookup",
        data={
            "csrf_token": token,
            "key_type": "lsoa",
            "version": "2024.1",
            "classification": "Licensed",
            "name": "Bought",
        },
        files={"file": ("licensed.csv", body, "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = analyst.get(done.headers["location"]).text
    assert "Bought" in page and "licensed lookup: Licensed version 2024.1" in page
    assert "Group A" in page


def test_editing_a_stage_suggestion(client_as) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    page = analyst.get("/stages?grouping=deprivation_quintile&behaviour=smoking").text
    assert "/stages/cell?grouping=deprivation_quintile" in page
    form = analyst.get(
        "/stages/cell?grouping=deprivation_quintile&behaviour=smoking&segment=1&stage=preparation",
        headers={"HX-Request": "true"},
    )
    assert form.status_code == 200 and 'id="offer"' in form.text
    token = csrf_from(page)
    fields = {
        "csrf_token": token,
        "grouping": "deprivation_quintile",
        "behaviour": "smoking",
        "segment": "1",
        "stage": "preparation",
        "message": "Pick a date",
        "channel": "Text message",
        "offer": "",
    }
    empty = analyst.post("/stages/cell", data=fields, headers={"HX-Request": "true"})
    assert empty.status_code == 400 and 'href="#offer"' in empty.text
    saved = analyst.post(
        "/stages/cell",
        data={**fields, "offer": "Walk-in clinic on Fridays"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = analyst.get(saved.headers["location"]).text
    assert "Walk-in clinic on Fridays" in page and "The suggestion is saved" in page
    matrix = analyst.get("/stages/matrix.csv?grouping=deprivation_quintile&behaviour=smoking")
    assert "Walk-in clinic on Fridays" in matrix.text and "SYNTHETIC" in matrix.text


def test_equity_audit_by_area_and_downloads(client_as, demo_la: str) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    page = viewer.get(f"/equity?service=nhs_health_check&area={demo_la}&grouping=age_band")
    assert page.status_code == 200
    assert "People aged 40-49 used NHS Health Checks" in page.text
    assert "40-49" in page.text and "under-used" in page.text
    ratios = viewer.get(f"/equity/ratios.csv?service=nhs_health_check&area={demo_la}")
    assert ratios.status_code == 200 and "activity rounded to nearest 5" in ratios.text
    unknown = viewer.get("/equity?service=bowel_screening&area=E99999999")
    assert unknown.status_code == 400 and "Choose" in unknown.text
    assert viewer.get("/equity/nothing.csv?service=bowel_screening").status_code == 404


def test_a_large_audit_runs_as_a_job_and_its_page_shows_the_result(
    client_as, monkeypatch, app
) -> None:  # noqa: ANN001
    """An audit of more small areas than the page computes itself goes through the job
    runner (a database record any server process may run); the page polls it, then shows
    the result read back from the job's stored bundle."""
    from healthgap.web.routes import equity

    monkeypatch.setattr(equity, "JOB_ABOVE", 0)
    viewer = client_as("viewer")
    page = viewer.get("/equity?service=bowel_screening&area=").text
    assert "Auditing every small area" in page
    poll = re.search(r'hx-get="(/equity/job\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "job=" in poll
    for _ in range(240):
        answer = viewer.get(poll, headers={"HX-Request": "true"})
        if "HX-Redirect" in answer.headers:
            break
        assert answer.status_code == 200 and "progress" in answer.text
        time.sleep(0.25)
    else:
        raise AssertionError("the audit job did not finish")
    app.state.services.workspaces._results.clear()  # as another process: read the job's files
    done = viewer.get(answer.headers["HX-Redirect"])
    assert done.status_code == 200
    assert "most deprived fifth of areas used bowel screening" in unlinked(done.text)
    again = unlinked(viewer.get("/equity?service=bowel_screening&area=").text)
    assert "most deprived fifth of areas used bowel screening" in again  # no second job
    wrong = re.search(r"job=([^&]+)", answer.headers["HX-Redirect"]).group(1)
    other = viewer.get(f"/equity?service=nhs_health_check&area=&job={wrong}").text
    assert "Auditing every small area" in other  # another audit's job is not shown for it
