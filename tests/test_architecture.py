"""The house rules the layers contract cannot say: no old period parser, interfaces without
selection, pooling or measuring of their own, web dependencies in one place, short modules."""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "healthgap"

#: Period helpers that each read labels their own way before healthgap.periods.Period.
OLD_PERIOD_HELPERS = (
    "period_label_years",
    "period_years",
    "period_midpoint",
    "_pool_label",
    "in_period",
    "pooled_periods",
    "small_area_period",
    "default_period",
    "normalise_period_label",
)
#: Hand-made parsing of a period label (splitting on "-" or slicing the year's digits).
AD_HOC_PARSING = re.compile(
    r"""partition\(["']-["']\)|split\(["']-["']|\[2:\]\}|\[-2:\]\}|\(\\d\{4\}\)\(\?:\\s\*-"""
)


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_no_period_is_parsed_outside_period() -> None:
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        found += [
            f"{path.relative_to(SRC)}: {name}"
            for name in OLD_PERIOD_HELPERS
            if re.search(rf"\b{re.escape(name)}\b", text)
        ]
        if path.name != "periods.py":
            found += [
                f"{path.relative_to(SRC)}: {m.group(0)}" for m in AD_HOC_PARSING.finditer(text)
            ]
    assert not found, "period labels are read by healthgap.periods.Period only"


def test_no_module_is_over_about_400_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in _sources()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("healthgap")


# What an interface may use besides the use cases: presentation (reports), accounts (store),
# errors, vocabularies (periods, the data model's levels, a comparison's spelling), reading a
# scenario file, and the demo's constants. The web's caches (source, workspaces) also read
# the per-level tables the data layer sums and pools once (healthgap.data.levels).
ALLOWED = ("analyses", "reports", "store", "errors", "periods", "data.model",
           "decomposition.comparison", "scenarios", "datasets")  # fmt: skip
WEB_CACHES = ("healthgap.web.source", "healthgap.web.workspaces")


@pytest.mark.parametrize("interface", ["cli", "web"])
def test_interfaces_only_call_use_cases(graph: grimp.ImportGraph, interface: str) -> None:
    found = []
    for module in sorted(m for m in graph.modules if m.startswith(f"healthgap.{interface}")):
        for imported in graph.find_modules_directly_imported_by(module):
            inner = imported.removeprefix("healthgap.")
            if not imported.startswith("healthgap.") or inner.split(".")[0] in ("cli", "web"):
                continue
            allowed = ALLOWED + (("data",) if module in WEB_CACHES else ())
            if not any(inner == a or inner.startswith(f"{a}.") for a in allowed):
                found.append(f"{module} -> {imported}")
    assert not found, "interfaces call healthgap.analyses, not the measures or the data layer"


def test_web_dependencies_are_defined_once() -> None:
    web = SRC / "web"
    defining = [
        str(path.relative_to(SRC))
        for path in web.rglob("*.py")
        if "Depends(require(" in path.read_text(encoding="utf-8")
    ]
    assert defining == ["web/deps.py"]
    for path in (web / "routes").glob("*.py"):
        assert "app.state" not in path.read_text(encoding="utf-8"), path.name


def test_templates_embed_json_with_tojson() -> None:
    for path in (SRC / "web" / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text and "| safe" not in text, path.name
