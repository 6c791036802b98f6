"""Neutral segment names (generated, editable) and the data of a persona card per segment.

Names are built only from the indicators that most set a segment apart (largest ``z`` in
its profile), in the words of the indicators themselves: "2: higher income deprivation,
lower living environment deprivation". They describe places' figures, never
people, so they carry none of the stereotypes that commercial segment names were criticised
for; users may replace any of them (:func:`rename_segments`), and every edit is checked.

>>> import pandas as pd
>>> profile = pd.DataFrame({"segment": [1, 1, 2, 2], "indicator": ["a", "b", "a", "b"],
...                         "label": ["income score", "crime score"] * 2,
...                         "index": [150.0, 90.0, 60.0, 110.0], "z": [1.2, -0.4, -1.1, 0.3]})
>>> suggest_names(profile, top=1)["name"].tolist()
['1: higher income', '2: lower income']
>>> rename_segments(suggest_names(profile), {2: "Quieter streets"})["name"].tolist()[1]
'Quieter streets'
>>> ranks = profile.assign(label=["income rank (1 = most deprived)", "crime rank"] * 2)
>>> suggest_names(ranks, top=1)["name"].tolist()  # a high rank is low deprivation
['1: lower income', '2: higher income']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from healthgap.errors import InputError, Problem
from healthgap.insight.profiles import ECOLOGICAL_NOTE

__all__ = ["MAX_NAME_LENGTH", "persona_cards", "rename_segments", "suggest_names"]

MAX_NAME_LENGTH = 80
#: A segment whose indicators are all within this many SDs of the whole is "close to average".
NEAR_AVERAGE_Z = 0.25


def _short(label: str) -> str:
    """The label without its bracketed note or a closing "score"/"rank":
    'income deprivation score (higher = worse)' -> 'income deprivation'."""
    words = label.split(" (", 1)[0].strip()
    return re.sub(r" (score|rank)$", "", words) or words


def _reversed(label: str) -> bool:
    """Whether a higher value means less of what the label names: a rank where 1 is the
    most deprived ("income deprivation rank (1 = most deprived)") is higher where
    deprivation is lower, so its words are turned round."""
    return "(1 = most" in label


def _fit(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;") + "\u2026"


def suggest_names(profile: pd.DataFrame, *, top: int = 2) -> pd.DataFrame:
    """A neutral name per segment from its ``top`` most distinctive indicators.

    ``profile`` is :func:`~healthgap.insight.profiles.segment_profiles` output. Returns
    ``segment``, ``name``, ``basis`` (the indicators used) and ``edited`` (False).
    """
    ranked = profile.assign(strength=profile["z"].abs()).sort_values(
        ["segment", "strength", "indicator"], ascending=[True, False, True]
    )
    chosen = ranked.groupby("segment").head(top)
    chosen = chosen[chosen["strength"] >= NEAR_AVERAGE_Z]
    more = (chosen["z"] > 0) != chosen["label"].map(_reversed)
    words = np.where(more, "higher ", "lower ") + chosen["label"].map(_short)
    phrases = pd.Series(words, index=chosen.index).groupby(chosen["segment"]).agg(", ".join)
    basis = chosen.groupby("segment")["indicator"].agg(", ".join)
    segments = pd.Index(np.sort(profile["segment"].unique()), name="segment")
    phrase = phrases.reindex(segments).fillna("close to average on every indicator")
    names = [_fit(f"{s}: {p}") for s, p in zip(segments, phrase, strict=True)]
    return pd.DataFrame(
        {
            "segment": segments,
            "name": names,
            "basis": basis.reindex(segments).fillna("").to_numpy(),
            "edited": False,
        }
    )


def rename_segments(names: pd.DataFrame, edits: Mapping[Any, str]) -> pd.DataFrame:
    """``names`` with the user's ``edits`` ({segment: new name}) applied and checked.

    Raises
    ------
    InputError
        ``unknown_segment`` (no such segment), ``empty_name``, ``name_too_long`` (over
        80 characters) or ``duplicate_name`` (two segments would share a name).
    """
    out = names.copy()
    known = {str(s): i for i, s in zip(out.index, out["segment"], strict=True)}
    problems = []
    for segment, new in edits.items():
        where = known.get(str(segment))
        text = str(new).strip() if new is not None else ""
        if where is None:
            problems.append(
                Problem(
                    "names", None, "segment", "unknown_segment", f"there is no segment {segment!r}"
                )
            )
        elif not text:
            problems.append(
                Problem("names", None, str(segment), "empty_name", "a segment name cannot be empty")
            )
        elif len(text) > MAX_NAME_LENGTH:
            problems.append(
                Problem(
                    "names",
                    None,
                    str(segment),
                    "name_too_long",
                    f"names are at most {MAX_NAME_LENGTH} characters",
                )
            )
        else:
            out.loc[where, "name"] = text
            out.loc[where, "edited"] = True
    repeated = out["name"].str.casefold().duplicated(keep=False)
    for segment, name in out.loc[repeated, ["segment", "name"]].itertuples(index=False):
        problems.append(
            Problem(
                "names",
                None,
                str(segment),
                "duplicate_name",
                f"{name!r} is used for more than one segment",
            )
        )
    if problems:
        raise InputError(problems)
    return out


def persona_cards(
    profile: pd.DataFrame,
    summary: pd.DataFrame,
    names: pd.DataFrame,
    *,
    life_expectancy: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    top: int = 3,
) -> list[dict[str, Any]]:
    """The content of one persona card per segment, as plain JSON-ready dicts.

    Parameters
    ----------
    profile, summary, names : DataFrame
        Outputs of ``segment_profiles``, ``segment_summary`` and ``suggest_names``
        (or ``rename_segments``).
    life_expectancy : DataFrame, optional
        ``segment_life_expectancy`` output; the card then gives LE and the gap by sex.
    places : DataFrame, optional
        ``segment_shares`` output joined with a ``parent_name`` column; the card lists the
        three places holding most of the segment's population.
    top : int
        Distinctive indicators listed per card.

    Each card: ``segment``, ``name``, ``n_areas``, ``population``, ``population_share``,
    ``distinctive`` (indicator, label, index, direction), ``life_expectancy`` (sex, value,
    gap), ``places`` and ``note`` (the ecological caveat).
    """
    ranked = profile.assign(strength=profile["z"].abs()).sort_values(
        ["segment", "strength", "indicator"], ascending=[True, False, True]
    )
    distinctive = ranked.groupby("segment").head(top)
    name_of = dict(zip(names["segment"], names["name"], strict=True))
    cards = []
    for row in summary.itertuples(index=False):  # one card per segment (a handful)
        segment = row.segment
        items = distinctive[distinctive["segment"] == segment]
        card: dict[str, Any] = {
            "segment": segment.item() if hasattr(segment, "item") else segment,
            "name": name_of.get(segment, str(segment)),
            "n_areas": int(row.n_areas),
            "population": float(row.population),
            "population_share": float(row.population_share),
            "distinctive": [
                {
                    "indicator": str(i.indicator),
                    "label": str(i.label),
                    "index": float(i.index),
                    "direction": "higher" if (i.z > 0) != _reversed(i.label) else "lower",
                    "words": ("higher " if (i.z > 0) != _reversed(i.label) else "lower ")
                    + _short(str(i.label)),
                }
                for i in items.itertuples(index=False)
            ],
            "life_expectancy": [],
            "places": [],
            "note": ECOLOGICAL_NOTE,
        }
        if life_expectancy is not None:
            rows = life_expectancy[life_expectancy["segment"].astype(str) == str(segment)]
            card["life_expectancy"] = [
                {"sex": str(r.sex), "value": float(r.value), "gap": float(r.gap)}
                for r in rows.itertuples(index=False)
            ]
        if places is not None:
            mine = places[places["segment"] == segment].nlargest(3, "population")
            card["places"] = [
                {
                    "name": str(r.parent_name),
                    "share_of_segment": float(r.population) / float(row.population),
                }
                for r in mine.itertuples(index=False)
            ]
        cards.append(card)
    return cards
