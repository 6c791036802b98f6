"""The practice use cases: search quality over the seeded bank, facet counts, who sees what,
links both ways, contributions and imports that save all or nothing, export round trips, and
the CLI calling the same use cases."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cli_runner import run_cli
from healthgap.analyses import (
    ensure_bank,
    export_research,
    import_research_file,
    move_document,
    practice_for_intervention,
    practice_for_item,
    search_practice,
    submit_case_study,
    submit_template_file,
    view_case_study,
)
from healthgap.analyses.practice_workflow import form_to_case_study
from healthgap.errors import InputError, PermissionDenied
from healthgap.practice import Actor, PracticeRole, load_case_studies, read_references
from healthgap.practice.case_study import EXAMPLE
from healthgap.store import Database

EDITOR = Actor("Eve Editor", PracticeRole.editor)
REVIEWER = Actor("Rob Reviewer", PracticeRole.reviewer)
CONTRIBUTOR = Actor("Cat Contributor", PracticeRole.contributor)

#: Typical questions and the seeded examples that must come first (in any order among them).
TYPICAL = {
    "smoking men": {"ss-newham-mosque-quit", "ss-quit-men-40-60"},
    "late booking": {"ss-antenatal-late-booking"},
    "text message": {"ss-nelincs-coast"},
    "healthy living pharmacy": {"ff-portsmouth-hlp"},
    "community champions": {"ff-whitecity-champions"},
    "midwives smoking": {"ss-midwife-training"},
    "non-attenders heart": {"ss-nottingham-happy-hearts"},
    "evening weekend clinics": {"ss-extended-hours"},
}


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "bank.db"
    database = Database(f"sqlite:///{path}")
    ensure_bank(database)
    database.dispose()
    return path


@pytest.fixture
def bank(seeded_file: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "bank.db"
    shutil.copyfile(seeded_file, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.mark.parametrize(("query", "first"), TYPICAL.items(), ids=list(TYPICAL))
def test_typical_questions_find_the_right_examples_first(
    bank: Database, query: str, first: set[str]
) -> None:
    hits = search_practice(bank, query).summary["hits"]
    assert {h["id"] for h in hits[: len(first)]} == first, [h["id"] for h in hits[:5]]
    assert any(piece.hit for piece in hits[0]["snippet"])  # the snippet highlights the words


def test_facet_counts_are_counts_of_the_matching_documents(bank: Database) -> None:
    everything = search_practice(bank, "smoking", per_page=50)
    summary = everything.summary
    assert summary["total"] == len(summary["hits"])
    evidence = {f["value"]: f["count"] for f in summary["facets"]["evidence"]}
    cases = {c.id: c for c in load_case_studies()}
    counted = Counter(cases[h["id"]].evidence.value for h in summary["hits"] if h["kind"] == "case")
    assert evidence == dict(counted)
    for value, count in evidence.items():
        narrowed = search_practice(bank, "smoking", filters={"evidence": [value]})
        assert narrowed.summary["total"] == count
    assert "status" not in summary["facets"]  # readers see published documents only
    table = everything.table("results")
    assert list(table["rank"]) == list(range(1, len(table) + 1))


def test_readers_see_published_documents_and_reviewers_any(bank: Database) -> None:
    case = submit_case_study(bank, EXAMPLE | {"id": "estate-quit-drop-in"}, CONTRIBUTOR,
                             submit=True)  # fmt: skip
    query = "community centre estate drop-in"
    assert case.id not in {h["id"] for h in search_practice(bank, query).summary["hits"]}
    queue = search_practice(bank, query, filters={"status": ["submitted"]}, actor=REVIEWER)
    assert [h["id"] for h in queue.summary["hits"]] == [case.id]
    assert view_case_study(bank, case.id) is None
    assert view_case_study(bank, case.id, actor=CONTRIBUTOR) is not None  # its author
    assert view_case_study(bank, case.id, actor=REVIEWER).history is not None  # type: ignore[union-attr]
    with pytest.raises(InputError):
        search_practice(bank, "x", filters={"colour": ["red"]})


def test_links_both_ways(bank: Database) -> None:
    evidence = practice_for_intervention(bank, "smoking_cessation")
    assert {"ferguson2005"} <= {r.id for r in evidence.research}
    assert all(r.parameters for r in evidence.research)
    assert "ss-newham-mosque-quit" in {c.id for c in evidence.cases}
    page = view_case_study(bank, "ss-newham-mosque-quit")
    assert page is not None
    assert ("smoking_cessation", "Stop-smoking services (extra 4-week quitters)") in (
        page.interventions
    )
    assert "ferguson2005" in {r.id for r in page.research}
    assert all(not name.startswith("nsmc/") for _, name in page.items)  # named, not keyed
    with pytest.raises(InputError):
        practice_for_intervention(bank, "no_such_intervention")


@pytest.mark.parametrize("item", ["nsmc/insight", "nsmc_benchmarks/insight", "hinst/accessibility"])
def test_examples_for_an_item_are_the_same_from_the_bank_and_the_seed(
    bank: Database, item: str
) -> None:
    from_bank = [e.id for e in practice_for_item(item, database=bank)]
    from_seed = [e.id for e in practice_for_item(item)]
    assert from_bank == from_seed and from_bank
    short = item.replace("nsmc_benchmarks", "nsmc")
    tagged = {c.id for c in load_case_studies() if short in c.framework_items}
    assert set(from_bank) == tagged


def test_contributions_are_plain_text_and_all_or_nothing(bank: Database, tmp_path: Path) -> None:
    form = {k: str(v) for k, v in EXAMPLE.items() if isinstance(v, str)}
    form |= {"title": "<b>Market</b> stall<script>alert(1)</script>", "topics": "tobacco",
             "place_codes": "E08000015", "population_groups": "traders",
             "triangle_parts": "service", "contact_role": "Service lead", "id": ""}  # fmt: skip
    case = submit_case_study(bank, form_to_case_study(form), CONTRIBUTOR)
    assert case.title == "Market stall" and case.id == "market-stall"
    with pytest.raises(InputError, match="already in the bank"):
        submit_case_study(bank, form_to_case_study(form), CONTRIBUTOR)
    with pytest.raises(PermissionDenied):  # another contributor's draft
        submit_case_study(bank, form_to_case_study(form), Actor("Other", PracticeRole.contributor),
                          slug="market-stall")  # fmt: skip
    good = EXAMPLE | {"id": "file-good"}
    bad = EXAMPLE | {"id": "file-bad", "contact": {"role": "write to jo@example.org"}}
    template = tmp_path / "filled.yaml"
    template.write_text(yaml.safe_dump({"version": 1, "case_studies": [good, bad]}))
    with pytest.raises(InputError) as error:
        submit_template_file(bank, template, CONTRIBUTOR)
    assert {p.rule for p in error.value.problems} == {"email_in_contact"}
    assert error.value.problems[0].row is not None  # the line of the entry
    assert view_case_study(bank, "file-good", actor=EDITOR) is None  # nothing half-saved


def test_the_review_workflow_through_the_use_cases(bank: Database) -> None:
    submit_case_study(bank, EXAMPLE | {"id": "flow-example"}, CONTRIBUTOR, submit=True)
    with pytest.raises(PermissionDenied):
        move_document(bank, "case", "flow-example", "reviewed", CONTRIBUTOR)
    with pytest.raises(InputError, match="say why"):
        move_document(bank, "case", "flow-example", "draft", REVIEWER)
    assert move_document(bank, "case", "flow-example", "reviewed", REVIEWER) == "approve"
    assert move_document(bank, "case", "flow-example", "published", EDITOR) == "publish"
    page = view_case_study(bank, "flow-example", actor=EDITOR)
    assert page is not None and page.case.reviewed_by == REVIEWER.name
    actions = [event["action"] for event in page.history.audit]  # type: ignore[union-attr]
    assert actions == ["created", "submit", "approve", "publish"]


MALFORMED_BIB = "@article{x,\n  title = {Unclosed\n"


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("refs.bib", MALFORMED_BIB.encode(), None),
        ("refs.ris", b"TY  - JOUR\nTI  - No end\n", None),
        ("refs.ris", b"\xff\xfe\x00\x00", "not_utf8"),
        ("refs.ris", b"", "empty_file"),
        ("refs.ris", b"x" * (5 * 1024 * 1024 + 1), "too_large"),
        ("refs.pdf", b"%PDF-1.4", "unknown_format"),
    ],
)
def test_bad_reference_files_import_nothing(
    bank: Database, name: str, data: bytes, rule: str | None
) -> None:
    before = export_research(bank, "csv").text
    with pytest.raises(InputError) as error:
        import_research_file(bank, data, name, REVIEWER, default_type="rct")
    assert all(p.file == name for p in error.value.problems)
    if rule is not None:
        assert error.value.problems[0].rule == rule
    assert export_research(bank, "csv").text == before


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csv"])
def test_export_round_trips_into_an_empty_library(bank: Database, tmp_path: Path, fmt: str) -> None:
    exported = export_research(bank, fmt)
    entries = read_references(exported.text, format=fmt, file=exported.filename)
    assert len(entries) >= 20
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    # The empty database is still seeded on first use; so a second import is a duplicate.
    with pytest.raises(InputError, match="already"):
        import_research_file(empty, exported.text.encode(), exported.filename, EDITOR,
                             format=fmt)  # fmt: skip
    empty.dispose()
    with pytest.raises(PermissionDenied):
        import_research_file(bank, exported.text.encode(), exported.filename, CONTRIBUTOR)


def test_the_cli_answers_with_the_same_use_cases(seeded_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "web"
    folder.mkdir()
    shutil.copyfile(seeded_file, folder / "healthgap.db")
    found = run_cli("practice", "search", "late booking", "--data-dir", str(folder),
                    "--out", str(tmp_path / "r.csv"))  # fmt: skip
    assert found.returncode == 0, found.stderr
    rows = [line for line in found.stdout.splitlines() if "│ ss-" in line or "│ ff-" in line]
    assert "ss-antenatal-late-booking" in rows[0]
    assert (tmp_path / "r.csv").read_text().splitlines()[1].split(",")[2] == (
        "ss-antenatal-late-booking"
    )
    out = tmp_path / "library.bib"
    assert run_cli("practice", "export", str(out), "--data-dir", str(folder)).returncode == 0
    assert len(read_references(out.read_text(), format="bibtex", file="library.bib")) >= 20
    shown = run_cli("practice", "evidence", "smoking_cessation", "--data-dir", str(folder))
    assert "informs: 4-week quit rate among people setting a quit date" in shown.stdout
    refused = run_cli("practice", "import", str(out), "--as", "nobody", "--data-dir", str(folder))
    assert refused.returncode == 2 and "nobody" in refused.stderr
