"""RIS, BibTeX and CSV: round trips (seeded and generated), files from other tools, and every
kind of bad file reported with its line or row, field and rule."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthgap.errors import InputError
from healthgap.practice import (
    FORMATS,
    ResearchType,
    Status,
    format_for,
    load_research,
    read_references,
    research_entry_from_mapping,
    write_references,
)
from healthgap.practice.csv_io import RESEARCH_COLUMNS
from healthgap.practice.references import EXAMPLE_ENTRY
from healthgap.practice.text import one_line


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_seeded_library_round_trips(fmt: str) -> None:
    research = load_research()
    text = write_references(research, format=fmt)
    assert read_references(text, format=fmt, file=f"library.{fmt}") == research


# --- generated entries -------------------------------------------------------------------------

_TEXT = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029"
        ),
        min_size=1,
        max_size=60,
    )
    .map(one_line)
    .filter(bool)
)
_WORD = (
    st.text(alphabet=string.ascii_letters + "éøß-' ", min_size=1, max_size=20)
    .map(one_line)
    .filter(lambda s: s and " and " not in f" {s} " and s.lower() != "others")
)
_NUMBER = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def _effects(draw: st.DrawFn) -> dict[str, object] | None:
    if not draw(st.booleans()):
        return None
    value = draw(_NUMBER)
    measure = draw(st.sampled_from(["RR", "OR", "NNT", "cost £", "%"]))
    effect: dict[str, object] = {"measure": measure, "value": value}
    if draw(st.booleans()):
        effect |= {"lower": value - draw(st.floats(0, 10)), "upper": value + draw(st.floats(0, 10))}
    return effect


@st.composite
def _entries(draw: st.DrawFn, index: int = 0):
    findings = [
        {
            "text": draw(_TEXT),
            "effect": draw(_effects()),
            "parameter_ids": draw(
                st.lists(
                    st.sampled_from(
                        [
                            "statins.rr_per_mmol",
                            "smoking_cessation.p52",
                            "smoking_cessation.tables.lifetime_gain",
                        ]
                    ),
                    unique=True,
                    max_size=2,
                )
            ),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    raw = {
        "id": f"entry-{index}",
        "title": f"Study {index}: {draw(_TEXT)}",
        "year": draw(st.none() | st.integers(1900, 2030)),
        "type": draw(st.sampled_from(list(ResearchType))).value,
        "summary": draw(_TEXT),
        "authors": draw(st.lists(_WORD, max_size=3, unique=True)),
        "container": draw(st.sampled_from(["BMJ", "The Lancet", "Journal of Tests & Trials"])),
        "volume": draw(st.sampled_from(["", "12", "100 Suppl 2"])),
        "pages": draw(st.sampled_from(["", "559", "957-67", "e008840"])),
        "doi": draw(st.sampled_from(["", f"10.1000/test.{index}"])),
        "url": draw(st.sampled_from(["", "https://example.org/a?b=1&c=2"])),
        "tags": draw(
            st.lists(_TEXT.filter(lambda s: ";" not in s and "," not in s), max_size=3, unique=True)
        ),
        "topics": draw(st.lists(st.sampled_from(["tobacco", "alcohol"]), unique=True)),
        "findings": findings,
        "status": draw(st.sampled_from(list(Status))).value,
        "reviewed_on": draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1))),
        "reviewed_by": draw(st.sampled_from(["", "Rob Reviewer"])),
        "citation_note": draw(st.sampled_from(["", "Checked against the publisher's page."])),
    }
    if draw(st.booleans()):
        raw["appraisal"] = {"tool": "CASP cohort checklist", "rating": draw(_TEXT)}
    return research_entry_from_mapping(raw)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_entries_round_trip(fmt: str, data: st.DataObject) -> None:
    entries = [data.draw(_entries(i)) for i in range(data.draw(st.integers(1, 3)))]
    text = write_references(entries, format=fmt)
    assert read_references(text, format=fmt, file=f"generated.{fmt}") == entries


# --- files from other tools ------------------------------------------------------------------

RIS_FROM_A_REFERENCE_MANAGER = """\ufeffTY  - JOUR
AU  - Doll, R.
AU  - Peto, R.
TI  - Mortality in relation to smoking: 50 years' observations on male British doctors
T2  - BMJ
PY  - 2004/06/26
VL  - 328
SP  - 1519
EP  - 1528
SN  - 0959-8138
KW  - smoking
KW  - cohort
AB  - Abstract text as written by the authors,
  continued on a second line.
