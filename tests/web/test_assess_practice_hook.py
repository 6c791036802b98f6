"""The place on an assessment item's pages where the practice bank's examples of good practice
appear: each item carries the bank's id for it, the pages pass that id, and the examples block
renders the bank's partial only when the page is given ``practice_examples``."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader
from test_assess_pages import _client, _post, _start

from healthgap.analyses import practice_for_item
from healthgap.assessment import shipped_catalogue
from healthgap.practice.content_files import load_case_studies
from healthgap.store import Database

PARTIAL = "practice/_examples_for_item.html"
ITEM_PAGES = ("assess_rate_item.html", "assess_consensus_item.html")


def test_every_item_the_bank_files_examples_under_is_an_assessment_item() -> None:
    catalogue = shipped_catalogue()
    known = {
        item.practice_id
        for framework in ("hinst_cbo", "nsmc_benchmarks")
        for item in catalogue.get(framework).items
        if item.practice_id
    }
    assert len(known) == 12 + 8
    used = {
        item
        for study in load_case_studies()
        for item in study.framework_items
        if item.split("/", 1)[0] in {"hinst", "nsmc"}
    }
    assert used, "the shipped bank files examples under hinst/ and nsmc/ items"
    assert used <= known, sorted(used - known)


@pytest.mark.parametrize("page", ITEM_PAGES)
def test_examples_block_renders_the_partial_only_when_given(app, page: str) -> None:  # noqa: ANN001
    partial = "<section data-testid=practice>{{ practice_item_id }}: {{ practice_examples|length }}"
    env = app.state.templates.env.overlay(
        loader=ChoiceLoader([DictLoader({PARTIAL: partial}), app.state.templates.env.loader])
    )
    template = env.get_template(page)
    block = template.blocks["practice_examples"]
    given = {"practice_item_id": "nsmc/insight", "practice_examples": [{"title": "a"}] * 2}
    assert "".join(block(template.new_context(given))) == (
        "<section data-testid=practice>nsmc/insight: 2"
    )
    for absent in ({"practice_item_id": "nsmc/insight"}, {"practice_examples": []}):
        assert "".join(block(template.new_context(absent))).strip() == ""


def test_item_pages_show_the_banks_examples_for_the_item(
    app,  # noqa: ANN001
    database: Database,
    demo_la: str,
) -> None:
    fac = _client(app, database, "analyst", "fac-practice")
    aid = _start(fac, demo_la)
    rating = fac.get(f"/assess/{aid}/rate/service_volumes")
    assert rating.status_code == 200
    assert rating.context["practice_item_id"] == "hinst/adequate_service_volumes"
    expected = practice_for_item("hinst/adequate_service_volumes", database=database)
    assert expected and rating.context["practice_examples"] == expected
    assert "Examples of good practice" in rating.text
    assert all(f'href="{e.url}"' in rating.text for e in expected)
    assert _post(fac, f"/assess/{aid}/consensus/open").status_code == 303
    consensus = fac.get(f"/assess/{aid}/consensus/known_needs")
    assert consensus.status_code == 200
    assert consensus.context["practice_item_id"] == "hinst/known_population_health_needs"
    assert "Examples of good practice" in consensus.text
    for example in practice_for_item("hinst/known_population_health_needs", database=database):
        assert f'href="{example.url}"' in consensus.text
