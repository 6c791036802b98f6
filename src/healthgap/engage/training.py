r"""MECC training and capability: who was trained by which route, and how their confidence,
knowledge and competence changed (before, straight after, and 3-6 months after training).

Tables
------
- training records: ``staff_id``, ``route`` (e_learning, face_to_face, train_the_trainer,
  cascade) and ``completed_on`` (a date), one row per member of staff and route;
- capability scores: ``staff_id``, ``route``, ``measure`` (confidence, knowledge,
  competence), ``wave`` (before, after, follow_up) and ``score`` on the vocabulary's scale.

Formula
-------
For each member of staff with a score at both waves, :math:`d_i = x_{i,\text{to}} -
x_{i,\text{from}}`; the change is :math:`\bar d` with the paired *t* interval
:math:`\bar d \pm t_{n-1,(1+c)/2}\, s_d / \sqrt n` (Student 1908; e.g. Altman, *Practical
Statistics for Medical Research*, 1991, section 9.5). Means on fewer people than the
disclosure policy's minimum number of events are withheld (NHS Digital withholds means based
on 1-7 values; the default policy here withholds below 10).

The training **quality-marker checklist** (each marker scored 3 fully met, 2 partially met,
1 in development, 0 not met) is an assessment, scored through the assessment engine
(``healthgap.assessment``) rather than here.

>>> scores = pd.DataFrame({"staff_id": ["a", "a", "b", "b", "c", "c"], "route": "e_learning",
...     "measure": "confidence", "wave": ["before", "after"] * 3, "score": [4, 7, 5, 6, 3, 7]})
>>> out = capability_change(scores, comparisons=[("before", "after")], policy=None)
>>> out[["n_pairs", "mean_from", "mean_to", "value"]].round(2).to_dict("records")
[{'n_pairs': 3, 'mean_from': 4.0, 'mean_to': 6.67, 'value': 2.67}]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from healthgap.disclosure import DisclosurePolicy
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.errors import InputError, Problem
from healthgap.measures.proportions import proportion

__all__ = [
    "DEFAULT_COMPARISONS",
    "SCORE_COLUMNS",
    "TRAINING_COLUMNS",
    "capability_change",
    "check_training",
    "training_reach",
]

TRAINING_COLUMNS = ("staff_id", "route", "completed_on")
SCORE_COLUMNS = ("staff_id", "route", "measure", "wave", "score")
#: Changes reported by default: straight after training, and at follow-up, against before.
DEFAULT_COMPARISONS: tuple[tuple[str, str], ...] = (("before", "after"), ("before", "follow_up"))
_POLICY = DisclosurePolicy()


def check_training(
    records: pd.DataFrame,
    scores: pd.DataFrame | None = None,
    *,
    directory: MeccDirectory | None = None,
    vocabulary: MeccVocabulary | None = None,
    today: date | None = None,
    source: str = "training",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check training records and scores; return them typed, or raise InputError.

    Rules: ``missing_column``, ``unknown_route``, ``bad_date``, ``future_date``,
    ``duplicate_key``, ``unknown_staff`` (with a directory), ``unknown_measure``,
    ``unknown_wave``, ``non_numeric`` and ``score_out_of_range``; rows are counted as in a
    spreadsheet (first data row = 2).
    """
    vocab = vocabulary or load_vocabulary()
    scores = pd.DataFrame(columns=list(SCORE_COLUMNS)) if scores is None else scores
    problems: list[Problem] = []

    def report(file: str, mask: pd.Series, column: str, rule: str, message: str) -> None:
        for position in np.flatnonzero(mask.to_numpy()):
            problems.append(Problem(file, int(position) + 2, column, rule, message))

    for file, frame, columns in (
        (f"{source} records", records, TRAINING_COLUMNS),
        (f"{source} scores", scores, SCORE_COLUMNS),
    ):
        missing = [c for c in columns if c not in frame.columns]
        problems += [Problem(file, None, c, "missing_column", "column absent") for c in missing]
    if problems:
        raise InputError(problems)
    records = records.reset_index(drop=True)
    scores = scores.reset_index(drop=True)
    routes = vocab.codes("training_routes")
    for file, frame in ((f"{source} records", records), (f"{source} scores", scores)):
        report(
            file,
            ~frame["route"].isin(routes),
            "route",
            "unknown_route",
            f"not one of: {', '.join(routes)}",
        )
        if directory is not None:
            report(
                file,
                ~frame["staff_id"].map(directory.has_staff).astype(bool),
                "staff_id",
                "unknown_staff",
                "not in the staff list",
            )
    file = f"{source} records"
    completed = pd.to_datetime(records["completed_on"], errors="coerce")
    report(file, completed.isna(), "completed_on", "bad_date", "not a date (YYYY-MM-DD)")
    report(
        file,
        completed > pd.Timestamp(today or date.today()),
        "completed_on",
        "future_date",
        "is after today",
    )
    report(
        file,
        records.duplicated(["staff_id", "route"]),
        "route",
        "duplicate_key",
        "this member of staff already has a record for this route",
    )
    file = f"{source} scores"
    for column, section, rule in (
        ("measure", "capability_measures", "unknown_measure"),
        ("wave", "capability_waves", "unknown_wave"),
    ):
        report(
            file,
            ~scores[column].isin(vocab.codes(section)),
            column,
            rule,
            f"not one of: {', '.join(vocab.codes(section))}",
        )
    values = pd.to_numeric(scores["score"], errors="coerce")
    report(file, values.isna(), "score", "non_numeric", "not a number")
    outside = (values < vocab.score_minimum) | (values > vocab.score_maximum)
    report(
        file,
        outside,
        "score",
        "score_out_of_range",
        f"outside {vocab.score_minimum:g}-{vocab.score_maximum:g}",
    )
    report(
        file,
        scores.duplicated(["staff_id", "route", "measure", "wave"]),
        "wave",
        "duplicate_key",
        "a second score for the same person, route, measure and wave",
    )
    if problems:
        raise InputError(problems)
    return records.assign(completed_on=completed), scores.assign(score=values.astype(float))


