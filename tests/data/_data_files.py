"""Small hand-made files for the data-layer tests."""

from __future__ import annotations

from pathlib import Path

from healthgap.agebands import STANDARD_LABELS, STANDARD_STARTS

DEATHS_LABELS = ("<1", *STANDARD_LABELS[1:])


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _band_lines(header: str, areas, sexes, period: str, rest: str) -> list[str]:
    """A header and one line per area, sex and standard band, each ending in ``rest``."""
    lines = [header]
    for area in areas:
        for sex in sexes:
            lines += [f"{area},{period},{sex},{s},{rest}" for s in STANDARD_STARTS]
    return lines


def population_lines(areas=("E06000001",), sexes=("male", "female"), period="2014", value=1000):
    header = "area_code,period,sex,age_start,person_years"
    return _band_lines(header, areas, sexes, period, f"{value}")


def deaths_lines(areas=("E06000001",), sexes=("male", "female"), period="2014", value=5):
    header = "area_code,period,sex,age_start,cause,deaths"
    return _band_lines(header, areas, sexes, period, f"all,{value}")


def ons_deaths_lines(area="E06000001", value=2):
    lines = ["area_code,area_name,sex,age_band,deaths"]
    for sex in ("Male", "Female"):
        lines += [f"{area},Hartlepool,{sex},{label},{value}" for label in DEATHS_LABELS]
    return lines
