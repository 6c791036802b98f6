"""SYNTHETIC Making Every Contact Count demo: five made-up organisations and a year of their
MECC logs, training, capability scores, staff health figures and a lifestyle services'
referrals-received file, so every MECC dashboard works out of the box.

Nothing here is real: organisation names start with "Synthetic", area codes are in the unused
``E06999xxx`` range, staff are numbered codes. The same ``seed`` always gives the same tables
(one :class:`numpy.random.SeedSequence` split into a stream per table). Built in:

- a **shift** for the run charts: the community provider's staff log about 70% more from
  week 27 (a made-up MECC relaunch), so its weekly run chart shows six or more points above
  the median;
- training that raises confidence, knowledge and competence, more face to face than by
  e-learning, with some loss by the 3-6-month follow-up;
- staff health series with complete months, a winter rise in sickness absence, a flu season
  reaching 55-72% of frontline staff, three staff surveys and quarterly healthy-food checks.

>>> demo = generate_mecc_demo()
>>> demo.label, demo.directory.organisations["name"].str.startswith("Synthetic").all()
('SYNTHETIC MECC demo', np.True_)
>>> len(demo.logs) == len(generate_mecc_demo().logs)
True
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from healthgap.datasets.mecc_staff_health import draw_referrals_received, draw_staff_health
from healthgap.engage.mecc import LOG_COLUMNS, TOPIC_SEPARATOR
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_vocabulary import load_vocabulary

__all__ = ["MECC_DEFAULT_SEED", "MECC_SYNTHETIC_LABEL", "MeccDemo", "generate_mecc_demo"]

MECC_DEFAULT_SEED = 1_600_016
MECC_SYNTHETIC_LABEL = "SYNTHETIC MECC demo"
DEFAULT_START = date(2024, 4, 1)  # a Monday: week 1 of the demo year

# fmt: off
#: code, name, organisation type, setting, area, staff, share trained, weekly logs per trained
#: member of staff, teams.
_ORGANISATIONS = (
    ("acute", "Synthetic Acute Hospitals NHS Trust", "acute_trust", "acute", "E06999001", 300,
     0.45, 0.55, ("ed", "medical_wards", "surgical_wards", "outpatients", "maternity")),
    ("community", "Synthetic Community Health NHS Trust", "community_provider", "community",
     "E06999001", 150, 0.60, 0.75, ("district_nursing", "health_visiting", "therapies")),
    ("primary", "Synthetic Riverside Primary Care Network", "primary_care", "primary_care",
     "E06999002", 90, 0.50, 0.90, ("practice_north", "practice_south", "practice_east")),
    ("council", "Synthetic Borough Council", "local_authority", "la_front_door", "E06999002",
     60, 0.70, 0.60, ("contact_centre", "housing_options", "libraries")),
    ("fire", "Synthetic Fire and Rescue Service", "fire_rescue", "fire_service", "E06999002",
     40, 0.85, 1.40, ("safe_and_well", "prevention")),
)
# fmt: on
#: Team names people would recognise (others are the code in words).
_TEAM_NAMES = {
    "ed": "Emergency department",
    "practice_north": "North practice",
    "practice_south": "South practice",
    "practice_east": "East practice",
}
_FRONTLINE = {"acute": 0.8, "community": 0.9, "primary": 0.7, "council": 0.0, "fire": 0.0}
#: Topic mix by organisation (diet_weight, physical_activity, alcohol, tobacco, wellbeing).
_TOPIC_MIX = {
    "acute": (0.20, 0.15, 0.20, 0.35, 0.10),
    "community": (0.25, 0.25, 0.10, 0.20, 0.20),
    "primary": (0.30, 0.20, 0.15, 0.20, 0.15),
    "council": (0.10, 0.20, 0.10, 0.15, 0.45),
    "fire": (0.10, 0.10, 0.20, 0.45, 0.15),
}
#: Where each topic usually leads when a person is signposted or referred.
_DESTINATION_BY_TOPIC = {
    "diet_weight": "weight_management",
    "physical_activity": "leisure",
    "alcohol": "alcohol_service",
    "tobacco": "stop_smoking",
    "wellbeing": "talking_therapies",
}
_ROUTE_MIX = {  # e_learning, face_to_face, train_the_trainer, cascade
    "acute": (0.60, 0.25, 0.05, 0.10),
    "community": (0.40, 0.40, 0.05, 0.15),
    "primary": (0.70, 0.20, 0.05, 0.05),
    "council": (0.30, 0.30, 0.10, 0.30),
    "fire": (0.20, 0.50, 0.10, 0.20),
}
_ROUTE_GAIN = {"e_learning": 1.0, "face_to_face": 2.0, "train_the_trainer": 2.5, "cascade": 1.5}
_RELAUNCH = ("community", 26, 1.7)  # organisation, from week index, multiplier


@dataclass(frozen=True)
class MeccDemo:
    """The SYNTHETIC demo tables (see the module docstring); ``end`` is the last day logged."""

    directory: MeccDirectory
    logs: pd.DataFrame
    training: pd.DataFrame
    scores: pd.DataFrame
    staff_health: pd.DataFrame
    referrals_received: pd.DataFrame
    start: date
    end: date
    seed: int
    label: str = MECC_SYNTHETIC_LABEL
    synthetic: bool = True

    @property
    def organisation_areas(self) -> dict[str, str]:
        """Organisation code -> area code, as attribution needs it."""
        orgs = self.directory.organisations
        return dict(zip(orgs["organisation"], orgs["area_code"], strict=True))


def _directory(rng: np.random.Generator, scale: float) -> MeccDirectory:
    orgs, teams, staff = [], [], []
    for code, name, kind, setting, area, size, *_, team_codes in _ORGANISATIONS:
        orgs.append((code, name, kind, setting, area))
        teams += [
            (code, t, _TEAM_NAMES.get(t, t.replace("_", " ").capitalize())) for t in team_codes
        ]
        count = max(int(round(size * scale)), len(team_codes))
        chosen = rng.integers(0, len(team_codes), size=count)
        frontline = rng.random(count) < _FRONTLINE[code]
        staff += [
            (f"{code}-{i + 1:04d}", code, team_codes[t], bool(f))
            for i, (t, f) in enumerate(zip(chosen, frontline, strict=True))
        ]
    return MeccDirectory(
        pd.DataFrame(orgs, columns=["organisation", "name", "org_type", "setting", "area_code"]),
        pd.DataFrame(teams, columns=["organisation", "team", "name"]),
        pd.DataFrame(staff, columns=["staff_id", "organisation", "team", "frontline"]),
    ).checked()


def _pick(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of ``probabilities`` (rows sum to 1), by inverse CDF."""
    cdf = np.cumsum(probabilities, axis=1)
    return (rng.random(len(probabilities))[:, None] > cdf).sum(axis=1).clip(max=cdf.shape[1] - 1)


