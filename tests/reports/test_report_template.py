"""Report templates: the shipped three load; a bad template names file, section and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthgap.errors import InputError
from healthgap.reports.report_template import SECTION_KINDS, SHIPPED, load_report_template


@pytest.mark.parametrize("name", list(SHIPPED))
def test_shipped_templates_load_with_known_sections(name: str) -> None:
    template = load_report_template(name)
    assert template.name == name
    assert template.sections and all(s.kind in SECTION_KINDS for s in template.sections)
    assert "{area_name}" not in template.title_for("Ashby")


def test_a_template_name_is_forgiving_of_spelling() -> None:
    assert load_report_template("board_slide_pack").name == "board slide pack"


def _problems(tmp_path: Path, text: str) -> list:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_report_template(path)
    return caught.value.problems


def test_unknown_section_names_file_row_and_rule(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "name: mine\nsections:\n  - headline\n  - horoscope\n")
    assert problem.rule == "unknown_section"
    assert problem.file.endswith("mine.yaml") and problem.row == 2
    assert problem.column == "sections[1]" and "horoscope" in problem.message


def test_unknown_option_is_named(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "sections:\n  - trend: {target_yaer: 2030}\n")
    assert (problem.rule, problem.column) == ("unknown_option", "sections[0].target_yaer")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "sections:\n  - nope\n  - [1, 2]\n")
    assert [p.rule for p in problems] == ["unknown_section", "bad_section"]


def test_empty_or_unknown_templates(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "name: empty\nsections: []\n")
    assert problem.rule == "bad_template"
    with pytest.raises(InputError, match="neither a shipped template"):
        load_report_template("annual report")
