"""Plan page: live results equal the core's, uncertainty job, budget, save and compare."""

from __future__ import annotations

import re
import time

import pytest
from web_helpers import csrf_from

from healthgap.web.planning import parse_choices


@pytest.fixture
def form(client_as, demo_la: str) -> tuple[object, dict[str, str]]:  # noqa: ANN001
    analyst = client_as("analyst")
    token = csrf_from(analyst.get("/plan").text)
    return analyst, {
        "csrf_token": token,
        "area_code": demo_la,
        "horizon": "5",
        "target_reduction": "10",
        "statins__volume": "500",
        "statins__target": "q1",
    }


def test_preview_fragment_equals_the_core_result(form, app) -> None:  # noqa: ANN001
    analyst, data = form
    response = analyst.post("/plan/preview", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment for HTMX to swap in
    assert "Statins for primary prevention" in response.text  # names, not ids
    planner = app.state.planner
    result = planner.run(parse_choices(data, planner.library))
    gap = result.tables["gap"]
    for sex in ("male", "female"):
        expected = gap[(gap.sex == sex) & (gap.statistic == "gap_reduction")].value.item()
        assert f'data-testid="reduction-{sex}">{expected:.3f}<' in response.text
        assert expected > 0


def test_more_volume_gives_a_larger_reduction(form) -> None:  # noqa: ANN001
    analyst, data = form

    def reduction(volume: str) -> float:
        text = analyst.post(
            "/plan/preview",
            data={**data, "statins__volume": volume},
            headers={"HX-Request": "true"},
        ).text
        return float(re.search(r'data-testid="reduction-male">([-0-9.]+)<', text).group(1))

    assert reduction("1000") > reduction("200") > 0


def test_preview_without_htmx_is_a_whole_page(form) -> None:  # noqa: ANN001
    analyst, data = form
    page = analyst.post("/plan/preview", data=data)
    assert page.status_code == 200 and "<html" in page.text and "reduction-male" in page.text


def test_bad_controls_show_problems_in_the_fragment(form) -> None:  # noqa: ANN001
    analyst, data = form
    response = analyst.post(
        "/plan/preview", data={**data, "statins__volume": "lots"}, headers={"HX-Request": "true"}
    )
    assert "not_a_volume" in response.text


def test_uncertainty_job_runs_to_completion(form) -> None:  # noqa: ANN001
    analyst, data = form
    started = analyst.post("/plan/uncertainty", data=data, headers={"HX-Request": "true"})
    assert started.status_code == 200
    job_id = re.search(r'hx-get="/plan/jobs/([^"]+)"', started.text).group(1)
    deadline = time.monotonic() + 60
    while True:
        status = analyst.get(f"/plan/jobs/{job_id}")
        if status.status_code == 286:
            break
        assert status.status_code == 200 and "<progress" in status.text
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert 'data-testid="uncertainty-results"' in status.text
    assert " to " in status.text


def test_a_job_is_private_to_its_owner(form, client_as) -> None:  # noqa: ANN001
    analyst, data = form
    started = analyst.post("/plan/uncertainty", data=data, headers={"HX-Request": "true"})
    job_id = re.search(r'hx-get="/plan/jobs/([^"]+)"', started.text).group(1)
    other = client_as("admin")
    assert other.get(f"/plan/jobs/{job_id}").status_code == 404


def test_budget_view(form) -> None:  # noqa: ANN001
    analyst, data = form
    response = analyst.post(
        "/plan/budget", data={**data, "budget": "100000"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'data-testid="budget-results"' in response.text and "£100,000" in response.text


def test_save_compare_and_download(form) -> None:  # noqa: ANN001
    analyst, data = form
    saved = analyst.post(
        "/plan/scenarios", data={**data, "name": "Statins in Q1"}, follow_redirects=False
    )
    assert saved.status_code == 303
    page = analyst.get(saved.headers["location"])
    assert "Statins in Q1" in page.text and "Gap reduction, males" in page.text
    scenario_id = re.search(r"/plan/scenarios/(\d+)/results.xlsx", page.text).group(1)
    excel = analyst.get(f"/plan/scenarios/{scenario_id}/results.xlsx")
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    csv = analyst.get(f"/plan/scenarios/{scenario_id}/results.csv")
    assert csv.headers["content-disposition"].endswith('_statins-in-q1_gap.csv"')
    assert csv.text.startswith("comparison,sex,statistic,value")
    duplicate = analyst.post("/plan/scenarios", data={**data, "name": "Statins in Q1"})
    assert duplicate.status_code == 400 and "duplicate_name" in duplicate.text
