"""Problems in plain words: the one place where a :class:`~healthgap.errors.Problem` (a rule
broken, named by a key such as ``units_above_pool`` in a column such as
``interventions[1].volume``) becomes a sentence a commissioner understands and the form
control it is about.

A page never shows ``<form>``, a rule key or a core path. Each known rule has its own
sentence (:data:`RULE_WORDS`); any other rule shows the core's own message, capitalised,
with the field's label in front. Routes that know more than the rule (the Plan form knows
which control ``interventions[1]`` is) pass ``fields`` (core column -> form control id) and
``labels`` (form control id -> the label on screen).

>>> from healthgap.errors import Problem
>>> [p] = plain_problems([Problem("<form>", None, "horizon", "bad_horizon", "give 1 to 25")])
>>> p.message, p.field
('Enter a horizon of 1 to 25 years', 'horizon')
>>> [p] = plain_problems(
...     [Problem("<form>", None, "interventions[0].volume", "units_above_pool",
...              "6,000 units exceed the eligible pool of 4,000 (adults)")],
...     fields={"interventions[0].volume": "statins__volume"},
...     labels={"statins__volume": "Statins"})
>>> p.message, p.field
('Statins: 6,000 units exceed the eligible pool of 4,000 (adults)', 'statins__volume')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from healthgap.errors import Problem
from healthgap.scenarios.budget import MAX_BUDGET
from healthgap.scenarios.scenario import MAX_UNITS

__all__ = [
    "FIELD_LABELS",
    "RULE_TITLES",
    "RULE_WORDS",
    "PlainProblem",
    "plain_problems",
    "rule_title",
]


@dataclass(frozen=True)
class PlainProblem:
    """One problem as shown: the sentence, and the id of the control to highlight (``None``
    when it concerns the whole form or page)."""

    message: str
    field: str | None = None


#: Labels of the form controls every page uses (routes add their own).
FIELD_LABELS: dict[str, str] = {
    "area_code": "Local authority",
    "horizon": "Horizon",
    "target_reduction": "Target gap reduction",
    "budget": "Budget",
    "name": "Scenario name",
    "username": "User name",
    "invite-username": "User name",
    "role": "Role",
    "password": "Password",
    "files": "Files",
}

#: The control a rule is about when the problem does not name one.
RULE_FIELDS: dict[str, str] = {
    "bad_scenario_name": "name",
    "duplicate_name": "name",
    "bad_budget": "budget",
    "bad_horizon": "horizon",
    "bad_target": "target_reduction",
    "unknown_area": "area_code",
    "unknown_template": "template",
    "no_file": "files",
    "unknown_role": "role",
}


def _said(problem: Problem) -> str:
    """The core's message, capitalised, without a closing full stop."""
    text = problem.message.strip().rstrip(".") or problem.rule.replace("_", " ")
    return text[:1].upper() + text[1:]


#: Rule -> sentence; ``{label}`` is the label of the problem's control and ``{message}`` the
#: core's own message (capitalised). Rules not listed read ``"{label}: {message}"``.
RULE_WORDS: dict[str, str] = {
    "not_a_volume": f"{{label}}: enter a number from 0 to {MAX_UNITS:,.0f}",
    "unknown_target": "{label}: choose a target group from the list",
    "bad_horizon": "Enter a horizon of 1 to 25 years",
    "bad_target": "Enter a target gap reduction from 1% to 100%",
    "unknown_area": "Choose a local authority from the list",
    "unknown_template": "Choose a report template from the list",
    "bad_budget": f"Enter a budget of more than £0 and at most £{MAX_BUDGET:,.0f}",
    "unknown_comparator": "Choose a comparison from the list",
    "no_intervention": "Give at least one intervention an extra volume a year",
    "bad_scenario_name": "Enter a name for the scenario",
    "duplicate_name": "{message}: choose another name, or open the saved one from the list",
    "no_file": "Choose at least one file to upload",
    "username_taken": "{message}: choose another user name, or set this person's role in the "
    "table above",
    "invalid_username": "User name: use 3 to 64 letters, digits, full stops, underscores, @ "
    "or hyphens",
    "password_too_short": "Password: use at least 12 characters",
    "bad_invite": "This invite link is not valid or was already used: ask an administrator "
    "for a new one",
    "missing_field": "{label}: enter a value",
    "email_in_contact": "{label}: give a role and a route, not a personal email address",
    "duplicate_id": "{message}",
    "comment_required": "Say why in the comment when you return a submission for changes",
    "empty_comment": "Enter a comment",
    # self-assessment forms
    "evidence_required": "{label}: this framework asks what every rating rests on; give at "
    "least one reference",
    "unknown_mode": "{label}: this framework has no such way of asking; choose its usual way",
    # FastAPI's own form checks (pydantic error types)
    "missing": "{label}: enter a value",
    "int_parsing": "{label}: enter a whole number",
    "float_parsing": "{label}: enter a number",
}


