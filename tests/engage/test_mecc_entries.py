"""Contact entries: codes only, never free text; every bad field is a clear problem; a sync
batch keeps each client id once."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.engage.mecc import (
    ENTRY_FIELDS,
    check_batch,
    entries_frame,
    parse_entry,
)
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import load_vocabulary
from healthgap.errors import InputError

TODAY = date(2024, 6, 30)
DIRECTORY = MeccDirectory.from_records(
    organisations=[
        {
            "organisation": "acute",
            "name": "Synthetic Acute Trust",
            "org_type": "acute_trust",
            "setting": "acute",
            "area_code": "E06999001",
        }
    ],
    teams=[{"organisation": "acute", "team": "ed", "name": "Emergency department"}],
    staff=[{"staff_id": "acute-0001", "organisation": "acute", "team": "ed", "frontline": True}],
)


def payload(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "client_id": "5f0c5a8e-3d0b-4a51-9f5e-7c1b2a3d4e5f",
        "contact_date": "2024-06-30",
        "setting": "acute",
        "organisation": "acute",
        "team": "ed",
        "topics": ["tobacco", "alcohol"],
        "action": "referral",
        "destination": "stop_smoking",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def rules_of(data: object) -> set[tuple[str, str | None]]:
    with pytest.raises(InputError) as caught:
        parse_entry(data, staff_id="acute-0001", directory=DIRECTORY, today=TODAY)  # type: ignore[arg-type]
    return {(p.rule, p.column) for p in caught.value.problems}


def test_a_good_entry_is_normalised() -> None:
    entry = parse_entry(
        payload(client_id="5F0C5A8E3D0B4A519F5E7C1B2A3D4E5F"),
        staff_id="acute-0001",
        directory=DIRECTORY,
        today=TODAY,
    )
    assert entry.client_id == "5f0c5a8e-3d0b-4a51-9f5e-7c1b2a3d4e5f"
    assert entry.topics == ("alcohol", "tobacco")  # vocabulary order, whatever the tap order
    assert entry.contact_date == TODAY
    assert entries_frame([entry])["topics"].tolist() == ["alcohol|tobacco"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"notes": "Mr Smith, 42, lives alone"}, {("free_text_refused", "notes")}),
        ({"nhs_number": "943 476 5919"}, {("free_text_refused", "nhs_number")}),
        ({"topics": ["tobacco", "talked about his divorce"]}, {("unknown_topic", "topics")}),
        ({"topics": []}, {("no_topic", "topics")}),
        ({"topics": "smoking"}, {("unknown_topic", "topics")}),
        ({"destination": "the gym on Main Street"}, {("unknown_destination", "destination")}),
        ({"destination": None}, {("missing_destination", "destination")}),
        ({"action": "advice"}, {("destination_not_allowed", "destination")}),
        ({"action": "chat"}, {("unknown_action", "action")}),
        ({"setting": "pub"}, {("unknown_setting", "setting")}),
        ({"contact_date": "2024-07-01"}, {("future_date", "contact_date")}),
        ({"contact_date": "2023-06-29"}, {("too_old", "contact_date")}),
        ({"contact_date": "30/06/2024"}, {("bad_date", "contact_date")}),
        ({"client_id": "retry-1"}, {("bad_client_id", "client_id")}),
        ({"client_id": ...}, {("missing_value", "client_id")}),
        ({"organisation": "fire"}, {("unknown_organisation", "organisation")}),
        ({"team": "icu"}, {("unknown_team", "team")}),
        ({"team": 7}, {("unknown_team", "team")}),
    ],
)
def test_each_bad_field_is_a_named_problem(changes: dict[str, object], expected: set) -> None:
    assert rules_of(payload(**changes)) == expected


def test_every_problem_of_an_entry_is_reported_at_once() -> None:
    found = rules_of(payload(setting="pub", action="chat", topics=[], remarks="x"))
    assert found == {
        ("unknown_setting", "setting"),
        ("unknown_action", "action"),
        ("no_topic", "topics"),
        ("free_text_refused", "remarks"),
    }
    assert rules_of(["not", "an", "object"]) == {("not_an_object", None)}


def test_unknown_staff_is_refused_with_a_directory() -> None:
    with pytest.raises(InputError, match="unknown_staff"):
        parse_entry(payload(), staff_id="someone-else", directory=DIRECTORY, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*ENTRY_FIELDS, "note", "name", "comment"]),
        st.one_of(
            st.text(max_size=30),
            st.lists(st.text(max_size=12), max_size=3),
            st.sampled_from(load_vocabulary().codes("topics") + ("acute", "ed", "referral")),
            st.none(),
            st.integers(),
        ),
    )
)
def test_no_payload_stores_anything_but_codes(data: dict[str, object]) -> None:
    """Whatever a client sends, an accepted entry holds only vocabulary and directory codes."""
    vocabulary = load_vocabulary()
    try:
        entry = parse_entry(data, staff_id="acute-0001", directory=DIRECTORY, today=TODAY)
    except InputError as error:
        assert error.problems
        return
    assert set(data) <= set(ENTRY_FIELDS)
    assert entry.setting in vocabulary.codes("settings")
    assert set(entry.topics) <= set(vocabulary.codes("topics"))
    assert entry.destination in (None, *vocabulary.codes("destinations"))
    assert (entry.organisation, entry.team) == ("acute", "ed")


def test_a_batch_keeps_each_client_id_once_and_names_bad_rows() -> None:
    second = str(uuid.UUID(int=2))
    batch = [
        payload(),
        payload(),  # the device sent it twice: kept once
        payload(client_id=second, action="advice", destination=None),
        payload(client_id=str(uuid.UUID(int=3)), topics=["gossip"]),
    ]
    result = check_batch(batch, staff_id="acute-0001", directory=DIRECTORY, today=TODAY)
    assert [e.client_id for e in result.entries] == [payload()["client_id"], second]
    assert result.repeated == 1
    assert [(p.row, p.column, p.rule) for p in result.problems] == [(4, "topics", "unknown_topic")]
    assert not result.ok
    with pytest.raises(InputError):
        result.raise_if_any()


def test_a_client_id_reused_for_different_content_is_refused() -> None:
    batch = [payload(), payload(topics=["wellbeing"], destination="talking_therapies")]
    result = check_batch(batch, staff_id="acute-0001", today=TODAY)
    assert result.entries == ()
    assert [(p.row, p.rule) for p in result.problems] == [(2, "conflicting_client_id")]


def test_batch_shape_limits() -> None:
    assert check_batch("entries", staff_id="s").problems[0].rule == "not_a_list"
    too_many = check_batch([payload()] * 3, staff_id="s", max_entries=2, today=TODAY)
    assert [p.rule for p in too_many.problems] == ["batch_too_large"]
    assert too_many.entries == ()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([f for f in ENTRY_FIELDS if f not in ("client_id", "contact_date")]),
    st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), min_size=1, max_size=3)),
)
def test_typing_into_any_field_of_a_good_entry_is_refused(field: str, typed: object) -> None:
    """Free text in any field of an otherwise good entry is refused unless it is a code."""
    vocabulary = load_vocabulary()
    known = {
        *vocabulary.codes("settings"),
        *vocabulary.codes("topics"),
        *vocabulary.codes("actions"),
        *vocabulary.codes("destinations"),
        "acute",
        "ed",
    }
    try:
        entry = parse_entry(
            payload(**{field: typed}), staff_id="acute-0001", directory=DIRECTORY, today=TODAY
        )
    except InputError:
        return
    stored = [entry.setting, *entry.topics, entry.action, entry.destination, entry.team]
    assert all(value is None or value in known for value in stored)
