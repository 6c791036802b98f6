"""The MECC vocabulary is content: the built-in file loads, a custom file can replace it, and a
broken file is refused with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from healthgap.engage.mecc_vocabulary import SECTIONS, load_vocabulary
from healthgap.errors import InputError

BUILTIN = Path(__file__).parents[2] / "src" / "healthgap" / "engage" / "mecc_vocabulary.yaml"


def test_builtin_vocabulary_holds_the_issue_lists() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.codes("topics") == (
        "diet_weight",
        "physical_activity",
        "alcohol",
        "tobacco",
        "wellbeing",
    )
    assert vocabulary.codes("actions") == ("advice", "signpost", "referral")
    assert set(vocabulary.codes("destinations")) == {
        "stop_smoking",
        "weight_management",
        "talking_therapies",
        "alcohol_service",
        "health_check",
        "leisure",
        "other",
    }
    assert vocabulary.codes("training_routes") == (
        "e_learning",
        "face_to_face",
        "train_the_trainer",
        "cascade",
    )
    assert [vocabulary.needs_destination(a) for a in vocabulary.codes("actions")] == [
        False,
        True,
        True,
    ]
    for kind in ("acute_trust", "community_provider", "primary_care", "local_authority"):
        assert kind in vocabulary.codes("organisation_types")
    assert (vocabulary.score_minimum, vocabulary.score_maximum) == (1.0, 10.0)
    assert list(vocabulary.as_frame("topics").columns[:2]) == ["code", "label"]


def test_a_custom_vocabulary_adds_a_destination(tmp_path: Path) -> None:
    content = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    content["destinations"].append({"code": "debt_advice", "label": "Debt advice", "topics": []})
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    assert "debt_advice" in load_vocabulary(path).codes("destinations")


def test_a_broken_vocabulary_lists_every_problem(tmp_path: Path) -> None:
    content = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    del content["settings"]
    content["topics"].append({"code": "Tobacco Use", "label": "x"})
    content["topics"].append({"code": "alcohol", "label": "again"})
    content["destinations"][0]["topics"] = ["smoking"]
    content["score_scale"] = {"minimum": 10, "maximum": 1}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_vocabulary(path)
    problems = caught.value.problems
    assert {p.rule for p in problems} == {"bad_vocabulary"}
    assert {p.column for p in problems} == {
        "settings",
        "topics",
        "destinations",
        "organisation_types",
        "score_scale",
    }
    assert all(p.file == str(path) for p in problems)
    assert len(SECTIONS) == 8


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file_not_found"):
        load_vocabulary(tmp_path / "absent.yaml")


def test_the_documentation_lists_every_code() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "mecc.md").read_text(encoding="utf-8")
    vocabulary = load_vocabulary()
    missing = [
        f"{section}:{code}"
        for section in SECTIONS
        for code in vocabulary.codes(section)
        if f"`{code}`" not in docs
    ]
    assert not missing
