"""Evidence flags: ratings given without evidence, individually or at consensus."""

from __future__ import annotations

import pandas as pd

from healthgap.assessment.model import FrameworkVersion
from healthgap.assessment.responses import (
    ROUND_ORDER,
    Assessment,
    consensus_frame,
    item_columns,
    ratings_frame,
)

__all__ = ["evidence_flags"]


def evidence_flags(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """Ratings given without evidence: one row per flag (``rule`` = ``no_evidence``).

    An individual rating on a scale level with no evidence reference is flagged; so is an
    agreed level when neither the consensus nor any individual rating of that item cites
    evidence. "Don't know" and "not applicable" need no evidence.
    """
    ratings = ratings_frame(version, assessment.ratings)
    scored = ratings[ratings["level_position"].notna() & (ratings["evidence_count"] == 0)]
    individual = pd.DataFrame(
        {
            "item_id": scored["item_id"],
            "round": "individual",
            "who": scored["participant"],
            "level_label": scored["level_label"],
            "rule": "no_evidence",
            "message": "rated " + scored["level_label"].astype(str) + " with no evidence given",
        }
    )
    cited = set(ratings.loc[ratings["evidence_count"] > 0, "item_id"])
    agreed = consensus_frame(version, assessment.consensus)
    bare = agreed[
        agreed["level_position"].notna()
        & (agreed["consensus_evidence"] == "")
        & ~agreed["item_id"].isin(cited)
    ]
    group = pd.DataFrame(
        {
            "item_id": bare["item_id"],
            "round": "consensus",
            "who": "group",
            "level_label": bare["level_label"],
            "rule": "no_evidence",
            "message": "agreed "
            + bare["level_label"].astype(str)
            + " but no rating of this item cites evidence",
        }
    )
    flags = pd.concat([individual, group], ignore_index=True)
    flags = flags.merge(item_columns(version), on="item_id", how="left")
    columns = [
        "item_id",
        "item_number",
        "item_name",
        "round",
        "who",
        "level_label",
        "rule",
        "message",
    ]
    flags["_round"] = flags["round"].map(ROUND_ORDER)
    flags = flags.sort_values(["item_order", "_round"], kind="stable")
    return flags[columns].reset_index(drop=True)
