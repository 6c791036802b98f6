"""Segmentations and stage suggestions in the database, on SQLite and PostgreSQL: a stored run
keeps its inputs, method, seed and version and is repeated exactly from its record; names and
suggestions are edited; a failed write leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healthgap.analyses import WorkspaceSource, repeat_segment_run, segment_areas
from healthgap.datasets import build_demo_workspace
from healthgap.errors import InputError, StorageError
from healthgap.store import (
    Database,
    create_user,
    delete_segment_run,
    get_segment_run,
    list_segment_runs,
    register_workspace,
    rename_stored_segments,
    save_segment_run,
    save_stage_suggestion,
    segment_assignments,
    stage_suggestions,
)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path = build_demo_workspace(tmp_path_factory.mktemp("demo") / "ws", "small").path
    source = WorkspaceSource.open(path)
    return source, segment_areas(source, seed=7, n_bootstrap=4)


def _ids(database: Database) -> tuple[int, int]:
    with database.unit_of_work() as session:
        user = create_user(session, username="analyst", password=PASSWORD, role="analyst")
        workspace = register_workspace(session, name="demo", path="/demo", is_synthetic=True)
        return workspace.id, user.id


def _save(database: Database, bundle, name: str = "First") -> int:  # noqa: ANN001
    workspace_id, user_id = _ids(database) if name == "First" else (1, 1)
    segments = bundle.table("segments")
    with database.unit_of_work() as session:
        run = save_segment_run(
            session,
            workspace_id=workspace_id,
            owner_id=user_id,
            name=name,
            kind="open",
            inputs=bundle.summary["inputs"],
            record=bundle.summary["record"],
            method=bundle.summary["method"],
            seed=bundle.summary["seed"],
            version=bundle.provenance.software,
            stability=bundle.summary["stability"],
            segments=dict(zip(segments["area_code"], segments["segment"].astype(str), strict=True)),
            names=bundle.summary["names"],
            quality=bundle.summary["quality"],
        )
        return run.id


def test_a_stored_run_is_repeated_exactly_from_its_record(database: Database, demo_run) -> None:  # noqa: ANN001
    source, bundle = demo_run
    run_id = _save(database, bundle)
    with database.reader() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=1)
        assert run is not None
        stored = {"inputs": run.inputs, "record": run.record, "seed": run.seed}
        labels = segment_assignments(session, run_id=run_id)
        assert run.method.startswith("k-means") and run.version.startswith("healthgap")
        assert run.n_segments == bundle.summary["n_segments"] and run.n_areas == 103
        assert [n.segment for n in run.names] == [
            str(n["segment"]) for n in bundle.summary["names"]
        ]
        assert run.quality[0]["k"] == 3
    stored = json.loads(json.dumps(stored))  # as any database gives JSON back
    assert stored["seed"] == 7 and stored["record"]["seed"] == 7
    again = repeat_segment_run(source, inputs=stored["inputs"], record=stored["record"])
    table = again.table("segments")
    assert dict(zip(table["area_code"], table["segment"].astype(str), strict=True)) == labels


def test_names_are_edited_and_runs_listed_and_deleted(database: Database, demo_run) -> None:  # noqa: ANN001
    _, bundle = demo_run
    run_id = _save(database, bundle)
    with database.unit_of_work() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=1)
        rename_stored_segments(session, run=run, names={"1": "Town centres"}, user_id=1)
    with database.reader() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=1)
        first = run.names[0]
        assert (first.name, first.edited, first.updated_by) == ("Town centres", True, 1)
        assert first.suggested == bundle.summary["names"][0]["name"]
        assert not run.names[1].edited
        assert [r.id for r in list_segment_runs(session, workspace_id=1)] == [run_id]
        assert get_segment_run(session, run_id=run_id, workspace_id=2) is None
    with database.unit_of_work() as session:
        save_stage_suggestion(
            session,
            workspace_id=1,
            grouping=f"run:{run_id}",
            run_id=run_id,
            segment="1",
            behaviour="smoking",
            stage="action",
            message="m",
            channel="c",
            offer="o",
            user_id=1,
        )
        delete_segment_run(session, run=get_segment_run(session, run_id=run_id, workspace_id=1))
    with database.reader() as session:
        assert list_segment_runs(session, workspace_id=1) == []
        assert segment_assignments(session, run_id=run_id) == {}
        assert stage_suggestions(session, workspace_id=1, grouping=f"run:{run_id}") == []


def test_run_names_are_unique_and_a_failed_write_leaves_nothing(
    database: Database,
    demo_run,  # noqa: ANN001
) -> None:
    _, bundle = demo_run
    _save(database, bundle)
    with pytest.raises(InputError) as caught:
        _save(database, bundle, name="First ")  # the same name, once trimmed
    assert caught.value.problems[0].rule == "duplicate_name"
    # two names for one segment break the table's key: nothing of the run is kept
    with pytest.raises(StorageError), database.unit_of_work() as session:
        save_segment_run(
            session,
            workspace_id=1,
            owner_id=1,
            name="Broken",
            kind="open",
            inputs={},
            record={},
            method="m",
            seed=1,
            version="v",
            stability=None,
            segments={"E01000001": "1"},
            names=[{"segment": "1", "name": "One"}, {"segment": "1", "name": "Again"}],
        )
    with database.reader() as session:
        assert [r.name for r in list_segment_runs(session, workspace_id=1)] == ["First"]


def test_stage_suggestions_are_replaced_per_cell(database: Database) -> None:
    workspace_id, user_id = _ids(database)
    for offer in ("Walk-in clinic", "Walk-in clinic on Fridays"):
        with database.unit_of_work() as session:
            save_stage_suggestion(
                session,
                workspace_id=workspace_id,
                grouping="deprivation_quintile",
                run_id=None,
                segment="1",
                behaviour="smoking",
                stage="preparation",
                message="Start now",
                channel="Text message",
                offer=offer,
                user_id=user_id,
            )
    with database.reader() as session:
        cells = stage_suggestions(
            session, workspace_id=workspace_id, grouping="deprivation_quintile"
        )
    assert cells == [
        {
            "segment": "1",
            "behaviour": "smoking",
            "stage": "preparation",
            "message": "Start now",
            "channel": "Text message",
            "offer": "Walk-in clinic on Fridays",
        }
    ]


def test_the_segment_tables_are_migration_1302() -> None:
    from healthgap.store.migrations.versions import r1302_segments

    assert r1302_segments.revision == "1302"
    assert Path(r1302_segments.__file__).name == "r1302_segments.py"
