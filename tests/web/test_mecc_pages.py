"""MECC dashboard pages over HTTP: who sees them, figures equal to the use case's, small
numbers controlled on the page and in the downloads, imports with problem tables, and linking
a login to a member of staff."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from web_helpers import add_user, csrf_from, login

from healthgap.analyses import mecc_activity, mecc_staff_health
from healthgap.reports.formatting import count
from healthgap.store import Database
from mecc_checks import assert_controlled

PAGES = ("/mecc", "/mecc/referrals", "/mecc/training", "/mecc/staff-health", "/mecc/imports")


@pytest.fixture
def analyst(client_as: Callable[[str], TestClient]) -> TestClient:
    return client_as("analyst")


def test_only_analysts_and_admins_see_the_dashboards(client_as) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    for path in PAGES:
        assert viewer.get(path).status_code == 403, path
    admin = client_as("admin")
    assert admin.get("/mecc/directory").status_code == 200
    assert client_as("analyst").get("/mecc/directory").status_code == 403


def test_pages_show_the_use_case_figures_with_names(
    analyst: TestClient, database: Database
) -> None:
    page = analyst.get("/mecc")
    assert page.status_code == 200
    bundle = mecc_activity(database)
    assert f">{count(bundle.summary['conversations'])}<" in page.text
    for name in ("Synthetic Fire and Rescue Service", "Wellbeing and mental health", "SYNTHETIC"):
        assert name in page.text
    assert "la_front_door" not in page.text and "diet_weight<" not in page.text
    assert page.text.count('data-chart="spec-run-chart-') == 6  # all, and each organisation
    for path in PAGES[1:]:
        assert analyst.get(path).status_code == 200, path
    health = analyst.get("/mecc/staff-health?metric=flu_vaccination_frontline")
    assert 'data-chart="spec-metric-flu_vaccination_frontline"' in health.text
    latest = mecc_staff_health(database).table("latest")
    month = latest["period"].max()  # months read as people write them, not as stored
    assert month not in health.text.split("Over time")[0]
    assert f"{date.fromisoformat(month + '-01'):%b}&nbsp;{month[:4]}" in health.text


def test_a_withheld_staff_health_figure_shows_no_verdict(
    analyst: TestClient, database: Database
) -> None:
    latest = mecc_staff_health(database).table("latest")
    withheld = latest[latest["value"].isna()]
    assert not withheld.empty  # the demo has small staff groups
    assert withheld["met"].isna().all()
    rows = analyst.get("/mecc/staff-health").text.split("<tbody")[1].split("</tbody>")[0]
    for row in rows.split("<tr")[1:]:
        if ">[c]<" in row:
            assert "Met<" not in row and "Not met<" not in row, row
            assert "Not shown<" in row, row


def test_small_numbers_are_controlled_on_the_page_and_in_downloads(
    analyst: TestClient, database: Database
) -> None:
    bundle = mecc_activity(database, organisations=["fire"])
    end = bundle.summary["end"]
    query = f"?organisation=fire&start={end.isoformat()}&end={end.isoformat()}"
    page = analyst.get(f"/mecc{query}")
    assert page.status_code == 200 and "[c]" in page.text
    for table in ("organisations", "weekly", "breakdown", "topics", "per-staff", "recording"):
        csv = analyst.get(f"/mecc/activity/{table}.csv{query}")
        assert csv.status_code == 200
        assert_controlled(pd.read_csv(io.BytesIO(csv.content)), table)
        xlsx = analyst.get(f"/mecc/activity/{table}.xlsx{query}")
        assert_controlled(pd.read_excel(io.BytesIO(xlsx.content), sheet_name="data"), table)
    workbook = analyst.get(f"/mecc/activity/all.xlsx{query}")
    assert workbook.status_code == 200
    assert analyst.get(f"/mecc/activity/run-chart-all.svg{query}").text.startswith("<svg")
    assert analyst.get("/mecc/activity/weekly.fingertips.csv").status_code == 400
    assert analyst.get("/mecc/nowhere/weekly.csv").status_code == 400


def test_an_import_shows_its_problem_table_and_writes_nothing(analyst: TestClient) -> None:
    token = csrf_from(analyst.get("/mecc/imports").text)
    bad = b"org_code,month,sickness_absence_rate\nacute,2025-01,104\nacute,2025-03,4\n"
    response = analyst.post(
        "/mecc/imports/staff-health",
        data={"csrf_token": token},
        files={"file": ("absence.csv", bad, "text/csv")},
    )
    assert response.status_code == 400
    for text in ("absence.csv", "rate_over_100", "missing_month", "nothing was imported"):
        assert text in response.text
    assert "/tmp" not in response.text
    good = b"organisation,period,metric,numerator,denominator\nfire,2025-01,staff_quit_smoking,3,\n"
    done = analyst.post(
        "/mecc/imports/staff-health",
        data={"csrf_token": token},
        files={"file": ("quits.csv", good, "text/csv")},
    )
    assert done.status_code == 200 and "Staff health: 1 rows imported" in done.text
    none = analyst.post("/mecc/imports/training", data={"csrf_token": token})
    assert none.status_code == 400


def test_a_service_file_uploaded_on_the_referrals_page(analyst: TestClient) -> None:
    token = csrf_from(analyst.get("/mecc/referrals").text)
    body = b"date,service,area,count\n2025-01-06,Leisure and physical activity,E06999002,12\n"
    response = analyst.post(
        "/mecc/referrals/upload",
        data={"csrf_token": token},
        files={"file": ("leisure.csv", body, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].endswith("imported=1")
    personal = b"date,service,area,name\n2025-01-06,leisure,E06999002,Ann\n"
    refused = analyst.post(
        "/mecc/referrals/upload",
        data={"csrf_token": token},
        files={"file": ("people.csv", personal, "text/csv")},
    )
    assert refused.status_code == 400 and "unexpected_column" in refused.text


def test_an_admin_links_a_login_that_then_logs(app, database: Database, client_as) -> None:  # noqa: ANN001
    admin = client_as("admin")
    add_user(database, "staff", "porter")
    token = csrf_from(admin.get("/mecc/directory").text)
    linked = admin.post(
        "/mecc/directory/link",
        data={"csrf_token": token, "staff_id": "fire-0003", "username": "porter"},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    page = admin.get("/mecc/directory")
    assert "porter" in page.text and "fire-0003" in page.text
    wrong = admin.post(
        "/mecc/directory/link",
        data={"csrf_token": token, "staff_id": "nobody", "username": "porter"},
    )
    assert wrong.status_code == 400 and "nobody" in wrong.text
    porter = login(TestClient(app, base_url="http://testserver"), "porter")
    assert "Synthetic Fire and Rescue Service" in porter.get("/mecc/log").text
    staff = admin.get("/mecc/directory/staff.csv")
    assert staff.status_code == 200 and b"porter" in staff.content
