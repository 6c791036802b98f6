"""``healthgap journey ...``: templates, a journey from a template, import and export (JSON and
CSV), compare, funnel, notes and the feedback sheet; bad input is a problem table with exit
status 2 and nothing stored, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_runner import run_cli
from healthgap.analyses import list_journeys, search_notes
from healthgap.store import Database


@pytest.fixture(autouse=True)
def bug_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTHGAP_LOG_DIR", str(tmp_path / "bug-logs"))


def journey(tmp_path: Path, *args: str):  # noqa: ANN201
    """``healthgap journey ARGS --data-dir <tmp>/web``; fails on a traceback."""
    result = run_cli("journey", *args, "--data-dir", str(tmp_path / "web"))
    text = result.stdout + result.stderr
    assert "Traceback" not in text and 'File "' not in text, text
    return result


def stored(tmp_path: Path) -> list[str]:
    database = Database(f"sqlite:///{(tmp_path / 'web' / 'healthgap.db').resolve()}")
    try:
        return list_journeys(database).table("journeys")["journey"].tolist()
    finally:
        database.dispose()


def test_templates_list_and_write(tmp_path: Path) -> None:
    result = run_cli("journey", "templates", "--out", str(tmp_path / "t.csv"))
    assert result.returncode == 0
    assert "weight_management" in result.stdout and "antenatal_booking" in result.stdout
    assert (tmp_path / "t.csv").read_text().startswith("template,title")


def test_new_show_export_import_compare_and_history(tmp_path: Path) -> None:
    made = journey(
        tmp_path,
        "new",
        "stop_smoking",
        "--title",
        "Quitting: young men",
        "--segment-id",
        "young-men",
        "--segment-label",
        "Men aged 18-29",
    )
    assert made.returncode == 0 and "quitting-young-men (version 1)" in made.stdout
    shown = journey(tmp_path, "show", "quitting-young-men", "--out", str(tmp_path / "shown"))
    assert shown.returncode == 0
    files = {p.name for p in (tmp_path / "shown").iterdir()}
    assert {"map.csv", "swimlane.svg", "swimlane.png", "emotion.svg", "map.html"} <= files
    assert '<th scope="row">The person</th>' in (tmp_path / "shown" / "map.html").read_text()
    # Export as JSON, change it, and import it over the stored one from version 1.
    assert (
        journey(
            tmp_path, "export", "quitting-young-men", "--out", str(tmp_path / "j.json")
        ).returncode
        == 0
    )
    data = json.loads((tmp_path / "j.json").read_text())
    data["title"] = "Quitting: men under 30"
    (tmp_path / "j.json").write_text(json.dumps(data))
    assert (
        journey(tmp_path, "import", str(tmp_path / "j.json"), "--expected-version", "1").returncode
        == 0
    )
    stale = journey(tmp_path, "import", str(tmp_path / "j.json"), "--expected-version", "1")
    assert stale.returncode == 2 and "version 2" in stale.stderr
    # CSV files round trip into a new journey.
    assert (
        journey(tmp_path, "export", "quitting-young-men", "--out", str(tmp_path / "csv")).returncode
        == 0
    )
    table = (
        (tmp_path / "csv" / "journey.csv")
        .read_text()
        .replace("quitting-young-men", "quitting-copy")
    )
    (tmp_path / "csv" / "journey.csv").write_text(table)
    assert journey(tmp_path, "import", str(tmp_path / "csv")).returncode == 0
    assert sorted(stored(tmp_path)) == ["quitting-copy", "quitting-young-men"]
    assert journey(tmp_path, "to-be", "quitting-young-men").returncode == 0
    compared = journey(tmp_path, "compare", "quitting-young-men", "--out", str(tmp_path / "cmp"))
    assert compared.returncode == 0 and "mean emotion: as is" in compared.stdout
    assert {"stages.csv", "touchpoints.csv", "comparison.svg"} <= {
        p.name for p in (tmp_path / "cmp").iterdir()
    }
    history = journey(tmp_path, "history", "quitting-young-men")
    assert "Imported from j.json" in history.stdout


def test_bad_input_is_a_problem_table_and_nothing_is_stored(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "id": "x",
                "title": "T",
                "goal": "G",
                "version_date": "2025-01-01",
                "segment": {"kind": "persona", "id": "p", "label": "P"},
                "stages": [
                    {"id": "a", "name": "A", "order": 1},
                    {"id": "b", "name": "B", "order": 1},
                ],
                "touchpoints": [{"id": "t", "stage": "zz", "order": 1, "name": "N", "emotion": 4}],
            }
        )
    )
    result = journey(tmp_path, "import", str(bad))
    assert result.returncode == 2
    for rule in ("duplicate_order", "unknown_stage", "emotion_out_of_range"):
        assert rule in result.stderr
    (tmp_path / "shape.json").write_text("[1, 2]")
    assert "wrong_shape" in journey(tmp_path, "import", str(tmp_path / "shape.json")).stderr
    for args in (
        ["new", "astrology"],
        ["show", "nothing"],
        ["compare", "nothing"],
        ["export", "nothing", "--out", str(tmp_path / "x.txt")],
        ["funnel", "nothing"],
        ["feedback"],
    ):
        assert journey(tmp_path, *args).returncode == 2, args
    assert not (tmp_path / "web" / "healthgap.db").exists() or stored(tmp_path) == []


def test_funnel_from_service_data_and_saved_with_the_version(tmp_path: Path) -> None:
    journey(tmp_path, "new", "nhs_health_check", "--id", "hc")
    activity = tmp_path / "activity.csv"
    activity.write_text(
        "area_code,service,stage,count,sex\n"
        "E1,nhs_health_check,invited,1000,male\n"
        "E1,nhs_health_check,booked,420,male\n"
        "E1,nhs_health_check,attended,380,male\n"
        "E1,nhs_health_check,completed,352,male\n"
    )
    shown = journey(
        tmp_path,
        "funnel",
        "hc",
        "--activity",
        str(activity),
        "--filter",
        "sex=male",
        "--out",
        str(tmp_path / "funnel"),
    )
    assert shown.returncode == 0
    assert "Invited: 1,000" in shown.stdout and "Results and advice: 350" in shown.stdout
    published = (tmp_path / "funnel" / "funnel.csv").read_text()
    assert ",352.0," not in published and ",350.0," in published  # counts rounded to 5
    assert journey(tmp_path, "funnel", "hc", "--activity", str(activity), "--save").returncode == 2
    saved = journey(
        tmp_path, "funnel", "hc", "--activity", str(activity), "--save", "--expected-version", "1"
    )
    assert saved.returncode == 0 and "stored version 2" in saved.stdout
    activity.write_text("area_code,service,stage,count\nE1,nhs_health_check,invited,lots\n")
    refused = journey(tmp_path, "funnel", "hc", "--activity", str(activity))
    assert refused.returncode == 2 and "bad_count" in refused.stderr


def test_notes_import_search_and_the_feedback_sheet(tmp_path: Path) -> None:
    journey(tmp_path, "new", "nhs_health_check", "--id", "hc")
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "- {id: fg, title: Drivers, method: focus_group, held_on: 2025-02-01, sample_size: 8,\n"
        "   consent_basis: written consent, themes: [Appointment times],\n"
        "   quotes: ['Call me on 07700 900123'], touchpoints: [hc/booking]}\n"
    )
    stopped = journey(tmp_path, "notes-import", str(notes))
    assert stopped.returncode == 2 and "personal_data_phone_number" in stopped.stderr
    database = Database(f"sqlite:///{(tmp_path / 'web' / 'healthgap.db').resolve()}")
    assert search_notes(database).summary["notes"] == []
    assert (
        journey(tmp_path, "notes-import", str(notes), "--personal-data", "redact").returncode == 0
    )
    assert "[phone number removed]" in search_notes(database).summary["notes"][0].quotes[0]
    database.dispose()
    found = journey(
        tmp_path, "notes-search", "", "--journey", "hc", "--out", str(tmp_path / "found.csv")
    )
    assert found.returncode == 0 and (tmp_path / "found.csv").exists()
    sheet = tmp_path / "sheet.html"
    sent = journey(
        tmp_path,
        "feedback",
        "hc",
        "--out",
        str(sheet),
        "--sent-on",
        "2025-04-01",
        "--channel",
        "post",
        "--audience",
        "focus group",
        "--recipients",
        "8",
    )
    assert sent.returncode == 0 and "recorded: sent on 2025-04-01 by post" in sent.stdout
    assert "What you told us" in sheet.read_text() and "Appointment times" in sheet.read_text()
    wrong = journey(tmp_path, "feedback", "hc", "--sent-on", "2999-01-01", "--audience", "x")
    assert wrong.returncode == 2 and "future_date" in wrong.stderr


def test_a_journey_about_a_stored_segment_is_checked_against_the_stored_runs(
    tmp_path: Path,
) -> None:
    from healthgap.store import register_workspace, save_segment_run

    assert journey(tmp_path, "list").returncode == 0  # makes the database
    database = Database(f"sqlite:///{(tmp_path / 'web' / 'healthgap.db').resolve()}")
    try:
        with database.unit_of_work() as session:
            workspace = register_workspace(session, name="w", path="/w", is_synthetic=True)
            run_id = save_segment_run(
                session, workspace_id=workspace.id, owner_id=None, name="Spring run",
                kind="open", inputs={}, record={}, method="k-means", seed=1, version="t",
                stability=None, segments={"E01000001": "1"},
                names=[{"segment": "1", "name": "Young families"}],
            ).id  # fmt: skip
    finally:
        database.dispose()
    made = journey(tmp_path, "new", "stop_smoking", "--id", "quit", "--segment-kind", "persona",
                   "--segment-run", str(run_id), "--segment-code", "1")  # fmt: skip
    assert made.returncode == 0, made.stderr
    unknown = journey(tmp_path, "new", "stop_smoking", "--id", "quit-2",
                      "--segment-run", str(run_id), "--segment-code", "7")  # fmt: skip
    assert unknown.returncode == 2 and "unknown_segment" in unknown.stderr
    assert journey(tmp_path, "export", "quit", "--out", str(tmp_path / "q.json")).returncode == 0
    data = json.loads((tmp_path / "q.json").read_text())
    assert data["segment"]["run_id"] == run_id and data["segment"]["code"] == "1"
    data.update(id="quit-3", segment={**data["segment"], "run_id": run_id + 5})
    (tmp_path / "q3.json").write_text(json.dumps(data))
    refused = journey(tmp_path, "import", str(tmp_path / "q3.json"))
    assert refused.returncode == 2
    assert "unknown_segmentation" in refused.stderr and "segment.run_id" in refused.stderr
    assert stored(tmp_path) == ["quit"]


def test_serve_demo_stores_the_demo_segmentation_and_the_journey_about_it(tmp_path: Path) -> None:
    """What `healthgap serve --demo` does for journeys, twice (a restart): the SYNTHETIC
    segmentation is stored once and the worked example is about one of its persona cards."""
    import contextlib
    import io

    from healthgap.analyses import show_journey
    from healthgap.cli.web import _ensure_demo_journeys
    from healthgap.datasets import build_demo_workspace
    from healthgap.store import list_segment_runs

    workspace = build_demo_workspace(tmp_path / "demo-small", "small").path
    database = Database(f"sqlite:///{tmp_path / 'healthgap.db'}")
    printed = []
    try:
        for _ in range(2):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                _ensure_demo_journeys(database, workspace, "small")
            printed.append(out.getvalue())
        with database.reader() as session:
            runs = list_segment_runs(session, workspace_id=None)
        segment = show_journey(database, "demo-health-check-as-is").summary["journey"].segment
    finally:
        database.dispose()
    assert "loaded about" in printed[0] and "already loaded about" in printed[1]
    assert [r.name for r in runs] == ["SYNTHETIC demo segmentation"]
    assert (segment.kind, segment.run_id) == ("persona", runs[0].id)
    assert segment.label in " ".join(printed[0].split())  # the console wraps long lines