ER  -
"""


def test_a_ris_file_from_a_reference_manager_reads_with_a_default_type() -> None:
    with pytest.raises(InputError) as caught:
        read_references(RIS_FROM_A_REFERENCE_MANAGER, format="ris", file="export.ris")
    assert [(p.rule, p.column, p.row) for p in caught.value.problems] == [
        ("missing_field", "type", 1)
    ]
    [entry] = read_references(
        RIS_FROM_A_REFERENCE_MANAGER, format="ris", file="export.ris", default_type="observational"
    )
    assert entry.id == "doll-2004-mortality" and entry.year == 2004
    assert (entry.container, entry.pages, entry.isbn) == ("BMJ", "1519-1528", "")  # ISSN dropped
    assert entry.authors == ("Doll, R.", "Peto, R.") and entry.tags == ("smoking", "cohort")
    assert entry.summary.endswith("continued on a second line.")
    assert entry.status is Status.draft


BIBTEX_FROM_ANOTHER_TOOL = r"""
@string{bmj = "BMJ"}
Some free text between entries is allowed in BibTeX.
@article{Ortqvist2007,
  author  = {{\"O}rtqvist, {\AA}ke and Granath, F. and {Department of Health and Social Care}},
  title   = {Influenza vaccination and mortality: {P}rospective cohort study},
  journal = {Eur Respir J},
  year    = {2007},
  volume  = 30,
  pages   = {414--422},
  doi     = {https://doi.org/10.1183/09031936.00135306},
  keywords = {influenza, older people},
  researchtype = {observational},
  abstract = {A summary with 50\% and \& signs.}
}
"""


def test_a_bibtex_file_from_another_tool_decodes_latex() -> None:
    [entry] = read_references(BIBTEX_FROM_ANOTHER_TOOL, format="bibtex", file="refs.bib")
    assert entry.authors == ("Örtqvist, Åke", "Granath, F.", "Department of Health and Social Care")
    assert entry.title == "Influenza vaccination and mortality: Prospective cohort study"
    assert (entry.pages, entry.volume) == ("414-422", "30")
    assert entry.doi == "10.1183/09031936.00135306"
    assert entry.tags == ("influenza", "older people")
    assert entry.summary == "A summary with 50% and & signs."
    again = read_references(write_references([entry], format="bibtex"), format="bibtex", file="x")
    assert again == [entry]


# --- bad files -----------------------------------------------------------------------------

GOOD_RIS = write_references([EXAMPLE_ENTRY], format="ris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not a RIS file at all\n", [("outside_reference", 1)]),
        ("TY  - JOUR\nTI  - No end\nPY  - 2001\n", [("missing_end", 1)]),
        ("TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n", [("missing_end", 1)]),
        ("TY  - JOUR\nTI - Broken tag spacing\nER  - \n", [("malformed_tag", 2)]),
        ("\n\n", [("no_references", None)]),
    ],
)
def test_malformed_ris_names_the_line(text: str, expected: list[tuple[str, int | None]]) -> None:
    with pytest.raises(InputError) as caught:
        read_references(text, format="ris", file="bad.ris")
    assert [(p.rule, p.row) for p in caught.value.problems] == expected
    assert all(p.file == "bad.ris" for p in caught.value.problems)


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("@article{a,\n  title = {Unclosed,\n  year = 2001\n", "malformed_entry", 1),
        (
            "@article{a, title={A}, year=2001}\n\n@article{a, title={B}, year=2002}\n",
            "duplicate_key",
            3,
        ),
        ("@article{a,\n title = {A},\n title = {B}\n}\n", "duplicate_field", 1),
    ],
)
def test_malformed_bibtex_names_the_line(text: str, rule: str, line: int) -> None:
    with pytest.raises(InputError) as caught:
        read_references(text, format="bibtex", file="bad.bib")
    assert [(p.rule, p.row) for p in caught.value.problems] == [(rule, line)]


def test_a_bad_field_points_at_its_own_line() -> None:
    text = GOOD_RIS.replace("PY  - 2020", "PY  - 2020\nDO  - not-a-doi")
    line = text.splitlines().index("DO  - not-a-doi") + 1
    with pytest.raises(InputError) as caught:
        read_references(text, format="ris", file="bad.ris")
    assert [(p.rule, p.column, p.row) for p in caught.value.problems] == [("bad_doi", "doi", line)]


def test_duplicates_within_a_file_and_against_the_library() -> None:
    twice = GOOD_RIS + GOOD_RIS.replace("ID  - synthetic-2020", "ID  - synthetic-copy")
    with pytest.raises(InputError) as caught:
        read_references(twice, format="ris", file="twice.ris")
    assert [p.rule for p in caught.value.problems] == ["duplicate_title"]
    existing = [
        research_entry_from_mapping(
            {**EXAMPLE_ENTRY.to_mapping(), "doi": "https://doi.org/10.1000/X"}
        )
    ]
    renamed = write_references(existing, format="bibtex")
    renamed = renamed.replace("Made-up trial", "Renamed trial").replace("synthetic-2020", "new")
    with pytest.raises(InputError) as caught:
        read_references(renamed, format="bibtex", file="new.bib", existing=existing)
    assert [(p.rule, p.column) for p in caught.value.problems] == [("duplicate_doi", "doi")]


def test_csv_names_the_row_and_refuses_unknown_columns() -> None:
    csv_text = write_references([EXAMPLE_ENTRY], format="csv")
    row = {
        "id": "second",
        "title": "Second study",
        "year": "not a year",
        "type": "rct",
        "summary": "A summary",
    }
    bad_row = csv_text + ",".join(row.get(c, "") for c in RESEARCH_COLUMNS) + "\n"
    with pytest.raises(InputError) as caught:
        read_references(bad_row, format="csv", file="refs.csv")
    assert [(p.rule, p.column, p.row) for p in caught.value.problems] == [
        ("no_citation", "doi", 3),
        ("not_an_integer", "year", 3),
    ]
    with pytest.raises(InputError) as caught:
        read_references("id,title,colour\nx,A,red\n", format="csv", file="refs.csv")
    assert [(p.rule, p.column, p.row) for p in caught.value.problems] == [
        ("unknown_column", "colour", 1)
    ]


def test_csv_cells_that_look_like_formulas_are_defused_and_read_back() -> None:
    entry = research_entry_from_mapping(
        {**EXAMPLE_ENTRY.to_mapping(), "summary": "=HYPERLINK(1)", "container": "+44 Journal"}
    )
    text = write_references([entry], format="csv")
    assert "'=HYPERLINK(1)" in text and "'+44 Journal" in text
    assert read_references(text, format="csv", file="x.csv") == [entry]


def test_markup_in_an_imported_file_is_stored_as_plain_text() -> None:
    text = GOOD_RIS.replace("TI  - Made-up", "TI  - <script>alert(1)</script><b>Made-up</b>")
    [entry] = read_references(text, format="ris", file="x.ris")
    assert entry.title == EXAMPLE_ENTRY.title


def test_format_from_file_name() -> None:
    assert [format_for(n) for n in ("a.ris", "b.bib", "c.CSV")] == ["ris", "bibtex", "csv"]
    with pytest.raises(InputError):
        format_for("library.docx")