#: A file problem's rule as the heading of its group on the Data page.
RULE_TITLES: dict[str, str] = {
    "unsupported_file": "Files of a kind that cannot be read (use .csv, .xlsx or .parquet)",
    "no_file": "No file chosen",
    "file_not_found": "Files that could not be found",
    "empty_file": "Files or tables with no rows",
    "wrong_encoding": "Files not saved as UTF-8 text",
    "unreadable_file": "Files that cannot be read as CSV, Excel or Parquet",
    "unsupported_format": "Files of a kind that cannot be read (use .csv, .xlsx or .parquet)",
    "unknown_layout": "Files whose column headings match no known table",
    "bad_layout": "Layouts that cannot be used",
    "missing_column": "Columns that are missing",
    "missing_value": "Empty cells that need a value",
    "non_numeric": "Text where a number is needed",
    "negative_count": "Counts below zero",
    "out_of_range": "Shares outside 0 to 1",
    "unknown_sex": "Sexes that cannot be read (use male, female or persons)",
    "bad_age_band": "Ages or age bands that cannot be read",
    "missing_age_band": "Groups with missing age bands",
    "overlapping_age_bands": "Age bands that overlap",
    "total_mismatch": "Single years of age that do not add up to the total",
    "duplicate_key": "Rows given twice",
    "bad_area_code": "Area codes not in ONS form (a letter and 8 digits)",
    "unknown_area": "Areas that are not in the areas table",
    "invalid_period": "Periods that cannot be read",
    "deaths_exceed_population": "More deaths than people",
    "deaths_without_population": "Deaths with no population",
    "period_without_population": "Periods with deaths but no population",
}


def rule_title(rule: str) -> str:
    """The heading of a group of file problems (a rule nobody titled reads in words).

    >>> rule_title("duplicate_key"), rule_title("some_new_rule")
    ('Rows given twice', 'Some new rule')
    """
    return RULE_TITLES.get(rule) or rule.replace("_", " ").capitalize()


def _label_of(field: str | None, labels: Mapping[str, str]) -> str:
    if field is None:
        return ""
    return labels.get(field) or FIELD_LABELS.get(field) or field.replace("_", " ").capitalize()


def plain_problems(
    problems: Iterable[Problem],
    *,
    fields: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[PlainProblem]:
    """Each problem as a sentence and the control to highlight (see the module's doc)."""
    fields, labels = fields or {}, labels or {}
    shown: list[PlainProblem] = []
    for problem in problems:
        column = problem.column
        field = fields.get(column, column) if column else RULE_FIELDS.get(problem.rule)
        if field is not None and field.startswith(("interventions[", "<")):
            field = None  # a core path no control on this page stands for
        label = _label_of(field, labels)
        words = RULE_WORDS.get(problem.rule, "{label}: {message}" if label else "{message}")
        message = words.format(label=label or "A field", message=_said(problem))
        if message not in {s.message for s in shown}:
            shown.append(PlainProblem(message, field))
    return shown
