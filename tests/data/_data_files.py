"""Small hand-made files for the data-layer tests."""

from __future__ import annotations

from pathlib import Path

from healthgap.agebands import STANDARD_LABELS, STANDARD_STARTS

DEATHS_LABELS = ("<1", *STANDARD_LABELS[1:])


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def population_lines(areas=("E06000001",), sexes=("male", "female"), period="2014", value=1000):
    lines = ["area_code,period,sex,age_start,person_years"]
    for area in areas:
        for sex in sexes:
            lines += [f"{area},{period},{sex},{s},{value}" for s in STANDARD_STARTS]
    return lines


def deaths_lines(areas=("E06000001",), sexes=("male", "female"), period="2014", value=5):
    lines = ["area_code,period,sex,age_start,cause,deaths"]
    for area in areas:
        for sex in sexes:
            lines += [f"{area},{period},{sex},{s},all,{value}" for s in STANDARD_STARTS]
    return lines


def ons_deaths_lines(area="E06000001", value=2):
    lines = ["area_code,area_name,sex,age_band,deaths"]
    for sex in ("Male", "Female"):
        lines += [f"{area},Hartlepool,{sex},{label},{value}" for label in DEATHS_LABELS]
    return lines
