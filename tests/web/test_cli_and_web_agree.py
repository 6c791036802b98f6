"""The CLI and the web answer the same question with the same bytes: one test per use case.

Both call the same use case of :mod:`healthgap.analyses` (the CLI over the workspace folder,
the web over its prepared per-level tables) and write its tables through the same writer, so
the CSV files are byte for byte equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import run_cli

PERIOD = "2022-24"


def _cli(*args: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def viewer(client_as):  # noqa: ANN001, ANN201
    return client_as("viewer")


def _web(viewer, url: str) -> bytes:  # noqa: ANN001
    response = viewer.get(url)
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize(
    ("measure", "options", "query"),
    [
        ("le", ["--level", "la"], "level=la"),
        ("dsr", ["--level", "ward"], "level=ward"),
        ("gap", ["--quantiles", "5"], "quantiles=5"),
    ],
)
def test_measure(
    demo_workspace: Path, viewer, tmp_path: Path, measure: str, options: list[str], query: str
) -> None:  # noqa: ANN001
    out = tmp_path / f"{measure}.csv"
    _cli("measure", measure, str(demo_workspace), "--period", PERIOD, *options, "--out", str(out))
    web = _web(viewer, f"/measure/{measure}.csv?period={PERIOD}&{query}")
    assert out.read_bytes() == web


def test_profile(demo_workspace: Path, viewer, demo_la: str, tmp_path: Path) -> None:  # noqa: ANN001
    _cli(
        "profile",
        str(demo_workspace),
        "--area",
        demo_la,
        "--formats",
        "csv",
        "--charts",
        "svg",
        "--out",
        str(tmp_path),
    )
    pages = {
        "life_expectancy": "life-expectancy.csv",
        "benchmark": "benchmark.csv",
        "inequality": f"inequality-{PERIOD}.csv",
        "small_areas": f"small-areas-{PERIOD}.csv",
    }
    for table, page in pages.items():
        assert (tmp_path / f"{table}.csv").read_bytes() == _web(
            viewer, f"/area/{demo_la}/{page}"
        ), table


@pytest.mark.parametrize("compare", ["england", "quintiles"])
def test_explain(demo_workspace: Path, viewer, demo_la: str, tmp_path: Path, compare: str) -> None:  # noqa: ANN001
    _cli(
        "explain",
        str(demo_workspace),
        "--area",
        demo_la,
        "--compare",
        compare,
        "--period",
        PERIOD,
        "--out",
        str(tmp_path),
    )
    web = _web(viewer, f"/explain/{demo_la}/decomposition.csv?compare={compare}&period={PERIOD}")
    assert (tmp_path / "decomposition.csv").read_bytes() == web


def test_target(demo_workspace: Path, viewer, demo_la: str, tmp_path: Path) -> None:  # noqa: ANN001
    _cli(
        "explain-target",
        str(demo_workspace),
        "--area",
        demo_la,
        "--compare",
        "quintiles",
        "--target-year",
        "2030",
        "--reduction",
        "0.10",
        "--sex",
        "male,female",
        "--out",
        str(tmp_path),
    )
    query = "compare=quintiles&target_year=2030&reduction=10"
    web = _web(viewer, f"/explain/{demo_la}/target-trajectory.csv?{query}")
    assert (tmp_path / "trajectory.csv").read_bytes() == web


def test_classify(demo_workspace: Path, viewer, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "classification.csv"
    _cli("explain-classify", str(demo_workspace), "--period", PERIOD, "--out", str(out))
    assert out.read_bytes() == _web(viewer, f"/classify.csv?period={PERIOD}")


def test_plan(demo_workspace: Path, viewer, demo_la: str, tmp_path: Path) -> None:  # noqa: ANN001
    scenario = tmp_path / "statins.yaml"
    scenario.write_text(
        "name: web scenario\nhorizon: 5\ntarget_reduction: 0.1\n"
        f"comparison: {{type: quintiles, level: la, area: {demo_la}}}\n"
        "interventions:\n  - intervention: statins\n    volume: {units_per_year: 500}\n"
        f"    target: {{level: la, areas: [{demo_la}], quintiles: [1]}}\n"
    )
    _cli(
        "plan",
        str(scenario),
        "--workspace",
        str(demo_workspace),
        "--draws",
        "0",
        "--out",
        str(tmp_path / "out"),
    )
    query = (
        f"area_code={demo_la}&horizon=5&target_reduction=10&statins__volume=500&statins__target=q1"
    )
    for table, page in (
        ("gap", "gap"),
        ("interventions", "interventions"),
        ("dpp", "deaths-postponed"),
        ("waterfall", "waterfall"),
    ):
        web = _web(viewer, f"/plan/results-{page}.csv?{query}")
        assert (tmp_path / "out" / f"{table}.csv").read_bytes() == web, table


@pytest.mark.parametrize(
    ("dashboard", "table"), [("activity", "breakdown"), ("staff-health", "figures")]
)
def test_mecc_dashboards(settings, client_as, tmp_path: Path, dashboard: str, table: str) -> None:  # noqa: ANN001
    """`healthgap mecc export` over the web database and the MECC page's download."""
    analyst = client_as("analyst")
    out = tmp_path / dashboard
    data_dir = str(settings.data_dir)
    choice = ["--organisation", "fire", "--data-dir", data_dir, "--out", str(out)]
    _cli("mecc", "export", dashboard, *choice)
    web = _web(analyst, f"/mecc/{dashboard}/{table}.csv?organisation=fire")
    assert (out / f"{table}.csv").read_bytes() == web


def test_equity_audit(demo_workspace: Path, viewer, tmp_path: Path) -> None:  # noqa: ANN001
    """The equity audit's ratios: `healthgap equity-audit` and the Equity page's download."""
    _cli(
        "equity-audit",
        str(demo_workspace),
        "--service",
        "bowel_screening",
        "--formats",
        "csv",
        "--charts",
        "svg",
        "--out",
        str(tmp_path),
    )
    web = _web(viewer, "/equity/ratios.csv?service=bowel_screening&area=")
    assert (tmp_path / "ratios.csv").read_bytes() == web


def test_stages_of_change(demo_workspace: Path, viewer, tmp_path: Path) -> None:  # noqa: ANN001
    """Stage shares by deprivation fifth: `healthgap survey` and the Stages page's download."""
    _cli(
        "survey",
        str(demo_workspace),
        "--by",
        "deprivation_quintile",
        "--formats",
        "csv",
        "--charts",
        "svg",
        "--out",
        str(tmp_path),
    )
    web = _web(viewer, "/stages/shares.csv?grouping=deprivation_quintile")
    assert (tmp_path / "shares.csv").read_bytes() == web


@pytest.mark.parametrize(
    ("cli_args", "url", "name"),
    [
        (["search", "text message", "--limit", "50"], "/practice/results.csv?q=text+message",
         "results.csv"),
        (["export"], "/practice/research/export.bib", "library.bib"),
        (["export", "--case-studies"], "/practice/case-studies.csv", "cases.csv"),
    ],
)  # fmt: skip
def test_practice(
    viewer, settings, tmp_path: Path, cli_args: list[str], url: str, name: str
) -> None:  # noqa: ANN001
    out = tmp_path / name
    command, *options = cli_args
    placed = [*options, "--out", str(out)] if command == "search" else [str(out), *options]
    _cli("practice", command, *placed, "--data-dir", str(settings.data_dir))
    assert out.read_bytes() == _web(viewer, url)
