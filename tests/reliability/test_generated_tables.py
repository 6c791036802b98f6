"""Hypothesis-generated malformed tables: a valid population table with one to three random
defects (bad or negative or absurd counts, unknown sexes, bad periods, lost or repeated
rows) is always refused by ``healthgap validate`` and ``import`` with named problems, no
traceback and an unchanged workspace."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_runner import run_cli
from healthgap.agebands import STANDARD_STARTS
from healthgap.data import RULES, import_files

HEADER = "area_code,period,sex,age_start,person_years"
AREAS = "area_code,area_name,level\nE06000001,Hartlepool,la\nE06000002,Middlesbrough,la\n"

# defect -> (how it changes one row, the rules it may raise)
DEFECTS = {
    "text_count": (lambda r, v: [*r[:4], v], {"non_numeric"}),
    "negative_count": (lambda r, _v: [*r[:4], "-7"], {"negative_count"}),
    "absurd_count": (lambda r, _v: [*r[:4], "1e300"], {"implausible_value"}),
    "unknown_sex": (lambda r, v: [r[0], r[1], v, *r[3:]], {"unknown_sex"}),
    "bad_period": (lambda r, v: [r[0], v, *r[2:]], {"bad_period", "missing_age_band"}),
    "lost_row": (None, {"missing_age_band"}),
    "repeated_row": (None, {"duplicate_key"}),
}
NOT_NUMBERS = st.sampled_from(["x", "1.2.3", "nan?", "--", "1e", "[/x]", "=1+1", "١"])
NOT_SEXES = st.sampled_from(["X", "u", "[bold]M", "9", "ma le", "♀"])
NOT_PERIODS = st.sampled_from(["twenty", "14", "2014x", "1700", "Q3"])


def rows(areas: list[str]) -> list[list[str]]:
    return [[a, "2014", s, str(age), "1000"] for a in areas for s in ("male", "female")
            for age in STANDARD_STARTS]  # fmt: skip


@st.composite
def broken_tables(draw: st.DrawFn) -> tuple[str, set[str]]:
    areas = draw(st.lists(st.sampled_from(["E06000001", "E06000002"]), min_size=1, max_size=2,
                          unique=True))  # fmt: skip
    table = rows(areas)
    expected: set[str] = set()
    defects = draw(st.lists(st.sampled_from(sorted(DEFECTS)), min_size=1, max_size=3, unique=True))
    # Rows are lost first, so a repeated row can never be deleted again (a valid table).
    for name in sorted(defects, key=lambda defect: defect != "lost_row"):
        change, rules = DEFECTS[name]
        at = draw(st.integers(0, len(table) - 1))
        if name == "lost_row":
            del table[at]
        elif name == "repeated_row":
            table.append(list(table[at]))
        else:
            value = draw({"text_count": NOT_NUMBERS, "unknown_sex": NOT_SEXES,
                          "bad_period": NOT_PERIODS}.get(name, st.just("")))  # fmt: skip
            table[at] = change(table[at], value)
        expected |= rules
    csv = "\n".join([HEADER, *(",".join(r) for r in table)]) + "\n"
    return csv, expected


def digest(folder: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashed.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return hashed.hexdigest()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_tables())
def test_generated_broken_tables_are_refused_cleanly(case: tuple[str, set[str]]) -> None:
    csv, expected = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "areas.csv").write_text(AREAS, encoding="utf-8")
        workspace = import_files([root / "areas.csv"], into=root / "ws").path
        before = digest(workspace)
        path = root / "generated.csv"
        path.write_text(csv, encoding="utf-8")
        for result in (run_cli("validate", str(path)),
                       run_cli("import", str(path), "--into", str(workspace))):  # fmt: skip
            assert result.returncode == 2, result.stdout + result.stderr
            assert "Traceback" not in result.stdout + result.stderr
            found = {rule for rule in RULES if f" {rule} " in result.stderr}
            assert found & expected, (found, expected, result.stderr)
            assert "generated.csv" in result.stderr
        assert digest(workspace) == before
