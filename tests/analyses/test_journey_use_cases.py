"""The journey use cases through the Python API: a journey built from a template, edited,
versioned and compared as-is vs to-be; conflicts; imports all or nothing; the SYNTHETIC
worked example with its funnel from the demo's service data; insight notes with the
personal-data check; the feedback loop."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from healthgap.analyses import (
    JourneyConflictError,
    JourneyEdit,
    compare_journey_maps,
    create_journey_from_template,
    edit_journey,
    export_journey,
    feedback_sends,
    feedback_summary,
    import_insight_notes,
    import_journey,
    journey_history,
    link_insight_note,
    list_journey_templates,
    list_journeys,
    load_demo_journeys,
    record_feedback_sent,
    save_insight_note,
    search_notes,
    show_journey,
    start_to_be,
)
from healthgap.analyses.journey_demo import PERSONA_FILTER, demo_service_activity, service_steps
from healthgap.errors import InputError
from healthgap.store import Database

NOTE = {
    "title": "Drop-in at the depot",
    "method": "focus_group",
    "held_on": "2025-03-20",
    "sample_size": "14",
    "consent_basis": "written consent",
    "themes": "Appointment times clash with work",
}


@pytest.fixture
def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'journeys.db'}")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def demo_activity() -> pd.DataFrame:
    return demo_service_activity(size="small")


@pytest.fixture
def demo(database: Database, demo_activity: pd.DataFrame, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """The worked example stored (the service data drawn once per module)."""
    monkeypatch.setattr(
        "healthgap.analyses.journey_demo.demo_service_activity", lambda *_a, **_k: demo_activity
    )
    return load_demo_journeys(database)


def test_the_four_templates_and_the_worked_example_are_listed() -> None:
    table = list_journey_templates().table("templates")
    assert set(table["template"]) == {
        "stop_smoking",
        "nhs_health_check",
        "antenatal_booking",
        "weight_management",
        "demo_health_check",
        "demo_health_check_to_be",
    }
    assert (table.loc[table["content"] == "reconstructed template", "touchpoints"] >= 8).all()


def test_build_edit_version_and_compare_through_the_python_api(database: Database) -> None:
    made = create_journey_from_template(
        database,
        "stop_smoking",
        title="Quitting: young men",
        segment_id="young-men",
        segment_label="Men aged 18-29",
    )
    key = made.summary["key"]
    assert key == "quitting-young-men" and made.summary["version"] == 1
    added = edit_journey(
        database,
        key,
        JourneyEdit(
            "add_touchpoint",
            values={
                "stage": "contact",
                "name": "Text back within a day",
                "lane": "systems",
                "emotion": "1",
                "evidence": [{"quote": "A text is easier", "count": "6", "source": "survey"}],
            },
        ),
        expected_version=1,
    )
    assert (
        added.summary["current_version"] == 2 and added.summary["added"] == "text-back-within-a-day"
    )
    point = added.summary["journey"].touchpoint("text-back-within-a-day")
    assert point.emotion == 1.0 and point.evidence[0].count == 6
    before = [t.id for t in added.summary["journey"].touchpoints_in("contact")]
    moved = edit_journey(
        database,
        key,
        JourneyEdit("move_touchpoint", "text-back-within-a-day", {"direction": "up"}),
        expected_version=2,
    )
    after = [t.id for t in moved.summary["journey"].touchpoints_in("contact")]
    assert after.index("text-back-within-a-day") == before.index("text-back-within-a-day") - 1
    assert moved.summary["note"] == 'Moved touchpoint "Text back within a day" up'
    # Versions: every save is one, and any can be read back as it was.
    history = journey_history(database, key).table("history")
    assert history["version"].tolist() == [1, 2, 3]
    assert (
        history["note"].iloc[1] == 'Added touchpoint "Text back within a day" to "Getting in touch"'
    )
    first = show_journey(database, key, version=1).summary["journey"]
    assert "text-back-within-a-day" not in {t.id for t in first.touchpoints}
    # To be: copied with the same ids, one touchpoint made better, then compared.
    redesign = start_to_be(database, key).summary["key"]
    renamed = edit_journey(
        database,
        redesign,
        JourneyEdit(
            "update_touchpoint",
            "text-back-within-a-day",
            {"emotion": "2", "name": "Text back the same day"},
        ),
        expected_version=1,
    )
    assert renamed.summary["note"].endswith(": name, feeling score")
    comparison = compare_journey_maps(database, key)
    assert comparison.summary["to_be"].id == redesign
    changes = comparison.table("touchpoints").set_index("touchpoint")
    assert changes.loc["text-back-within-a-day", "status"] == "changed"
    assert changes.loc["text-back-within-a-day", "emotion_change"] == 1.0
    assert compare_journey_maps(database, redesign).summary["as_is"].id == key  # either way
    assert {"comparison", "swimlane_as_is", "swimlane_to_be"} <= set(comparison.charts)
    rows = comparison.summary["side_by_side"]
    assert [r["stage"] for r in rows] == [s.name for s in first.ordered_stages()]


def test_a_stale_version_is_refused_and_says_what_changed(database: Database) -> None:
    key = create_journey_from_template(database, "nhs_health_check").summary["key"]
    edit_journey(
        database,
        key,
        JourneyEdit("move_stage", "booked", {"direction": "down"}),
        expected_version=1,
    )
    with pytest.raises(JourneyConflictError) as refused:
        edit_journey(database, key, JourneyEdit("remove_touchpoint", "x"), expected_version=1)
    assert refused.value.current_version == 2
    assert refused.value.changes == ('Version 2: Moved stage "Booked" down',)
    assert "Your change was not saved" in str(refused.value)
    assert journey_history(database, key).table("history")["version"].tolist() == [1, 2]


def test_two_threads_saving_the_same_version_keep_one_and_refuse_the_other(
    database: Database,
) -> None:
    key = create_journey_from_template(database, "weight_management").summary["key"]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(name: str) -> None:
        barrier.wait()
        try:
            edit_journey(
                database, key, JourneyEdit("details", values={"title": name}), expected_version=1
            )
            outcomes.append("saved")
        except JourneyConflictError:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(n,)) for n in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert journey_history(database, key).table("history")["version"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (JourneyEdit("update_touchpoint", "letter", {"emotion": "3"}), "emotion_out_of_range"),
        (JourneyEdit("add_touchpoint", values={"stage": "nowhere", "name": "X"}), "unknown_stage"),
        (JourneyEdit("add_touchpoint", values={"stage": "invited"}), "missing_value"),
        (JourneyEdit("update_stage", "invited", {"count": "-4"}), "bad_count"),
        (JourneyEdit("remove_stage", "invited"), "stage_not_empty"),
        (JourneyEdit("move_touchpoint", "letter", {"direction": "sideways"}), "bad_direction"),
        (JourneyEdit("shuffle"), "unknown_action"),
    ],
)
def test_bad_edits_are_refused_and_nothing_is_saved(
    database: Database, edit: JourneyEdit, rule: str
) -> None:
    key = create_journey_from_template(database, "nhs_health_check").summary["key"]
    if edit.target == "letter":
        edit = JourneyEdit(edit.action, "invite-letter", edit.values)
    with pytest.raises(InputError) as refused:
        edit_journey(database, key, edit, expected_version=1)
    assert rule in {p.rule for p in refused.value.problems}
    assert show_journey(database, key).summary["current_version"] == 1


def test_import_is_all_or_nothing_and_saves_over_only_with_the_version(
    database: Database, tmp_path: Path
) -> None:
    key = create_journey_from_template(database, "antenatal_booking").summary["key"]
    good = export_journey(database, key, tmp_path / "journey.json")
    data = json.loads(good.read_text())
    data["touchpoints"][0]["emotion"] = 5
    data["touchpoints"][1]["stage"] = "nowhere"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(InputError) as refused:
        import_journey(database, tmp_path / "bad.json", expected_version=1)
    assert {p.rule for p in refused.value.problems} >= {"emotion_out_of_range", "unknown_stage"}
    with pytest.raises(InputError, match="journey_exists"):
        import_journey(database, good)
    assert import_journey(database, good, expected_version=1).summary["version"] == 2
    with pytest.raises(JourneyConflictError.__mro__[1]):  # ConflictError: version 1 is stale
        import_journey(database, good, expected_version=1)
    folder = export_journey(database, key, tmp_path / "csv")
    assert {p.name for p in folder.iterdir()} >= {"journey.csv", "stages.csv", "touchpoints.csv"}
    assert len(list_journeys(database).table("journeys")) == 1


def test_the_worked_example_takes_its_funnel_from_the_demo_service_data(
    database: Database, demo
) -> None:
    """Counts of the stored journey equal the persona's people summed independently from the
    demo's need and activity tables; booking and attendance are not measured."""
    from healthgap.datasets.insight_demo import generate_insight_demo

    assert demo.summary["loaded"] and demo.synthetic
    tables = generate_insight_demo("small")
    need, seen, fifths = (
        tables["service_need"],
        tables["service_activity"],
        tables["area_deprivation"],
    )
    poorest = set(fifths.loc[fifths["deprivation_quintile"] == 1, "area_code"].astype(str))
    chosen = need[(need["service"] == "nhs_health_check") & (need["sex"] == "male")]
    chosen = chosen[chosen["area_code"].astype(str).isin(poorest)]
    by_area = (
        (chosen["population"] * chosen["prevalence"])
        .groupby(chosen["area_code"].astype(str), observed=True)
        .sum()
        .round()
    )
    done = seen[
        (seen["service"] == "nhs_health_check")
        & (seen["sex"] == "male")
        & seen["area_code"].astype(str).isin(poorest)
    ]["activity"].sum()
    journey = show_journey(database, "demo-health-check-as-is").summary["journey"]
    counts = {s.id: s.count for s in journey.stages}
    assert counts == {
        "invited": int(by_area.sum()),
        "booked": None,
        "attended": None,
        "completed": int(done),
        "follow-up": None,
    }
    assert 0.2 < counts["completed"] / counts["invited"] < 0.5  # "fewer than half"
    assert "SYNTHETIC" in journey.stage("invited").count_source
    assert PERSONA_FILTER == {"sex": "male", "deprivation_quintile": 1}
    again = load_demo_journeys(database)
    assert not again.summary["loaded"]
    assert len(list_journeys(database).table("journeys")) == 2
    assert len(search_notes(database).summary["notes"]) == 8


