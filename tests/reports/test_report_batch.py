"""Reports from a workspace's prepared per-level tables, and the reports of many areas on
the executor: the same results as from the stored rows, the same bytes whatever the number
of workers, resumable, and a failing area listed in words without stopping the run."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from healthgap.analyses import (
    PreparedSource,
    RememberingSource,
    WorkspaceSource,
    build_report,
    build_reports,
    report_areas,
)
from healthgap.compute import open_executor
from healthgap.data.levels import AreaRows
from healthgap.data.prepared import PREPARED_FOLDER, prepared_folder
from healthgap.periods import Period
from healthgap.reports.report_template import load_report_template


@pytest.fixture
def workspace(report_workspace: Path, tmp_path: Path) -> Path:
    """A copy of the small demo (the prepared tables are kept inside it)."""
    return Path(shutil.copytree(report_workspace, tmp_path / "ws"))


def _codes(source: WorkspaceSource) -> list[str]:
    areas = source.areas()
    picked = []
    for level in ("country", "region", "la", "ward"):
        codes = sorted(areas.loc[areas["level"].astype(str) == level, "area_code"].astype(str))
        picked += codes[:2]
    return picked


def test_prepared_tables_give_the_same_reports_as_the_stored_rows(workspace: Path) -> None:
    stored = WorkspaceSource.open(workspace)
    prepared = PreparedSource.open(workspace)
    codes = _codes(stored)
    assert len(codes) >= 5
    for code in codes:
        raw, fast = build_report(stored, code), build_report(prepared, code)
        assert raw.tables.keys() == fast.tables.keys(), code
        for name, table in raw.tables.items():
            pd.testing.assert_frame_equal(table.frame, fast.tables[name].frame, obj=name)
        assert raw.summary == fast.summary, code
        assert raw.warnings == fast.warnings, code
        assert raw.charts == fast.charts, code


def test_reads_by_area_and_period_match_the_stored_rows(workspace: Path) -> None:
    stored, prepared = WorkspaceSource.open(workspace), PreparedSource.open(workspace)
    small = stored.areas()
    lsoas = small.loc[small["level"].astype(str) == "lsoa", "area_code"].astype(str).tolist()
    assert prepared.periods("deaths") == stored.periods("deaths")
    period = stored.periods("population")[-1]
    for table in ("population", "deaths"):
        for period_label in (None, period):
            chosen = None if period_label is None else Period.parse(period_label)
            raw = stored.read(table, lsoas[:5], chosen)
            fast = prepared.read(table, lsoas[:5], chosen)
            keys = [c for c in raw.columns if c not in ("deaths", "person_years")]
            value = "deaths" if table == "deaths" else "person_years"
            left = raw.astype(dict.fromkeys(keys, str)).sort_values(keys)[[*keys, value]]
            right = fast.astype(dict.fromkeys(keys, str)).sort_values(keys)[[*keys, value]]
            assert left.reset_index(drop=True).equals(right.reset_index(drop=True))


def test_prepared_tables_are_kept_in_the_workspace_and_reused(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = PreparedSource.open(workspace)
    assert not first.is_prepared()
    first.prepared()
    folder = prepared_folder(first.workspace)
    assert folder.is_dir() and folder.parent.name == PREPARED_FOLDER
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("summed again although the tables are kept")

    monkeypatch.setattr(AreaRows, "build", refuse)
    again = PreparedSource.open(workspace)
    assert again.is_prepared()
    assert again.read("population", [first.areas()["area_code"].iloc[0]], None) is not None
    # the workspace's own content hashes do not see the folder
    assert again.hashes() == WorkspaceSource.open(workspace).hashes()


def _text_of_docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _run(workspace: Path, out: Path, areas: list[tuple[str, str]], workers: int):  # noqa: ANN202
    template = load_report_template("inequalities profile")
    with open_executor(workers or None, timeout=120) as executor:
        return build_reports(
            workspace, areas, template=template, formats=["html", "docx"], out=out,
            executor=executor,
        )  # fmt: skip


# A ward's plan has cells without deaths in some draws: numpy says so, in either process.
@pytest.mark.filterwarnings("ignore:All-NaN slice encountered:RuntimeWarning")
def test_the_same_bytes_with_one_process_and_two_workers(workspace: Path, tmp_path: Path) -> None:
    wards = report_areas(WorkspaceSource.open(workspace), "ward")[:4]
    one = _run(workspace, tmp_path / "one", wards, 0)
    two = _run(workspace, tmp_path / "two", wards, 2)
    assert one.count("written") == two.count("written") == len(wards)
    assert (tmp_path / "one" / "index.csv").read_bytes() == (
        tmp_path / "two" / "index.csv"
    ).read_bytes()
    for outcome in one.outcomes:
        for file in outcome.files:
            left = (tmp_path / "one" / file).read_bytes()
            right = (tmp_path / "two" / file).read_bytes()
            if file.endswith(".html"):
                assert left == right, file
            else:  # Word files carry the time they were written: compare their text
                assert _text_of_docx(left) == _text_of_docx(right), file


def test_a_run_resumes_and_lists_a_failing_area_in_words(workspace: Path, tmp_path: Path) -> None:
    source = RememberingSource(PreparedSource.open(workspace))
    ward = report_areas(source, "ward")[0]
    areas = [*report_areas(source, "la"), ("E99999999", "Nowhere"), ward]
    out = tmp_path / "out"
    first = _run(workspace, out, areas, 0)
    assert [o.status for o in first.outcomes] == ["written", "failed", "written"]
    assert "no area has the code 'E99999999'" in first.failed[0].message
    index = pd.read_csv(out / "index.csv")
    assert index["status"].tolist() == ["written", "failed", "written"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Nowhere" in page and "2 of 3 reports are ready" in page and "SYNTHETIC" in page

    again = _run(workspace, out, areas, 0)
    assert [o.status for o in again.outcomes] == ["kept", "failed", "kept"]
    # a missing file, or a record of other settings, means the area is built again
    (out / first.outcomes[0].files[0]).unlink()
    record = next((out / areas[2][0]).glob("*.done.json"))
    record.write_text(json.dumps({**json.loads(record.read_text()), "fingerprint": "x"}))
    third = _run(workspace, out, areas, 0)
    assert [o.status for o in third.outcomes] == ["written", "failed", "written"]