def training_reach(
    records: pd.DataFrame,
    directory: MeccDirectory,
    *,
    by: Sequence[str] = ("organisation",),
    end: date | None = None,
    confidence: float = 0.95,
    vocabulary: MeccVocabulary | None = None,
    policy: DisclosurePolicy | None = _POLICY,
) -> pd.DataFrame:
    """Staff trained by each route, and by any route (``route`` = ``"any"``), as a count and
    as a percentage of staff in post (Wilson limits), per organisation and/or team.

    A member of staff trained by two routes counts once under ``any``. ``end`` counts only
    training completed by that date.
    """
    keys = list(by)
    routes = (vocabulary or load_vocabulary()).codes("training_routes")
    if any(k not in ("organisation", "team") for k in keys):
        raise InputError("group training by organisation and/or team", rule="unknown_group")
    done = records
    if end is not None:
        done = records[pd.to_datetime(records["completed_on"]) <= pd.Timestamp(end)]
    staff = directory.staff[["staff_id", "organisation", "team"]]
    trained = done[["staff_id", "route"]].drop_duplicates()
    trained = pd.concat([trained, trained.assign(route="any").drop_duplicates()])
    group = keys or ["_all"]
    staff = staff.assign(_all="all")
    in_post = staff.groupby(group).size().rename("staff_in_post").reset_index()
    counted = trained.merge(staff, on="staff_id").groupby([*group, "route"]).size()
    grid = in_post.merge(pd.DataFrame({"route": [*routes, "any"]}), how="cross")
    out = grid.merge(
        counted.rename("staff_trained").reset_index(), on=[*group, "route"], how="left"
    ).fillna({"staff_trained": 0})
    out = proportion(
        out,
        keys=[*group, "route"],
        numerator="staff_trained",
        denominator="staff_in_post",
        multiplier=100,
        confidence=confidence,
    ).drop(columns="_all", errors="ignore")
    out[["staff_trained", "staff_in_post"]] = out[["staff_trained", "staff_in_post"]].astype(int)
    if policy is None:
        return out.assign(disclosure_note="")
    out, notes = policy.for_columns(counts=["staff_trained"], rate_count="staff_trained").apply(out)
    out.attrs["disclosure"] = " ".join(notes)
    return out


def capability_change(
    scores: pd.DataFrame,
    *,
    by: Sequence[str] = ("route",),
    comparisons: Sequence[tuple[str, str]] = DEFAULT_COMPARISONS,
    confidence: float = 0.95,
    policy: DisclosurePolicy | None = _POLICY,
) -> pd.DataFrame:
    """Mean paired change of each capability measure between two waves, with a paired t CI.

    ``by`` may group by ``route`` and any column joined onto ``scores`` (e.g.
    ``organisation``). Only people scored at both waves count (``n_pairs``). Returns the keys,
    ``measure``, ``from_wave``, ``to_wave``, ``n_pairs``, ``mean_from``, ``mean_to``,
    ``value`` (mean change), ``lowercl``, ``uppercl``, ``confidence``, ``statistic``,
    ``method``; ``value`` is withheld (with a note) on fewer people than the policy allows.
    """
    keys = list(by)
    person = ["staff_id", *[k for k in keys if k != "staff_id"], "measure"]
    wide = scores.pivot_table(index=person, columns="wave", values="score", aggfunc="first")
    parts = []
    for from_wave, to_wave in comparisons:
        if from_wave not in wide.columns or to_wave not in wide.columns:
            continue
        pairs = wide[[from_wave, to_wave]].dropna().set_axis(["mean_from", "mean_to"], axis=1)
        pairs = pairs.assign(change=pairs["mean_to"] - pairs["mean_from"]).reset_index()
        grouped = pairs.groupby([*keys, "measure"])
        summary = grouped.agg(
            n_pairs=("change", "size"),
            mean_from=("mean_from", "mean"),
            mean_to=("mean_to", "mean"),
            value=("change", "mean"),
            sd=("change", "std"),
        )
        parts.append(summary.assign(from_wave=from_wave, to_wave=to_wave).reset_index())
    columns = [
        *keys,
        "measure",
        "from_wave",
        "to_wave",
        "n_pairs",
        "mean_from",
        "mean_to",
        "value",
        "sd",
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    out = out[columns]
    n = out["n_pairs"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = stats.t.ppf((1 + confidence) / 2, n - 1)
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["lowercl"] = out["value"] - half
    out["uppercl"] = out["value"] + half
    out = out.drop(columns="sd")
    out["confidence"] = f"{confidence:.0%}"
    out["statistic"] = "mean paired change (to wave minus from wave)"
    out["method"] = "paired t"
    if policy is None:
        return out.assign(disclosure_note="")
    controlled, notes = policy.for_columns(counts=["n_pairs"], rate_count="n_pairs").apply(out)
    means = controlled["value"].isna()
    controlled.loc[means, ["mean_from", "mean_to"]] = np.nan
    controlled.attrs["disclosure"] = " ".join(notes)
    return controlled