def test_service_steps_name_the_stages_the_need_and_activity_measure() -> None:
    need = pd.DataFrame(
        {
            "service": "hc",
            "area_code": ["E1", "E1", "E2"],
            "sex": "male",
            "population": [10.0, 30.0, 5.0],
            "prevalence": 0.5,
        }
    )
    seen = pd.DataFrame(
        {"service": "hc", "area_code": ["E1", "E2"], "sex": "male", "activity": [7, 2]}
    )
    steps = service_steps(need, seen).sort_values(["stage", "area_code"])
    assert steps[["area_code", "stage", "count"]].values.tolist() == [
        ["E1", "completed", 7],
        ["E2", "completed", 2],
        ["E1", "invited", 20],
        ["E2", "invited", 2],
    ]
    with pytest.raises(InputError, match="missing_column"):
        service_steps(need.drop(columns="prevalence"), seen)


def test_insight_notes_are_checked_for_personal_data_before_saving(database: Database) -> None:
    risky = {**NOTE, "title": "Talk with Mrs Khan", "quotes": "Ring me on 07700 900123"}
    with pytest.raises(InputError) as refused:
        save_insight_note(database, risky)
    assert {p.rule for p in refused.value.problems} == {
        "personal_data_name",
        "personal_data_phone_number",
    }
    assert search_notes(database).summary["notes"] == []
    redacted = save_insight_note(database, risky, personal_data="redact").summary["note"]
    assert redacted.quotes == ("Ring me on [phone number removed]",)
    assert "Khan" not in redacted.title and "khan" not in redacted.id
    kept = save_insight_note(database, {**NOTE, "quotes": "Evenings suit me"}).summary["note"]
    assert [n.id for n in search_notes(database, "evenings").summary["notes"]] == [kept.id]
    with pytest.raises(InputError, match="duplicate_id"):
        save_insight_note(database, {**NOTE, "quotes": "Evenings suit me"})


