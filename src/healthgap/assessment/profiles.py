"""Tables behind the radar, the heatmap and the triangle: each chart is readable as a table.

- :func:`profile_table`: the current, target and previous agreed level of each top-level
  item, with the lowest and highest individual rating beside the current one (so a radar
  shows the distribution, not only the consensus);
- :func:`heatmap_table`: topics or places × items, one cell per agreed level, rows in the
  order given (never sorted by rating: no league table);
- :func:`triangle_table`: the seven components of the Population Intervention Triangle with
  their agreed level, for the shaded triangle.

Positions of levels are used to place points on a chart; no table holds an average.

>>> from healthgap.assessment.catalogue import shipped_catalogue
>>> from healthgap.assessment.responses import Consensus, Scope
>>> pit = shipped_catalogue().get("pit")
>>> done = Assessment("pit", "1.0", Scope("E08000012", "CVD", "2025"), "all",
...                   consensus=(Consensus("centre", "1", "no joint plan yet"),))
>>> table = triangle_table(pit, done)
>>> table.loc[table["pit_position"] == "centre", ["level_label", "rag"]].values.tolist()
[['Early', 'red']]
>>> int((table["level_label"] == "Not yet agreed").sum())
6
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from healthgap.assessment._tables import blank_missing, tidy
from healthgap.assessment.model import FrameworkVersion
from healthgap.assessment.responses import Assessment, consensus_frame, ratings_frame
from healthgap.errors import InputError

__all__ = ["NOT_AGREED", "PIT_POSITIONS", "heatmap_table", "profile_table", "triangle_table"]

#: The seven places of the triangle: three segments, three seams and the centre.
PIT_POSITIONS: tuple[str, ...] = (
    "civic",
    "community",
    "service",
    "civic_community",
    "service_community",
    "civic_service",
    "centre",
)
NOT_AGREED = "Not yet agreed"
_GREY = "#B1B4B6"  # GOV.UK mid-grey: an item with no agreed level yet


def _agreed(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    agreed = consensus_frame(version, assessment.consensus)
    return agreed[
        [
            "item_id",
            "level",
            "level_label",
            "level_position",
            "rag",
            "colour",
            "target",
            "target_label",
        ]
    ]


def _individual_range(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    rated = ratings_frame(version, assessment.ratings)
    rated = rated[rated["level_position"].notna()]
    grouped = rated.groupby("item_id")["level_position"]
    return pd.DataFrame(
        {
            "lowest_position": grouped.min(),
            "highest_position": grouped.max(),
            "ratings": grouped.size(),
        }
    )


def _top_items(version: FrameworkVersion, mode: str) -> pd.DataFrame:
    chosen = set(version.mode(mode).items)
    items = [i for i in version.top_items() if i.id in chosen]
    return tidy(
        {
            "item_id": [i.id for i in items],
            "item_number": [i.number for i in items],
            "item_name": [i.name.text for i in items],
            "item_order": list(range(len(items))),
        },
        {"item_order": "int64"},
    )


def profile_table(
    version: FrameworkVersion, current: Assessment, previous: Assessment | None = None
) -> pd.DataFrame:
    """Long table of the radar: one row per top-level item and profile.

    ``profile`` is ``current`` (the agreed level), ``target`` (the agreed target) or
    ``previous`` (the agreed level of ``previous``, matched by item id, e.g. last year's
    assessment of the same place and topic). Current rows also carry the lowest and highest
    individual rating (``lowest_position``/``highest_position``) and how many rated.
    """
    items = _top_items(version, current.mode)
    agreed = _agreed(version, current)
    parts = [
        items.merge(
            agreed.drop(columns=["target", "target_label"]), on="item_id", how="left"
        ).assign(profile="current")
    ]
    positions = {lv.key: lv for lv in version.scale.levels}
    target = items.merge(agreed[["item_id", "target"]], on="item_id", how="left")
    target["level"] = blank_missing(target["target"])
    target["level_label"] = target["level"].map(
        lambda k: positions[k].label.text if k in positions else ""
    )
    target["level_position"] = pd.array(
        target["level"].map(lambda k: positions[k].value if k in positions else None),
        dtype="Int64",
    )
    target["rag"] = target["level"].map(lambda k: positions[k].rag if k in positions else "")
    target["colour"] = target["level"].map(lambda k: positions[k].colour if k in positions else "")
    parts.append(target.drop(columns="target").assign(profile="target"))
    if previous is not None:
        before = _agreed(version, previous).drop(columns=["target", "target_label"])
        parts.append(items.merge(before, on="item_id", how="left").assign(profile="previous"))
    out = pd.concat(parts, ignore_index=True)
    spread = _individual_range(version, current)
    out = out.merge(spread, left_on="item_id", right_index=True, how="left")
    not_current = out["profile"] != "current"
    out.loc[not_current, ["lowest_position", "highest_position", "ratings"]] = None
    out["ratings"] = out["ratings"].fillna(0).astype(int)
    for column in ("level", "level_label", "rag", "colour"):
        out[column] = out[column].astype("object").where(out[column].notna(), "")
    out["level_position"] = out["level_position"].astype("Int64")
    out["_profile_order"] = out["profile"].map({"current": 0, "target": 1, "previous": 2})
    out = out.sort_values(["_profile_order", "item_order"], kind="stable")
    return out.drop(columns="_profile_order").reset_index(drop=True)


def heatmap_table(
    version: FrameworkVersion, assessments: Sequence[Assessment], *, by: str = "topic"
) -> pd.DataFrame:
    """Topics or places × top-level items: the agreed level of each cell.

    ``by`` labels the rows with each assessment's ``topic`` or ``place`` (its name, else its
    code). Rows keep the order of ``assessments`` and items the framework's order: the table
    is never sorted by rating, and has no row or column totals. Each cell also carries the
    range of individual ratings behind it.
    """
    if by not in ("topic", "place"):
        raise InputError(f"by must be 'topic' or 'place', not {by!r}", rule="bad_heatmap_rows")
    other = sorted({a.framework_id for a in assessments} - {version.framework_id})
    if other:
        raise InputError(
            f"a heatmap shows one framework; got {', '.join(other)} as well as "
            f"{version.framework_id!r}",
            rule="mixed_frameworks",
        )
    by_position = {lv.value: lv.label.text for lv in version.scale.levels}
    parts = []
    for row_order, assessment in enumerate(assessments):
        scope = assessment.scope
        label = scope.topic if by == "topic" else (scope.place_name or scope.place_code)
        cells = _top_items(version, assessment.mode).merge(
            _agreed(version, assessment), on="item_id", how="left"
        )
        cells = cells.merge(
            _individual_range(version, assessment), left_on="item_id", right_index=True, how="left"
        )
        parts.append(
            cells.assign(
                row_label=label,
                row_order=row_order,
                place_code=scope.place_code,
                topic=scope.topic,
                period=scope.period,
                version=assessment.version,
            )
        )
    columns = [
        "row_label",
        "row_order",
        "place_code",
        "topic",
        "period",
        "version",
        "item_id",
        "item_number",
        "item_name",
        "item_order",
        "level",
        "level_label",
        "level_position",
        "rag",
        "colour",
        "lowest_label",
        "highest_label",
        "ratings",
    ]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    for end in ("lowest", "highest"):
        out[f"{end}_label"] = blank_missing(out[f"{end}_position"].map(by_position))
    out["ratings"] = out["ratings"].fillna(0).astype(int)
    unset = out["level"].isna()
    out["level"] = out["level"].astype("object").where(~unset, "")
    out["level_label"] = out["level_label"].astype("object").where(~unset, NOT_AGREED)
    out["rag"] = out["rag"].astype("object").where(~unset, "")
    out["colour"] = out["colour"].astype("object").where(~unset, _GREY)
    return out[columns]


def triangle_table(version: FrameworkVersion, assessment: Assessment) -> pd.DataFrame:
    """The agreed level of each triangle component, keyed by ``pit_position``.

    Needs a framework whose items carry the ``pit_position`` attribute (the shipped ``pit``
    pack); components not yet agreed are "Not yet agreed" and grey.
    """
    placed = [i for i in version.items if i.attributes.get("pit_position") in PIT_POSITIONS]
    if {i.attributes["pit_position"] for i in placed} != set(PIT_POSITIONS):
        raise InputError(
            f"{version.framework_id!r} does not place items on all seven triangle positions "
            f"({', '.join(PIT_POSITIONS)})",
            rule="not_a_triangle",
        )
    table = tidy(
        {
            "pit_position": [i.attributes["pit_position"] for i in placed],
            "item_id": [i.id for i in placed],
            "item_number": [i.number for i in placed],
            "item_name": [i.name.text for i in placed],
            "section": [i.section for i in placed],
        }
    )
    out = table.merge(_agreed(version, assessment), on="item_id", how="left")
    unset = out["level"].isna()
    out["level"] = out["level"].astype("object").where(~unset, "")
    out["level_label"] = out["level_label"].astype("object").where(~unset, NOT_AGREED)
    out["rag"] = out["rag"].astype("object").where(~unset, "")
    out["colour"] = out["colour"].astype("object").where(~unset, _GREY)
    return out.drop(columns=["target", "target_label"])
