"""Shared pieces of the malformed-file corpus: the case record, the file builder and the
tidy rows that each case breaks in one way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from healthgap.agebands import STANDARD_STARTS

STARTS = tuple(STANDARD_STARTS)
AREAS = ("E06000001", "E06000002")
DEATH_LABELS = ("<1", "1-4", *(f"{a}-{a + 4}" for a in range(5, 90, 5)), "90+")


@dataclass
class Case:
    """One malformed input: files, expected rules (any of), settings and layout."""

    name: str
    files: list[Path]
    rules: set[str]
    env: dict[str, str] = field(default_factory=dict)
    layout: str | None = None
    reader: str = "csv"


# -- tidy table builders ------------------------------------------------------------------
def population_rows(areas=AREAS, period="2014", value="1000") -> list[list[str]]:
    return [[a, period, s, str(age), value] for a in areas for s in ("male", "female")
            for age in STARTS]  # fmt: skip


def deaths_rows(areas=AREAS, period="2014", value="5", cause="all") -> list[list[str]]:
    return [[a, period, s, str(age), cause, value] for a in areas for s in ("male", "female")
            for age in STARTS]  # fmt: skip


POP_HEADER = ["area_code", "period", "sex", "age_start", "person_years"]
DEATHS_HEADER = ["area_code", "period", "sex", "age_start", "cause", "deaths"]
AREAS_HEADER = ["area_code", "area_name", "level", "parent_region"]


def area_rows() -> list[list[str]]:
    return [["E06000001", "Hartlepool", "la", "E12000001"],
            ["E06000002", "Middlesbrough", "la", "E12000001"],
            ["E12000001", "North East", "region", ""]]  # fmt: skip


def csv_text(header: list[str], rows: list[list[str]], sep: str = ",", end: str = "\n") -> str:
    return end.join(sep.join(r) for r in [header, *rows]) + end


def with_cell(rows: list[list[str]], row: int, column: int, value: str) -> list[list[str]]:
    """``rows`` with the cell at data row ``row`` (0-based) and ``column`` replaced."""
    out = [list(r) for r in rows]
    out[row][column] = value
    return out


class Builder:
    """Writes the corpus files into ``folder`` and collects the cases."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.cases: list[Case] = []

    def add(self, name: str, rules: set[str] | str, *files: Path, **extra) -> None:
        rules = {rules} if isinstance(rules, str) else rules
        self.cases.append(Case(name, list(files), rules, **extra))

    def text(self, filename: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.folder / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    def raw(self, filename: str, data: bytes) -> Path:
        path = self.folder / filename
        path.write_bytes(data)
        return path

    def table(self, filename: str, header: list[str], rows: list[list[str]], **kw) -> Path:
        return self.text(filename, csv_text(header, rows, **kw))
