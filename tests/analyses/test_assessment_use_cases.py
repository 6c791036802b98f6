"""The self-assessment use cases: frameworks and packs, who may do what in a workshop, hidden
answers until the individual round closes, the consensus conflict in plain words, and ratings
from a file (all or nothing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from assessment_helpers import HINST_QUICK, agree_some, run_individual_round
from healthgap.analyses import (
    agree_item,
    assessment_overview,
    consensus_view,
    export_content_pack,
    install_content_pack,
    invite_participants,
    list_frameworks,
    my_assessments,
    open_consensus,
    rate_item,
    rate_items_from_file,
    rating_sheet,
    show_framework,
    start_assessment,
)
from healthgap.errors import InputError, PermissionDenied
from healthgap.store import Database
from healthgap.store.accounts import use_password_hasher


@pytest.fixture(scope="module", autouse=True)
def cheap_hashing() -> Iterator[None]:
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    use_password_hasher(PasswordHasher())


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'assess.db'}")
    yield db
    db.dispose()


def test_frameworks_are_listed_and_shown() -> None:
    listed = list_frameworks().table("frameworks").set_index("framework_id")
    assert listed.loc[
        ["hinst_cbo", "pots", "pit", "pit_tool_a", "nsmc_benchmarks"], "items"
    ].tolist() == [12, 13, 7, 10, 8]
    shown = show_framework("hinst_cbo")
    assert shown.summary["levels"] == [
        "Not in place",
        "Early",
        "Developing",
        "Established",
        "Exemplary",
    ]
    scale = shown.table("scale")
    assert scale["order"].isna().tolist()[-2:] == [True, True]  # don't know, not applicable
    assert "data_steps" in show_framework("pit_tool_a").tables


def test_a_new_version_installs_and_a_bad_pack_installs_nothing(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    text = export_content_pack("nsmc_benchmarks").replace("version: '1.0'", "version: '1.1'")
    (tmp_path / "new.yaml").write_text(text, encoding="utf-8")
    installed = install_content_pack(tmp_path / "new.yaml", packs=packs)
    assert installed.summary["version"] == "1.1"
    assert show_framework("nsmc_benchmarks", packs=packs).summary["versions"] == ["1.0", "1.1"]
    broken = text.replace("version: '1.1'", "version: '1.2'").replace(
        "id: customer_orientation", "id: behaviour"
    )
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        install_content_pack(tmp_path / "broken.yaml", packs=packs)
    problem = caught.value.problems[0]
    assert (problem.file, problem.rule) == ("broken.yaml", "duplicate_item_id")
    assert problem.row is not None and problem.row > 1
    assert sorted(p.name for p in packs.iterdir()) == ["nsmc_benchmarks-1.1.yaml"]


def test_who_may_do_what(database: Database) -> None:
    workshop = run_individual_round(database)
    aid, users = workshop.assessment_id, workshop.users
    with pytest.raises(PermissionDenied, match="analyst or admin"):
        start_assessment(
            database,
            user_id=users["ann"],
            framework="pit",
            place="E07900034",
            topic="CVD",
            period="2025",
        )
    with pytest.raises(PermissionDenied, match="facilitator"):
        invite_participants(database, aid, user_id=users["ann"], usernames=["root"])
    with pytest.raises(PermissionDenied, match="facilitator"):
        open_consensus(database, aid, user_id=users["bob"])
    with pytest.raises(PermissionDenied, match="analyst or an admin"):
        invite_participants(
            database, aid, user_id=users["fac"], usernames=["root", "ann"], role="facilitator"
        )  # ann is a viewer: the whole invitation is refused, root is not added either
    assert "root" not in [p["participant"] for p in _progress(database, aid, users["fac"])]
    # an admin who takes no part may read but not rate
    assert assessment_overview(database, aid, user_id=users["root"]).summary["my_role"] == ""
    with pytest.raises(PermissionDenied, match="do not take part"):
        rate_item(database, aid, user_id=users["root"], item_id="known_needs", level="1")
    listed = my_assessments(database, user_id=users["ann"]).table("assessments")
    assert listed["assessment_id"].tolist() == [aid]


def _progress(database: Database, aid: int, user_id: int) -> list[dict]:
    return assessment_overview(database, aid, user_id=user_id).summary["participants"]


def test_answers_stay_hidden_until_the_individual_round_closes(database: Database) -> None:
    workshop = run_individual_round(database)
    aid, users = workshop.assessment_id, workshop.users
    progress = {p["participant"]: p["rated"] for p in _progress(database, aid, users["ann"])}
    assert progress == {"fac": 0, "ann": 12, "bob": 12, "cat": 12}
    sheet = rating_sheet(database, aid, user_id=users["bob"]).table("items")
    assert set(sheet["my_rationale"]) == {f"bob on {item}" for item in HINST_QUICK}
    for who in ("ann", "fac"):
        with pytest.raises(PermissionDenied, match="hidden until"):
            consensus_view(database, aid, user_id=users[who])
    open_consensus(database, aid, user_id=users["fac"])
    view = consensus_view(database, aid, user_id=users["ann"])
    assert set(view.table("ratings")["participant"]) == {
        "Participant 2",
        "Participant 3",
        "Participant 4",
    }
    with pytest.raises(InputError, match="in its consensus round"):
        rate_item(database, aid, user_id=users["ann"], item_id="known_needs", level="4")


def test_a_second_facilitator_is_told_who_decided_what(database: Database) -> None:
    workshop = run_individual_round(database)
    aid, users = workshop.assessment_id, workshop.users
    invite_participants(database, aid, user_id=users["fac"], usernames=["root"], role="facilitator")
    open_consensus(database, aid, user_id=users["fac"])
    agree_item(
        database,
        aid,
        user_id=users["fac"],
        item_id="known_needs",
        level="2",
        reason="counted, not by group",
    )
    with pytest.raises(InputError) as caught:
        agree_item(
            database,
            aid,
            user_id=users["root"],
            item_id="known_needs",
            level="3",
            reason="we think it is better",
        )
    (problem,) = caught.value.problems
    assert problem.rule == "consensus_conflict"
    assert "fac recorded the agreed level of “Known population health needs”" in problem.message
    assert "Developing, because counted, not by group" in problem.message
    assert "revision 1" in problem.message
    changed = agree_item(
        database,
        aid,
        user_id=users["root"],
        item_id="known_needs",
        level="3",
        reason="we think it is better",
        expected_revision=1,
    )
    assert changed.summary["revision"] == 2
    view = consensus_view(database, aid, user_id=users["fac"]).summary
    assert view["revisions"]["known_needs"] == {"revision": 2, "by": "root"}


def test_two_facilitators_at_once_leave_one_record(database: Database) -> None:
    workshop = run_individual_round(database)
    aid, users = workshop.assessment_id, workshop.users
    invite_participants(database, aid, user_id=users["fac"], usernames=["root"], role="facilitator")
    open_consensus(database, aid, user_id=users["fac"])
    start, outcomes = threading.Barrier(2), {}

    def close(name: str, level: str) -> None:
        start.wait()
        try:
            agree_item(
                database,
                aid,
                user_id=users[name],
                item_id="accessibility",
                level=level,
                reason=f"{name}'s view",
            )
            outcomes[name] = "saved"
        except InputError as error:
            outcomes[name] = error.problems[0].rule

    threads = [threading.Thread(target=close, args=a) for a in (("fac", "1"), ("root", "3"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["consensus_conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    view = consensus_view(database, aid, user_id=users["fac"]).summary
    row = next(r for r in view["items_table"] if r["item_id"] == "accessibility")
    assert row["agreed_reason"] == f"{winner}'s view"
    assert view["revisions"]["accessibility"]["revision"] == 1


def test_ratings_from_a_file_are_all_or_nothing(database: Database, tmp_path: Path) -> None:
    workshop = run_individual_round(database)
    aid, users = workshop.assessment_id, workshop.users
    invite_participants(database, aid, user_id=users["fac"], usernames=["root"])
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        "item,level,rationale,evidence,confidence\n"
        "known_needs,2,JSNA counts it,JSNA 2024; QOF,high\n"
        "accessibility,7,,,\n"
        "no_such_item,1,,,sure\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        rate_items_from_file(database, aid, user_id=users["root"], path=ratings)
    found = {(p.row, p.column, p.rule) for p in caught.value.problems}
    assert (3, "level", "level_not_on_scale") in found
    assert (4, "item_id", "unknown_item") in found
    assert all(p.file == str(ratings) for p in caught.value.problems)
    assert rating_sheet(database, aid, user_id=users["root"]).summary["rated"] == 0
    ratings.write_text(
        "item,level,evidence\nknown_needs,2,JSNA 2024; QOF\naccessibility,dont_know,\n",
        encoding="utf-8",
    )
    assert (
        rate_items_from_file(database, aid, user_id=users["root"], path=ratings).summary["rated"]
        == 2
    )
    sheet = rating_sheet(database, aid, user_id=users["root"]).table("items").set_index("item_id")
    assert sheet.loc["known_needs", "my_evidence"] == "JSNA 2024\nQOF"
    assert sheet.loc["accessibility", "my_answer"] == "Don't know"
    agree_some(workshop)
