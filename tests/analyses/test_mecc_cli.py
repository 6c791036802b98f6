"""``healthgap mecc ...``: imports refuse bad files with a problem table and exit 2, exports
write the same disclosure-controlled tables as the use case, the demo loads once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cli_runner import run_cli
from healthgap.analyses import mecc_activity
from healthgap.reports.outputs import bundle_file
from healthgap.store import Database
from mecc_checks import assert_controlled


@pytest.fixture
def data_dir(mecc_db_file: Path, tmp_path: Path) -> Path:
    """A web data folder whose database holds the SYNTHETIC MECC demo."""
    folder = tmp_path / "web"
    folder.mkdir()
    shutil.copyfile(mecc_db_file, folder / "healthgap.db")
    return folder


def test_export_writes_the_use_case_tables_and_charts(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "activity"
    choice = ["--organisation", "fire,council", "--start", "2024-04-01", "--end", "2024-06-30"]
    where = ["--out", str(out), "--data-dir", str(data_dir)]
    result = run_cli("mecc", "export", "activity", *where, *choice)
    assert result.returncode == 0, result.stderr
    assert "SYNTHETIC" in result.stdout
    for name in ("weekly", "per-staff", "recording", "breakdown", "topics", "run-chart"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.xlsx").is_file()
        assert_controlled(pd.read_csv(out / f"{name}.csv"), name)
    assert {p.name for p in out.glob("*.svg")} == {
        "run-chart-all.svg",
        "run-chart-fire.svg",
        "run-chart-council.svg",
    }
    assert (out / "activity.xlsx").is_file()
    database = Database(f"sqlite:///{data_dir / 'healthgap.db'}")
    bundle = mecc_activity(
        database, organisations=["fire", "council"], start=date(2024, 4, 1), end=date(2024, 6, 30)
    )
    database.dispose()
    assert (out / "breakdown.csv").read_bytes() == bundle_file(bundle, "breakdown", "csv")


@pytest.mark.parametrize("dashboard", ["referrals", "training", "staff-health", "directory"])
def test_every_dashboard_exports(data_dir: Path, tmp_path: Path, dashboard: str) -> None:
    out = tmp_path / dashboard
    result = run_cli("mecc", "export", dashboard, "--out", str(out), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert (out / f"{dashboard}.xlsx").is_file() and list(out.glob("*.csv"))


def test_a_bad_staff_health_file_prints_problems_and_exits_2(
    data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "absence.csv"
    path.write_text("org_code,month,sickness_absence_rate\nacute,2025-01,140\nacute,2025-03,4\n")
    result = run_cli("mecc", "import-staff-health", str(path), "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert "rate_over_100" in result.stderr and "missing_month" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_imports_links_and_choices_are_user_errors(data_dir: Path, tmp_path: Path) -> None:
    web = ["--data-dir", str(data_dir)]
    cases = [
        ["mecc", "link-staff", "nobody", "ghost", *web],
        ["mecc", "export", "everything", *web],
        ["mecc", "export", "activity", "--start", "01/04/2024", *web],
        ["mecc", "export", "activity", "--organisation", "nowhere", *web],
        ["mecc", "export", "activity", "--charts", "gif", *web],
        ["mecc", "import-logs", str(tmp_path / "missing.csv"), *web],
        ["mecc", "demo", "--database-url", "nosuch://x"],
    ]
    for args in cases:
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout + result.stderr)
        assert "Traceback" not in result.stdout + result.stderr


def test_demo_import_and_link_commands(tmp_path: Path) -> None:
    web = ["--data-dir", str(tmp_path / "web")]
    first = run_cli("mecc", "demo", *web)
    assert first.returncode == 0 and "SYNTHETIC MECC demo loaded" in first.stdout
    again = run_cli("mecc", "demo", *web)
    assert "already loaded" in again.stdout
    (tmp_path / "received.csv").write_text("date,service,area\n2025-01-06,leisure,E06999002\n")
    result = run_cli("mecc", "import-referrals", str(tmp_path / "received.csv"), *web)
    assert result.returncode == 0 and "1 rows imported" in result.stdout
    created = run_cli("user", "create", "nurse", "--role", "staff", "--password", "x" * 12, *web)
    assert created.returncode == 0
    linked = run_cli("mecc", "link-staff", "fire-0001", "nurse", *web)
    assert linked.returncode == 0 and "fire-0001" in linked.stdout


def test_serve_demo_loads_the_mecc_demo_once_with_a_staff_login(tmp_path: Path) -> None:
    """What `healthgap serve --demo` does to the web database, twice (a restart)."""
    import contextlib
    import io

    from healthgap.cli.web import _ensure_mecc_demo
    from healthgap.store.mecc import count_contacts, staff_accounts

    database = Database(f"sqlite:///{tmp_path / 'healthgap.db'}")
    printed = []
    for _ in range(2):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            _ensure_mecc_demo(database)
        printed.append(out.getvalue())
    assert "SYNTHETIC MECC demo loaded" in printed[0] and "demo-staff" in printed[0]
    assert "already loaded" in printed[1] and "demo-staff" not in printed[1]
    with database.reader() as session:
        assert count_contacts(session) > 15_000
        accounts = staff_accounts(session)
    assert accounts.loc[accounts["username"] == "demo-staff", "staff_id"].tolist() == ["acute-0001"]
    database.dispose()
