"""The privacy notice of a pledge campaign, written from its settings (Jinja2, autoescaped).

The notice says who runs the campaign, what is asked for and why, the reminder weeks, the
exact deletion dates that :func:`healthgap.engage.retention_dates` gives, and how to stop
reminders or delete a pledge. Its wording is ours, not legal advice: an organiser should
have their data protection officer review it.

>>> from healthgap.engage import campaign_from_mapping, example_campaign
>>> html = privacy_notice_html(campaign_from_mapping(example_campaign(title="Walk <more>")))
>>> "Walk &lt;more&gt;" in html, "29 July 2026" in html
(True, True)
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from healthgap.engage.campaigns import Campaign
from healthgap.engage.pledge_privacy import retention_dates

__all__ = ["privacy_notice_html"]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("healthgap.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _weeks_text(weeks: tuple[int, ...]) -> str:
    """``(1, 4, 12)`` -> ``"1, 4 and 12 weeks"``.

    >>> _weeks_text((1,)), _weeks_text((1, 4, 12))
    ('1 week', '1, 4 and 12 weeks')
    """
    numbers = [str(w) for w in weeks]
    text = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"{text} week{'s' if numbers != ['1'] else ''}"


def privacy_notice_html(campaign: Campaign) -> str:
    """The notice as an HTML fragment (a ``<section>``) to place in a page."""
    template = _environment().get_template("pledge_privacy_notice.html")
    return template.render(
        campaign=campaign,
        dates=retention_dates(campaign),
        weeks_text=_weeks_text(campaign.reminder_weeks),
    )
