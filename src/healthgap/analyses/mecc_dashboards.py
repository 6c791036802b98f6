"""MECC activity and referrals dashboards: conversations per week and per member of staff, the
share of staff recording any, breakdowns by topic, setting and organisation, run charts,
signposts and referrals by destination, and referrals services received that MECC could
explain.

Every count in every table and chart has passed the disclosure policy of the core
(:mod:`healthgap.engage.mecc_dashboards`: counts of 1-7 suppressed, others rounded to 5,
rates on fewer than 10 events withheld), so a page, a CSV and an Excel file show the same
safe figures. Run chart rules are computed on the raw weekly counts and only their verdicts
and the median are published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from healthgap.analyses.mecc_source import MeccData, read_mecc, resolve_period
from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc_attribution import attribute_referrals
from healthgap.engage.mecc_dashboards import (
    conversation_breakdown,
    conversations_per_staff,
    referrals_by_destination,
    staff_recording,
    weekly_conversations,
)
from healthgap.engage.mecc_run_charts import RULES, run_chart
from healthgap.measures.proportions import proportion
from healthgap.reports.bundle import ResultBundle, Table
from healthgap.reports.chart_style import decorative_rules
from healthgap.reports.mecc_charts import referrals_chart, run_chart_spec
from healthgap.reports.mecc_dashboard_charts import attribution_chart
from healthgap.store import Database

__all__ = ["mecc_activity", "mecc_referrals", "with_labels"]

POLICY = DisclosurePolicy()
_METHOD = "MECC dashboards v1 (PHE/HEE/LSBU evaluation guide 2020 activity and output metrics)"
_RUN_METHOD = "run chart rules (Perla, Provost and Murray 2011; NHS Making Data Count 2019)"
_SECTIONS = {
    "topic": "topics",
    "setting": "settings",
    "action": "actions",
    "destination": "destinations",
    "service": "destinations",
    "route": "training_routes",
    "measure": "capability_measures",
}


def with_labels(frame: pd.DataFrame, data: MeccData) -> pd.DataFrame:
    """``frame`` with a plain-English column after each code column (``organisation_name``,
    ``topic_label`` ...), so files and pages never show only a code."""
    out = frame.copy()
    for column in list(out.columns):
        if column == "organisation":
            name, labels = "organisation_name", data.names
        elif column in _SECTIONS:
            name, labels = f"{column}_label", data.vocabulary.labels(_SECTIONS[column])
        else:
            continue
        codes = out[column]
        out.insert(out.columns.get_loc(column) + 1, name, codes.map(labels).fillna(codes))
    return out


def _period_note(start: date, end: date) -> dict[str, str]:
    return {"period": f"{start.isoformat()} to {end.isoformat()}"}


def _staff_groups(
    function, data: MeccData, *, start: date, end: date, by: Sequence[str]
) -> pd.DataFrame:  # noqa: ANN001
    """One table of ``function`` for staff in post and for staff trained by ``end``."""
    parts = []
    for group, training in (("in post", None), ("trained", data.training)):
        frame = function(data.logs, data.directory, training=training, by=by, start=start, end=end)
        parts.append(frame.assign(staff_group=group))
    out = pd.concat(parts, ignore_index=True)
    out.attrs = parts[0].attrs
    return out


def mecc_activity(
    database: Database,
    *,
    organisations: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> ResultBundle:
    """Conversations per week, per member of staff (in post, and trained) per week, the share
    of staff recording any, and conversations by topic x setting x organisation, for the
    chosen organisations (all by default) over ``start``-``end`` (default: the 52 weeks up to
    the latest entry); run charts of the weekly total and of each organisation."""
    data = read_mecc(database, organisations=organisations)
    start, end = resolve_period(start, end, latest=data.latest_date())
    window = {"start": start, "end": end}
    weekly = weekly_conversations(data.logs, by=("organisation",), **window)
    raw_total = weekly_conversations(data.logs, **window, policy=None)
    per_staff = _staff_groups(conversations_per_staff, data, by=("organisation",), **window)
    recording = _staff_groups(staff_recording, data, by=("organisation",), **window)
    overall_staff = _staff_groups(conversations_per_staff, data, by=(), **window)
    overall_recording = _staff_groups(staff_recording, data, by=(), **window)
    breakdown = conversation_breakdown(data.logs, by=("topic", "setting", "organisation"), **window)
    by_topic = conversation_breakdown(data.logs, by=("topic",), **window)
    total = conversation_breakdown(data.logs, by=(), **window)
    charts: dict[str, dict] = {}
    run_tables = []
    summary_runs: dict[str, dict] = {}
    everyone = (
        data.names[data.organisations[0]]
        if len(data.organisations) == 1
        else "all chosen organisations"
    )
    series = [("all", everyone, raw_total)]
    if len(data.organisations) > 1:
        raw_by_org = weekly_conversations(data.logs, by=("organisation",), **window, policy=None)
        series += [
            (code, data.names.get(code, code), rows.drop(columns="organisation"))
            for code, rows in raw_by_org.groupby("organisation", sort=True)
        ]
    for code, name, raw in series:
        if raw.empty:
            continue
        chart = run_chart(raw, value="conversations", period="week_start")
        charts[f"run-chart-{code}"] = run_chart_spec(
            chart,
            value="conversations",
            period="week_start",
            title=f"MECC conversations per week, {name}",
            synthetic=data.synthetic,
        )
        points, _ = POLICY.for_columns(counts=["conversations"]).apply(chart.points)
        run_tables.append(points.assign(organisation=code, organisation_name=name))
        row = chart.summary.iloc[0]
        summary_runs[code] = {
            "name": name,
            "median": float(row["median"]),
            "shifts": int(row["shifts"]),
            "trends": int(row["trends"]),
            "runs_signal": str(row["runs_signal"] or ""),
        }
    run_points = pd.concat(run_tables, ignore_index=True) if run_tables else pd.DataFrame()
    period = _period_note(start, end)
    tables = {
        "organisations": Table(
            _by_organisation(per_staff, recording, data),
            "conversations, staff recording and training by organisation",
            period,
            decimals={
                "per_staff_week": 3,
                "per_trained_staff_week": 3,
                "recording_percent": 1,
                "recording_trained_percent": 1,
            },
        ),
        "weekly": Table(with_labels(weekly, data), "MECC conversations per week", period),
        "per-staff": Table(
            with_labels(per_staff, data),
            "conversations per member of staff per week (staff in post, and staff trained)",
            period,
            decimals={"value": 3, "lowercl": 3, "uppercl": 3, "weeks": 2},
        ),
        "recording": Table(
            with_labels(recording, data),
            "percentage of staff who recorded any conversation",
            period,
            decimals={"value": 1, "lowercl": 1, "uppercl": 1},
        ),
        "breakdown": Table(
            with_labels(breakdown, data),
            "conversations by topic, setting and organisation (a conversation counts under "
            "each topic it raised)",
            period,
        ),
        "topics": Table(with_labels(by_topic, data), "conversations by topic", period),
        "run-chart": Table(
            run_points,
            "weekly conversations with the run chart's median and signals",
            {**period, "rules": " ".join(RULES.values())},
            columns=[
                "organisation",
                "organisation_name",
                "week_start",
                "conversations",
                "median",
                "side",
                "shift",
                "trend",
                "disclosure_note",
            ],
        ),
    }
    per_trained = _group(overall_staff, "trained")
    recording_trained = _group(overall_recording, "trained")
    recording_all = _group(overall_recording, "in post")
    return ResultBundle(
        question="MECC activity",
        provenance=data.provenance(_METHOD, _RUN_METHOD),
        tables=tables,
        charts={name: decorative_rules(spec) for name, spec in charts.items()},
        metadata={
            **period,
            "organisations": ", ".join(data.organisations),
            "disclosure": POLICY.note,
        },
        summary={
            "start": start,
            "end": end,
            "weeks": round(((end - start).days + 1) / 7, 1),
            "organisations": {code: data.names[code] for code in data.organisations},
            "conversations": _number(total["conversations"].iloc[0]),
            "staff_in_post": int(recording_all.get("staff_in_post", 0)),
            "staff_trained": int(recording_trained.get("staff_in_post", 0)),
            "per_trained_staff_week": _number(per_trained.get("value")),
            "recording_percent": _number(recording_all.get("value")),
            "recording_trained_percent": _number(recording_trained.get("value")),
            "runs": summary_runs,
            "disclosure": POLICY.note,
        },
    )


def _by_organisation(
    per_staff: pd.DataFrame, recording: pd.DataFrame, data: MeccData
) -> pd.DataFrame:
    """One row per organisation: for staff in post and for staff trained, how many, their
    conversations, conversations per member of staff per week and the % recording any."""
    parts = []
    for group, names in (
        ("in post", ("staff_in_post", "conversations", "per_staff_week", "recording_percent")),
        (
            "trained",
            (
                "staff_trained",
                "conversations_trained",
                "per_trained_staff_week",
                "recording_trained_percent",
            ),
        ),
    ):
        rates = per_staff[per_staff["staff_group"] == group].set_index("organisation")
        shares = recording[recording["staff_group"] == group].set_index("organisation")
        columns = (rates["staff"], rates["conversations"], rates["value"], shares["value"])
        parts.append(pd.DataFrame(dict(zip(names, columns, strict=True))))
    out = pd.concat(parts, axis=1).rename_axis("organisation").reset_index()
    # The training page counts trained staff under the same rule: one figure everywhere.
    out, _ = POLICY.for_columns(counts=["staff_trained"]).apply(out)
    return with_labels(out, data)


def _group(frame: pd.DataFrame, group: str) -> pd.Series:
    """The one overall row of a staff group (empty when nobody is in it)."""
    rows = frame[frame["staff_group"] == group]
    return rows.iloc[0] if len(rows) else pd.Series(dtype=object)


def _number(value: object) -> float | None:
    """A figure for the summary: None where disclosure control withheld it."""
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _attribution(
    data: MeccData, start: date, end: date, window_days: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attribution per service, area and month (controlled), and per service over the
    period (summed raw, then controlled). MECC entries up to ``window_days`` before the
    period can explain referrals received in it."""
    received = data.received[
        (data.received["received_date"] >= pd.Timestamp(start))
        & (data.received["received_date"] <= pd.Timestamp(end))
    ]
    logs = data.logs[
        (data.logs["contact_date"] >= pd.Timestamp(start - timedelta(days=window_days)))
        & (data.logs["contact_date"] <= pd.Timestamp(end))
    ]
    raw = attribute_referrals(logs, received, data.areas, window_days=window_days, policy=None)
    months = pd.period_range(start, end, freq="M").strftime("%Y-%m")
    raw = raw[raw["month"].isin(months)]
    monthly, _ = POLICY.for_columns(
        counts=["received", "attributed", "mecc_made"], rate_count="attributed"
    ).apply(raw.drop(columns="disclosure_note"))
    sums = raw.groupby("service", as_index=False)[["received", "attributed", "mecc_made"]].sum()
    shares = proportion(
        sums[sums["received"] > 0],
        keys=["service"],
        numerator="attributed",
        denominator="received",
        multiplier=100,
    ).drop(columns=["attributed", "received"])
    by_service = sums.merge(shares, on="service", how="left")
    by_service, _ = POLICY.for_columns(
        counts=["received", "attributed", "mecc_made"], rate_count="attributed"
    ).apply(by_service)
    return monthly, by_service.assign(window_days=window_days)


