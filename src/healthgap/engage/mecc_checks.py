"""The rules one contact entry must meet, applied field by field so that every problem of an
entry is reported at once (used by :mod:`healthgap.engage.mecc`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_entry import ENTRY_FIELDS, MAX_AGE_DAYS, ContactEntry
from healthgap.engage.mecc_vocabulary import MeccVocabulary
from healthgap.errors import Problem

__all__ = ["EntryChecker", "show"]

_FIELDS = frozenset(ENTRY_FIELDS)


@dataclass
class EntryChecker:
    vocabulary: MeccVocabulary
    directory: MeccDirectory | None
    today: date
    source: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The code lists, read once per checker rather than once per field of every entry.
        self._codes = {
            section: self.vocabulary.codes(section)
            for section in ("settings", "topics", "actions", "destinations")
        }
        self._known = {section: frozenset(codes) for section, codes in self._codes.items()}
        self._sending = frozenset(
            action for action in self._codes["actions"] if self.vocabulary.needs_destination(action)
        )

    def bad(self, row: int | None, column: str | None, rule: str, message: str) -> None:
        self.problems.append(Problem(self.source, row, column, rule, message))

    def code(
        self, payload: Mapping[str, object], name: str, section: str, row: int | None, rule: str
    ) -> str | None:
        value = payload.get(name)
        if value is None or value == "":
            self.bad(row, name, "missing_value", f"{name} is required")
            return None
        if not isinstance(value, str) or value not in self._known[section]:
            allowed = ", ".join(self._codes[section])
            self.bad(row, name, rule, f"{show(value)} is not one of: {allowed}")
            return None
        return value

    def entry(self, payload: object, staff_id: str, row: int | None) -> ContactEntry | None:
        start = len(self.problems)
        if not isinstance(payload, Mapping):
            self.bad(row, None, "not_an_object", "each entry must be an object of codes")
            return None
        for name in sorted(set(map(str, payload)) - _FIELDS):
            self.bad(
                row,
                name,
                "free_text_refused",
                "the log holds codes only, no free text or personal details; "
                f"remove the field {name!r}",
            )
        client_id = self.client_id(payload.get("client_id"), row)
        when = self.contact_date(payload.get("contact_date"), row)
        setting = self.code(payload, "setting", "settings", row, "unknown_setting")
        organisation, team = self.place(payload, row) or (None, None)
        topics = self.topics(payload.get("topics"), row)
        action = self.code(payload, "action", "actions", row, "unknown_action")
        destination = self.destination(payload.get("destination"), action, row)
        if self.directory is not None and not self.directory.has_staff(staff_id):
            self.bad(
                row,
                "staff_id",
                "unknown_staff",
                "the signed-in member of staff is not in the staff list of any organisation",
            )
        if len(self.problems) > start:
            return None
        return ContactEntry(
            client_id, when, staff_id, organisation, team, setting, topics, action, destination
        )  # type: ignore[arg-type]

    def client_id(self, value: object, row: int | None) -> str | None:
        if value is None or value == "":
            self.bad(row, "client_id", "missing_value", "client_id is required")
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            self.bad(row, "client_id", "bad_client_id", f"{show(value)} is not a UUID")
            return None

    def contact_date(self, value: object, row: int | None) -> date | None:
        if value is None or value == "":
            self.bad(row, "contact_date", "missing_value", "contact_date is required")
            return None
        try:
            when = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            self.bad(row, "contact_date", "bad_date", f"{show(value)} is not a YYYY-MM-DD date")
            return None
        if when > self.today:
            self.bad(
                row,
                "contact_date",
                "future_date",
                f"{when.isoformat()} is after today ({self.today.isoformat()})",
            )
            return None
        if when < self.today - timedelta(days=MAX_AGE_DAYS):
            self.bad(
                row,
                "contact_date",
                "too_old",
                f"{when.isoformat()} is more than a year before today",
            )
            return None
        return when

    def place(self, payload: Mapping[str, object], row: int | None) -> tuple[str, str] | None:
        found = []
        for name in ("organisation", "team"):
            value = payload.get(name)
            if value is None or value == "":
                self.bad(row, name, "missing_value", f"{name} is required")
            elif not isinstance(value, str):
                self.bad(row, name, f"unknown_{name}", f"{show(value)} is not a code")
            else:
                found.append(value)
        if len(found) < 2:
            return None
        organisation, team = found
        if self.directory is not None:
            if not self.directory.has_organisation(organisation):
                self.bad(
                    row,
                    "organisation",
                    "unknown_organisation",
                    f"{show(organisation)} is not a registered organisation",
                )
                return None
            if not self.directory.has_team(organisation, team):
                self.bad(
                    row, "team", "unknown_team", f"{show(team)} is not a team of {organisation}"
                )
                return None
        return organisation, team

    def topics(self, value: object, row: int | None) -> tuple[str, ...] | None:
        if value is None or value == "" or value == []:
            self.bad(row, "topics", "no_topic", "choose at least one topic")
            return None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            self.bad(row, "topics", "unknown_topic", "topics must be a list of topic codes")
            return None
        order = self._codes["topics"]
        unknown = [v for v in values if not isinstance(v, str) or v not in self._known["topics"]]
        if unknown:
            self.bad(
                row,
                "topics",
                "unknown_topic",
                f"{', '.join(map(show, unknown))} not among: {', '.join(order)}",
            )
            return None
        return tuple(code for code in order if code in values)

    def destination(self, value: object, action: str | None, row: int | None) -> str | None:
        if action is None:
            return None
        if action not in self._sending:
            if value not in (None, ""):
                self.bad(
                    row,
                    "destination",
                    "destination_not_allowed",
                    f"{action} sends nobody anywhere; leave destination empty",
                )
            return None
        if value is None or value == "":
            self.bad(
                row,
                "destination",
                "missing_destination",
                f"a {action} must say where the person was sent",
            )
            return None
        codes = self._codes["destinations"]
        if not isinstance(value, str) or value not in self._known["destinations"]:
            self.bad(
                row,
                "destination",
                "unknown_destination",
                f"{show(value)} is not one of: {', '.join(codes)}",
            )
            return None
        return value


def show(value: object) -> str:
    """A value for a message, cut short: it may be whatever a client sent."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
