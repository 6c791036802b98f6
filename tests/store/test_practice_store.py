"""The practice bank in the database: seed, search, facets, workflow, audit, rollback; on SQLite
and on a real PostgreSQL server, with the same search results on both."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import db_fixtures
import pytest
from sqlalchemy import create_engine, inspect, text

from healthgap.errors import InputError, PermissionDenied, StorageError
from healthgap.practice import (
    Actor,
    PracticeRole,
    Status,
    case_study_from_mapping,
    load_case_studies,
    load_research,
    write_references,
)
from healthgap.practice.case_study import EXAMPLE
from healthgap.practice.references import EXAMPLE_ENTRY
from healthgap.store import (
    Database,
    UploadedFile,
    add_attachment,
    add_comment,
    attachments,
    audit_trail,
    case_studies,
    case_studies_due_for_review,
    comments,
    create_user,
    documents_linked_to,
    found_documents,
    get_case_study,
    get_research_entry,
    import_research,
    install_seed,
    member_role,
    more_like_this,
    moves_for,
    normalise_url,
    ranked_search,
    research_entries,
    save_case_study,
    save_research_entry,
    set_member_role,
    similar_terms,
    transition,
)
from healthgap.store.models import Base
from healthgap.store.practice import FTS_ARTEFACTS, PracticeCaseStudy

EDITOR = Actor("Eve Editor", PracticeRole.editor)
REVIEWER = Actor("Rob Reviewer", PracticeRole.reviewer)
CONTRIBUTOR = Actor("Cat Contributor", PracticeRole.contributor)

#: Typical questions and the seeded examples that must come first (in any order among them).
TYPICAL = {
    "smoking men": {"case:ss-newham-mosque-quit", "case:ss-quit-men-40-60"},
    "late booking": {"case:ss-antenatal-late-booking"},
    "text message": {"case:ss-nelincs-coast"},
    "healthy living pharmacy": {"case:ff-portsmouth-hlp"},
    "community champions": {"case:ff-whitecity-champions"},
    "midwives smoking": {"case:ss-midwife-training"},
    "non-attenders heart": {"case:ss-nottingham-happy-hearts"},
    "hospital stop smoking referrals": {"case:ff-medway-cquin"},
    "evening weekend clinics": {"case:ss-extended-hours"},
    "dental chlamydia": {"case:ff-windsor-dental"},
}


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    yield from db_fixtures.start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from db_fixtures.open_database(request, tmp_path)


@pytest.fixture
def seeded(database: Database) -> Database:
    with database.unit_of_work() as session:
        install_seed(session, EDITOR)
    return database


@contextmanager
def _own_postgres_database(url: str, name: str) -> Iterator[str]:
    """A database of its own on the test server, so module-long data survive the per-test
    schema resets of the ``database`` fixture."""
    server = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield str(normalise_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bank(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The seeded bank, installed once per database for the tests that only read it."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('bank') / 'bank.db'}"
        else:
            server = request.getfixturevalue("postgres_url")
            url = stack.enter_context(_own_postgres_database(server, "healthgap_bank"))
        db = Database(url)
        stack.callback(db.dispose)
        with db.unit_of_work() as session:
            install_seed(session, EDITOR)
        yield db


def test_migrated_schema_is_the_metadata_plus_the_search_artefacts(database: Database) -> None:
    inspector = inspect(database.engine)
    migrated = set(inspector.get_table_names()) - {"alembic_version"}
    extra = migrated - set(Base.metadata.tables)
    assert extra <= FTS_ARTEFACTS
    assert "practice_search" in extra
    for name in ("practice_case_studies", "practice_research_entries", "practice_tags"):
        table = Base.metadata.tables[name]
        assert {c["name"] for c in inspector.get_columns(name)} == {c.name for c in table.columns}
    if database.engine.dialect.name == "postgresql":
        indexes = {i["name"] for i in inspector.get_indexes("practice_search")}
        assert "ix_practice_search_document" in indexes


def test_seed_installs_once(bank: Database) -> None:
    with bank.unit_of_work() as session:
        assert install_seed(session, EDITOR) == (0, 0)
    with bank.reader() as session:
        assert len(case_studies(session, statuses=[Status.published])) == len(load_case_studies())
        assert len(research_entries(session)) == len(load_research())
        assert get_case_study(session, "ss-newham-mosque-quit").place_codes == ("E09000025",)


@pytest.mark.parametrize("query", sorted(TYPICAL))
def test_typical_questions_find_the_right_examples_first(bank: Database, query: str) -> None:
    expected = TYPICAL[query]
    with bank.reader() as session:
        result = ranked_search(session, query, filters={"status": ["published"]}, limit=10)
    top = [hit.doc_key for hit in result.hits[: len(expected)]]
    assert set(top) == expected, [h.doc_key for h in result.hits]
    assert result.hits[0].score == max(h.score for h in result.hits)


def test_facet_counts_equal_a_count_of_the_matching_content(bank: Database) -> None:
    with bank.reader() as session:
        result = ranked_search(session, "smoking", filters={"kind": ["case"]}, limit=100)
        matched = [get_case_study(session, h.doc_key.split(":", 1)[1]) for h in result.hits]
    assert result.total == len(matched) > 5
    assert result.facets["evidence"] == dict(Counter(c.evidence.value for c in matched))
    assert result.facets["topic"] == dict(Counter(t for c in matched for t in c.topics))
    assert result.facets["triangle"] == dict(
        Counter(p.value for c in matched for p in c.triangle_parts)
    )
    assert result.facets["kind"] == {"case": len(matched)}


def test_filters_combine_across_facets_and_alternatives_within_one(bank: Database) -> None:
    with bank.reader() as session:
        both = ranked_search(session, "", filters={"topic": ["tobacco", "alcohol"]}, limit=500)
        strong = ranked_search(
            session, "", filters={"topic": ["tobacco"], "evidence": ["before_after"]}, limit=500
        )
    cases = {c.id: c for c in load_case_studies()}
    research = {e.id: e for e in load_research()}

    def topics(key: str) -> tuple[str, ...]:
        kind, slug = key.split(":", 1)
        return (cases if kind == "case" else research)[slug].topics

    assert {h.doc_key for h in both.hits} == {
        *(f"case:{i}" for i, c in cases.items() if {"tobacco", "alcohol"} & set(c.topics)),
        *(f"research:{i}" for i, e in research.items() if {"tobacco", "alcohol"} & set(e.topics)),
    }
    assert all("tobacco" in topics(h.doc_key) for h in strong.hits)
    assert {h.doc_key for h in strong.hits} == {
        "case:ff-portsmouth-hlp",
        "case:ff-walton-staff",
        "case:ff-medway-cquin",
    }


def test_phrases_exclusions_and_highlights(bank: Database) -> None:
    with bank.reader() as session:
        phrase = ranked_search(session, '"text message"', limit=50)
        excluded = ranked_search(session, "smoking -pregnancy", limit=100)
        [found] = found_documents(session, phrase)
    assert found.kind == "case" and found.document.id == "ss-nelincs-coast"
    assert [p.text for p in found.snippet if p.hit] == ["text", "message"]
    assert [p.text for p in found.title if p.hit] == ["text", "message"]
    assert [h.doc_key for h in phrase.hits] == ["case:ss-nelincs-coast"]
    assert "case:ss-midwife-training" not in {h.doc_key for h in excluded.hits}
    assert "case:ss-newham-mosque-quit" in {h.doc_key for h in excluded.hits}


def test_more_like_this_finds_other_stop_smoking_examples(bank: Database) -> None:
    with bank.reader() as session:
        terms = similar_terms(session, "case:ss-newham-mosque-quit")
        result = more_like_this(session, "case:ss-newham-mosque-quit")
    assert "smoke" in terms and "mosqu" in terms
    top = [h.doc_key for h in result.hits[:5]]
    assert "case:ss-newham-mosque-quit" not in top
    assert "case:ss-quit-men-40-60" in top


def _search_snapshot(database: Database) -> list[object]:
    """Per query: total, facets, and the hits as tiers (engine-independent keys) with the set of
    documents in each, in order; plus the "more like this" terms of one example."""
    queries = [*TYPICAL, "insight", "blood pressure", '"stop smoking" -hospital', "deprived"]
    out: list[object] = []
    with database.reader() as session:
        for query in queries:
            result = ranked_search(session, query, limit=1000)
            tiers: list[tuple[object, set[str]]] = []
            for hit in result.hits:
                if not tiers or tiers[-1][0] != hit.tier:
                    tiers.append((hit.tier, set()))
                tiers[-1][1].add(hit.doc_key)
            out.append((query, result.total, result.facets, tiers))
        out.append(similar_terms(session, "case:ff-windsor-dental"))
    return out


def test_sqlite_and_postgresql_give_the_same_results(tmp_path: Path, postgres_url: str) -> None:
    with _own_postgres_database(postgres_url, "healthgap_same") as url:
        lite, pg = Database(f"sqlite:///{tmp_path / 'same.db'}"), Database(url)
        try:
            for db in (lite, pg):
                with db.unit_of_work() as session:
                    install_seed(session, EDITOR)
            assert _search_snapshot(lite) == _search_snapshot(pg)
        finally:
            lite.dispose()
            pg.dispose()


def test_links_both_ways(bank: Database) -> None:
    with bank.reader() as session:
        assert documents_linked_to(session, "parameter", "smoking_cessation.p52") == [
            "research:ferguson2005"
        ]
        intervention = documents_linked_to(session, "intervention", "smoking_cessation")
        assert {"case:ss-newham-mosque-quit", "research:bauld2007"} <= set(intervention)
        assert "case:ss-newham-mosque-quit" in documents_linked_to(session, "item", "nsmc/insight")
        assert documents_linked_to(session, "source_key", "ctt2010") == ["research:ctt2010"]


def _new_case(slug: str = "example-quit-clinic"):
    return case_study_from_mapping({**EXAMPLE, "id": slug, "status": "draft"})


def test_review_workflow_with_audit_trail_and_comments(database: Database) -> None:
    key = "case:example-quit-clinic"
    with database.unit_of_work() as session:
        save_case_study(session, _new_case(), CONTRIBUTOR)
    with database.unit_of_work() as session:
        assert [a for _, a in moves_for(session, key, CONTRIBUTOR)] == ["submit"]
        transition(session, key, Status.submitted, CONTRIBUTOR)
    with pytest.raises(PermissionDenied), database.unit_of_work() as session:
        transition(session, key, Status.reviewed, Actor("Cat Contributor", PracticeRole.editor))
    with pytest.raises(InputError), database.unit_of_work() as session:
        transition(session, key, Status.draft, REVIEWER)  # returning needs a reason
    with database.unit_of_work() as session:
        transition(session, key, Status.draft, REVIEWER, comment="Add the quit numbers, please.")
        transition(session, key, Status.submitted, CONTRIBUTOR)
        add_comment(session, key, CONTRIBUTOR, "Numbers added in the results.")
        transition(session, key, Status.reviewed, REVIEWER, today=date(2026, 12, 1))
        transition(session, key, Status.published, EDITOR)
    with database.reader() as session:
        stored = get_case_study(session, "example-quit-clinic")
        trail = [(e.actor_name, e.action, e.to_status) for e in audit_trail(session, key)]
        notes = [(c.author_name, c.kind) for c in comments(session, key)]
        published = ranked_search(session, "quit clinic", filters={"status": ["published"]})
    assert stored.status is Status.published
    assert (stored.reviewed_by, stored.reviewed_on) == ("Rob Reviewer", date(2026, 12, 1))
    assert trail[0] == ("Cat Contributor", "created", "draft")
    assert [a for _, a, _ in trail if a != "commented"] == [
        "created",
        "submit",
        "return",
        "submit",
        "approve",
        "publish",
    ]
    assert notes == [("Rob Reviewer", "change_request"), ("Cat Contributor", "comment")]
    assert published.hits[0].doc_key == key


def test_edits_are_audited_field_by_field(database: Database) -> None:
    with database.unit_of_work() as session:
        save_case_study(session, _new_case(), CONTRIBUTOR)
    with database.unit_of_work() as session:
        changed = replace(_new_case(), title="Stop-smoking drop-in at the community centre")
        save_case_study(session, changed, CONTRIBUTOR)
        save_case_study(session, changed, CONTRIBUTOR)  # no change: no event
    with database.reader() as session:
        events = audit_trail(session, "case:example-quit-clinic")
    assert [e.action for e in events] == ["created", "updated"]
    assert events[1].changes == {
        "title": [EXAMPLE["title"], "Stop-smoking drop-in at the community centre"]
    }


def test_concurrent_edits_of_one_submission_leave_one_consistent_record(database: Database) -> None:
    with database.unit_of_work() as session:
        version = save_case_study(session, _new_case(), CONTRIBUTOR).version
    # Two editors loaded the same version; the first save wins, the second is refused.
    with database.unit_of_work() as session:
        first = replace(_new_case(), title="First editor's title")
        save_case_study(session, first, CONTRIBUTOR, expected_version=version)
    with pytest.raises(StorageError), database.unit_of_work() as session:
        second = replace(_new_case(), title="Second editor's title")
        save_case_study(session, second, CONTRIBUTOR, expected_version=version)
    with pytest.raises(StorageError), database.unit_of_work() as session:
        transition(
            session,
            "case:example-quit-clinic",
            Status.submitted,
            CONTRIBUTOR,
            expected_version=version,
        )
    # Within one transaction, a row changed underneath the ORM is caught by the version lock.
    with pytest.raises(StorageError), database.unit_of_work() as session:
        loaded = session.query(PracticeCaseStudy).one()  # held, so the ORM keeps this version
        session.execute(text("UPDATE practice_case_studies SET version = version + 1"))
        save_case_study(session, replace(_new_case(), title="Third"), CONTRIBUTOR)
        assert loaded.slug
    with database.reader() as session:
        assert get_case_study(session, "example-quit-clinic").title == "First editor's title"
        assert audit_trail(session, "case:example-quit-clinic")[-1].action == "updated"
    # The same for research entries.
    with database.unit_of_work() as session:
        version = save_research_entry(session, EXAMPLE_ENTRY, EDITOR).version
        save_research_entry(
            session, replace(EXAMPLE_ENTRY, summary="First."), EDITOR, expected_version=version
        )
    with pytest.raises(StorageError), database.unit_of_work() as session:
        save_research_entry(
            session, replace(EXAMPLE_ENTRY, summary="Second."), EDITOR, expected_version=version
        )
    with database.reader() as session:
        assert get_research_entry(session, EXAMPLE_ENTRY.id).summary == "First."


def test_duplicate_research_is_refused_and_nothing_is_half_saved(seeded: Database) -> None:
    duplicate = replace(
        EXAMPLE_ENTRY,
        id="another-id",
        title="Mortality in relation to smoking: 50 years' observations on male British doctors",
    )
    with pytest.raises(InputError) as caught, seeded.unit_of_work() as session:
        save_research_entry(session, EXAMPLE_ENTRY, EDITOR)
        save_research_entry(session, duplicate, EDITOR)
    assert caught.value.problems[0].rule == "duplicate_title"
    with seeded.reader() as session:
        assert get_research_entry(session, EXAMPLE_ENTRY.id) is None
        found = ranked_search(session, "quit line", limit=100)
    assert f"research:{EXAMPLE_ENTRY.id}" not in {h.doc_key for h in found.hits}


def test_import_is_all_or_nothing(seeded: Database) -> None:
    good = write_references([EXAMPLE_ENTRY], format="ris")
    bad = good + "TY  - JOUR\nTI  - A second study without a year or type\nER  - \n"
    with pytest.raises(InputError) as caught, seeded.unit_of_work() as session:
        import_research(session, bad, format="ris", file="upload.ris", actor=CONTRIBUTOR)
    problems = {(p.rule, p.column, p.row) for p in caught.value.problems}
    second_title_line = good.count("\n") + 2  # "TY" opens the second reference, "TI" follows
    assert problems == {
        ("missing_field", "type", second_title_line - 1),
        ("missing_field", "summary", second_title_line - 1),
        ("no_citation", "doi", second_title_line - 1),
    }
    with seeded.reader() as session:
        assert get_research_entry(session, EXAMPLE_ENTRY.id) is None
    with seeded.unit_of_work() as session:
        imported = import_research(session, good, format="ris", file="up.ris", actor=CONTRIBUTOR)
    with seeded.reader() as session:
        stored = get_research_entry(session, imported[0].id)
    assert stored.status is Status.draft and stored.title == EXAMPLE_ENTRY.title


def test_attachments_are_checked_before_anything_is_recorded(database: Database) -> None:
    key = "case:example-quit-clinic"
    pdf = b"%PDF-1.7\n...\n"
    with database.unit_of_work() as session:
        save_case_study(session, _new_case(), CONTRIBUTOR)
        add_attachment(
            session,
            key,
            CONTRIBUTOR,
            UploadedFile(
                "Evaluation <final>.pdf",
                "application/pdf",
                pdf,
                len(pdf),
                hashlib.sha256(pdf).hexdigest(),
                "uploads/1.pdf",
            ),
        )
    for upload in (
        UploadedFile("run.exe", "application/octet-stream", b"MZ", 2, "0" * 64, "x"),
        UploadedFile("big.pdf", "application/pdf", pdf, 11 * 1024 * 1024, "0" * 64, "x"),
        UploadedFile("fake.png", "image/png", b"<script>", 8, "0" * 64, "x"),
    ):
        with pytest.raises(InputError), database.unit_of_work() as session:
            add_attachment(session, key, CONTRIBUTOR, upload)
    with database.reader() as session:
        stored = attachments(session, key)
    assert [(a.filename, a.media_type) for a in stored] == [
        ("Evaluation _final_.pdf", "application/pdf")
    ]


def test_due_for_review_and_roles(seeded: Database) -> None:
    with seeded.reader() as session:
        assert case_studies_due_for_review(session, date(2027, 6, 1)) == []
        due = case_studies_due_for_review(session, date(2028, 1, 1))
    assert len(due) == len(load_case_studies())
    with seeded.unit_of_work() as session:
        user = create_user(
            session, username="rita", password="a long enough password", role="analyst"
        )
        set_member_role(session, user.id, "reviewer")
        user_id = user.id
    with seeded.reader() as session:
        assert member_role(session, user_id) is PracticeRole.reviewer
    with pytest.raises(InputError), seeded.unit_of_work() as session:
        set_member_role(session, user_id, "boss")


def test_html_in_a_submission_is_stored_as_plain_text(database: Database) -> None:
    raw = {**EXAMPLE, "id": "xss-attempt", "problem": "<script>alert('x')</script>Few <b>men</b>"}
    with database.unit_of_work() as session:
        save_case_study(session, case_study_from_mapping(raw), CONTRIBUTOR)
    with database.reader() as session:
        stored = session.query(PracticeCaseStudy).filter_by(slug="xss-attempt").one().content
    assert stored["problem"] == "Few men"
