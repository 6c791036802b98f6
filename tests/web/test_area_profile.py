"""Area profile on the demo workspace: benchmark label (colour AND text), quintile gap, SII."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from healthgap.analyses.selection import area_mortality
from healthgap.errors import HealthgapWarning
from healthgap.measures.deprivation_gap import deprivation_gap


def deaths_and_population(source, codes):  # noqa: ANN001, ANN201 - all periods, both sexes
    return area_mortality(source, codes, None)


def test_benchmark_has_colour_and_text(client_as, demo_la: str) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/area/{demo_la}").text
    for sex in ("male", "female"):
        match = re.search(
            rf'style="background: (#[0-9A-Fa-f]{{6}});[^"]*" data-testid="benchmark-{sex}">'
            r"([^<]+)<",
            page,
        )
        assert match, sex
        colour, label = match.groups()
        assert re.match(r"(Better than|Similar to|Worse than|Not compared)", label)
        assert "(95%)" in label


def test_quintile_gap_equals_the_core(client_as, app, demo_la: str) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/area/{demo_la}").text
    source = app.state.services.source
    areas = source.areas()
    lsoas = areas[(areas["level"] == "lsoa") & (areas["parent_la"] == demo_la)]
    rows = deaths_and_population(source, lsoas["area_code"].tolist())
    years = ["2022", "2023", "2024"]
    rows = rows[rows["period"].astype(str).isin(years) & rows["sex"].isin(["male", "female"])]
    rows = (
        rows.assign(period="2022-24")
        .groupby(["area_code", "period", "sex", "age_start"], as_index=False)[
            ["deaths", "person_years"]
        ]
        .sum()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HealthgapWarning)
        gap = deprivation_gap(
            rows.drop(columns="person_years").assign(cause="all"),
            rows.drop(columns="deaths"),
            lsoas,
            quantiles=5,
        )
    for row in gap.itertuples():
        shown = re.search(rf'data-testid="quintile-gap-{row.sex}">([-0-9.]+) ', page).group(1)
        assert float(shown) == round(row.value, 1)
        assert row.value > 0  # the most deprived fifth lives shorter lives
    assert re.search(r'data-testid="sii-male">\d+\.\d \(', page)


def test_trend_chart_is_embedded_as_data_with_the_comparator(client_as, demo_la: str) -> None:  # noqa: ANN001
    page = client_as("viewer").get(f"/area/{demo_la}").text
    assert 'data-chart="spec-le-trend"' in page
    source = re.search(r'<script type="application/json" id="spec-le-trend">(.*?)</script>', page)
    spec = json.loads(source.group(1))
    series = {row["series"] for row in spec["data"]["values"]}
    title = spec["title"]["text"]  # a long title is wrapped into lines
    comparator = (title if isinstance(title, str) else " ".join(title)).split(" and ")[-1]
    assert len(series) == 2 and comparator in series  # the area and the country, named
    assert "SYNTHETIC data: not real areas" in spec["title"]["subtitle"]
    assert spec["description"].startswith("Life expectancy at birth by period for ")
    assert {row["sex"] for row in spec["data"]["values"]} == {"Males", "Females"}


@pytest.mark.parametrize(
    ("image", "media_type", "start", "min_size"),
    [("svg", "image/svg+xml", b"<svg", 10_000), ("png", "image/png", b"\x89PNG\r\n\x1a\n", 20_000)],
)
def test_trend_chart_downloads_are_images(
    client_as, demo_la: str, image: str, media_type: str, start: bytes, min_size: int
) -> None:  # noqa: ANN001
    response = client_as("viewer").get(f"/area/{demo_la}/life-expectancy-trend-chart.{image}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        rf'attachment; filename="life-expectancy-trend-chart_{demo_la}_[a-z0-9-]+\.{image}"',
        disposition,
    )
    assert response.content.startswith(start)
    assert len(response.content) > min_size


def test_trend_chart_download_refuses_other_formats(client_as, demo_la: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(f"/area/{demo_la}/life-expectancy-trend-chart.gif")
    assert response.status_code == 400


SYNTHETIC = '"SYNTHETIC: made-up demonstration data, not real statistics"'
GAP = '"gap in life expectancy at 0, least minus most deprived quintile"'
GAP_METHOD = (
    "Difference of the life expectancy of pooled quantile populations (Chiang II); "
    "CI from the sum of the two variances"
)
SII = '"slope index of inequality (normal, multiplier 1)"'
SII_METHOD = '"weighted regression, simulation 10000 reps, seed 1"'
# The small demo (seeded, generator version 2) LA's fifths pooled over 2022-24; values as the
# page shows them, to 2 decimals (deprivation_gap and slope_index_of_inequality, seed 1).
INEQUALITY_CSV = (
    "area_code,area_name,sex,period,statistic,value,lowercl,uppercl,confidence,method,"
    "most_deprived_value,least_deprived_value,suppression_note,disclosure_note,data_note\n"
    f"{{la}},Synthetic District 034,male,2022-24,{GAP},9.77,7.83,11.72,95%,{GAP_METHOD},"
    f"74.36,84.14,,,{SYNTHETIC}\n"
    f"{{la}},Synthetic District 034,female,2022-24,{GAP},8.43,6.67,10.19,95%,{GAP_METHOD},"
    f"78.14,86.57,,,{SYNTHETIC}\n"
    f"{{la}},Synthetic District 034,male,2022-24,{SII},11.86,9.7,13.98,95%,{SII_METHOD},"
    f",,,,{SYNTHETIC}\n"
    f"{{la}},Synthetic District 034,female,2022-24,{SII},10.74,8.7,12.71,95%,{SII_METHOD},"
    f",,,,{SYNTHETIC}\n"
)


def test_inequality_csv_body_and_name(client_as, demo_la: str) -> None:  # noqa: ANN001
    response = client_as("viewer").get(f"/area/{demo_la}/inequality-2022-24.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f'attachment; filename="life-expectancy-deprivation-gap-and-sii_{demo_la}_2022-24.csv"'
    )
    assert response.text == INEQUALITY_CSV.replace("{la}", demo_la)


@pytest.mark.parametrize("path", ["inequality-2022-24", "small-areas-2022-24"])
def test_fingertips_layout_of_period_tables(client_as, demo_la: str, path: str) -> None:  # noqa: ANN001
    """``{period}.fingertips.csv``: the period is 2022-24 and the layout Fingertips."""
    response = client_as("viewer").get(f"/area/{demo_la}/{path}.fingertips.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('_2022-24.fingertips.csv"')
    header, first = response.text.splitlines()[:2]
    assert header.startswith("Indicator ID,Indicator Name,")
    assert ",2022 - 24," in first


def test_benchmark_downloads_name_the_comparator(client_as, demo_la: str) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    page = viewer.get(f"/area/{demo_la}").text
    for link in ("benchmark.csv", "benchmark.xlsx", "benchmark.fingertips.csv"):
        assert f'href="/area/{demo_la}/{link}"' in page
    response = viewer.get(f"/area/{demo_la}/benchmark.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="life-expectancy-at-birth-vs-synthetic-england'
    )
    lines = response.text.splitlines()
    assert lines[0].split(",")[9:13] == [
        "comparator",
        "comparator_value",
        "comparator_lowercl",
        "comparator_uppercl",
    ]
    assert len(lines) == 1 + 2 * 5  # males and females, 2010-12 to 2022-24 (three years pooled)
    assert all(("Similar to" in r or "Better than" in r or "Worse than" in r) for r in lines[1:])
