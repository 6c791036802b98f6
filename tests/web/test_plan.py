"""Plan page: live results equal the core's, uncertainty job, budget, save and compare."""

from __future__ import annotations

import io
import re
import time

import pandas as pd
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
    planner = app.state.services.planner()
    result = planner.run(parse_choices(data, planner.library))
    gap = result.table("gap")
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
    assert "enter a number from 0 to 1,000,000,000" in response.text
    assert "not_a_volume" not in response.text and "&lt;form&gt;" not in response.text


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
    assert duplicate.status_code == 400 and "already exists" in duplicate.text
    assert "duplicate_name" not in duplicate.text


def test_preview_shows_the_result_charts_with_downloads(form) -> None:  # noqa: ANN001
    analyst, data = form
    text = analyst.post("/plan/preview", data=data, headers={"HX-Request": "true"}).text
    for name in ("waterfall", "deaths-postponed", "frontier"):
        spec = re.search(
            rf'<script type="application/json" id="spec-plan-{name}">(.*?)</script>', text
        )
        assert spec and '"$schema"' in spec.group(1), name
        assert "SYNTHETIC data: not real areas" in spec.group(1)
        assert (
            f'href="/plan/chart-{name}.svg?area_code={data["area_code"]}&amp;horizon=5&amp;' in text
        )


@pytest.mark.parametrize(
    ("image", "start", "min_size"), [("svg", b"<svg", 5_000), ("png", b"\x89PNG\r\n\x1a\n", 10_000)]
)
@pytest.mark.parametrize("name", ["waterfall", "deaths-postponed", "frontier"])
def test_plan_chart_downloads_are_images(
    form, name: str, image: str, start: bytes, min_size: int
) -> None:  # noqa: ANN001
    analyst, data = form
    query = "&".join(f"{k}={v}" for k, v in data.items() if k != "csrf_token")
    response = analyst.get(f"/plan/chart-{name}.{image}?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="scenario-{name}-chart_{data["area_code"]}_5-years.{image}"'
    )
    assert response.content.startswith(start)
    assert len(response.content) > min_size


def test_plan_chart_download_needs_an_intervention(form) -> None:  # noqa: ANN001
    analyst, data = form
    response = analyst.get(f"/plan/chart-waterfall.svg?area_code={data['area_code']}")
    assert response.status_code == 400


def _query(data: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in data.items() if k != "csrf_token")


def test_results_table_downloads_hold_the_results_on_screen(form, app) -> None:  # noqa: ANN001
    analyst, data = form
    fragment = analyst.post("/plan/preview", data=data, headers={"HX-Request": "true"}).text
    for table in ("gap", "interventions"):
        assert f'href="/plan/results-{table}.csv?area_code=' in fragment
    response = analyst.get(f"/plan/results-gap.csv?{_query(data)}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f'attachment; filename="scenario-gap_{data["area_code"]}_5-years.csv"'
    )
    shown = pd.read_csv(io.StringIO(response.text))
    planner = app.state.services.planner()
    gap = planner.run(parse_choices(data, planner.library)).table("gap")
    reductions = shown[shown["statistic"] == "gap_reduction"].set_index("sex")["value"]
    expected = gap[gap["statistic"] == "gap_reduction"].set_index("sex")["value"]
    assert reductions.sort_index().round(6).tolist() == expected.sort_index().round(6).tolist()
    assert shown["data_note"].str.startswith("SYNTHETIC").all()
    excel = analyst.get(f"/plan/results-deaths-postponed.xlsx?{_query(data)}")
    assert excel.content.startswith(b"PK")
    assert analyst.get(f"/plan/results-gap.fingertips.csv?{_query(data)}").status_code == 400


def test_budget_and_comparison_downloads(form) -> None:  # noqa: ANN001
    analyst, data = form
    budget = analyst.post("/plan/budget", data={**data, "budget": "50000"}).text
    assert 'href="/plan/budget.csv?area_code=' in budget
    response = analyst.get(f"/plan/budget.csv?{_query(data)}&budget=50000")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('_50000-pounds.csv"')
    assert response.text.splitlines()[0].startswith("intervention,")
    saved = analyst.post("/plan/scenarios", data={**data, "name": "Statins <i>Q1</i>"})
    page = analyst.get(saved.url).text if saved.url else ""
    ids = re.findall(r"/plan/scenarios/(\d+)/results.csv", page)
    assert ids and f'href="/plan/compare.csv?ids={ids[0]}"' in page
    comparison = analyst.get(f"/plan/compare.csv?ids={ids[0]}")
    assert comparison.status_code == 200
    assert comparison.headers["content-disposition"] == (
        f'attachment; filename="scenario-comparison_{ids[0]}-statins-i-q1-i.csv"'
    )
    assert comparison.text.splitlines()[1].startswith(f"{ids[0]},Statins <i>Q1</i>,")


def test_the_saved_results_workbook_says_synthetic_on_every_sheet(form) -> None:  # noqa: ANN001
    """The workbook goes through the one writer, as the CSV does (it once bypassed it)."""
    import openpyxl

    analyst, data = form
    saved = analyst.post("/plan/scenarios", data={**data, "name": "Workbook"})
    scenario_id = re.search(r"/plan/scenarios/(\d+)/results.xlsx", saved.text).group(1)
    excel = analyst.get(f"/plan/scenarios/{scenario_id}/results.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(excel.content))
    assert book.sheetnames[0] == "metadata" and "gap" in book.sheetnames
    metadata = {row[0]: row[1] for row in book["metadata"].iter_rows(values_only=True)}
    assert (
        metadata["data"].startswith("SYNTHETIC") and "Disclosure control" in metadata["disclosure"]
    )
    for sheet in book.sheetnames[1:]:
        header = next(book[sheet].iter_rows(values_only=True))
        assert header[-1] == "data_note", sheet
