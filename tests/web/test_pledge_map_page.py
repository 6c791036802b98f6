"""The pledge map on the public campaign page (an SVG drawn on the server, inline, with the
table beside it) and in the campaign analysis with its downloads: small districts are not
drawn or named anywhere, and a boundary file adds the local authority outlines."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from healthgap.analyses.pledges import (
    PledgeConfig,
    PledgeForm,
    create_campaign,
    example_campaign,
    new_idempotency_key,
    submit_pledge,
)
from healthgap.web import Settings, create_app

SLUG = "small-changes-2026"
PAGE = f"/pledge/{SLUG}"
#: TS24 and TS26 pass disclosure control; TS25 (2) does not; GY1 and JE2 have no position.
DISTRICTS = {"TS24": 11, "TS26": 9, "TS25": 2, "GY1": 5, "JE2": 4}


def _fill(app) -> None:  # noqa: ANN001
    database = app.state.database
    today = date.today()
    create_campaign(
        database,
        example_campaign(
            starts_on=str(today - timedelta(days=1)), ends_on=str(today + timedelta(days=30))
        ),
    )
    config = PledgeConfig.from_settings(app.state.settings.pledge_settings())
    codes = [code for code, n in DISTRICTS.items() for _ in range(n)]
    for i, code in enumerate(codes):
        form = PledgeForm(
            idempotency_key=new_idempotency_key(),
            set_pledge="walk-at-lunch",
            consent=True,
            audience="community",
            display_name="Sam",
            postcode_district=code,
        )
        outcome = submit_pledge(
            database, config, campaign_slug=SLUG, form=form, client=f"10.9.{i // 200}.{i % 200}",
            browser_id=f"map-{i}",
        )  # fmt: skip
        assert outcome.accepted, outcome.problems


@pytest.fixture
def filled(app) -> TestClient:  # noqa: ANN001
    _fill(app)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _figure(html: str) -> str:
    match = re.search(r'<figure class="pl-map".*?</figure>', html, re.S)
    assert match, "no map on the page"
    return match.group()


def test_the_public_page_draws_the_map_inline_with_its_table(filled: TestClient) -> None:
    response = filled.get(PAGE)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    figure = _figure(html)
    label = re.search(r'role="img" aria-label="([^"]+)"', figure)
    assert label and label.group(1).startswith("Map of pledges to")
    assert "<svg" in figure and "<script" not in figure
    assert ">TS24<" in figure and ">TS26<" in figure
    assert "Grey dots are the centres of other postcode districts" in figure
    # the text alternative: the same figures, and the districts with no position as one row
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
                      r'<td class="govuk-table__cell[^"]*">([^<]+)</td>', html)  # fmt: skip
    assert rows == [("TS24", "10"), ("TS26", "10"), ("Other or unknown district", "10")]
    # a district with 2 pledges is named nowhere, nor are the ones folded into "other"
    for hidden in ("TS25", "GY1", "JE2"):
        assert hidden not in html
    assert "areas with 1 to 7 pledges are not shown: 1 area is left out for now." in html
    assert "Contains OS data © Crown copyright" in html


def test_the_map_has_council_outlines_when_the_app_has_boundaries(
    settings: Settings, tmp_path: Path
) -> None:
    square = [[-1.35, 54.63], [-1.15, 54.63], [-1.15, 54.73], [-1.35, 54.73], [-1.35, 54.63]]
    boundaries = tmp_path / "boundaries"
    boundaries.mkdir()
    (boundaries / "lad_synthetic.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"code": "E06000001", "name": "Hartlepool"},
                 "geometry": {"type": "Polygon", "coordinates": [square]}}]}
        ),
        encoding="utf-8",
    )  # fmt: skip
    settings.boundaries = boundaries
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as client:
        _fill(app)
        figure = _figure(client.get(PAGE).text)
    app.state.database.dispose()
    assert "Lines are council boundaries; Hartlepool is shaded." in figure
    assert 'fill="#DCE8F2"' in figure  # the campaign's own area


def test_the_analysis_has_the_map_and_its_downloads(app, client_as) -> None:  # noqa: ANN001
    _fill(app)
    viewer = client_as("viewer")
    page = viewer.get(f"/pledges/{SLUG}/analysis")
    assert page.status_code == 200
    assert 'data-testid="districts-map"' in page.text
    spec = re.search(r'<script type="application/json" id="spec-districts-map">(.*?)</script>',
                      page.text, re.S)  # fmt: skip
    assert spec and "TS25" not in spec.group(1)
    svg = viewer.get(f"/pledges/{SLUG}/analysis/districts-map.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    assert ">TS24<" in svg.text and "TS25" not in svg.text
    png = viewer.get(f"/pledges/{SLUG}/analysis/districts-map.png")
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
