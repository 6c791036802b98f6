"""Template journeys shipped as editable YAML content, and the SYNTHETIC worked example.

The four templates (stop smoking, NHS Health Check, antenatal booking, weight management) are
RECONSTRUCTED starting points written in healthgap's own words: each says so in its
``provenance`` and has ``reconstructed`` set, and its emotion scores and pain points are
assumptions to replace with local insight. The worked example (``demo_health_check`` and its
redesign ``demo_health_check_to_be``) is SYNTHETIC: invented quotes and counts that show a
filled-in map; its stage counts come from service data (see
:func:`healthgap.journeys.funnel.apply_service_counts`).

The files live in ``healthgap/journeys/templates/``; copy one, edit it, and read it back with
:func:`healthgap.journeys.read_journey`.

>>> list_templates()
['antenatal_booking', 'nhs_health_check', 'stop_smoking', 'weight_management']
>>> load_template("nhs_health_check").reconstructed
True
>>> load_template("demo_health_check").synthetic
True
>>> sorted({n.method for n in demo_insight_notes()})
['complaint', 'focus_group', 'interview', 'survey']
"""

from __future__ import annotations

from importlib import resources

import yaml

from healthgap.errors import InputError
from healthgap.journeys.insight import InsightNote, insight_notes_from_records
from healthgap.journeys.model import Journey
from healthgap.journeys.records import journey_from_dict

__all__ = [
    "TEMPLATES",
    "WORKED_EXAMPLES",
    "demo_insight_notes",
    "list_templates",
    "load_template",
    "template_text",
]

#: The reconstructed templates for common journeys.
TEMPLATES: tuple[str, ...] = (
    "antenatal_booking",
    "nhs_health_check",
    "stop_smoking",
    "weight_management",
)
#: The SYNTHETIC worked example: an as-is journey and its to-be redesign.
WORKED_EXAMPLES: tuple[str, ...] = ("demo_health_check", "demo_health_check_to_be")


def template_text(name: str) -> str:
    """The YAML text of a template, to copy and edit."""
    if name not in TEMPLATES + WORKED_EXAMPLES:
        known = ", ".join(TEMPLATES + WORKED_EXAMPLES)
        raise InputError(
            f"no journey template {name!r}; choose one of {known}", rule="unknown_template"
        )
    files = resources.files("healthgap.journeys") / "templates"
    return (files / f"{name}.yaml").read_text(encoding="utf-8")


def list_templates(*, include_worked_examples: bool = False) -> list[str]:
    """Names of the shipped templates (and the worked example when asked)."""
    return list(TEMPLATES + (WORKED_EXAMPLES if include_worked_examples else ()))


def load_template(name: str) -> Journey:
    """Read and validate a shipped template or worked example by name."""
    return journey_from_dict(yaml.safe_load(template_text(name)), f"templates/{name}.yaml")


def demo_insight_notes() -> list[InsightNote]:
    """The SYNTHETIC insight notes of the worked example, linked to its persona, the
    ``demo_health_check`` journey and its touchpoints (invented; no real person's words)."""
    files = resources.files("healthgap.journeys") / "templates"
    text = (files / "demo_insight_notes.yaml").read_text(encoding="utf-8")
    return insight_notes_from_records(yaml.safe_load(text), "templates/demo_insight_notes.yaml")
