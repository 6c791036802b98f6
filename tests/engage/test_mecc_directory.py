"""The MECC directory: organisations, teams and staff checked against the vocabulary and each
other."""

from __future__ import annotations

import pytest

from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.errors import InputError

ORG = {
    "organisation": "acute",
    "name": "Synthetic Acute Trust",
    "org_type": "acute_trust",
    "setting": "acute",
    "area_code": "E06999001",
}


def test_a_good_directory_answers_membership_questions() -> None:
    directory = MeccDirectory.from_records(
        organisations=[ORG],
        teams=[{"organisation": "acute", "team": "ed", "name": "ED"}],
        staff=[{"staff_id": "s1", "organisation": "acute", "team": "ed", "frontline": "yes"}],
    )
    assert directory.has_organisation("acute") and not directory.has_organisation("fire")
    assert directory.has_staff("s1") and not directory.has_staff("s2")
    assert directory.staff["frontline"].tolist() == [True]


def test_every_problem_of_a_directory_is_listed() -> None:
    with pytest.raises(InputError) as caught:
        MeccDirectory.from_records(
            organisations=[ORG, {**ORG, "org_type": "pub", "setting": "bar"}],
            teams=[
                {"organisation": "acute", "team": "ed", "name": "ED"},
                {"organisation": "fire", "team": "ops", "name": "Ops"},
            ],
            staff=[
                {"staff_id": "s1", "organisation": "acute", "team": "icu", "frontline": True},
                {"staff_id": "", "organisation": "acute", "team": "ed", "frontline": False},
            ],
        )
    found = {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}
    assert found == {
        ("organisations", 3, "organisation", "duplicate_key"),
        ("organisations", 3, "org_type", "unknown_org_type"),
        ("organisations", 3, "setting", "unknown_setting"),
        ("teams", 3, "organisation", "unknown_organisation"),
        ("staff", 2, "team", "unknown_team"),
        ("staff", 3, "staff_id", "missing_value"),
    }
