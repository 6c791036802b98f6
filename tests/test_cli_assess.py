"""``healthgap assess``: frameworks and packs, and a whole workshop from the command line;
bad input is a problem table with exit status 2 and never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from assessment_helpers import HINST_QUICK, LEVELS, add_people
from cli_runner import run_cli
from healthgap.store import Database
from healthgap.store.accounts import use_password_hasher


@pytest.fixture(scope="module", autouse=True)
def cheap_hashing() -> Iterator[None]:
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    yield
    use_password_hasher(PasswordHasher())


@pytest.fixture(autouse=True)
def bug_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTHGAP_LOG_DIR", str(tmp_path / "bug-logs"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "web"
    folder.mkdir()
    database = Database(f"sqlite:///{(folder / 'healthgap.db').resolve()}")
    add_people(database)
    database.dispose()
    return folder


def _ok(*args: str) -> str:
    result = run_cli(*args)
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    assert "Traceback" not in text
    return " ".join(text.split())


def _refused(*args: str) -> str:
    result = run_cli(*args)
    text = result.stdout + result.stderr
    assert result.returncode == 2, text
    assert "Traceback" not in text and 'File "' not in text, text
    return " ".join(text.split())


def test_list_and_show_frameworks(tmp_path: Path) -> None:
    listed = _ok("assess", "list", "--data-dir", str(tmp_path))
    for framework in ("hinst_cbo", "pots", "pit_tool_a", "nsmc_benchmarks", "mecc_quality"):
        assert framework in listed
    shown = _ok("assess", "show", "nsmc_benchmarks", "--out", str(tmp_path / "nsmc.csv"))
    assert "Not met < Partly met < Fully met" in shown
    assert (tmp_path / "nsmc.csv").read_text().count("\n") > 8
    assert "unknown_framework" in _refused("assess", "show", "no_such_framework")


def test_packs_export_edit_import_and_a_bad_pack_installs_nothing(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    pack = tmp_path / "pit.yaml"
    _ok("assess", "export-pack", "pit", "--out", str(pack))
    text = pack.read_text().replace("version: '1.0'", "version: '1.1-local'")
    pack.write_text(text)
    assert "installed pit version 1.1-local" in _ok("assess", "import-pack", str(pack), *data)
    assert "1.1-local" in _ok("assess", "list", *data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("version: '1.1-local'", "version: '2'").replace("key: '2'", "key: '1'"),
        encoding="utf-8",
    )  # a duplicate level
    message = _refused("assess", "import-pack", str(bad), *data)
    assert "bad.yaml" in message and "duplicate_level" in message
    assert sorted(p.name for p in (tmp_path / "data" / "assessment-packs").iterdir()) == [
        "pit-1.1-local.yaml"
    ]
    (tmp_path / "notes.yaml").write_text("framework: [unclosed\n", encoding="utf-8")
    (tmp_path / "data" / "assessment-packs" / "dropped.yaml").write_text(text, encoding="utf-8")
    assert "duplicate_version" in _refused("assess", "list", *data)  # a copy dropped by hand
    (tmp_path / "data" / "assessment-packs" / "dropped.yaml").unlink()
    assert "yaml_syntax" in _refused("assess", "import-pack", str(tmp_path / "notes.yaml"), *data)
    assert "no_pack" in _refused("assess", "import-pack", str(tmp_path / "gone.yaml"), *data)


def test_a_whole_workshop_from_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    db = ["--data-dir", str(data_dir)]
    created = _ok(
        "assess",
        "create",
        "--as",
        "fac",
        "--framework",
        "hinst_cbo",
        "--place",
        "E06000001",
        "--topic",
        "CVD",
        "--period",
        "2025",
        "--participant",
        "ann",
        "--participant",
        "bob",
        "--participant",
        "cat",
        *db,
    )
    assert "started assessment 1" in created
    for name, levels in LEVELS.items():
        ratings = tmp_path / f"{name}.csv"
        rows = [
            f"{item},{level},{name}'s reason,{name} source"
            for item, level in zip(HINST_QUICK, levels, strict=True)
        ]
        ratings.write_text("item,level,rationale,evidence\n" + "\n".join(rows) + "\n")
        assert "saved 12 ratings" in _ok(
            "assess", "rate", "1", "--as", name, "--from", str(ratings), *db
        )
    assert "hidden until" in _refused("assess", "spread", "1", "--as", "ann", *db)
    assert "only a facilitator" in _refused("assess", "open-consensus", "1", "--as", "ann", *db)
    _ok("assess", "open-consensus", "1", "--as", "fac", *db)
    spread = _ok("assess", "spread", "1", "--as", "ann", *db)
    assert "Established 1, Exemplary 2" in spread
    for item in HINST_QUICK:
        _ok(
            "assess",
            "agree",
            "1",
            "--as",
            "fac",
            "--item",
            item,
            "--level",
            "1" if item == "informed_choice" else "2",
            "--reason",
            "we talked",
            "--target",
            "3",
            *db,
        )
    conflict = _refused(
        "assess",
        "agree",
        "1",
        "--as",
        "fac",
        "--item",
        "known_needs",
        "--level",
        "3",
        "--reason",
        "again",
        *db,
    )
    assert "consensus_conflict" in conflict and "against revision 1" in conflict
    _ok(
        "assess",
        "action",
        "1",
        "--as",
        "fac",
        "--item",
        "informed_choice",
        "--text",
        "Publish CVD leaflets in the five main community languages",
        "--owner",
        "Comms lead",
        "--due",
        "2031-01-31",
        *db,
    )
    _ok("assess", "action-status", "1", "1", "--as", "fac", "--status", "done", *db)
    exported = _ok("assess", "export", "1", "--as", "bob", "--out", str(tmp_path / "out"), *db)
    assert "weakest link: 5 Informed choice" in exported
    files = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert files == [".csv", ".html", ".json", ".xlsx"]
    body = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    assert body["tables"]["actions"][0]["status"] == "done"
    assert "Participants are numbered" in next((tmp_path / "out").glob("*.html")).read_text()
    status = _ok("assess", "status", "1", "--as", "cat", *db)
    assert "12 of 12 items agreed" in status


def test_bad_workshop_input_is_refused_with_a_message(data_dir: Path) -> None:
    db = ["--data-dir", str(data_dir)]
    assert "bad_area_code" in _refused(
        "assess",
        "create",
        "--as",
        "fac",
        "--framework",
        "pit",
        "--place",
        "Leeds",
        "--topic",
        "CVD",
        "--period",
        "2025",
        *db,
    )
    assert "analyst or admin" in _refused(
        "assess",
        "create",
        "--as",
        "ann",
        "--framework",
        "pit",
        "--place",
        "E06000001",
        "--topic",
        "CVD",
        "--period",
        "2025",
        *db,
    )
    assert "unknown_user" in _refused("assess", "assessments", "--as", "nobody", *db)
    _ok(
        "assess",
        "create",
        "--as",
        "fac",
        "--framework",
        "nsmc_benchmarks",
        "--place",
        "E06000001",
        "--topic",
        "tobacco",
        "--period",
        "2025",
        "--participant",
        "ann",
        *db,
    )
    refused = _refused(
        "assess", "rate", "1", "--as", "ann", "--item", "behaviour", "--level", "fully_met", *db
    )
    assert "evidence_required" in refused
    assert "level_not_on_scale" in _refused(
        "assess",
        "rate",
        "1",
        "--as",
        "ann",
        "--item",
        "behaviour",
        "--level",
        "7",
        "--evidence",
        "x",
        *db,
    )
    assert "unknown_assessment" in _refused("assess", "status", "99", "--as", "fac", *db)
    assert "bad_format" in _refused("assess", "export", "1", "--as", "fac", "--formats", "pdf", *db)
    assert "bad_date" in _refused(
        "assess",
        "action",
        "1",
        "--as",
        "fac",
        "--item",
        "behaviour",
        "--text",
        "Run a baseline survey of smoking in 2026",
        "--owner",
        "DPH",
        "--due",
        "next spring",
        *db,
    )