def _training(rng: np.random.Generator, staff: pd.DataFrame, start: date, weeks: int):
    share = staff["organisation"].map({o[0]: o[6] for o in _ORGANISATIONS}).to_numpy()
    trained = staff[rng.random(len(staff)) < share].reset_index(drop=True)
    routes = np.array(load_vocabulary().codes("training_routes"))
    mix = np.array([_ROUTE_MIX[o] for o in trained["organisation"]])
    route = routes[_pick(rng, mix)]
    # Most were trained in the year before the demo, the rest during its first half year.
    before = rng.random(len(trained)) < 0.85
    offset = np.where(
        before,
        -rng.integers(7, 365, len(trained)),
        rng.integers(0, min(weeks, 26) * 7, len(trained)),
    )
    completed = pd.Timestamp(start) + pd.to_timedelta(offset, unit="D")
    records = pd.DataFrame(
        {"staff_id": trained["staff_id"], "route": route, "completed_on": completed}
    )
    return records, _scores(rng, records)


def _scores(rng: np.random.Generator, records: pd.DataFrame) -> pd.DataFrame:
    measures = list(load_vocabulary().codes("capability_measures"))
    people = records.loc[records.index.repeat(len(measures))].reset_index(drop=True)
    people["measure"] = np.tile(measures, len(records))
    before = rng.normal(4.8, 1.5, len(people))
    gain = people["route"].map(_ROUTE_GAIN).to_numpy() + rng.normal(0, 1.0, len(people))
    after = before + gain
    follow_up = after - rng.normal(0.6, 0.8, len(people))
    answered = {  # not everybody returns every questionnaire
        "before": rng.random(len(people)) < 0.95,
        "after": rng.random(len(people)) < 0.85,
        "follow_up": rng.random(len(people)) < 0.55,
    }
    parts = []
    for wave, score in (("before", before), ("after", after), ("follow_up", follow_up)):
        keep = answered[wave]
        parts.append(
            people.loc[keep, ["staff_id", "route", "measure"]].assign(
                wave=wave, score=np.clip(np.round(score[keep]), 1, 10)
            )
        )
    return pd.concat(parts, ignore_index=True)


