"""Taking a pledge through the use case: stored once, after the checks and the rate limits;
bad input stores nothing and gets a message per field; the public page's figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="needs the web extra: pip install -e '.[web]'")

from pledge_fixtures import SLUG, config, form, fresh_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from healthgap.analyses.pledges import (  # noqa: E402
    PledgeStatus,
    campaign_page,
    forget_answers,
    open_campaign,
    submit_pledge,
    update_campaign,
    wall,
)
from healthgap.errors import InputError  # noqa: E402
from healthgap.store.pledge_tables import (  # noqa: E402
    Pledge,
    PledgeContact,
    PledgeModerationEvent,
    PledgeReminder,
)


def _rows(database) -> dict[str, int]:  # noqa: ANN001
    with database.reader() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)))
            for model in (Pledge, PledgeContact, PledgeReminder, PledgeModerationEvent)
        }


def test_a_pledge_is_stored_once_and_a_replay_gets_the_same_receipt(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    sent = form(reminders=True, email="sam@example.org")
    first = submit_pledge(database, settings, campaign_slug=SLUG, form=sent, client="10.0.0.1")
    again = submit_pledge(database, settings, campaign_slug=SLUG, form=sent, client="10.0.0.1")
    assert first.accepted and again.accepted
    assert first.receipt.public_id == again.receipt.public_id
    assert (first.receipt.replayed, again.receipt.replayed) == (False, True)
    assert first.receipt.reminders_scheduled == 3
    assert _rows(database) == {
        "pledges": 1,
        "pledge_contacts": 1,
        "pledge_reminders": 3,
        "pledge_moderation_events": 1,
    }
    # the same form key with another pledge is refused, with a message for the person
    other = replace(sent, set_pledge="two-dry-days")
    reused = submit_pledge(database, settings, campaign_slug=SLUG, form=other, client="10.0.0.1")
    assert not reused.accepted and reused.problems[0].rule == "form_already_used"
    assert _rows(database)["pledges"] == 1


BAD_FORMS = {
    "too_long": {"set_pledge": "", "own_text": "x" * 281, "own_theme": "activity"},
    "required": {"set_pledge": "", "own_text": "", "own_theme": "activity"},
    "unknown_district": {"postcode_district": "ZZ99"},
    "consent_required": {"consent": False},
    "honeypot_filled": {"honeypot": "http://spam.example"},
    "email_without_opt_in": {"email": "sam@example.org"},
    "bad_form_key": {"idempotency_key": "short"},
    "unknown_pledge": {"set_pledge": "<script>"},
}


@pytest.mark.parametrize("rule", sorted(BAD_FORMS))
def test_bad_input_stores_nothing_and_says_why(tmp_path: Path, rule: str) -> None:
    database = fresh_database(tmp_path)
    outcome = submit_pledge(
        database,
        config(tmp_path),
        campaign_slug=SLUG,
        form=form(**BAD_FORMS[rule]),
        client="10.0.0.2",
    )
    assert not outcome.accepted
    assert rule in {p.rule for p in outcome.problems}
    assert all(p.message and p.column for p in outcome.problems)
    assert _rows(database)["pledges"] == 0


def test_emoji_right_to_left_and_markup_are_kept_as_typed_and_held(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    text = "<b>سأمشي</b> 🚶\u200d♀️ every day"
    outcome = submit_pledge(
        database,
        config(tmp_path),
        campaign_slug=SLUG,
        form=form(set_pledge="", own_text=text, own_theme="activity", display_name="<i>Jo</i>"),
        client="10.0.0.3",
    )
    assert outcome.accepted
    assert outcome.receipt.status is PledgeStatus.pending  # markup: held for a moderator
    with database.reader() as session:
        stored = session.scalar(select(Pledge))
    assert stored.own_text == text and stored.display_name == "<i>Jo</i>"


def test_rate_limits_count_per_address_and_refuse_with_a_wait(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path, pledge_ip_limit=2, pledge_ip_window_seconds=600)
    now = datetime.now(UTC)
    outcomes = [
        submit_pledge(
            database,
            settings,
            campaign_slug=SLUG,
            form=form(),
            client="10.9.9.9",
            now=now + timedelta(seconds=i),
        )
        for i in range(3)
    ]
    assert [o.accepted for o in outcomes[:2]] == [True, True]
    refused = outcomes[2]
    assert not refused.accepted and refused.problems[0].rule == "rate_limited"
    assert refused.retry_after_seconds > 0 and "wait" in refused.problems[0].message
    other = submit_pledge(
        database, settings, campaign_slug=SLUG, form=form(), client="10.1.1.1", now=now
    )
    assert other.accepted  # another address is not held back
    assert _rows(database)["pledges"] == 3


def test_the_per_campaign_limit_stops_a_flood_from_many_addresses(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path, pledge_campaign_limit=3)
    outcomes = [
        submit_pledge(database, settings, campaign_slug=SLUG, form=form(), client=f"10.0.0.{i}")
        for i in range(5)
    ]
    assert [o.accepted for o in outcomes] == [True, True, True, False, False]


def test_unknown_and_closed_campaigns(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    with pytest.raises(InputError) as raised:
        submit_pledge(database, config(tmp_path), campaign_slug="nope", form=form(), client="x")
    assert raised.value.problems[0].rule == "unknown_campaign"
    closed = submit_pledge(
        database,
        config(tmp_path),
        campaign_slug=SLUG,
        form=form(),
        client="x",
        now=datetime.now(UTC) + timedelta(days=60),
    )
    assert not closed.accepted and closed.problems[0].rule == "campaign_closed"


def test_the_page_counts_shows_the_wall_and_hides_small_districts(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    for i in range(12):
        district = "TS24" if i < 9 else "TS25"
        sent = form(postcode_district=district, display_name=f"Person {i}")
        assert submit_pledge(
            database, settings, campaign_slug=SLUG, form=sent, client=f"10.0.1.{i}"
        ).accepted
    forget_answers(database)
    page = campaign_page(database, SLUG)
    assert page.count == 12 and page.state == "open"
    assert [v.display_name for v in page.wall][:2] == ["Person 11", "Person 10"]
    shown = page.districts[["postcode_district", "count"]].to_dict("records")
    assert shown == [{"postcode_district": "TS24", "count": 10.0}]
    assert 54.6 < page.districts.loc[0, "latitude"] < 54.8  # where the map draws it
    assert page.district_notes == ("1 district with 1-7 pledges not shown",)
    assert page.hidden_districts == 1
    assert [v.display_name for v in wall(database, SLUG, page=2, per_page=5)][0] == "Person 6"


def test_an_edit_shows_at_once_in_this_process(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    assert open_campaign(database, SLUG).moderation.value == "post"
    from pledge_fixtures import open_campaign_data

    update_campaign(database, SLUG, open_campaign_data(moderation="pre"))
    assert open_campaign(database, SLUG).moderation.value == "pre"
    outcome = submit_pledge(
        database, config(tmp_path), campaign_slug=SLUG, form=form(), client="10.0.0.1"
    )
    assert outcome.receipt.status is PledgeStatus.pending
