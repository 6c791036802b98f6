"""Insight notes, the personal-data check on quotes, and the feedback loop."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from healthgap.errors import InputError
from healthgap.journeys import (
    FeedbackSend,
    InsightNote,
    Journey,
    PersonalDataWarning,
    build_feedback_summary,
    check_feedback_send,
    feedback_to_dict,
    find_personal_data,
    insight_link_problems,
    insight_notes_from_records,
    note_personal_data,
    read_insight_notes,
    redact,
    search_insight_notes,
    theme_summary,
    warn_personal_data,
    write_insight_notes,
)

# Ordinary health and service text: none of it is personal data.
ORDINARY = [
    "The GP said my blood pressure was 140/90 at the Health Check.",
    "I went to the NHS Health Check at the Health Centre on Monday.",
    "The Stop Smoking Service rang me twice but I was at work.",
    "I smoked 20 a day for 15 years and tried patches in 2019.",
    "My BMI was 32.5 and the nurse gave me a leaflet about Slimming World.",
    "Type 2 diabetes runs in my family, so I was worried about the results.",
    "Reception said there were no appointments until next Tuesday.",
    "The letter from the GP Practice was full of jargon.",
    "We waited three weeks for the booking appointment with the midwife.",
    "I picked up my patches from Boots but they had run out.",
    "The Weight Management programme in North Leeds was too far on the bus.",
    "Everyone said the group was friendly and the coach was helpful.",
    "My mum had a stroke at 60 so I know what high cholesterol means.",
    "Nobody told me the results, I had to ring the surgery at 8am.",
    "I'm Polish and the form was only in English.",
    "The A&E department sent me home after four hours.",
    "I had my dating scan at 12 weeks at the Royal Infirmary.",
    "During Ramadan it was hard to go to the evening sessions.",
    "They said my heart age was 61, which was a shock.",
    "I called NHS 111 on Saturday night because I felt dizzy.",
    "The Citizens Advice worker helped me fill in the form.",
    "I take 10 mg of statins a day and eat 5 a day fruit and veg.",
    "The pharmacist at Lloyds explained how to use the inhaler.",
    "I booked online through the NHS App in January.",
    "The Community Diabetes Team phoned on 12/03/2024 about my HbA1c of 48 mmol/mol.",
    "She told me to come back in six months.",
    "I'm diabetic and the nurse checked my feet.",
    "Covid made everything harder to get to in 2020 and 2021.",
    "My husband drove me to the Antenatal Clinic on Friday.",
    "The Health Visitor came round when the baby was ten days old.",
    "Fourteen per cent of what?",
    "It looked like a bill so I left it on the side.",
]
PERSONAL = [
    ("My name is Sarah and I work nights.", "name", "Sarah"),
    ("Mrs Khan at reception was really kind.", "name", "Khan"),
    ("my midwife Joanne was brilliant", "name", "Joanne"),
    ("Sarah Jones from the clinic rang me.", "name", "Sarah Jones"),
    ("Dave said the letter looked like a bill.", "name", "Dave"),
    ("Priya the nurse explained it all.", "name", "Priya"),
    ("I'm Gareth, I drive a lorry.", "name", "Gareth"),
    ("Email me on jo.bloggs+nhs@example.co.uk any time", "email", "jo.bloggs+nhs@example.co.uk"),
    ("Call me on 0114 496 0999 after six", "phone_number", "0114 496 0999"),
    ("my mobile is 07700 900123", "phone_number", "07700 900123"),
    ("ring +44 20 7946 0958", "phone_number", "+44 20 7946 0958"),
    ("We live near S1 2HE, by the park", "postcode", "S1 2HE"),
    ("postcode sw1a1aa if you need it", "postcode", "sw1a1aa"),
    ("my NHS number is 943 476 5919", "nhs_number", "943 476 5919"),
]


def _note(key: str = "fg1", **changes: object) -> InsightNote:
    note = InsightNote(
        id=key, title="Drivers' focus group", method="focus_group", held_on=date(2025, 2, 1),
        consent_basis="written consent", themes=("appointment times", "letters"), sample_size=8,
        summary="Morning-only slots do not suit shift workers",
        quotes=("Mornings only, no good to me", "Ring Dave Smith on 07700 900123"),
        segment_ids=("seg-1",), touchpoints=("demo-health-check-as-is/booking-call",),
    )  # fmt: skip
    return replace(note, **changes)


@pytest.mark.parametrize("text", ORDINARY)
def test_no_false_alarms_on_ordinary_health_text(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(("text", "kind", "found"), PERSONAL)
def test_personal_data_is_found(text: str, kind: str, found: str) -> None:
    hits = find_personal_data(text)
    assert [(h.kind, h.text) for h in hits] == [(kind, found)]
    assert found not in redact(text) and f"[{kind.replace('_', ' ')} removed]" in redact(text)


def test_an_invalid_nhs_number_is_not_flagged() -> None:
    assert find_personal_data("reference 943 476 5918") == []


def test_note_quotes_are_checked_and_warned() -> None:
    problems = note_personal_data(_note(), "notes.csv", 2)
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (2, "quotes[2]", "personal_data_name"),
        (2, "quotes[2]", "personal_data_phone_number"),
    ]
    with pytest.warns(PersonalDataWarning, match="2 possible personal data"):
        warn_personal_data(problems)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_personal_data([]) == []


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".csv"])
def test_notes_round_trip(suffix: str, tmp_path: Path) -> None:
    notes = [_note(), _note("survey-1", method="survey", sample_size=None, segment_ids=(),
                            touchpoints=(), quotes=(), synthetic=True)]  # fmt: skip
    assert read_insight_notes(write_insight_notes(notes, tmp_path / f"n{suffix}")) == notes


def test_bad_notes_report_every_problem(tmp_path: Path) -> None:
    records = [
        {"id": "a", "title": "A", "method": "rumour", "held_on": "2025-13-01",
         "consent_basis": "", "themes": []},
        {"id": "b", "title": "B", "method": "survey", "held_on": "2025-01-01",
         "consent_basis": "anonymous survey", "themes": ["x"], "sample_size": 0,
         "touchpoints": ["no-slash"], "mood": "sunny"},
    ]  # fmt: skip
    with pytest.raises(InputError) as caught:
        insight_notes_from_records(records, "notes.json")
    assert {(p.column, p.rule) for p in caught.value.problems} == {
        ("[1].held_on", "bad_date"), ("[1].consent_basis", "missing_value"),
        ("[1].themes", "missing_value"), ("[2].mood", "unknown_field"),
    }  # fmt: skip
    records[0].update(held_on="2025-01-01", consent_basis="written consent", themes=["y"])
    del records[1]["mood"]
    with pytest.raises(InputError) as caught:
        insight_notes_from_records(records, "notes.json")
    assert {(p.column, p.rule) for p in caught.value.problems} == {
        ("[1].method", "unknown_method"), ("[2].sample_size", "bad_sample_size"),
        ("[2].touchpoints", "bad_touchpoint_ref"),
    }  # fmt: skip
    csv_file = tmp_path / "notes.csv"
    csv_file.write_text("id,title,method\nx,y,survey\n")
    with pytest.raises(InputError, match="missing_column"):
        read_insight_notes(csv_file)


def test_search_summary_and_links(demo: Journey) -> None:
    survey = _note(
        "survey-1", method="survey", held_on=date(2025, 3, 1), themes=("letters",),
        sample_size=120, quotes=("The letter was confusing",), touchpoints=(), segment_ids=(),
        journey_ids=("demo-health-check-as-is",),
    )  # fmt: skip
    notes = [_note(), survey]
    assert [n.id for n in search_insight_notes(notes, "CONFUSING letter")] == ["survey-1"]
    assert [n.id for n in search_insight_notes(notes, theme="Letters")] == ["survey-1", "fg1"]
    assert [n.id for n in search_insight_notes(notes, journey_id=demo.id)] == ["survey-1", "fg1"]
    assert [n.id for n in search_insight_notes(notes, segment_id="seg-1")] == ["fg1"]
    assert search_insight_notes(notes, "mornings", method="survey") == []
    summary = theme_summary(notes)
    assert summary.to_dict("list")["theme"] == ["letters", "appointment times"]
    assert summary.set_index("theme").loc["letters", "people"] == 128
    assert insight_link_problems(notes, [demo]) == []
    broken = [_note(touchpoints=(f"{demo.id}/ghost",), journey_ids=("elsewhere",))]
    assert {p.rule for p in insight_link_problems(broken, [demo])} == {
        "unknown_touchpoint", "unknown_journey"}  # fmt: skip


def test_feedback_from_notes_and_journey(demo: Journey) -> None:
    focus = _note(themes=("Booking only by phone",))
    complaints = _note("complaints", method="complaint", themes=("Parking",), sample_size=3,
                       quotes=(), touchpoints=(), summary="")  # fmt: skip
    summary = build_feedback_summary(journey=demo, notes=[focus, complaints],
                                     prepared_on=date(2025, 4, 1),
                                     contact="Public health team, 0114 496 0000")  # fmt: skip
    assert summary.how_we_listened == (
        "We listened through 1 focus group (8 people) and 3 complaints."
    )
    assert [h.theme for h in summary.what_you_told_us] == ["Booking only by phone", "Parking"]
    # The quote with a name and phone number is never shown to participants.
    assert summary.what_you_told_us[0].quote == "Mornings only, no good to me"
    assert summary.what_you_told_us[1].quote == ""
    doing = {a.text: a for a in summary.what_we_are_doing}
    evening = doing["Offer evening and Saturday checks and checks at the depot"]
    assert "Booking only by phone" in evening.answers and evening.status == "under way"
    assert summary.not_yet == ("Parking",)
    assert summary.synthetic is True and summary.note_ids == ("fg1", "complaints")
    assert feedback_to_dict(summary)["prepared_on"] == "2025-04-01"


def test_feedback_needs_something_and_sends_are_checked(small: Journey) -> None:
    with pytest.raises(InputError, match="nothing_to_summarise"):
        build_feedback_summary(prepared_on=date(2025, 1, 1))
    summary = build_feedback_summary(journey=small, prepared_on=date(2025, 1, 1))
    assert [h.theme for h in summary.what_you_told_us] == ["jargon", "only in English"]
    assert summary.what_you_told_us[0].quote == "Too many long words"
    send = FeedbackSend("t", date(2025, 1, 2), "post", "Everyone who took part", 30)
    assert check_feedback_send(send, today=date(2025, 1, 3)) is send
    with pytest.raises(InputError) as caught:
        check_feedback_send(replace(send, channel="pigeon", audience=" ", recipients=0),
                            today=date(2025, 1, 1))  # fmt: skip
    assert {p.rule for p in caught.value.problems} == {
        "unknown_channel", "missing_value", "bad_recipients", "future_date"}  # fmt: skip
