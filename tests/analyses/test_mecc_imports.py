"""MECC imports through the use cases: every file all or nothing, problems naming the file, the
spreadsheet row, the column and the rule; and the demo loaded once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthgap.analyses import (
    import_mecc_directory,
    import_mecc_logs,
    import_mecc_staff_health,
    import_mecc_training,
    import_referrals_received,
    load_mecc_demo,
    mecc_referrals,
    mecc_staff_health,
)
from healthgap.errors import InputError
from healthgap.store import Database
from healthgap.store.mecc import count_contacts, load_staff_health
from mecc_checks import MECC_TODAY


def _rules(error: pytest.ExceptionInfo[InputError]) -> set[tuple[int | None, str | None, str]]:
    return {(p.row, p.column, p.rule) for p in error.value.problems}


def test_staff_health_with_bad_rows_is_refused_whole(mecc_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "staff-health.csv"
    path.write_text(
        "trust_code,month,sickness_absence_rate,flu_vaccination_frontline\n"
        "acute,2025-01,4.2,61\n"
        "acute,2025-03,4.0,\n"  # February missing
        "acute,2025-04,104,\n"  # a rate over 100%
        "nowhere,2025-01,3.1,\n"
    )
    with mecc_db.reader() as session:
        before = len(load_staff_health(session))
    with pytest.raises(InputError) as caught:
        import_mecc_staff_health(mecc_db, path)
    rules = _rules(caught)
    assert (4, "sickness_absence_rate", "rate_over_100") in rules
    assert (5, "trust_code", "unknown_organisation") in rules
    assert any(rule == "missing_month" for _, _, rule in rules)
    assert all(p.file == str(path) for p in caught.value.problems)
    with mecc_db.reader() as session:
        assert len(load_staff_health(session)) == before


def test_staff_health_import_shows_on_the_dashboard(mecc_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "flu.xlsx"
    pd.DataFrame(
        {
            "organisation": ["fire", "fire"],
            "period": ["2025-01", "2025-02"],
            "metric": ["flu_vaccination_frontline"] * 2,
            "numerator": [30, 33],
            "denominator": [40, 40],
        }
    ).to_excel(path, index=False)
    assert import_mecc_staff_health(mecc_db, path).rows == 2
    figures = mecc_staff_health(mecc_db, organisations=["fire"]).table("figures")
    figures = figures[figures["metric"] == "flu_vaccination_frontline"]
    assert figures["value"].round(1).tolist() == [75.0, 82.5]
    assert figures["met"].tolist() == [True, True]
    assert figures["numerator"].tolist() == [30.0, 35.0]  # 33 people rounded to 35


def test_training_files_are_checked(mecc_db: Database, tmp_path: Path) -> None:
    (tmp_path / "records.csv").write_text(
        "staff_id,route,completed_on\n"
        "fire-0001,face_to_face,2025-01-10\n"
        "fire-0002,webinar,2025-01-10\n"
        "nobody,e_learning,2025-01-10\n"
    )
    (tmp_path / "scores.csv").write_text(
        "staff_id,route,measure,wave,score\n"
        "fire-0001,face_to_face,confidence,before,4\n"
        "fire-0001,face_to_face,confidence,after,11\n"
    )
    with pytest.raises(InputError) as caught:
        import_mecc_training(
            mecc_db, tmp_path / "records.csv", tmp_path / "scores.csv", today=MECC_TODAY
        )
    rules = _rules(caught)
    assert (3, "route", "unknown_route") in rules
    assert (4, "staff_id", "unknown_staff") in rules
    assert (3, "score", "score_out_of_range") in rules
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"records.csv", "scores.csv"}
    (tmp_path / "scores.csv").write_text(
        "staff_id,route,measure,wave,score\nfire-0003,cascade,confidence,before,4\n"
    )
    (tmp_path / "records.csv").write_text(
        "staff_id,route,completed_on\nfire-0001,face_to_face,2025-01-10\n"
    )
    with pytest.raises(InputError) as caught:
        import_mecc_training(mecc_db, tmp_path / "records.csv", tmp_path / "scores.csv")
    assert _rules(caught) == {(2, "route", "no_training_record")}


def test_directory_files_name_their_problems(mecc_db: Database, tmp_path: Path) -> None:
    (tmp_path / "orgs.csv").write_text(
        "organisation,name,org_type,setting,area_code\n"
        "lib,Synthetic Library,library,la_front_door,E06999002\n"
    )
    (tmp_path / "teams.csv").write_text("organisation,team,name\nlib,desk,Desk\nlib,desk,Desk\n")
    (tmp_path / "staff.csv").write_text(
        "staff_id,organisation,team,frontline,name\nl-1,lib,desk,no,Ann Smith\n"
    )
    with pytest.raises(InputError) as caught:
        import_mecc_directory(
            mecc_db,
            organisations=tmp_path / "orgs.csv",
            teams=tmp_path / "teams.csv",
            staff=tmp_path / "staff.csv",
        )
    assert _rules(caught) == {(None, "name", "unexpected_column")}  # no names of people
    (tmp_path / "staff.csv").write_text("staff_id,organisation,team,frontline\nl-1,lib,desk,no\n")
    with pytest.raises(InputError) as caught:
        import_mecc_directory(
            mecc_db,
            organisations=tmp_path / "orgs.csv",
            teams=tmp_path / "teams.csv",
            staff=tmp_path / "staff.csv",
        )
    problems = {(Path(p.file).name, p.row, p.rule) for p in caught.value.problems}
    assert problems == {("orgs.csv", 2, "unknown_org_type"), ("teams.csv", 3, "duplicate_key")}


def test_a_log_file_imported_twice_is_stored_once(
    mecc_db: Database, mecc_demo, tmp_path: Path
) -> None:  # noqa: ANN001
    rows = mecc_demo.logs.tail(50).copy()
    rows["contact_date"] = rows["contact_date"].dt.strftime("%Y-%m-%d")
    rows["client_id"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(50)]
    path = tmp_path / "paper-logs.csv"
    rows.to_csv(path, index=False)
    with mecc_db.reader() as session:
        before = count_contacts(session)
    first = import_mecc_logs(mecc_db, path, today=MECC_TODAY)
    again = import_mecc_logs(mecc_db, path, today=MECC_TODAY)
    assert (first.inserted, again.inserted, again.duplicates) == (50, 0, 50)
    with mecc_db.reader() as session:
        assert count_contacts(session) == before + 50
    rows.loc[rows.index[3], "topics"] = "smoking"
    rows.loc[rows.index[5], "contact_date"] = "31/01/2025"
    rows.to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        import_mecc_logs(mecc_db, path, today=MECC_TODAY)
    assert _rules(caught) == {(7, "contact_date", "bad_date")}


def test_a_service_file_with_personal_data_is_refused(mecc_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text("date,service,area,nhs_number\n2025-01-06,stop_smoking,E06999001,123\n")
    with pytest.raises(InputError) as caught:
        import_referrals_received(mecc_db, path)
    assert _rules(caught) == {(None, "nhs_number", "unexpected_column")}
    path.write_text("date,service,area,count\n2025-03-03,Stop smoking service,E06999002,40\n")
    assert import_referrals_received(mecc_db, path).rows == 1
    table = mecc_referrals(mecc_db, organisations=["fire"]).table("attribution-monthly")
    march = table[(table["service"] == "stop_smoking") & (table["month"] == "2025-03")]
    assert float(march["received"].iloc[0]) >= 40


def test_the_demo_is_loaded_once(mecc_db: Database) -> None:
    with mecc_db.reader() as session:
        before = count_contacts(session)
    again = load_mecc_demo(mecc_db, today=MECC_TODAY)
    assert not again.loaded and again.contacts == before
    with mecc_db.reader() as session:
        assert count_contacts(session) == before
