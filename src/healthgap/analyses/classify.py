"""Classify areas by a rule: e.g. the Spearhead rule (worst fifth on 3 of 5 indicators).

:func:`classify_areas` computes the rule's indicators for every area of a level in one
period (:func:`~healthgap.frameworks.area_indicators.spearhead_indicators`) and applies the
rule (:func:`~healthgap.frameworks.classification.apply_rule`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from healthgap.analyses.kept_results import kept_result
from healthgap.analyses.provenance import collect_warnings, provenance_of
from healthgap.analyses.selection import given_or_latest
from healthgap.analyses.source import Source
from healthgap.frameworks.area_indicators import spearhead_indicators
from healthgap.frameworks.classification import apply_rule, load_rule
from healthgap.periods import Period
from healthgap.reports.bundle import ResultBundle, Table

__all__ = ["classify_areas"]


def classify_areas(
    source: Source,
    *,
    period: str | Period | None = None,
    rule: str | Path = "spearhead",
    level: str = "la",
) -> ResultBundle:
    """Flag the areas of ``level`` by ``rule`` (a shipped rule's name or a YAML file) on
    their indicators in ``period`` (default: the latest three years pooled). Table
    ``classification``; ``summary`` names the rule and the flagged areas."""
    chosen = load_rule(rule)
    when = given_or_latest(source, period)

    def compute() -> tuple[pd.DataFrame, list[str]]:
        with collect_warnings() as met:
            indicators = spearhead_indicators(
                source.areas(),
                source.read("population", None, when),
                source.read("deaths", None, when),
                level=level,
            )
            result = apply_rule(indicators, chosen)
        return result, met

    rule_text = json.dumps(chosen.to_dict(), sort_keys=True)
    key = ("classification", rule_text, level, when.label)
    result, met = kept_result(source, key, compute, _save, _load)
    flagged = result[result["flagged"]]
    return ResultBundle(
        question="classify areas",
        provenance=provenance_of(source, f"rule {chosen.name}"),
        tables={"classification": Table(result, f"{chosen.title}: areas flagged")},
        metadata={"rule": json.dumps(chosen.to_dict()), "period": when.label, "level": level},
        summary={
            "title": chosen.title,
            "flagged": flagged[["area_code", "criteria_met", "flagged_by"]].to_dict("records"),
            "areas": len(result),
        },
        warnings=tuple(met),
    )


def _save(value: tuple[pd.DataFrame, list[str]], folder: Path) -> None:
    result, met = value
    result.to_parquet(folder / "classification.parquet")
    (folder / "collected.json").write_text(json.dumps(list(met)))


def _load(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    met = [str(line) for line in json.loads((folder / "collected.json").read_text())]
    return pd.read_parquet(folder / "classification.parquet"), met
