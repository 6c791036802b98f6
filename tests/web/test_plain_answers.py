"""What a new user meets: plain answers instead of raw errors, checked before saving, and the
small things every page needs (issue 11; the browser half is in test_browser_workspace.py)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from web_helpers import csrf_from, unlinked

from healthgap.store import SavedScenario
from healthgap.web.problem_words import RULE_WORDS

HTMX = {"HX-Request": "true"}


def _plan_form(client: TestClient, area: str, **volumes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_from(client.get("/plan").text),
        "area_code": area,
        "horizon": "5",
        "target_reduction": "10",
    }
    for key, volume in volumes.items():
        data[f"{key}__volume"] = volume
        data[f"{key}__target"] = "all"
    return data


def test_a_volume_above_the_eligible_pool_is_refused_before_saving(client_as, demo_la) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    data = _plan_form(analyst, demo_la, statins="100", blood_pressure="5000")
    saved = analyst.post("/plan/scenarios", data={**data, "name": "Too many"}, headers=HTMX)
    assert saved.status_code == 400
    text = saved.text
    assert "5,000 a year for 5 years (25,000 in all) is more than the" in text
    assert 'href="#blood_pressure__volume"' in text  # the control is named and highlighted
    assert "units_above_pool" not in text and "interventions[" not in text
    assert "Too many" not in analyst.get("/plan").text  # nothing was saved


def test_one_bad_row_leaves_the_other_results_on_screen(client_as, demo_la) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    data = _plan_form(analyst, demo_la, statins="300", blood_pressure="5000")
    data["alcohol_brief_advice__volume"] = "lots"
    fragment = analyst.post("/plan/preview", data=data, headers=HTMX)
    assert fragment.status_code == 200
    assert 'data-testid="reduction-male"' in fragment.text  # statins' results are shown
    assert "There is a problem" in fragment.text
    assert 'href="#blood_pressure__volume"' in fragment.text
    assert (
        "Alcohol identification and brief advice: enter a number from 0 to 1,000,000,000"
        in fragment.text
    )
    assert 'data-testid="volume-statins">300 a year for 5 years (1,500 in all)<' in fragment.text


def test_a_scenario_saved_before_the_check_compares_with_its_problem(  # noqa: ANN001
    client_as, app, demo_la
) -> None:
    viewer = client_as("viewer")
    with app.state.database.unit_of_work() as session:
        bad = SavedScenario(
            workspace_id=app.state.services.workspaces.workspace_id,
            owner_id=1,
            name="Saved long ago",
            area_code=demo_la,
            choices={
                "horizon": 5,
                "target_reduction": 10.0,
                "interventions": {"blood_pressure": {"volume": 9000.0, "target": "all"}},
            },
        )
        session.add(bad)
        session.flush()
        bad_id = bad.id
    page = viewer.get(f"/plan/compare?ids={bad_id}")
    assert page.status_code == 200
    assert "9,000 a year for 5 years (45,000 in all) is more than the" in page.text


def test_budget_needs_more_than_nothing_and_says_so_where_asked(client_as, demo_la) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    data = _plan_form(analyst, demo_la, statins="300")
    refused = analyst.post("/plan/budget", data={**data, "budget": "0"}, headers=HTMX)
    assert refused.status_code == 400
    assert "Enter a budget of more than £0" in refused.text and 'href="#budget"' in refused.text
    shown = analyst.post("/plan/budget", data={**data, "budget": "500,000"}, headers=HTMX).text
    shown = unlinked(shown)  # the phrases, glossary links aside
    assert "Statins for primary prevention" in shown and "statins" not in shown.split("?")[0]
    assert "£500,000" in shown and "e-0" not in shown and "e+0" not in shown
    assert re.search(r"closes the gap by <strong>0\.\d{3} years \(about \d+ days\)", shown)


def test_saving_without_a_name_says_so_beside_the_name(client_as, demo_la) -> None:  # noqa: ANN001
    analyst = client_as("analyst")
    data = _plan_form(analyst, demo_la, statins="300")
    response = analyst.post("/plan/scenarios", data={**data, "name": " "}, headers=HTMX)
    assert response.status_code == 400
    assert '<a href="#name" data-field="name">Enter a name for the scenario</a>' in response.text


def test_a_duplicate_invite_is_a_plain_problem_not_a_database_error(client_as) -> None:  # noqa: ANN001
    admin = client_as("admin")
    token = csrf_from(admin.get("/admin/users").text)
    form = {"username": "new.colleague", "role": "viewer", "csrf_token": token}
    assert admin.post("/admin/users/invite", data=form).status_code == 200
    again = admin.post("/admin/users/invite", data=form)
    assert again.status_code == 400
    assert "There is already an account called &#39;new.colleague&#39;" in again.text
    assert 'href="#invite-username"' in again.text
    assert "UNIQUE" not in again.text and "constraint" not in again.text.lower()


def test_a_used_or_bogus_invite_link_shows_no_form(client: TestClient) -> None:
    page = client.get("/invite/not-a-real-token")
    assert page.status_code == 200
    assert 'data-testid="invite-closed"' in page.text
    assert 'name="password"' not in page.text


def test_the_level_list_names_each_level_once(client_as) -> None:  # noqa: ANN001
    home = client_as("viewer").get("/").text
    options = re.findall(r'<option value="([a-z]+)"[^>]*>([^<]+)</option>', home)
    levels = [label for code, label in options if "(" in label]
    assert len(levels) == len(set(levels)) and any(lv.startswith("Country") for lv in levels)


def test_the_favicon_is_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG")


def test_every_rule_sentence_is_plain() -> None:
    for rule, words in RULE_WORDS.items():
        assert "_" not in words.replace("{label}", "").replace("{message}", ""), rule
        assert words[0].isupper() or words.startswith("{"), rule


def test_set_password_gives_an_account_a_new_password(tmp_path: Path) -> None:
    from cli_runner import run_cli
    from healthgap.store import Database, authenticate, create_user

    folder = tmp_path / "web"
    folder.mkdir()
    database = Database(f"sqlite:///{folder / 'healthgap.db'}")
    with database.unit_of_work() as session:
        create_user(session, username="demo", password="the first password", role="admin")
    database.dispose()
    result = run_cli(
        "user", "set-password", "demo", "--password", "a second password", "--data-dir", str(folder)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    database = Database(f"sqlite:///{folder / 'healthgap.db'}")
    with database.reader() as session:
        assert authenticate(session, username="demo", password="a second password") is not None
        assert authenticate(session, username="demo", password="the first password") is None
    database.dispose()
