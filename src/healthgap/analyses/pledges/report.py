"""Analysis of a campaign, as one result bundle: pledges and unique pledgers by theme, place,
group and day; visits, shares and click-throughs; conversion from page views; how pledges
went at each reminder week, with Wilson 95% intervals.

Every table carries its disclosure policy (:mod:`healthgap.reports.engage_tables`): counts of
1-7 suppressed and the others rounded to 5; no percentage on fewer than 10 answers, flagged
``u`` under 20. The one writer applies it to every file, the pages show the controlled
tables, and the charts are drawn from them. :func:`export_campaign_pledges` is the exception:
the record-level table for analysts, which carries no names, emails or typed text and is
labelled "not for publication".
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from healthgap.analyses.pledges.campaigns import open_campaign
from healthgap.analyses.pledges.district_map import district_map_spec
from healthgap.engage.pledge_privacy import analysis_export
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.engage_charts import (
    conversion_chart,
    district_chart,
    followup_chart,
    pledges_by_day_chart,
    pledges_by_theme_chart,
)
from healthgap.reports.engage_tables import COUNT_POLICY, district_map_table, pledge_report_tables
from healthgap.store.database import Database
from healthgap.store.pledge_exports import pledge_frame
from healthgap.store.pledge_followup import checkin_frame, event_frame, reminders_sent_frame

__all__ = ["TABLE_TITLES", "analyse_campaign", "export_campaign_pledges"]

METHODS = (
    "pledges exclude those rejected by moderation; unique pledgers are distinct pseudonymous "
    "browser references",
    "percentages with Wilson score 95% confidence intervals",
)
#: Title of each analysis table (bundle names use hyphens: ``pledges-by-theme``).
TABLE_TITLES = {
    "pledges-overall": "Pledges and unique pledgers",
    "pledges-by-theme": "Pledges and unique pledgers by theme",
    "pledges-by-day": "Pledges and unique pledgers by day (UK time)",
    "pledges-by-postcode-district": "Pledges and unique pledgers by postcode district",
    "pledges-by-group": "Pledges and unique pledgers by group",
    "pledges-by-audience": "Pledges and unique pledgers by audience (staff or public)",
    "pledges-by-age-band": "Pledges and unique pledgers by age band",
    "events-by-channel": "Page views, shares and click-throughs by channel",
    "events-by-day": "Page views, shares and click-throughs by day",
    "conversion-overall": "Pledges per 100 page views",
    "conversion-by-day": "Pledges per 100 page views, by day",
    "followup-by-week": "How pledges went, by reminder week",
    "followup-by-week-theme": "How pledges went, by reminder week and theme",
    "followup-response": "Reminders answered, by week",
}


def _exports(database: Database, slug: str) -> tuple[pd.DataFrame, ...]:
    with database.reader() as session:
        return (
            pledge_frame(session, campaign_slug=slug),
            event_frame(session, campaign_slug=slug),
            checkin_frame(session, campaign_slug=slug),
            reminders_sent_frame(session, campaign_slug=slug),
        )


def _provenance(slug: str) -> Provenance:
    return Provenance(source=f"database, pledge campaign {slug}", methods=METHODS)


def _summary(tables: dict[str, Table], events: pd.DataFrame) -> dict[str, Any]:
    overall, _ = tables["pledges-overall"].controlled()
    counts = dict(zip(overall["statistic"], overall["count"], strict=True))
    totals = events.groupby("kind")["count"].sum() if len(events) else pd.Series(dtype=int)
    kinds = ("page_view", "share", "click_through")
    exact = pd.DataFrame({"kind": kinds, "count": [int(totals.get(k, 0)) for k in kinds]})
    shown, _ = COUNT_POLICY.apply(exact)
    conversion, _ = tables["conversion-overall"].controlled()
    row = conversion.iloc[0] if len(conversion) else None

    def number(value: object) -> float | None:
        return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]

    return {
        "pledges": number(counts.get("pledges")),
        "unique_pledgers": number(counts.get("unique pledgers")),
        **{k: number(v) for k, v in zip(kinds, shown["count"], strict=True)},
        "conversion": None if row is None else number(row["value"]),
        "conversion_lower": None if row is None else number(row["lowercl"]),
        "conversion_upper": None if row is None else number(row["uppercl"]),
    }


def _silence_marks(spec: dict[str, Any]) -> None:
    """Every mark of ``spec`` (layers and facets included) out of the ARIA tree."""
    mark = spec.get("mark")
    if mark is not None:
        spec["mark"] = {**(mark if isinstance(mark, dict) else {"type": mark}), "aria": False}
    for layer in spec.get("layer", []):
        _silence_marks(layer)
    if isinstance(spec.get("spec"), dict):
        _silence_marks(spec["spec"])


def analyse_campaign(
    database: Database, slug: str, *, boundaries: str | os.PathLike[str] | None = None
) -> ResultBundle:
    """Every analysis table of campaign ``slug`` (each with its disclosure policy), the
    charts drawn from the controlled tables (the district map over the local authority
    outlines of ``boundaries``, a GeoJSON file or folder, when given), and headline figures
    in ``summary``."""
    campaign = open_campaign(database, slug)
    pledges, events, checkins, sent = _exports(database, slug)
    tables = {
        item.name.replace("_", "-"): Table(
            item.frame, TABLE_TITLES[item.name.replace("_", "-")], policy=item.policy
        )
        for item in pledge_report_tables(pledges, events, checkins, sent)
    }
    controlled = {name: table.controlled()[0] for name, table in tables.items()}
    title = campaign.title
    districts, district_notes = district_map_table(pledges)
    charts = {
        "pledges-by-day-chart": pledges_by_day_chart(
            controlled["pledges-by-day"], campaign_title=title
        ),
        "pledges-by-theme-chart": pledges_by_theme_chart(
            controlled["pledges-by-theme"], campaign_title=title
        ),
        "districts-chart": district_chart(districts, district_notes, campaign_title=title),
        "conversion-by-day-chart": conversion_chart(
            controlled["conversion-by-day"], campaign_title=title
        ),
    }
    district_map = district_map_spec(campaign, districts, district_notes, boundaries=boundaries)
    if district_map is not None:
        charts["districts-map"] = district_map
    if "followup-by-week" in controlled:
        charts["followup-chart"] = followup_chart(
            controlled["followup-by-week"], campaign_title=title
        )
    for spec in charts.values():
        # One name for the whole chart (the page's figure reads it out); its marks stay
        # silent rather than unnamed ARIA images (WCAG 1.1.1); the tables give the figures.
        title_lines = spec["title"]["text"]
        title_text = title_lines if isinstance(title_lines, str) else " ".join(title_lines)
        spec["description"] = f"{title_text}. The tables below give the figures."
        _silence_marks(spec)
    return ResultBundle(
        question="analyse a pledge campaign",
        provenance=_provenance(slug),
        tables=tables,
        charts=charts,
        metadata={
            "campaign": f"{campaign.title} ({campaign.slug})",
            "place": f"{campaign.place_name} ({campaign.place_code})",
            "dates": f"{campaign.starts_on.isoformat()} to {campaign.ends_on.isoformat()}",
        },
        summary=_summary(tables, events),
    )


def export_campaign_pledges(database: Database, slug: str) -> ResultBundle:
    """The campaign's pledges one row each, for analysts: pledge id, campaign, day, theme,
    set pledge, own-pledge flag, district, age band, group, audience, pseudonymous pledger
    and status; no names, emails or typed text (:data:`healthgap.engage.ANALYSIS_COLUMNS`)."""
    campaign = open_campaign(database, slug)
    with database.reader() as session:
        records = analysis_export(pledge_frame(session, campaign_slug=slug))
    table = Table(records, "Pledges, one row each (no names, emails or text)", record_level=True)
    return ResultBundle(
        question="export a pledge campaign's records",
        provenance=_provenance(slug),
        tables={"pledges": table},
        metadata={"campaign": f"{campaign.title} ({campaign.slug})"},
        summary={"rows": len(records)},
    )
