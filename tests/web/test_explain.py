"""Explain page: values come from the core decomposition; charts and files download."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from healthgap.analyses import check_gap_target, explain_gap, target_periods
from healthgap.reports.formatting import signed


def summary_rows(bundle):  # noqa: ANN001, ANN201 - the per-sex rows the page shows
    return bundle.summary["rows"]


def target_trajectories(source, *, area, compare, target_year, reduction):  # noqa: ANN001, ANN201
    bundle = check_gap_target(
        source, area=area, comparison=compare, target_year=target_year, reduction=reduction
    )
    return [type("T", (), {"sex": s, **v}) for s, v in bundle.summary["verdicts"].items()]


def pooled_periods(source):  # noqa: ANN001, ANN201
    return [p.label for p in target_periods(source)]


@pytest.mark.parametrize("compare", ["england", "quintiles"])
def test_page_shows_the_core_gap(client_as, app, demo_la: str, compare: str) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/explain/{demo_la}?compare={compare}&period=2022-24")
    assert page.status_code == 200
    expected = summary_rows(
        explain_gap(app.state.services.source, area=demo_la, comparison=compare, period="2022-24")
    )
    for row in expected:
        assert f'data-testid="gap-{row["sex"]}">{signed(row["gap"], decimals=2)}<' in page.text
    # Every chart spec is valid JSON and cannot close its <script> element early.
    specs = re.findall(
        r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', page.text, flags=re.S
    )
    assert len(specs) == 4
    for spec in specs:
        assert "</" not in spec
        assert json.loads(spec)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_most_deprived_fifth_lives_shorter(app, demo_la: str) -> None:  # noqa: ANN001
    rows = summary_rows(
        explain_gap(
            app.state.services.source, area=demo_la, comparison="quintiles", period="2022-24"
        )
    )
    assert all(row["gap"] > 0 for row in rows)


def test_unknown_comparator_is_a_problem_not_a_crash(client_as, demo_la: str) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/explain/{demo_la}?compare=mars")
    assert page.status_code == 400
    assert "Choose a comparison from the list" in page.text
    assert "unknown_comparator" not in page.text


def test_chart_downloads(client_as, demo_la: str) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    svg = viewer.get(f"/explain/{demo_la}/chart-scarf-female.svg?period=2022-24")
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.lstrip().startswith("<svg")
    assert svg.headers["content-disposition"] == (
        f'attachment; filename="le-gap-scarf-chart_{demo_la}_female_vs-england_2022-24.svg"'
    )
    png = viewer.get(f"/explain/{demo_la}/chart-contributions-male.png?period=2022-24")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_excel_download_has_data_and_metadata_sheets(client_as, demo_la: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(
        f"/explain/{demo_la}/decomposition.xlsx?compare=quintiles&period=2022-24"
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f'attachment; filename="le-gap-by-age-and-cause_{demo_la}_vs-quintiles_2022-24.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 2
    assert any("meta" in name.lower() for name in book.sheetnames)


def test_target_fragment_gives_the_core_verdict(client_as, app, demo_la: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(
        f"/explain/{demo_la}/target?compare=quintiles&target_year=2030&reduction=10"
    )
    assert response.status_code == 200 and "<html" not in response.text
    expected = target_trajectories(
        app.state.services.source,
        area=demo_la,
        compare="quintiles",
        target_year=2030,
        reduction=0.10,
    )
    assert [t.sex for t in expected] == ["male", "female"]
    for t in expected:
        assert f'data-testid="verdict-{t.sex}">{t.verdict.upper()}<' in response.text
        assert t.verdict in ("on track", "not on track", "too uncertain to say")
    assert pooled_periods(app.state.services.source) == [
        "2010-12",
        "2013-15",
        "2016-18",
        "2019-21",
        "2022-24",
    ]


def test_target_trajectory_downloads(client_as, demo_la: str) -> None:  # noqa: ANN001
    """The trajectory table (CSV with both sexes, Fingertips layout) and its charts."""
    viewer = client_as("viewer")
    query = "compare=quintiles&target_year=2030&reduction=10.0"
    fragment = viewer.get(f"/explain/{demo_la}/target?{query}").text
    assert f'href="/explain/{demo_la}/target-trajectory.csv?' in fragment
    assert f'href="/explain/{demo_la}/chart-trajectory-male.svg?' in fragment
    table = viewer.get(f"/explain/{demo_la}/target-trajectory.csv?{query}")
    assert table.status_code == 200
    assert table.headers["content-disposition"] == (
        f'attachment; filename="le-gap-target-trajectory_{demo_la}_vs-quintiles_10pc-by-2030.csv"'
    )
    header, *rows = table.text.splitlines()
    assert header.startswith("area_code,area_name,sex,period,year,kind,")
    assert {r.split(",")[2] for r in rows} == {"male", "female"}
    assert {r.split(",")[5] for r in rows} >= {"observed", "projected"}
    fingertips = viewer.get(f"/explain/{demo_la}/target-trajectory.fingertips.csv?{query}")
    assert fingertips.text.startswith("Indicator ID,Indicator Name,")
    for image, start in (("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n")):
        chart = viewer.get(f"/explain/{demo_la}/chart-trajectory-female.{image}?{query}")
        assert chart.status_code == 200
        assert chart.content.startswith(start) and len(chart.content) > 5_000
        assert chart.headers["content-disposition"].endswith(f'_10pc-by-2030.{image}"')