def mecc_referrals(
    database: Database,
    *,
    organisations: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    window_days: int = 28,
) -> ResultBundle:
    """Signposts and referrals by destination (and by organisation); with a services'
    referrals-received file stored, how many referrals received in each area MECC could
    explain (matched on date, service and area, never on a person: an upper bound)."""
    data = read_mecc(database, organisations=organisations)
    start, end = resolve_period(start, end, latest=data.latest_date())
    destinations = referrals_by_destination(data.logs, start=start, end=end)
    actions = conversation_breakdown(data.logs, by=("action",), start=start, end=end)
    by_action = dict(zip(actions["action"], actions["conversations"], strict=True))
    by_org = referrals_by_destination(data.logs, by=("organisation",), start=start, end=end)
    period = _period_note(start, end)
    tables = {
        "destinations": Table(
            with_labels(destinations, data), "signposts and referrals by destination", period
        ),
        "destinations-by-organisation": Table(
            with_labels(by_org, data), "signposts and referrals by organisation", period
        ),
    }
    charts = {"destinations": referrals_chart(destinations, synthetic=data.synthetic)}
    summary: dict[str, object] = {
        "start": start,
        "end": end,
        "organisations": {code: data.names[code] for code in data.organisations},
        "has_received": not data.received.empty,
        "signposts": _number(by_action.get("signpost", 0)),
        "referrals": _number(by_action.get("referral", 0)),
        "disclosure": POLICY.note,
    }
    methods = [_METHOD]
    if not data.received.empty:
        monthly, by_service = _attribution(data, start, end, window_days)
        attribution_note = {
            **period,
            "matching": f"a referral received is attributable when an unmatched MECC "
            f"signpost or referral to the same service, from an organisation in the same "
            f"area, was logged that day or up to {window_days} days before; an upper bound",
        }
        tables["attribution"] = Table(
            with_labels(by_service, data),
            "referrals received by services and those MECC could explain, by service",
            attribution_note,
            decimals={"value": 1, "lowercl": 1, "uppercl": 1},
        )
        tables["attribution-monthly"] = Table(
            with_labels(monthly, data),
            "referrals received and attributable to MECC, by service, area and month",
            attribution_note,
            decimals={"value": 1, "lowercl": 1, "uppercl": 1},
        )
        charts["attribution"] = attribution_chart(
            with_labels(by_service, data), synthetic=data.synthetic
        )
        summary["window_days"] = window_days
        methods.append("attribution by date, service and area (oldest open entry first)")
    return ResultBundle(
        question="MECC referrals",
        provenance=data.provenance(*methods),
        tables=tables,
        charts={name: decorative_rules(spec) for name, spec in charts.items()},
        metadata={
            **period,
            "organisations": ", ".join(data.organisations),
            "disclosure": POLICY.note,
        },
        summary=summary,
    )
