"""Improvements of a journey linked to actions of a stored assessment action plan: a link
must name a stored action, and the map says what the action is and how far it has got."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from healthgap.analyses import (
    JourneyEdit,
    create_journey_from_template,
    edit_journey,
    import_journey,
    show_journey,
)
from healthgap.assessment import Scope, shipped_catalogue
from healthgap.errors import InputError
from healthgap.journeys import Improvement, load_template, write_journey_json
from healthgap.store import Database, create_action, create_assessment, set_action_status

IDEA = {"touchpoint": "invite-letter", "text": "Offer checks at the bus depot", "kind": "action"}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'journeys.db'}")
    yield db
    db.dispose()


@pytest.fixture
def action_id(database: Database) -> str:
    """One stored action, under way, in a CVD assessment of a SYNTHETIC district."""
    scope = Scope("E07900034", "CVD", "2022-24", place_name="Synthetic District 034")
    with database.unit_of_work() as session:
        hinst = shipped_catalogue().get("hinst_cbo")
        plan = create_assessment(session, version=hinst, scope=scope, title="CVD diagnostic")
        action = create_action(
            session,
            assessment_id=plan.id,
            item_id="service_volumes",
            text="Invite 2,000 more people a year to NHS Health Checks",
            owner_role="Director of public health",
            due=date(2026, 3, 31),
        )
        set_action_status(session, action_id=action.id, status="in_progress", note="funded")
        return str(action.id)


def test_a_link_to_a_stored_action_is_shown_in_words(database: Database, action_id: str) -> None:
    key = create_journey_from_template(database, "nhs_health_check").summary["key"]
    edit = JourneyEdit("add_improvement", values={**IDEA, "assessment_action_id": action_id})
    edit_journey(database, key, edit, expected_version=1)
    row = show_journey(database, key).table("improvements").iloc[0]
    assert row["assessment_action"] == action_id
    assert row["assessment_action_words"] == (
        f'Action {action_id} of "CVD diagnostic": Invite 2,000 more people a year to NHS '
        "Health Checks (in progress, due 31 March 2026)"
    )


@pytest.mark.usefixtures("action_id")
@pytest.mark.parametrize("link", ["999", "plan-7"])
def test_a_link_to_no_stored_action_is_refused(database: Database, link: str) -> None:
    key = create_journey_from_template(database, "nhs_health_check").summary["key"]
    edit = JourneyEdit("add_improvement", values={**IDEA, "assessment_action_id": link})
    with pytest.raises(InputError) as refused:
        edit_journey(database, key, edit, expected_version=1)
    (problem,) = refused.value.problems
    assert (problem.column, problem.rule) == ("assessment_action_id", "unknown_assessment_action")
    assert repr(link) in problem.message
    assert show_journey(database, key).summary["current_version"] == 1


def test_a_link_from_a_file_is_kept_and_said_to_be_missing(
    database: Database, tmp_path: Path
) -> None:
    journey = load_template("nhs_health_check")
    elsewhere = Improvement(id="depot", touchpoint="invite-letter", text=IDEA["text"],
                            kind="action", assessment_action_id="41")  # fmt: skip
    path = tmp_path / "j.json"
    write_journey_json(replace(journey, improvements=(elsewhere,)), path)
    key = import_journey(database, path).summary["key"]
    row = show_journey(database, key).table("improvements").iloc[0]
    assert row["assessment_action"] == "41"
    assert row["assessment_action_words"] == (
        "Action 41: not found in the assessment action plans stored here"
    )
