"""Area profile on the demo workspace: benchmark label (colour AND text), quintile gap, SII."""

from __future__ import annotations

import re
import warnings

from healthgap.errors import HealthgapWarning
from healthgap.measures.deprivation_gap import deprivation_gap
from healthgap.web.profile import deaths_and_population


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
    service = app.state.workspaces
    areas = service.areas()
    lsoas = areas[(areas["level"] == "lsoa") & (areas["parent_la"] == demo_la)]
    rows = deaths_and_population(service, lsoas["area_code"].tolist())
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
