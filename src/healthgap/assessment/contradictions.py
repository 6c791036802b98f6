"""Flag ratings that the place's own data contradict (a prompt to discuss, not a veto).

Rules, applied to every latest individual rating and to each agreed level:

- ``volumes_shortfall``: an item linked to ``intervention_volumes`` is rated in the scale's
  top RAG band (e.g. "Established") while the plan reaches less than ``shortfall_share``
  (default 0.5 [A]) of its gap-reduction target for some sex: the volumes are not adequate to
  shift the population outcome (HINST area 11's over-rating check, frameworks.md §1).
- ``need_not_measured``: an item linked to ``life_expectancy`` is rated in the top band while
  the workspace has no life expectancy for the place (missing or suppressed): the need
  cannot be called well known from healthgap's data.

Takes the evidence table of :func:`healthgap.assessment.evidence.evidence_table`, so the
flags rest on exactly the numbers shown beside the rating.

>>> import pandas as pd
>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> from healthgap.assessment.evidence import TARGET_SHARE
>>> from healthgap.assessment.responses import Assessment, Consensus, Scope
>>> hinst = shipped_catalogue().get("hinst_cbo")
>>> evidence = pd.DataFrame({"item_id": ["service_volumes"], "indicator": ["intervention_volumes"],
...     "statistic": [TARGET_SHARE], "sex": ["male"], "value": [0.11], "available": [True]})
>>> agreed = Assessment("hinst_cbo", "1.0", Scope("E07900034", "CVD", "2025"), "quick",
...     consensus=(Consensus("service_volumes", "3", "we run lots of clinics"),))
>>> contradictions(hinst, agreed, evidence)["message"].iloc[0]
'rated Established, but the plan reaches only 11% of its gap-reduction target (male)'
"""

from __future__ import annotations

import pandas as pd

from healthgap.assessment.evidence import TARGET_SHARE
from healthgap.assessment.model import FrameworkVersion
from healthgap.assessment.responses import (
    ROUND_ORDER,
    Assessment,
    consensus_frame,
    ratings_frame,
)

__all__ = ["SHORTFALL_SHARE", "contradictions"]

#: A plan reaching less than this share of its gap-reduction target is a large shortfall [A].
SHORTFALL_SHARE = 0.5
_COLUMNS = ["item_id", "item_number", "item_name", "round", "who", "level_label", "rule", "message"]


def _judgements(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """Latest individual ratings and agreed levels in the top RAG band, one table."""
    individual = ratings_frame(version, assessment.ratings).assign(round="individual")
    individual["who"] = individual["participant"]
    group = consensus_frame(version, assessment.consensus).assign(round="consensus", who="group")
    both = pd.concat([individual, group], ignore_index=True)
    return both[both["rag"] == version.scale.top_rag]


def contradictions(
    version: FrameworkVersion,
    assessment: Assessment,
    evidence: pd.DataFrame,
    *,
    shortfall_share: float = SHORTFALL_SHARE,
) -> pd.DataFrame:
    """One row per rating the data contradict: ``item_id, item_number, item_name, round,
    who, level_label, rule, message``."""
    judged = _judgements(version, assessment)
    flags = []
    linked = {(i.id, ind) for i in version.items for ind in i.indicators}
    volume_items = {item for item, ind in linked if ind == "intervention_volumes"}
    shares = evidence[
        (evidence["indicator"] == "intervention_volumes")
        & (evidence["statistic"] == TARGET_SHARE)
        & evidence["value"].notna()
    ]
    worst = shares.sort_values("value").drop_duplicates("item_id")
    short = worst[worst["value"] < shortfall_share]
    hit = judged.merge(short[["item_id", "value", "sex"]], on="item_id", how="inner")
    hit = hit[hit["item_id"].isin(volume_items)]
    if not hit.empty:
        flags.append(
            hit.assign(
                rule="volumes_shortfall",
                message="rated "
                + hit["level_label"].astype(str)
                + ", but the plan reaches only "
                + hit["value"].map("{:.0%}".format)
                + " of its gap-reduction target ("
                + hit["sex"].astype(str)
                + ")",
            )
        )
    need_items = {item for item, ind in linked if ind == "life_expectancy"}
    le = evidence[evidence["indicator"] == "life_expectancy"]
    measured = set(le.loc[le["value"].notna(), "item_id"])
    unmeasured = (need_items & set(le["item_id"])) - measured
    blind = judged[judged["item_id"].isin(unmeasured)]
    if not blind.empty:
        flags.append(
            blind.assign(
                rule="need_not_measured",
                message="rated "
                + blind["level_label"].astype(str)
                + ", but the workspace has no life expectancy for this place",
            )
        )
    if not flags:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in _COLUMNS})
    out = pd.concat(flags, ignore_index=True)
    out["_round"] = out["round"].map(ROUND_ORDER)
    out = out.sort_values(["item_order", "_round"], kind="stable")
    return out[_COLUMNS].reset_index(drop=True)
