"""Helpers of the web tests (imported by conftest and the test modules)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from healthgap.agebands import STANDARD_STARTS
from healthgap.data.workspace import write_workspace
from healthgap.store import Database, User
from healthgap.store.accounts import hash_password

PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "analyst", "admin")


def build_small_workspace(
    path: Path,
    person_years_per_band: float = 30_000.0,
    names: tuple[str, str, str] = ("Testborough", "Testborough 001A", "Testborough 002B"),
) -> Path:
    """One local authority with two small areas, two periods, males and females.

    Mortality follows a Gompertz curve so life expectancy lands near 80 years; the second small
    area has twice the death rates of the first. ``names``: of the authority and its two
    small areas (the attack tests give hostile ones).
    """
    starts = np.array(STANDARD_STARTS)
    base_rate = 0.00005 * np.exp(0.085 * starts)
    base_rate[0] = 0.004
    areas = pd.DataFrame(
        {
            "area_code": ["E06000001", "E01000001", "E01000002"],
            "area_name": list(names),
            "level": ["la", "lsoa", "lsoa"],
            "vintage": "2021",
            "deprivation_score": [np.nan, 10.0, 40.0],
            "parent_la": [None, "E06000001", "E06000001"],
        }
    )
    population, deaths = [], []
    for code, factor in (("E01000001", 1.0), ("E01000002", 2.0)):
        for period in ("2012-14", "2015-17"):
            for sex, sex_factor in (("male", 1.2), ("female", 1.0)):
                person_years = np.full(len(starts), person_years_per_band)
                expected = person_years * base_rate * factor * sex_factor
                population.append(
                    pd.DataFrame(
                        {
                            "area_code": code,
                            "period": period,
                            "sex": sex,
                            "age_start": starts,
                            "person_years": person_years,
                        }
                    )
                )
                deaths.append(
                    pd.DataFrame(
                        {
                            "area_code": code,
                            "period": period,
                            "sex": sex,
                            "age_start": starts,
                            "cause": "all",
                            "deaths": np.round(expected),
                        }
                    )
                )
    write_workspace(
        path,
        {
            "areas": areas,
            "population": pd.concat(population, ignore_index=True),
            "deaths": pd.concat(deaths, ignore_index=True),
        },
        metadata={"synthetic": True, "source": "tests/web/conftest.py"},
    )
    return path


def add_user(database: Database, role: str, username: str | None = None) -> int:
    with database.unit_of_work() as session:
        user = User(username=username or role, password_hash=hash_password(PASSWORD), role=role)
        session.add(user)
        session.flush()
        return user.id


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


_GLOSSARY_DEFINITIONS = re.compile(r'<div hidden class="hg-term-definitions">.*?</div>', re.S)
_GLOSSARY_DEFINITION = re.compile(r'<span hidden id="hg-term-[\w-]+">[^<]*</span>')
_GLOSSARY_LINK = re.compile(r'<a class="govuk-link hg-term" [^>]*>(.*?)</a>')


def unlinked(html: str) -> str:
    """``html`` without its glossary links (their text stays) and definitions, still escaped:
    for tests that look for a phrase that happens to hold a glossary term."""
    html = _GLOSSARY_DEFINITION.sub("", _GLOSSARY_DEFINITIONS.sub("", html))
    return _GLOSSARY_LINK.sub(r"\1", html)
