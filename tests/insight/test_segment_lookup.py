"""A licensed lookup is read from the user's own file, checked, versioned, and used like an
open segmentation; none is shipped."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.insight import read_segment_lookup, segment_lookup, segment_profiles

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "licensed_lookup.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_postcode_lookup_assigns_segments_in_any_spelling(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "postcode,segment_code,segment_name\nSW1A 1AA,A01,Type A one\nm1 1ae,B02,Type B two\n",
    )
    lookup = read_segment_lookup(
        path, key_type="postcode", version="2024.2", classification="Licensed classification"
    )
    assigned = lookup.assign(pd.Series(["sw1a1aa", "M1 1AE", "SW1A  1AA"]))
    assert assigned.tolist() == ["A01", "B02", "A01"]
    record = lookup.record()
    assert record["version"] == "2024.2" and record["source"] == "licensed_lookup.csv"
    assert len(record["content_hash"]) == 64
    with pytest.raises(InputError) as err:
        lookup.assign(pd.Series(["SW1A 1AA", "ZZ9 9ZZ"]), name="survey.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.rule) == ("survey.csv", 3, "unmatched_code")
    with pytest.raises(InputError, match="wrong_key_type"):
        lookup.labels()


def test_an_lsoa_lookup_gives_labels_usable_for_profiles(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "lsoa_code,segment_code,segment_name\n"
        "E01000001,A,Group A\nE01000002,B,Group B\nE01000003,A,Group A\n",
    )
    lookup = read_segment_lookup(path, key_type="lsoa", version="v1", classification="X")
    labels = lookup.labels()
    X = pd.DataFrame({"rate": [1.0, 2.0, 3.0]}, index=["E01000001", "E01000002", "E01000003"])
    profile = segment_profiles(labels, X)
    assert profile.set_index("segment").loc["A", "index"] == pytest.approx(100.0)
    assert lookup.names()["name"].tolist() == ["Group A", "Group B"]


def test_every_problem_of_a_lookup_is_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "oa_code,segment_code,segment_name\n"
        "E00000001,A,Group A\n"
        "XX,A,Group A\n"
        "E00000001,B,Group B\n"
        "E00000004,A,Another name\n"
        "E00000005,,Group C\n",
    )
    with pytest.raises(InputError) as err:
        read_segment_lookup(path, key_type="oa", version="", classification="X")
    found = {(p.row, p.rule) for p in err.value.problems}
    assert found == {
        (None, "missing_version"),
        (3, "bad_key"),
        (4, "conflicting_segment"),
        (5, "inconsistent_name"),
        (6, "missing_value"),
    }
    assert all(p.file == "licensed_lookup.csv" for p in err.value.problems)
    with pytest.raises(InputError) as err:
        segment_lookup(pd.DataFrame({"x": [1]}), key_type="oa", version="1", classification="X")
    assert {p.rule for p in err.value.problems} == {"missing_column"}


def test_no_licensed_classification_is_shipped() -> None:
    """Mosaic and Acorn are proprietary: no lookup of them may be in the package or repo.

    A data table naming either is refused; in content files (YAML, JSON) only a mention as a
    classification counts, since a case study may name, say, a midwifery team "Acorn".
    """
    names = re.compile(r"mosaic|acorn", re.IGNORECASE)
    as_classification = re.compile(
        r"\b(mosaic|acorn)[\W_]+([a-z]+[\W_]+){0,2}(group|type|segment|classification|code)s?\b",
        re.IGNORECASE,
    )
    offending = []
    for path in (REPO / "src").rglob("*"):
        suffix = path.suffix.lower()
        if suffix in {".csv", ".xlsx", ".parquet"}:
            pattern = names
        elif suffix in {".json", ".yaml", ".yml"}:
            pattern = as_classification
        else:
            continue
        if pattern.search(path.read_text(errors="ignore")):
            offending.append(path)
    assert offending == []
