"""Published pledge outputs: disclosure control on every table, charts that render without
Vega warnings, a share image that draws the pledge as text, and the privacy notice."""

from __future__ import annotations

import json
import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert

from healthgap.engage import campaign_from_mapping, example_campaign
from healthgap.reports.engage_charts import (
    conversion_chart,
    district_chart,
    followup_chart,
    pledges_by_day_chart,
    pledges_by_theme_chart,
)
from healthgap.reports.engage_tables import (
    district_map_table,
    pledge_report_tables,
    write_pledge_tables,
)
from healthgap.reports.pledge_privacy_notice import privacy_notice_html
from healthgap.reports.pledge_share_card import (
    SHARE_IMAGE_SIZE,
    render_share_image,
    share_card_spec,
)
from healthgap.reports.render import VEGA_LITE_VERSION

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(15)
    n = 400
    pledges = pd.DataFrame(
        {
            "pledge_id": np.arange(n),
            "created_at": [START + timedelta(hours=int(h)) for h in rng.integers(0, 24 * 6, n)],
            "theme": rng.choice(["diet", "activity", "alcohol", "tobacco", "wellbeing"], n,
                                p=[0.4, 0.35, 0.15, 0.08, 0.02]),
            "postcode_district": rng.choice(["TS24", "TS25", "TS26", "TS27", "DL1"], n,
                                            p=[0.5, 0.3, 0.15, 0.04, 0.01]),
            "group": rng.choice(["Ward 7", "Estates", None], n),
            "audience": rng.choice(["staff", "community"], n),
            "age_band": rng.choice(["25-34", "35-44", None], n),
            "pledger": [f"p{i}" for i in rng.integers(0, 300, n)],
            "status": rng.choice(["published", "pending", "rejected"], n, p=[0.8, 0.15, 0.05]),
        }
    )  # fmt: skip
    days = [START.date() + timedelta(days=d) for d in range(6)]
    events = pd.DataFrame(
        {
            "day": days * 3,
            "kind": ["page_view"] * 6 + ["share"] * 6 + ["click_through"] * 6,
            "channel": [""] * 6 + ["whatsapp"] * 6 + ["whatsapp"] * 6,
            "count": [900, 800, 700, 600, 500, 400] + [30, 20, 10, 5, 3, 2] + [60, 40, 9, 8, 4, 1],
        }
    )
    checkins = pd.DataFrame(
        {
            "pledge_id": np.arange(150),
            "week": np.repeat([1, 4, 12], [90, 45, 15]),
            "outcome": rng.choice(["kept", "partly", "not_yet"], 150),
            "theme": rng.choice(["diet", "activity"], 150),
        }
    )
    sent = pd.DataFrame({"pledge_id": np.arange(200), "week": np.repeat([1, 4, 12], [120, 60, 20])})
    return pledges, events, checkins, sent


def test_every_published_table_is_controlled(tmp_path: Path) -> None:
    tables = pledge_report_tables(*_inputs())
    names = {t.name for t in tables}
    assert {"pledges_by_theme", "pledges_by_postcode_district", "conversion_by_day",
            "followup_by_week", "followup_response", "events_by_channel"} <= names  # fmt: skip
    for table in tables:
        safe, notes = table.publishable()
        assert "disclosure_note" in safe and notes
        for column in ("count", "denominator"):
            if column in safe:
                shown = safe[column].dropna()
                assert ((shown == 0) | (shown >= 8)).all(), table.name  # 1-7 never shown
                assert (shown % 5 == 0).all(), table.name  # others rounded to 5
        if "denominator" in table.frame:
            few = table.frame["denominator"] < 10
            assert safe.loc[few, "value"].isna().all(), table.name
    written = write_pledge_tables(tables, tmp_path, suffix=".csv", synthetic=True)
    theme = pd.read_csv(next(p for p in written if p.stem == "pledges_by_theme"))
    assert "SYNTHETIC" in theme["data_note"].iloc[0]
    assert (theme["count"].dropna() % 5 == 0).all()
    xlsx = write_pledge_tables(tables[:2], tmp_path / "x", suffix=".xlsx")
    assert all(p.stat().st_size > 0 for p in xlsx)


