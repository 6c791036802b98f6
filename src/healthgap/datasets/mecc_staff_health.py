"""SYNTHETIC staff health figures and a services' referrals-received file for the MECC demo.

Called by :func:`healthgap.datasets.mecc.generate_mecc_demo`; every number is made up.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import load_vocabulary
from healthgap.engage.staff_health import STAFF_HEALTH_COLUMNS, load_staff_health_metrics

__all__ = ["draw_referrals_received", "draw_staff_health"]

_ABSENCE_BASE = {"acute": 4.8, "community": 5.3, "primary": 3.2, "council": 4.1, "fire": 3.7}
_QUITS_PER_MONTH = {"acute": 2.2, "community": 1.1, "primary": 0.5, "council": 0.7, "fire": 0.3}
_NHS = ("acute", "community", "primary")
_FLU_FINAL = {"acute": 0.68, "community": 0.57, "primary": 0.72}
_FLU_SHARE_BY_MONTH = {10: 0.45, 11: 0.80, 12: 0.93, 1: 0.98, 2: 1.0}
#: Staff survey: share answering yes in the first survey and its yearly change, per question.
_SURVEY = {
    "survey_positive_action": (
        {"acute": 0.52, "community": 0.58, "primary": 0.61},
        {"acute": 0.035, "community": 0.005, "primary": 0.03},
    ),
    "survey_msk_from_work": (
        {"acute": 0.29, "community": 0.31, "primary": 0.22},
        {"acute": -0.03, "community": -0.01, "primary": -0.005},
    ),
    "survey_work_stress": (
        {"acute": 0.41, "community": 0.44, "primary": 0.37},
        {"acute": -0.03, "community": -0.035, "primary": -0.01},
    ),
}
_FOOD_SITES = ("acute", "community")
_SERVICE_UPTAKE = {"referral": 0.55, "signpost": 0.2}  # share reaching the service


def _months(start: date, end: date) -> pd.PeriodIndex:
    return pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")


def draw_staff_health(
    rng: np.random.Generator, directory: MeccDirectory, start: date, end: date
) -> pd.DataFrame:
    """Monthly sickness absence and quits, a flu season, three surveys and food checks."""
    staff = directory.staff
    headcount = staff.groupby("organisation").size()
    frontline = staff[staff["frontline"]].groupby("organisation").size()
    months = _months(start, end)
    orgs = headcount.index.to_numpy()
    grid = pd.MultiIndex.from_product([orgs, months], names=["organisation", "month"]).to_frame(
        index=False
    )
    month_number = grid["month"].dt.month.to_numpy()
    available = np.round(grid["organisation"].map(headcount).to_numpy() * 0.9 * 21)
    rate = (
        grid["organisation"].map(_ABSENCE_BASE).to_numpy()
        + 0.7 * np.cos(2 * np.pi * (month_number - 1) / 12)
        + rng.normal(0, 0.15, len(grid))
    )
    absence = grid.assign(
        metric="sickness_absence_rate",
        numerator=np.round(available * rate / 100),
        denominator=available,
        value=np.nan,
    )
    quits = grid.assign(
        metric="staff_quit_smoking",
        numerator=rng.poisson(grid["organisation"].map(_QUITS_PER_MONTH)),
        denominator=np.nan,
        value=np.nan,
    )
    parts = [absence, quits, _flu(grid, frontline), _survey(headcount, start)]
    parts.append(_food(rng, months))
    out = pd.concat(parts, ignore_index=True)
    out["period"] = out["month"].astype(str)
    return (
        out[list(STAFF_HEALTH_COLUMNS)]
        .sort_values(["organisation", "metric", "period"], kind="stable")
        .reset_index(drop=True)
    )


def _flu(grid: pd.DataFrame, frontline: pd.Series) -> pd.DataFrame:
    """Cumulative uptake of frontline staff through the season (October to February)."""
    season = grid[
        grid["organisation"].isin(_NHS) & grid["month"].dt.month.isin(_FLU_SHARE_BY_MONTH)
    ]
    share = season["month"].dt.month.map(_FLU_SHARE_BY_MONTH).to_numpy()
    final = season["organisation"].map(_FLU_FINAL).to_numpy()
    denominator = season["organisation"].map(frontline).to_numpy(dtype=float)
    return season.assign(
        metric="flu_vaccination_frontline",
        numerator=np.round(denominator * final * share),
        denominator=denominator,
        value=np.nan,
    )


def _survey(headcount: pd.Series, start: date) -> pd.DataFrame:
    """Three annual staff surveys (each November), the last in the demo year."""
    years = np.arange(start.year - 2, start.year + 1)
    rows = []
    for metric, (first, change) in _SURVEY.items():
        for organisation in _NHS:
            respondents = np.round(headcount[organisation] * 0.45 * np.ones(len(years)))
            share = first[organisation] + change[organisation] * np.arange(len(years))
            answered_yes = np.round(respondents * share)  # the designed change, no noise
            rows.append(
                pd.DataFrame(
                    {
                        "organisation": organisation,
                        "month": pd.PeriodIndex([f"{y}-11" for y in years], freq="M"),
                        "metric": metric,
                        "numerator": answered_yes.astype(float),
                        "denominator": respondents,
                        "value": np.nan,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def _food(rng: np.random.Generator, months: pd.PeriodIndex) -> pd.DataFrame:
    """Quarterly healthy-food checks at the sites with catering, improving over the year."""
    checks = load_staff_health_metrics().checks["code"].to_numpy()
    quarters = months[months.month % 3 == 0]
    grid = pd.MultiIndex.from_product(
        [_FOOD_SITES, quarters, checks], names=["organisation", "month", "metric"]
    ).to_frame(index=False)
    progress = grid["month"].rank(method="dense").to_numpy() / max(len(quarters), 1)
    met = rng.random(len(grid)) < 0.45 + 0.5 * progress
    return grid.assign(numerator=np.nan, denominator=np.nan, value=met.astype(float))


def draw_referrals_received(
    rng: np.random.Generator, logs: pd.DataFrame, directory: MeccDirectory, end: date
) -> pd.DataFrame:
    """Daily referrals received by each service in each area: some MECC signposts and
    referrals arriving 0-20 days after the conversation, plus people coming by other routes."""
    areas = dict(
        zip(
            directory.organisations["organisation"],
            directory.organisations["area_code"],
            strict=True,
        )
    )
    sent = logs[logs["action"].isin(list(_SERVICE_UPTAKE)) & (logs["destination"] != "other")]
    arrives = rng.random(len(sent)) < sent["action"].map(_SERVICE_UPTAKE).to_numpy()
    sent = sent[arrives]
    day = sent["contact_date"] + pd.to_timedelta(rng.integers(0, 21, len(sent)), unit="D")
    from_mecc = pd.DataFrame(
        {
            "received_date": day,
            "service": sent["destination"],
            "area_code": sent["organisation"].map(areas),
        }
    )
    services = sorted(set(_services()) - {"other"})
    days = pd.date_range(logs["contact_date"].min(), pd.Timestamp(end), freq="D")
    grid = pd.MultiIndex.from_product(
        [days, services, sorted(set(areas.values()))],
        names=["received_date", "service", "area_code"],
    ).to_frame(index=False)
    other_routes = grid.loc[grid.index.repeat(rng.poisson(1.2, len(grid)))]
    received = pd.concat([from_mecc, other_routes], ignore_index=True)
    received = received[received["received_date"] <= pd.Timestamp(end)]
    out = received.groupby(["received_date", "service", "area_code"]).size().rename("referrals")
    return out.reset_index()


def _services() -> tuple[str, ...]:
    return load_vocabulary().codes("destinations")
