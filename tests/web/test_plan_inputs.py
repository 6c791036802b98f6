"""Plan inputs out of any sensible range are refused with plain messages and never saved
(issue 10, item 12: ``budget=inf`` gave a 500; volumes of ``inf`` or ``1e308`` could be saved
and every view of them then failed)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from web_helpers import csrf_from

from healthgap.store import Role, SavedScenario, User


@pytest.fixture
def analyst(client_as):  # noqa: ANN001, ANN201
    return client_as(Role.analyst.value)


def _form(analyst, demo_la: str, **fields: str) -> dict[str, str]:  # noqa: ANN001
    return {
        "csrf_token": csrf_from(analyst.get("/plan").text),
        "area_code": demo_la,
        "horizon": "5",
        "target_reduction": "10",
        "statins__volume": "500",
        "statins__target": "q1",
        **fields,
    }


def _saved(database) -> int:  # noqa: ANN001
    with database.reader() as session:
        return session.scalar(select(func.count()).select_from(SavedScenario))


@pytest.mark.parametrize("budget", ["inf", "-inf", "nan", "1e308", "0", "lots"])
def test_budget_outside_the_range_is_a_plain_400(analyst, demo_la: str, budget: str) -> None:  # noqa: ANN001
    response = analyst.post("/plan/budget", data=_form(analyst, demo_la, budget=budget))
    assert response.status_code == 400, response.text
    assert "Enter a budget of more than £0" in response.text
    query = f"area_code={demo_la}&statins__volume=500&budget={budget}"
    download = analyst.get(f"/plan/budget.csv?{query}")
    assert download.status_code == 400


@pytest.mark.parametrize("volume", ["inf", "Infinity", "nan", "1e308", "1e9"])
def test_absurd_volume_is_refused_and_not_saved(
    analyst, database, demo_la: str, volume: str
) -> None:  # noqa: ANN001
    fields = {"statins__volume": volume, "name": f"absurd {volume}"}
    saved = analyst.post("/plan/scenarios", data=_form(analyst, demo_la, **fields))
    assert saved.status_code == 400
    assert "enter a number from 0 to 1,000,000,000" in saved.text or "eligible pool" in saved.text
    assert _saved(database) == 0
    preview = analyst.post(
        "/plan/preview",
        data=_form(analyst, demo_la, statins__volume=volume),
        headers={"HX-Request": "true"},
    )
    # htmx swaps this 400 in place: the error summary where the user acted
    assert preview.status_code == 400
    assert "There is a problem" in preview.text


def test_a_scenario_without_an_intervention_is_not_saved(analyst, database, demo_la: str) -> None:  # noqa: ANN001
    fields = {"statins__volume": "0", "name": "empty"}
    response = analyst.post("/plan/scenarios", data=_form(analyst, demo_la, **fields))
    assert response.status_code == 400
    assert "Give at least one intervention an extra volume a year" in response.text
    assert _saved(database) == 0


def test_a_scenario_stored_before_the_checks_shows_why_it_has_no_results(
    analyst, database, demo_la: str
) -> None:  # noqa: ANN001
    with database.unit_of_work() as session:
        owner = session.scalar(select(User.id).where(User.username == "analyst"))
        workspace = analyst.app.state.services.workspaces.workspace_id
        session.add(
            SavedScenario(
                workspace_id=workspace,
                owner_id=owner,
                name="from an older version",
                area_code=demo_la,
                choices={
                    "horizon": 5,
                    "target_reduction": 10.0,
                    "interventions": {"statins": {"volume": 1e300, "target": "all"}},
                },
            )
        )
        session.flush()
        scenario_id = session.scalar(select(SavedScenario.id))
    page = analyst.get(f"/plan?scenario={scenario_id}")
    assert page.status_code == 200
    assert "a scenario may ask for" in page.text
    compared = analyst.get(f"/plan/compare?ids={scenario_id}")
    assert compared.status_code == 200
    assert "a scenario may ask for" in compared.text