def _logs(
    rng: np.random.Generator,
    directory: MeccDirectory,
    training: pd.DataFrame,
    start: date,
    weeks: int,
) -> pd.DataFrame:
    staff = directory.staff.merge(training[["staff_id", "completed_on"]], on="staff_id", how="left")
    rate = staff["organisation"].map({o[0]: o[7] for o in _ORGANISATIONS}).to_numpy()
    personal = rng.gamma(2.0, 0.5, len(staff))  # some staff log far more than others
    week_starts = pd.Timestamp(start) + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    trained_by = staff["completed_on"].to_numpy()[:, None] <= week_starts.to_numpy()[None, :]
    lam = np.where(trained_by, rate[:, None] * personal[:, None], 0.03)
    org, from_week, factor = _RELAUNCH
    lam[(staff["organisation"] == org).to_numpy(), from_week:] *= factor
    counts = rng.poisson(lam)
    who, week = np.nonzero(counts)
    who, week = np.repeat(who, counts[who, week]), np.repeat(week, counts[who, week])
    entries = staff.iloc[who].reset_index(drop=True)
    weekend = entries["organisation"].isin(["acute", "fire"]).to_numpy()
    day = rng.integers(0, np.where(weekend, 7, 5))
    dates = week_starts[week] + pd.to_timedelta(day, unit="D")
    topics = np.array(load_vocabulary().codes("topics"))
    mix = np.array([_TOPIC_MIX[o] for o in entries["organisation"]])
    first = _pick(rng, mix)
    second = (first + rng.integers(1, len(topics), len(first))) % len(topics)
    two = rng.random(len(first)) < 0.25
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    topic_text = np.where(
        two, np.char.add(np.char.add(topics[lo], TOPIC_SEPARATOR), topics[hi]), topics[first]
    )
    action = np.array(["advice", "signpost", "referral"])[
        _pick(rng, np.tile([0.68, 0.2, 0.12], (len(first), 1)))
    ]
    usual = pd.Series(topics[first]).map(_DESTINATION_BY_TOPIC).to_numpy()
    twist = rng.random(len(first))
    destination = np.where(twist < 0.08, "health_check", np.where(twist < 0.12, "other", usual))
    destination = np.where(action == "advice", None, destination)
    raw_ids = rng.integers(0, 256, (len(first), 16), dtype=np.uint8)
    ids = [str(uuid.UUID(bytes=row.tobytes(), version=4)) for row in raw_ids]
    setting = entries["organisation"].map({o[0]: o[3] for o in _ORGANISATIONS})
    logs = pd.DataFrame(
        {
            "client_id": ids,
            "contact_date": dates,
            "staff_id": entries["staff_id"],
            "organisation": entries["organisation"],
            "team": entries["team"],
            "setting": setting,
            "topics": topic_text,
            "action": action,
            "destination": destination,
        }
    )
    return logs.sort_values(["contact_date", "staff_id"], kind="stable").reset_index(drop=True)[
        list(LOG_COLUMNS)
    ]


def generate_mecc_demo(
    seed: int = MECC_DEFAULT_SEED,
    *,
    start: date = DEFAULT_START,
    weeks: int = 52,
    scale: float = 1.0,
) -> MeccDemo:
    """Build the SYNTHETIC MECC demo: ``weeks`` weeks of logs from ``start`` (a Monday is
    best) for about 640 staff times ``scale``, deterministic for ``seed``."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    directory = _directory(streams[0], scale)
    training, scores = _training(streams[1], directory.staff, start, weeks)
    logs = _logs(streams[2], directory, training, start, weeks)
    end = start + timedelta(days=7 * weeks - 1)
    staff_health = draw_staff_health(streams[3], directory, start, end)
    received = draw_referrals_received(streams[4], logs, directory, end)
    return MeccDemo(directory, logs, training, scores, staff_health, received, start, end, seed)
