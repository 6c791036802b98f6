"""Journeys about stored segments, on SQLite and on a real PostgreSQL server: the reference
round-trips through the journey's row and its saved versions; a file import naming an
unknown segmentation or segment is refused with file, row and column, nothing stored; a
renamed or removed segmentation still reads in words; the demo stores its SYNTHETIC
segmentation once and its worked example is about one of its persona cards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from healthgap.analyses import import_journey, load_demo_journeys, show_journey
from healthgap.analyses.journey_edits import JourneyEdit, edit_journey
from healthgap.analyses.journey_segments import (
    journey_segment,
    segment_from_choice,
    stored_segments,
)
from healthgap.analyses.segment_runs import DEMO_SEGMENTATION
from healthgap.datasets import build_demo_workspace
from healthgap.errors import InputError
from healthgap.journeys import load_template, write_journey_csv, write_journey_json
from healthgap.journeys.segment_refs import reference_to
from healthgap.store import (
    Database,
    delete_segment_run,
    get_segment_run,
    list_segment_runs,
    register_workspace,
    save_segment_run,
)
from healthgap.store.journey_insight import find_insight_notes
from healthgap.store.journeys import create_journey, get_journey, get_journey_version, save_journey


def _workspace(database: Database, name: str = "ws") -> int:
    with database.unit_of_work() as session:
        return register_workspace(session, name=name, path=f"/{name}", is_synthetic=True).id


def _run(database: Database, workspace_id: int, name: str = "Spring run") -> int:
    with database.unit_of_work() as session:
        return save_segment_run(
            session, workspace_id=workspace_id, owner_id=None, name=name, kind="open",
            inputs={}, record={}, method="k-means", seed=1, version="test", stability=None,
            segments={"E01000001": "1", "E01000002": "2"},
            names=[{"segment": "1", "name": "Older owners"},
                   {"segment": "2", "name": "Young families in rented homes"}],
        ).id  # fmt: skip


def test_a_stored_reference_round_trips_through_rows_and_versions(database: Database) -> None:
    workspace_id = _workspace(database)
    run_id = _run(database, workspace_id)
    [_, families] = stored_segments(database, workspace_id)
    journey = replace(load_template("stop_smoking"), segment=reference_to(families, "persona"))
    with database.unit_of_work() as session:
        create_journey(session, journey)
        save_journey(session, replace(journey, title="Changed"), expected_version=1)
    with database.reader() as session:
        current = get_journey(session, journey.id)
        first = get_journey_version(session, journey.id, 1)
    assert current is not None and first is not None
    for segment in (current.journey.segment, first.segment):
        assert (segment.kind, segment.run_id, segment.code, segment.run_name) == (
            "persona", run_id, "2", "Spring run")  # fmt: skip
        assert segment.label == "Young families in rented homes"


def test_runs_of_other_workspaces_are_not_offered_but_the_cli_sees_all(database: Database) -> None:
    mine, theirs = _workspace(database, "mine"), _workspace(database, "theirs")
    _run(database, theirs, "Their run")
    assert stored_segments(database, mine) == []
    assert {s.run_name for s in stored_segments(database, None)} == {"Their run"}
    with database.reader() as session:
        assert len(list_segment_runs(session, workspace_id=None)) == 1


@pytest.mark.parametrize("layout", ["json", "csv"])
def test_an_import_naming_an_unknown_segment_is_refused_where_it_is(
    database: Database, tmp_path: Path, layout: str
) -> None:
    workspace_id = _workspace(database)
    run_id = _run(database, workspace_id)
    [_, families] = stored_segments(database, workspace_id)
    good = replace(load_template("stop_smoking"), segment=reference_to(families, "segment"))
    cases = {
        "unknown_segmentation": replace(good.segment, run_id=run_id + 1),
        "unknown_segment": replace(good.segment, code="9"),
    }
    for rule, segment in cases.items():
        journey = replace(good, segment=segment)
        if layout == "json":
            path = write_journey_json(journey, tmp_path / f"{rule}.json")
            column = "segment.run_id" if rule == "unknown_segmentation" else "segment.code"
            expected = (str(path), None, column, rule)
        else:
            path = write_journey_csv(journey, tmp_path / rule)
            column = "segment_run_id" if rule == "unknown_segmentation" else "segment_code"
            expected = (str(path / "journey.csv"), 2, column, rule)
        with pytest.raises(InputError) as raised:
            import_journey(database, path, workspace_id=workspace_id)
        [problem] = raised.value.problems
        assert (problem.file, problem.row, problem.column, problem.rule) == expected
        with database.reader() as session:
            assert get_journey(session, good.id) is None  # all or nothing
    path = write_journey_json(good, tmp_path / "good.json")
    assert import_journey(database, path, workspace_id=workspace_id).summary["key"] == good.id


def test_an_edit_may_not_choose_an_unknown_segment_but_keeps_a_removed_one(
    database: Database,
) -> None:
    workspace_id = _workspace(database)
    run_id = _run(database, workspace_id)
    [_, families] = stored_segments(database, workspace_id)
    journey = replace(load_template("stop_smoking"), segment=reference_to(families, "segment"))
    with database.unit_of_work() as session:
        create_journey(session, journey)
    unknown = segment_from_choice(database, workspace_id, f"segment:{run_id}:7")
    assert unknown is not None
    with pytest.raises(InputError) as raised:
        edit_journey(database, journey.id, JourneyEdit("details", values={"segment": unknown}),
                     expected_version=1, workspace_id=workspace_id)  # fmt: skip
    assert [(p.column, p.rule) for p in raised.value.problems] == [("segment", "unknown_segment")]

    with database.unit_of_work() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=workspace_id)
        delete_segment_run(session, run=run)
    resolved = journey_segment(database, workspace_id, journey.segment)
    assert (resolved.status, resolved.name) == ("removed", "Young families in rented homes")
    kept = segment_from_choice(database, workspace_id, "keep", current=journey.segment)
    saved = edit_journey(database, journey.id,
                         JourneyEdit("details", values={"segment": kept, "title": "Renamed"}),
                         expected_version=1, workspace_id=workspace_id)  # fmt: skip
    after = saved.summary["journey"].segment
    assert (after.run_id, after.code, after.label) == (run_id, "2", families.name)


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("demo") / "ws", "small").path


def test_the_demo_stores_its_segmentation_once_and_its_journey_is_about_it(
    database: Database, demo_workspace: Path
) -> None:
    workspace_id = _workspace(database, "demo-small")
    first = load_demo_journeys(database, workspace=demo_workspace, workspace_id=workspace_id)
    again = load_demo_journeys(database, workspace=demo_workspace, workspace_id=workspace_id)
    assert first.summary["loaded"] and not again.summary["loaded"]
    with database.reader() as session:
        runs = list_segment_runs(session, workspace_id=workspace_id)
    assert [r.name for r in runs] == [DEMO_SEGMENTATION] and runs[0].n_segments == 4
    assert first.summary["segment"] == again.summary["segment"]  # the same segment each time
    for key in ("demo-health-check-as-is", "demo-health-check-to-be"):
        segment = show_journey(database, key).summary["journey"].segment
        assert (segment.kind, segment.run_id, segment.run_name) == (
            "persona", runs[0].id, DEMO_SEGMENTATION)  # fmt: skip
        assert segment.label == first.summary["segment"]
        assert journey_segment(database, workspace_id, segment).status == "current"
    with database.reader() as session:
        notes = find_insight_notes(session, segment_id=segment.id, limit=100)
    assert notes  # the worked example's notes are attached to the same segment