def test_map_table_hides_small_districts_and_says_so() -> None:
    pledges = _inputs()[0]
    table, notes = district_map_table(pledges)
    exact = pledges[pledges["status"] != "rejected"].groupby("postcode_district").size()
    assert set(table["postcode_district"]) == set(exact[exact > 7].index)
    hidden = int(((exact >= 1) & (exact <= 7)).sum())
    assert hidden >= 1 and notes[-1].startswith(f"{hidden} district")


def _render_without_warnings(spec: dict, capfd: pytest.CaptureFixture[str]) -> str:
    capfd.readouterr()
    svg = vl_convert.vegalite_to_svg(spec, VEGA_LITE_VERSION, show_warnings=True)
    captured = capfd.readouterr()
    assert "WARN" not in captured.err + captured.out, captured.err
    return svg


def test_charts_render_without_vega_warnings(capfd: pytest.CaptureFixture[str]) -> None:
    tables = {t.name: t.publishable() for t in pledge_report_tables(*_inputs())}
    title = "Small changes"
    specs = {
        "day": pledges_by_day_chart(tables["pledges_by_day"][0], campaign_title=title),
        "theme": pledges_by_theme_chart(tables["pledges_by_theme"][0], campaign_title=title,
                                        synthetic=True),
        "followup": followup_chart(tables["followup_by_week"][0], campaign_title=title),
        "conversion": conversion_chart(tables["conversion_by_day"][0], campaign_title=title),
        "district": district_chart(*district_map_table(_inputs()[0]), campaign_title=title),
    }  # fmt: skip
    for name, spec in specs.items():
        svg = _render_without_warnings(spec, capfd)
        assert title in svg, name
        json.dumps(spec, allow_nan=False)  # inline data is valid JSON
    assert "SYNTHETIC" in json.dumps(specs["theme"]["title"])
    assert "not shown" in json.dumps(specs["district"]["title"])
    assert "Wilson" in json.dumps(specs["followup"]["title"])


def test_share_image_draws_the_pledge_as_text(capfd: pytest.CaptureFixture[str]) -> None:
    pledge = "<script>alert('x')</script> & walk 🚶 daily — سأمشي كل يوم"
    spec = share_card_spec(campaign_title="Small changes", pledge_text=pledge,
                           display_name='Sam "&" <Jo>')  # fmt: skip
    svg = _render_without_warnings(spec, capfd)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Sam &quot;&amp;&quot; &lt;Jo&gt;" in svg or 'Sam "&amp;" &lt;Jo&gt;' in svg
    png = render_share_image(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == SHARE_IMAGE_SIZE
    long = share_card_spec(campaign_title="T", pledge_text="word " * 200, display_name=None)
    lines = [row["text"] for row in long["data"]["values"]]
    assert lines[-1] == "— someone in the campaign" and lines[-2].endswith("…")
    assert len(lines) == 2 + 6 + 1


def test_privacy_notice_comes_from_the_settings_and_is_escaped() -> None:
    campaign = campaign_from_mapping(
        example_campaign(
            organiser="Council <Public Health>",
            marketing_sender="Example Leisure",
            reminder_weeks=[2, 6],
            contact_retention_days=60,
            moderation="pre",
        )
    )
    html = privacy_notice_html(campaign)
    assert "Council &lt;Public Health&gt;" in html and "<Public Health>" not in html
    assert "2 and 6 weeks" in html and "Example Leisure" in html
    assert "30 May 2026" in html  # 31 March + 60 days
    assert "once a moderator has checked it" in html
    assert date(2027, 3, 31).strftime("%-d %B %Y") in html  # public details: + 365 days


def test_a_new_campaign_with_no_data_gives_empty_tables_not_errors() -> None:
    columns = ["pledge_id", "created_at", "theme", "postcode_district", "group", "audience",
               "age_band", "pledger", "status"]  # fmt: skip
    pledges = pd.DataFrame(columns=columns).astype({"created_at": "datetime64[ns, UTC]"})
    events = pd.DataFrame(columns=["day", "kind", "channel", "count"])
    empty = pd.DataFrame(columns=["pledge_id", "week", "outcome", "theme"])
    tables = {t.name: t.publishable()[0] for t in pledge_report_tables(pledges, events, empty,
                                                                        empty)}  # fmt: skip
    assert tables["pledges_overall"]["count"].tolist() == [0, 0]
    assert tables["conversion_overall"]["method"].tolist() == [
        "not calculated: no page views counted"
    ]
    assert len(tables["pledges_by_theme"]) == 0 and "followup_by_week" not in tables
