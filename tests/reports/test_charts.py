"""Chart specs render to valid SVG and PNG files without a browser, and say what they show."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from healthgap.errors import InputError
from healthgap.reports.chart_style import CAUSE_COLOURS
from healthgap.reports.charts import (
    OKABE_ITO,
    contributions_chart,
    gap_trend_chart,
    scarf_chart,
    sii_chart,
)
from healthgap.reports.render import save_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _decomposition() -> pd.DataFrame:
    rows = []
    for i, (start, band) in enumerate([(0, "0"), (1, "1-4"), (60, "60-64"), (90, "90+")]):
        for j, cause in enumerate(["circulatory", "cancer", "external", "other"]):
            rows.append(
                {
                    "age_start": start,
                    "age_band": band,
                    "cause": cause,
                    "contribution": 0.05 * (i + 1) * (j + 1) - 0.1,
                    "sex": "male",
                }
            )
    return pd.DataFrame(rows)


def _trajectory() -> pd.DataFrame:
    from healthgap.frameworks.targets import assess_gap_target

    gaps = pd.DataFrame(
        {
            "period": ["2007-09", "2010-12", "2013-15", "2016-18"],
            "value": [8.0, 7.7, 7.2, 7.0],
            "se": 0.15,
        }
    )
    return assess_gap_target(
        gaps, baseline_period="2007-09", target_year=2025, reduction=0.1
    ).trajectory


def _specs() -> dict[str, dict[str, Any]]:
    result = _decomposition()
    groups = pd.DataFrame(
        {
            "quantile": [1, 2, 3, 4, 5],
            "value": [76.0, 77.5, 79, 80, 81.2],
            "lowercl": [75.5, 77, 78.5, 79.5, 80.7],
            "uppercl": [76.5, 78, 79.5, 80.5, 81.7],
        }
    )
    return {
        "contributions": contributions_chart(
            result, base_label="Area A", comparator_label="England", synthetic=True
        ),
        "scarf": scarf_chart(
            result, base_label="Area A", comparator_label="England", row="sex", synthetic=True
        ),
        "trend": gap_trend_chart(
            _trajectory(), base_label="Area A", comparator_label="England", verdict="on track"
        ),
        "sii": sii_chart(
            groups,
            pd.DataFrame({"sii": [5.3], "intercept": [75.9]}),
            measure_label="Male life expectancy",
            area_label="Area A",
        ),
    }


def _assert_valid_svg(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag.endswith("svg")
    assert path.stat().st_size > 2_000
    return text


def _assert_valid_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert width >= 300 and height >= 100
    assert len(data) > 5_000


@pytest.mark.parametrize("name", ["contributions", "scarf", "trend", "sii"])
def test_each_chart_renders_to_svg_and_png(name: str, tmp_path: Path) -> None:
    spec = _specs()[name]
    svg = _assert_valid_svg(save_chart(spec, tmp_path / f"{name}.svg"))
    _assert_valid_png(save_chart(spec, tmp_path / f"{name}.png"))
    assert spec["$schema"].endswith("/v6.json")
    title = json.dumps(spec["title"])
    assert "England" in title or "Area A" in title
    assert "Area A" in svg  # the title is drawn as text, not only coloured marks


def test_comparator_is_named_in_titles_and_legends() -> None:
    specs = _specs()
    for name in ("contributions", "scarf", "trend"):
        assert "vs England" in specs[name]["title"]["text"]
    colour = specs["contributions"]["layer"][0]["encoding"]["color"]
    assert "England" in colour["title"]
    assert "England" in specs["scarf"]["layer"][0]["encoding"]["x"]["title"]


def test_synthetic_charts_say_so_and_use_the_okabe_ito_palette() -> None:
    specs = _specs()
    assert "SYNTHETIC" in json.dumps(specs["contributions"]["title"])
    assert "SYNTHETIC" not in json.dumps(specs["sii"]["title"])
    colours = specs["contributions"]["layer"][0]["encoding"]["color"]["scale"]["range"]
    assert set(colours) <= set(CAUSE_COLOURS.values())
    assert set(colours) - {CAUSE_COLOURS["other"]} <= set(OKABE_ITO)


def test_scarf_shares_add_to_one_and_name_negative_causes() -> None:
    result = _decomposition()
    result.loc[result["cause"] == "external", "contribution"] = -0.05
    spec = scarf_chart(result, base_label="Area A", comparator_label="England")
    shares = pd.DataFrame(spec["data"]["values"])
    assert shares["share"].sum() == pytest.approx(1.0)
    assert all(label.endswith("%") for label in shares["label"])
    assert "does better than England: External causes" in json.dumps(spec["title"])
    assert "external" not in set(shares["cause"])


def test_json_and_html_outputs_and_unknown_format(tmp_path: Path) -> None:
    spec = _specs()["contributions"]
    assert json.loads(save_chart(spec, tmp_path / "c.json").read_text()) == spec
    assert "<html" in save_chart(spec, tmp_path / "c.html").read_text().lower()
    with pytest.raises(InputError, match="unknown_chart_format|cannot write"):
        save_chart(spec, tmp_path / "c.gif")
