"""The campaign form of the admin pages, both ways: a campaign as form values, and the values
a browser sent as the mapping :func:`healthgap.engage.campaign_from_mapping` checks.

Field names are flat (``branding_colour``; catalogue rows ``set_pledges-2-text``); lists are
typed one item per line (groups, tips, partner names) or as ``1, 4, 12`` (reminder weeks).
A catalogue row left wholly empty is ignored, so the form can offer spare rows.
:func:`field_id` turns a problem's field (``set_pledges[1].duration_days``) back into the id
of the input to point at.

>>> values = {"title": ["Move more"], "themes": ["activity"], "reminder_weeks": ["1, 4"],
...           "set_pledges-0-code": ["walk"], "set_pledges-0-theme": ["activity"],
...           "set_pledges-0-text": ["Walk 15 minutes a day"], "set_pledges-0-duration_days":
...           ["28"], "set_pledges-0-tips": ["Go at lunch\\r\\nTake a friend"],
...           "set_pledges-1-code": [""], "allow_own_pledges": ["yes"]}
>>> data, rows = mapping_from_form(values)
>>> data["reminder_weeks"], data["set_pledges"][0]["tips"], data["allow_own_pledges"], rows
(['1', '4'], ['Go at lunch', 'Take a friend'], True, [0])
>>> field_id("set_pledges[0].duration_days", rows), field_id("branding.colour", rows)
('set_pledges-0-duration_days', 'branding_colour')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from healthgap.engage.campaigns import Campaign, campaign_to_mapping

__all__ = [
    "SPARE_ROWS",
    "field_id",
    "form_from_campaign",
    "form_from_values",
    "mapping_from_form",
]

SPARE_ROWS = 2
TEXT_FIELDS = (
    "slug",
    "title",
    "summary",
    "starts_on",
    "ends_on",
    "place_code",
    "place_name",
    "organiser",
    "privacy_contact",
    "moderation",
    "contact_retention_days",
    "public_retention_days",
    "marketing_sender",
)
ROW_FIELDS = ("code", "theme", "text", "duration_days", "tips")
_ROW = re.compile(r"^set_pledges-(\d+)-(code|theme|text|duration_days|tips)$")
_PROBLEM = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")


def _first(values: Mapping[str, Sequence[str]], name: str) -> str:
    found = values.get(name) or [""]
    return str(found[0]).strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _catalogue(values: Mapping[str, Sequence[str]]) -> tuple[list[dict[str, Any]], list[int]]:
    rows: dict[int, dict[str, str]] = {}
    for name, sent in values.items():
        match = _ROW.match(name)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = str((sent or [""])[0])
    pledges, kept = [], []
    for index in sorted(rows):
        row = rows[index]
        if not any(v.strip() for v in row.values()):
            continue
        pledges.append(
            {
                "code": row.get("code", "").strip(),
                "theme": row.get("theme", "").strip(),
                "text": row.get("text", "").strip(),
                "duration_days": row.get("duration_days", "").strip() or None,
                "tips": _lines(row.get("tips", "")),
            }
        )
        kept.append(index)
    return pledges, kept


def mapping_from_form(values: Mapping[str, Sequence[str]]) -> tuple[dict[str, Any], list[int]]:
    """The campaign mapping the form's ``values`` (name -> every value sent) describe, and
    the form row of each set pledge kept (for :func:`field_id`)."""
    data: dict[str, Any] = {name: _first(values, name) or None for name in TEXT_FIELDS}
    data["summary"] = data["summary"] or ""
    data["themes"] = [str(v) for v in values.get("themes", [])]
    data["audiences"] = [str(v) for v in values.get("audiences", [])]
    data["allow_own_pledges"] = bool(_first(values, "allow_own_pledges"))
    data["groups"] = _lines(_first(values, "groups"))
    weeks = _first(values, "reminder_weeks")
    data["reminder_weeks"] = [w.strip() for w in re.split(r"[,\s]+", weeks) if w.strip()]
    data["set_pledges"], rows = _catalogue(values)
    data["branding"] = {
        "partners": _lines(_first(values, "branding_partners")),
        "logo_paths": _lines(_first(values, "branding_logo_paths")),
        "colour": _first(values, "branding_colour") or None,
    }
    return {k: v for k, v in data.items() if v is not None}, rows


def form_from_campaign(campaign: Campaign | None, spare_rows: int = SPARE_ROWS) -> dict[str, Any]:
    """Values to fill the form with: a campaign's (to edit it) or sensible defaults."""
    if campaign is None:
        data: dict[str, Any] = {
            "themes": ["diet", "activity", "alcohol", "tobacco", "wellbeing"],
            "audiences": ["community"],
            "moderation": "post",
            "reminder_weeks": [1, 4, 12],
            "contact_retention_days": 120,
            "public_retention_days": 365,
            "allow_own_pledges": True,
            "set_pledges": [],
            "groups": [],
            "branding": {"partners": [], "logo_paths": [], "colour": "#005EB8"},
        }
    else:
        data = campaign_to_mapping(campaign)
    form = {name: "" if data.get(name) is None else str(data[name]) for name in TEXT_FIELDS}
    form["themes"] = list(data["themes"])
    form["audiences"] = list(data["audiences"])
    form["allow_own_pledges"] = bool(data["allow_own_pledges"])
    form["groups"] = "\n".join(data["groups"])
    form["reminder_weeks"] = ", ".join(str(w) for w in data["reminder_weeks"])
    form["branding_partners"] = "\n".join(data["branding"]["partners"])
    form["branding_logo_paths"] = "\n".join(data["branding"]["logo_paths"])
    form["branding_colour"] = data["branding"]["colour"]
    rows = [{**p, "tips": "\n".join(p["tips"])} for p in data["set_pledges"]]
    form["set_pledges"] = rows + [dict.fromkeys(ROW_FIELDS, "") for _ in range(spare_rows)]
    return form


def form_from_values(values: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The form as the person filled it in (shown again with the problems)."""
    form: dict[str, Any] = {name: _first(values, name) for name in TEXT_FIELDS}
    form["themes"] = [str(v) for v in values.get("themes", [])]
    form["audiences"] = [str(v) for v in values.get("audiences", [])]
    form["allow_own_pledges"] = bool(_first(values, "allow_own_pledges"))
    for name in (
        "groups",
        "reminder_weeks",
        "branding_partners",
        "branding_logo_paths",
        "branding_colour",
    ):
        form[name] = _first(values, name)
    indexes = sorted({int(m[1]) for n in values if (m := _ROW.match(n))})
    form["set_pledges"] = [
        {f: _first(values, f"set_pledges-{i}-{f}") for f in ROW_FIELDS} for i in indexes
    ]
    return form


def field_id(column: str | None, rows: Sequence[int]) -> str:
    """The id of the form input a problem's field names."""
    match = _PROBLEM.match(column or "")
    if not match:
        return "title"
    name, index, sub = match[1], match[2], match[3]
    if name == "set_pledges":
        row = rows[int(index)] if index is not None and int(index) < len(rows) else 0
        return f"set_pledges-{row}-{sub or 'code'}"
    if name == "branding":
        return f"branding_{sub or 'colour'}"
    return name
