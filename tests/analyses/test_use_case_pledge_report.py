"""The analysis bundle and its files (disclosure control in every one), the record export
(nothing personal), the campaign form both ways, and the `healthgap pledges` commands."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import yaml

pytest.importorskip("sqlalchemy", reason="needs the web extra: pip install -e '.[web]'")

from pledge_fixtures import SLUG, config, form, fresh_database, open_campaign_data  # noqa: E402

from cli_runner import run_cli  # noqa: E402
from healthgap.analyses.pledges import (  # noqa: E402
    analyse_campaign,
    campaign_summaries,
    count_visit,
    create_campaign,
    export_campaign_pledges,
    field_id,
    form_from_campaign,
    mapping_from_form,
    open_campaign,
    submit_pledge,
)
from healthgap.engage import campaign_from_mapping  # noqa: E402
from healthgap.errors import InputError  # noqa: E402
from healthgap.reports.outputs import bundle_file  # noqa: E402
from healthgap.store import Database  # noqa: E402


def _filled(tmp_path: Path) -> Database:
    database = fresh_database(tmp_path)
    settings = config(tmp_path)
    themes = ["walk-at-lunch"] * 14 + ["water-not-fizzy"] * 3
    for i, code in enumerate(themes):
        sent = form(
            set_pledge=code,
            display_name=f"Secret Name {i}",
            reminders=True,
            email=f"person{i}@example.org",
        )
        assert submit_pledge(
            database,
            settings,
            campaign_slug=SLUG,
            form=sent,
            client=f"10.2.0.{i}",
            browser_id=f"browser-{i % 15}",
        ).accepted
    for _ in range(40):
        count_visit(database, SLUG, kind="page_view")
    count_visit(database, SLUG, kind="share", channel="whatsapp")
    return database


def test_every_table_is_controlled_in_files_and_on_the_page(tmp_path: Path) -> None:
    bundle = analyse_campaign(_filled(tmp_path), SLUG)
    assert {"pledges-by-theme", "conversion-overall", "events-by-channel"} <= set(bundle.tables)
    theme, _ = bundle.table_info("pledges-by-theme").controlled()
    pledges = theme[theme["statistic"] == "pledges"].set_index("theme")["count"]
    assert pledges["activity"] == 15 and pd_isna(pledges["diet"])  # 14 -> 15; 3 suppressed
    text = bundle_file(bundle, "pledges-by-theme", "csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["count"] for r in rows if r["theme"] == "diet"} == {""}
    assert "3" not in {r["count"] for r in rows} and "14" not in {r["count"] for r in rows}
    conversion = bundle_file(bundle, "conversion-overall", "csv").decode()
    assert conversion.splitlines()[1].startswith("15.0,40.0,")  # 17 pledges rounded to 15
    assert bundle.summary["pledges"] == 15 and bundle.summary["page_view"] == 40
    assert set(bundle.charts) >= {"pledges-by-day-chart", "districts-chart"}
    assert bundle_file(bundle, "pledges-by-theme-chart", "svg").startswith(b"<svg")


def pd_isna(value: object) -> bool:
    return value != value  # NaN is the only value not equal to itself


def test_the_record_export_carries_nothing_personal(tmp_path: Path) -> None:
    bundle = export_campaign_pledges(_filled(tmp_path), SLUG)
    text = bundle_file(bundle, "pledges", "csv").decode()
    header = text.splitlines()[0].split(",")
    assert header[:4] == ["pledge_id", "campaign", "day", "theme"]
    assert "Secret Name" not in text and "example.org" not in text and "created_at" not in text
    assert len(text.splitlines()) == 18  # a header and 17 pledges, none suppressed


def test_the_campaign_form_round_trips_and_points_at_fields() -> None:
    campaign = campaign_from_mapping(open_campaign_data(groups=["Team A", "Team B"]))
    filled = form_from_campaign(campaign)
    values: dict[str, list[str]] = {}
    for name, value in filled.items():
        if name == "set_pledges":
            for i, row in enumerate(value):
                for key, text in row.items():
                    values[f"set_pledges-{i}-{key}"] = [str(text)]
        elif isinstance(value, list):
            values[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            values[name] = ["yes"] if value else []
        else:
            values[name] = [value]
    data, rows = mapping_from_form(values)
    assert campaign_from_mapping(data) == campaign
    values["set_pledges-1-duration_days"] = ["ten"]
    data, rows = mapping_from_form(values)
    with pytest.raises(InputError) as raised:
        campaign_from_mapping(data)
    problem = raised.value.problems[0]
    assert field_id(problem.column, rows) == "set_pledges-1-duration_days"


def test_a_taken_slug_is_refused(tmp_path: Path) -> None:
    database = fresh_database(tmp_path)
    with pytest.raises(InputError) as raised:
        create_campaign(database, open_campaign_data())
    assert raised.value.problems[0].rule == "slug_taken"
    summary = campaign_summaries(database, today=date.today())[0]
    assert (summary.slug, summary.state) == (SLUG, "open")


def test_the_pledges_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "web"
    monkeypatch.setenv("HEALTHGAP_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("HEALTHGAP_MAIL_FOLDER", str(tmp_path / "outbox"))
    definition = tmp_path / "campaign.yaml"
    definition.write_text(yaml.safe_dump(open_campaign_data()), encoding="utf-8")
    data_dir = ["--data-dir", str(folder)]
    created = run_cli("pledges", "create", str(definition), *data_dir)
    assert created.returncode == 0, created.stderr
    assert "/pledge/small-changes-2026" in created.stdout
    again = run_cli("pledges", "create", str(definition), *data_dir)
    assert again.returncode == 2 and "slug_taken" in again.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(open_campaign_data(ends_on="2000-01-01")), encoding="utf-8")
    refused = run_cli("pledges", "update", str(broken), *data_dir)
    assert refused.returncode == 2 and "ends_before_start" in refused.stderr
    database = Database(f"sqlite:///{folder / 'healthgap.db'}")
    assert open_campaign(database, SLUG).slug == SLUG
    listed = run_cli("pledges", "list", *data_dir)
    assert listed.returncode == 0 and SLUG in listed.stdout
    for command in (["send-reminders"], ["retention"]):
        result = run_cli("pledges", *command, *data_dir)
        assert result.returncode == 0, result.stderr
    out = tmp_path / "report"
    result = run_cli("pledges", "report", SLUG, "--out", str(out), "--charts", "svg", *data_dir)
    assert result.returncode == 0, result.stderr
    assert (out / "pledges-by-theme.csv").exists() and (out / f"{SLUG}-analysis.xlsx").exists()
    assert (out / "districts-chart.svg").exists()
    exported = run_cli("pledges", "export", SLUG, "--out", str(tmp_path / "p.csv"), *data_dir)
    assert exported.returncode == 0 and (tmp_path / "p.csv").exists()
    nowhere = run_cli("pledges", "list")
    assert nowhere.returncode == 2 and "no_database" in nowhere.stderr
    database.dispose()