@pytest.mark.usefixtures("demo")
def test_notes_attach_to_segments_journeys_and_touchpoints(database: Database) -> None:
    note = save_insight_note(database, NOTE).summary["note"]
    link_insight_note(database, note.id, touchpoint="demo-health-check-as-is/booking-call")
    link_insight_note(database, note.id, segment_id="demo-persona-routine-manual-men")
    found = search_notes(database, touchpoint="demo-health-check-as-is/booking-call")
    assert note.id in {n.id for n in found.summary["notes"]}
    found = search_notes(
        database, segment_id="demo-persona-routine-manual-men", theme=NOTE["themes"]
    )
    assert note.id in {n.id for n in found.summary["notes"]}
    with pytest.raises(InputError, match="unknown_touchpoint"):
        link_insight_note(database, note.id, touchpoint="demo-health-check-as-is/nowhere")
    link_insight_note(database, note.id, segment_id="demo-persona-routine-manual-men", remove=True)
    assert (
        search_notes(database, segment_id="demo-persona-routine-manual-men", theme=NOTE["themes"])
        .summary["notes"][0]
        .id
        != note.id
    )


def test_import_of_notes_is_all_or_nothing(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    pd.DataFrame([{**NOTE, "id": "ok"}, {**NOTE, "id": "bad", "quotes": "Email a@b.org"}]).to_csv(
        path, index=False
    )
    with pytest.raises(InputError, match="personal_data_email"):
        import_insight_notes(database, path)
    assert search_notes(database).summary["notes"] == []
    assert import_insight_notes(database, path, personal_data="redact").summary["saved"] == 2


@pytest.mark.usefixtures("demo")
def test_feedback_summary_and_a_recorded_send(database: Database) -> None:
    bundle = feedback_summary(
        database, journey_key="demo-health-check-as-is", prepared_on=date(2025, 4, 1)
    )
    heard = bundle.table("heard").set_index("theme")["quote"]
    assert heard["Results are not explained"] == "Fourteen per cent of what?"
    assert heard["No help to stop smoking afterwards"] == "Nobody called me about the smoking."
    assert "What we are doing" in bundle.summary["html"] and "<style>" not in bundle.summary["html"]
    assert (
        bundle.summary["sheet"].startswith("<!DOCTYPE html>")
        and "@media print" in bundle.summary["sheet"]
    )
    with pytest.raises(InputError, match="future_date"):
        record_feedback_sent(
            database,
            journey_key="demo-health-check-as-is",
            sent_on=date(2999, 1, 1),
            channel="email",
            audience="drivers",
        )
    record_feedback_sent(
        database,
        journey_key="demo-health-check-as-is",
        sent_on=date(2025, 4, 2),
        channel="post",
        audience="focus group members",
        recipients=20,
    )
    sends = feedback_sends(database, journey_key="demo-health-check-as-is").table("sends")
    assert sends[["channel", "recipients"]].values.tolist() == [["post", 20]]
    by_theme = feedback_summary(database, theme="Booking by phone is hard")
    assert [h.theme for h in by_theme.summary["feedback"].what_you_told_us][0] == (
        "Booking by phone is hard"
    )
