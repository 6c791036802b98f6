"""Who takes part in MECC: organisations, their teams and their staff, as tidy tables.

A :class:`MeccDirectory` is what logging is checked against (an entry must name a known
organisation and one of its teams) and what the dashboards divide by (staff in post, staff
trained). Staff are pseudonymous codes chosen by the organisation, never names.

>>> directory = MeccDirectory.from_records(
...     organisations=[{"organisation": "rxa", "name": "Synthetic Acute Trust",
...                     "org_type": "acute_trust", "setting": "acute", "area_code": "E06000001"}],
...     teams=[{"organisation": "rxa", "team": "ed", "name": "Emergency department"}],
...     staff=[{"staff_id": "s1", "organisation": "rxa", "team": "ed", "frontline": True}])
>>> directory.has_team("rxa", "ed"), directory.has_team("rxa", "icu")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.errors import InputError, Problem

__all__ = ["ORGANISATION_COLUMNS", "STAFF_COLUMNS", "TEAM_COLUMNS", "MeccDirectory"]

ORGANISATION_COLUMNS = ("organisation", "name", "org_type", "setting", "area_code")
TEAM_COLUMNS = ("organisation", "team", "name")
STAFF_COLUMNS = ("staff_id", "organisation", "team", "frontline")


@dataclass(frozen=True)
class MeccDirectory:
    """Organisations (``organisation`` code, ``name``, ``org_type``, ``setting``,
    ``area_code``), teams (``organisation``, ``team``, ``name``) and staff in post
    (``staff_id``, ``organisation``, ``team``, ``frontline``)."""

    organisations: pd.DataFrame
    teams: pd.DataFrame
    staff: pd.DataFrame

    @classmethod
    def from_records(
        cls,
        *,
        organisations: Iterable[Mapping[str, Any]],
        teams: Iterable[Mapping[str, Any]],
        staff: Iterable[Mapping[str, Any]] = (),
        vocabulary: MeccVocabulary | None = None,
    ) -> MeccDirectory:
        """Build and check a directory from plain rows (see :meth:`checked`)."""
        return cls(
            pd.DataFrame(list(organisations), columns=list(ORGANISATION_COLUMNS)),
            pd.DataFrame(list(teams), columns=list(TEAM_COLUMNS)),
            pd.DataFrame(list(staff), columns=list(STAFF_COLUMNS)),
        ).checked(vocabulary)

    def checked(self, vocabulary: MeccVocabulary | None = None) -> MeccDirectory:
        """This directory with ``frontline`` as booleans, or InputError listing every problem.

        Rules: ``duplicate_key`` (an organisation, team or staff code twice),
        ``unknown_org_type`` / ``unknown_setting`` (not in the vocabulary),
        ``unknown_organisation`` / ``unknown_team`` (a team or member of staff pointing
        nowhere) and ``missing_value``.
        """
        vocab = vocabulary or load_vocabulary()
        problems: list[Problem] = []
        orgs, teams, staff = self.organisations, self.teams, self.staff

        def report(table: str, mask: pd.Series, column: str, rule: str, message: str) -> None:
            for position in mask.to_numpy().nonzero()[0]:
                problems.append(Problem(table, int(position) + 2, column, rule, message))

        for table, frame, keys in (
            ("organisations", orgs, ["organisation"]),
            ("teams", teams, ["organisation", "team"]),
            ("staff", staff, ["staff_id"]),
        ):
            for column in keys:
                empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
                report(table, empty, column, "missing_value", f"{column} is empty")
            repeated = frame.duplicated(keys, keep="first")
            report(table, repeated, keys[-1], "duplicate_key", "appears more than once")
        bad_type = ~orgs["org_type"].isin(vocab.codes("organisation_types"))
        report(
            "organisations",
            bad_type,
            "org_type",
            "unknown_org_type",
            f"not one of {', '.join(vocab.codes('organisation_types'))}",
        )
        bad_setting = ~orgs["setting"].isin(vocab.codes("settings"))
        report(
            "organisations",
            bad_setting,
            "setting",
            "unknown_setting",
            f"not one of {', '.join(vocab.codes('settings'))}",
        )
        known_orgs = set(orgs["organisation"])
        for table, frame in (("teams", teams), ("staff", staff)):
            report(
                table,
                ~frame["organisation"].isin(known_orgs),
                "organisation",
                "unknown_organisation",
                "is not in the organisations table",
            )
        staff_team = pd.MultiIndex.from_frame(staff[["organisation", "team"]].astype(str))
        known_teams = pd.MultiIndex.from_frame(teams[["organisation", "team"]].astype(str))
        report(
            "staff",
            pd.Series(~staff_team.isin(known_teams)),
            "team",
            "unknown_team",
            "is not a team of that organisation",
        )
        if problems:
            raise InputError(problems)
        frontline = staff["frontline"].map(_as_bool).astype(bool)
        return MeccDirectory(
            orgs.reset_index(drop=True),
            teams.reset_index(drop=True),
            staff.assign(frontline=frontline).reset_index(drop=True),
        )

    @cached_property
    def _organisation_codes(self) -> frozenset[str]:
        return frozenset(self.organisations["organisation"].astype(str))

    @cached_property
    def _team_codes(self) -> frozenset[tuple[str, str]]:
        pairs = self.teams[["organisation", "team"]].astype(str).itertuples(index=False)
        return frozenset((org, team) for org, team in pairs)

    @cached_property
    def _staff_codes(self) -> frozenset[str]:
        return frozenset(self.staff["staff_id"].astype(str))

    def has_organisation(self, organisation: str) -> bool:
        """True when ``organisation`` is a known organisation code."""
        return organisation in self._organisation_codes

    def has_team(self, organisation: str, team: str) -> bool:
        """True when ``team`` is a team of ``organisation``."""
        return (organisation, team) in self._team_codes

    def has_staff(self, staff_id: str) -> bool:
        """True when ``staff_id`` is a member of staff in post."""
        return staff_id in self._staff_codes


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "y", "1"}
    return bool(value) if value is not None and not pd.isna(value) else False
