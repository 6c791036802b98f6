"""Who a journey or an insight note is about, over HTTP: the forms list the served
workspace's stored segments and persona cards in words, refuse an unknown one at the field,
say so when none is stored (with a link to the Segments page), and a renamed or removed
segmentation still reads in words."""

from __future__ import annotations

from test_journeys_web import post
from web_helpers import unlinked

from healthgap.analyses import list_journeys, search_notes, show_journey


def _store_run(app, database, name: str = "Spring run") -> int:  # noqa: ANN001
    from healthgap.store import save_segment_run

    with database.unit_of_work() as session:
        run = save_segment_run(
            session, workspace_id=app.state.services.workspaces.workspace_id, owner_id=None,
            name=name, kind="open", inputs={}, record={}, method="k-means", seed=1,
            version="test", stability=None, segments={"E01000001": "1", "E01000002": "2"},
            names=[{"segment": "1", "name": "1: higher income deprivation"},
                   {"segment": "2", "name": "Young families in rented homes"}],
        )  # fmt: skip
        return run.id


def test_the_form_lists_stored_segments_and_refuses_an_unknown_one(
    app, client_as, database
) -> None:  # noqa: ANN001, E501
    run_id = _store_run(app, database)
    analyst = client_as("analyst")
    page = unlinked(analyst.get("/journeys").text)
    assert f'value="segment:{run_id}:2"' in page and f'value="persona:{run_id}:2"' in page
    assert "Segment 2 — Young families in rented homes (segmentation “Spring run” of" in page
    assert "Segment 1 — higher income deprivation" in page  # not "Segment 1 — 1: ..."
    assert "4 segments" not in page and ", 2 segments)" in page
    assert "No segmentation of this workspace" not in page
    for unknown in (f"segment:{run_id}:9", f"persona:{run_id + 50}:1", "segment:x:1"):
        refused = post(analyst, "/journeys", {"template": "stop_smoking", "segment": unknown})
        assert refused.status_code == 400, unknown
        assert 'href="#segment"' in refused.text, unknown  # the summary links to the picker
    assert list_journeys(database).table("journeys").empty  # nothing stored
    made = post(analyst, "/journeys", {"template": "stop_smoking",
                                       "segment": f"persona:{run_id}:2"})  # fmt: skip
    key = made.headers["location"].split("/")[2].split("?")[0]
    segment = show_journey(database, key).summary["journey"].segment
    assert (segment.kind, segment.run_id, segment.code) == ("persona", run_id, "2")
    assert (segment.label, segment.run_name) == ("Young families in rented homes", "Spring run")
    shown = unlinked(analyst.get(f"/journeys/{key}").text)
    assert f'href="/segments?run={run_id}#persona-2"' in shown
    assert "The persona card of segment 2" in shown
    details = analyst.get(f"/journeys/{key}/details").text
    assert f'<option value="persona:{run_id}:2" selected>' in details


def test_a_removed_or_renamed_segmentation_still_reads_in_words(app, client_as, database) -> None:  # noqa: ANN001, E501
    from healthgap.store import delete_segment_run, get_segment_run, rename_stored_segments

    run_id = _store_run(app, database)
    workspace_id = app.state.services.workspaces.workspace_id
    analyst = client_as("analyst")
    made = post(analyst, "/journeys", {"template": "stop_smoking",
                                       "segment": f"segment:{run_id}:2"})  # fmt: skip
    key = made.headers["location"].split("/")[2].split("?")[0]
    with database.unit_of_work() as session:
        run = get_segment_run(session, run_id=run_id, workspace_id=workspace_id)
        rename_stored_segments(session, run=run, names={"2": "Renters"}, user_id=None)
    shown = unlinked(analyst.get(f"/journeys/{key}").text)
    assert "Renters" in shown and "has since been renamed" in shown
    with database.unit_of_work() as session:
        delete_segment_run(session, run=get_segment_run(session, run_id=run_id,
                                                        workspace_id=workspace_id))  # fmt: skip
    shown = unlinked(analyst.get(f"/journeys/{key}").text)
    assert "Young families in rented homes" in shown
    assert "This segmentation has since been removed" in shown
    assert f"/segments?run={run_id}" not in shown
    details = analyst.get(f"/journeys/{key}/details").text
    assert '<option value="keep" selected>' in details
    kept = post(analyst, f"/journeys/{key}/edit", {
        "version": "1", "action": "details", "page": "details", "title": "Kept",
        "goal": "Quit", "kind": "as_is", "segment": "keep", "version_date": "2025-01-01",
    }, page=f"/journeys/{key}/details")  # fmt: skip
    assert kept.status_code == 303, kept.text
    assert show_journey(database, key).summary["journey"].segment.run_id == run_id


def test_a_note_is_attached_to_stored_segments_by_ticking_them(app, client_as, database) -> None:  # noqa: ANN001, E501
    run_id = _store_run(app, database)
    analyst = client_as("analyst")
    form = analyst.get("/insight-notes/new").text
    assert f'value="segmentation-{run_id}-segment-2"' in form and 'type="checkbox"' in form
    assert "Segment 2 — Young families in rented homes" in form
    note = {"title": "Drop-in", "method": "focus_group", "held_on": "2025-03-20",
            "consent_basis": "written consent", "themes": "Waiting"}  # fmt: skip
    key = f"segmentation-{run_id}-segment-"
    refused = post(analyst, "/insight-notes", {**note, "segment_ids": f"{key}9"},
                   page="/insight-notes/new")  # fmt: skip
    assert refused.status_code == 400 and 'href="#segment_ids"' in refused.text
    assert "no stored segment" in refused.text
    assert search_notes(database).summary["notes"] == []
    saved = post(analyst, "/insight-notes",
                 {**note, "segment_ids": f"{key}2", "segment_ids_described": "drivers-40-74"},
                 page="/insight-notes/new")  # fmt: skip
    assert saved.status_code == 303, saved.text
    (stored,) = search_notes(database).summary["notes"]
    assert stored.segment_ids == (f"segmentation-{run_id}-segment-2", "drivers-40-74")
    page = analyst.get(saved.headers["location"]).text
    assert "Segment 2 — Young families in rented homes" in page  # in words, not its id
    assert '<select class="govuk-select" id="segment-link" name="value">' in page
    linked = post(analyst, f"/insight-notes/{stored.id}/links",
                  {"kind": "segment", "value": f"segmentation-{run_id}-segment-1"},
                  page=saved.headers["location"])  # fmt: skip
    assert linked.status_code == 303
    (stored,) = search_notes(database).summary["notes"]
    assert f"segmentation-{run_id}-segment-1" in stored.segment_ids
    unknown = post(analyst, f"/insight-notes/{stored.id}/links",
                   {"kind": "segment", "value": f"segmentation-{run_id + 9}-segment-1"},
                   page=saved.headers["location"])  # fmt: skip
    assert unknown.status_code == 400 and "no stored segment" in unknown.text
