"""The spread of individual ratings, the weakest link and the strengths of an assessment.

Ordinal ratings are counted, never averaged: the spread of an item is how many people chose
each level, the lowest and highest level chosen, and whether they disagree. Ratings
**disagree** when they fall in more than one RAG band, or lie ``disagreement_steps`` or more
levels apart (default 2: "Early" against "Established"); a disagreement is what the
consensus round should discuss first.

The **weakest link** (Bentley's framing: a population gains only as much as the weakest
component allows) is the top-level item or items with the lowest agreed level, named; the
**strengths** are the top-level items agreed in the scale's top RAG band. Both keep the
framework's order; nothing is ranked.

>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> from healthgap.assessment.responses import Rating, Scope
>>> nsmc = shipped_catalogue().get("nsmc_benchmarks")
>>> ratings = (Rating("a", "behaviour", "not_met"), Rating("b", "behaviour", "fully_met"),
...            Rating("c", "behaviour", "partly_met", evidence=("baseline survey",)))
>>> assessment = Assessment("nsmc_benchmarks", "1.0", Scope("E06000001", "tobacco",
...                         "2025"), "all", ratings=ratings)
>>> row = spread_table(nsmc, assessment).iloc[0]
>>> row["lowest_label"], row["highest_label"], bool(row["disagreement"])
('Not met', 'Fully met', True)
>>> int(row["without_evidence"]), int(row["ratings"])
(2, 3)
>>> row["counts"]
'Not met: 1; Partly met: 1; Fully met: 1'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from healthgap.assessment._tables import blank_missing
from healthgap.assessment.model import DONT_KNOW, NOT_APPLICABLE, FrameworkVersion
from healthgap.assessment.responses import Assessment, consensus_frame, ratings_frame

__all__ = ["DISAGREEMENT_STEPS", "rating_counts", "spread_table", "strengths", "weakest_link"]

DISAGREEMENT_STEPS = 2


def _mode_items(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    items = version.items_in(assessment.mode)
    return pd.DataFrame(
        {
            "item_id": [i.id for i in items],
            "item_number": [i.number for i in items],
            "item_name": [i.name.text for i in items],
            "section": [i.section for i in items],
            "is_sub_question": [i.parent is not None for i in items],
            "linked_indicators": [", ".join(i.indicators) for i in items],
        }
    )


def rating_counts(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """How many participants gave each answer to each item (zeros included), tidy.

    Columns: ``item_id, item_number, item_name, level, level_label, level_position, rag,
    colour, count``; levels lowest first, then "don't know" and "not applicable".
    """
    return _counts(
        version, _mode_items(version, assessment), ratings_frame(version, assessment.ratings)
    )


def _counts(version: FrameworkVersion, items: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    keys = list(version.scale.keys)
    grid = pd.MultiIndex.from_product([items["item_id"], keys], names=["item_id", "level"])
    counts = ratings.groupby(["item_id", "level"]).size().reindex(grid, fill_value=0)
    out = counts.rename("count").reset_index()
    out = out.merge(items[["item_id", "item_number", "item_name"]], on="item_id", how="left")
    scale = version.scale
    out["level_label"] = out["level"].map(scale.label_of)
    out["level_position"] = pd.array(out["level"].map(scale.value_of), dtype="Int64")
    out["rag"] = out["level"].map(lambda k: scale.level(k).rag if scale.is_level(k) else "")
    out["colour"] = out["level"].map(
        lambda k: scale.level(k).colour if scale.is_level(k) else "#FFFFFF"
    )
    columns = [
        "item_id",
        "item_number",
        "item_name",
        "level",
        "level_label",
        "level_position",
        "rag",
        "colour",
        "count",
    ]
    return out[columns]


def spread_table(
    version: FrameworkVersion,
    assessment: Assessment,
    *,
    disagreement_steps: int = DISAGREEMENT_STEPS,
) -> pd.DataFrame:
    """One row per item of the assessment's mode: the spread and the consensus so far.

    Columns: ``item_id, item_number, item_name, section, is_sub_question,
    linked_indicators, ratings`` (on a level), ``dont_know, not_applicable, counts`` (text,
    every level), ``lowest_label, highest_label, levels_apart, rag_bands, disagreement,
    without_evidence, agreed_label, agreed_rag, agreed_reason, target_label, status``
    (``agreed`` or ``open``), plus the key columns ``lowest_level``, ``highest_level`` and
    ``agreed_level``. There is no mean, median or total of the levels.
    """
    items = _mode_items(version, assessment)
    rated = ratings_frame(version, assessment.ratings)
    on_scale = rated[rated["level_position"].notna()].copy()
    on_scale["position"] = on_scale["level_position"].astype(int)
    grouped = on_scale.groupby("item_id")
    summary = pd.DataFrame(
        {
            "ratings": grouped.size(),
            "lowest_position": grouped["position"].min(),
            "highest_position": grouped["position"].max(),
            "rag_bands": grouped["rag"].nunique(),
            "without_evidence": grouped["evidence_count"].agg(lambda s: int((s == 0).sum())),
        }
    )
    special = rated.groupby("item_id")["level"].agg(
        dont_know=lambda s: int((s == DONT_KNOW).sum()),
        not_applicable=lambda s: int((s == NOT_APPLICABLE).sum()),
    )
    out = items.merge(summary, left_on="item_id", right_index=True, how="left")
    out = out.merge(special, left_on="item_id", right_index=True, how="left")
    for column in ("ratings", "rag_bands", "without_evidence", "dont_know", "not_applicable"):
        # an empty group-by leaves these text-typed; counts are whole numbers from 0
        out[column] = pd.to_numeric(out[column], errors="coerce").fillna(0).astype(int)
    by_position = {lv.value: lv for lv in version.scale.levels}
    for end in ("lowest", "highest"):
        positions = out[f"{end}_position"]
        out[f"{end}_level"] = positions.map(lambda p: by_position[p].key if p == p else "")
        out[f"{end}_label"] = positions.map(lambda p: by_position[p].label.text if p == p else "")
    apart = (out["highest_position"] - out["lowest_position"]).fillna(0).astype(int)
    out["levels_apart"] = apart
    out["disagreement"] = (apart >= disagreement_steps) | (out["rag_bands"] > 1)
    out["counts"] = _counts_text(_counts(version, items, rated), out["item_id"])
    agreed = consensus_frame(version, assessment.consensus)
    agreed = agreed.rename(
        columns={
            "level": "agreed_level",
            "level_label": "agreed_label",
            "rag": "agreed_rag",
            "reason": "agreed_reason",
        }
    )
    out = out.merge(
        agreed[
            [
                "item_id",
                "agreed_level",
                "agreed_label",
                "agreed_rag",
                "agreed_reason",
                "target_label",
            ]
        ],
        on="item_id",
        how="left",
    )
    for column in ("agreed_level", "agreed_label", "agreed_rag", "agreed_reason", "target_label"):
        out[column] = blank_missing(out[column])
    out["status"] = np.where(out["agreed_level"] != "", "agreed", "open")
    return out.drop(columns=["lowest_position", "highest_position"]).reset_index(drop=True)


def _counts_text(counts: pd.DataFrame, item_ids: pd.Series) -> pd.Series:
    """ "Early: 1; Developing: 2" per item: every level, plus special answers when given."""
    shown = counts[counts["level_position"].notna() | (counts["count"] > 0)]
    text = (
        (shown["level_label"] + ": " + shown["count"].astype(str))
        .groupby(shown["item_id"], sort=False)
        .agg("; ".join)
    )
    return blank_missing(item_ids.map(text))


def _agreed_top_items(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    top = {item.id for item in version.top_items()}
    agreed = consensus_frame(version, assessment.consensus)
    agreed = agreed[
        agreed["item_id"].isin(top)
        & agreed["item_id"].isin(version.mode(assessment.mode).items)
        & agreed["level_position"].notna()
    ]
    columns = [
        "item_id",
        "item_number",
        "item_name",
        "level",
        "level_label",
        "rag",
        "colour",
        "reason",
        "target_label",
    ]
    return agreed[columns + ["level_position"]]


def weakest_link(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """The top-level item(s) with the lowest agreed level, named, in framework order.

    Ties are all returned. "Don't know" and "not applicable" are not levels and are left
    out (the spread table shows them). Empty until something is agreed.
    """
    agreed = _agreed_top_items(version, assessment)
    lowest = agreed["level_position"].min() if len(agreed) else None
    chosen = agreed[agreed["level_position"] == lowest] if lowest is not None else agreed
    return chosen.drop(columns="level_position").reset_index(drop=True)


def strengths(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """The top-level items agreed in the scale's top RAG band (green), in framework order."""
    agreed = _agreed_top_items(version, assessment)
    chosen = agreed[agreed["rag"] == version.scale.top_rag]
    return chosen.drop(columns="level_position").reset_index(drop=True)
