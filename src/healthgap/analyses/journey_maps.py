"""Journey maps kept in the database: templates, the list, one journey (any version), its
history, a new journey from a template and a to-be redesign (files in and out:
:mod:`healthgap.analyses.journey_files`).

Every function takes the :class:`~healthgap.store.Database` and plain arguments and returns
a :class:`~healthgap.reports.bundle.ResultBundle`; the CLI and the web present it. The bundle
of one journey (:func:`journey_bundle`) holds the map as tables (one row per touchpoint, the
swimlane grid, stages, improvements and, where counted, the funnel) and as charts (swimlane,
emotion curve, funnel); its ``summary`` holds the :class:`~healthgap.journeys.Journey`
itself, the stored version an edit must carry and the accessible HTML of the map.
Who may do what is decided by the interfaces: viewers read, analysts write.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pandas as pd
from markupsafe import Markup

from healthgap.analyses.journey_actions import with_assessment_actions
from healthgap.analyses.journey_segments import check_segment_reference
from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError
from healthgap.journeys import (
    Journey,
    SegmentRef,
    journey_funnel,
    journey_map_table,
    list_templates,
    load_template,
    stage_summary,
    swimlane_grid,
)
from healthgap.journeys import start_to_be as start_to_be_content
from healthgap.journeys.feedback import STATUS_WORDS
from healthgap.reports.bundle import Provenance, ResultBundle, Table
from healthgap.reports.journey_charts import journey_charts
from healthgap.reports.journey_outputs import journey_map_html
from healthgap.store import Database
from healthgap.store import journeys as stored
from healthgap.store.journeys import StoredJourney

__all__ = [
    "FUNNEL_PUBLISHED",
    "JOURNEY_METHOD",
    "STORE_SOURCE",
    "controlled_funnel",
    "create_journey_from_template",
    "created_bundle",
    "funnel_table_of",
    "journey_bundle",
    "journey_history",
    "list_journey_templates",
    "list_journeys",
    "new_journey_key",
    "show_journey",
    "start_to_be",
    "stored_journey",
]

STORE_SOURCE = "journey maps in the healthgap database"
JOURNEY_METHOD = "customer journey map (stages, touchpoints, emotion -2 to +2, Wilson funnel)"
KIND_WORDS = {"as_is": "As is", "to_be": "To be"}


def _provenance(journey: Journey, version: int | None = None) -> Provenance:
    where = f"{STORE_SOURCE}: journey {journey.id}" + (f", version {version}" if version else "")
    return Provenance(where, methods=(JOURNEY_METHOD,), synthetic=journey.synthetic)


def stored_journey(database: Database, key: str) -> StoredJourney:
    """The stored journey ``key``; an :class:`InputError` (``unknown_journey``) otherwise."""
    with database.reader() as session:
        found = stored.get_journey(session, key)
    if found is None:
        raise InputError(f"there is no journey {key!r}", rule="unknown_journey")
    return found


def new_journey_key(database: Database, title: str) -> str:
    """A free id made from ``title`` ("Stop smoking: young men" -> ``stop-smoking-young-men``,
    then ``-2``, ``-3`` ... when taken)."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:56].strip("-") or "journey"
    with database.reader() as session:
        taken = {j.key for j in stored.list_journeys(session)}
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def list_journey_templates() -> ResultBundle:
    """The four reconstructed templates and the SYNTHETIC worked example, one row each."""
    rows = []
    for name in list_templates(include_worked_examples=True):
        journey = load_template(name)
        rows.append({
            "template": name, "title": journey.title, "who": journey.segment.label,
            "kind": KIND_WORDS[journey.kind], "service": journey.service or "",
            "stages": len(journey.stages), "touchpoints": len(journey.touchpoints),
            "content": "SYNTHETIC worked example" if journey.synthetic
            else "reconstructed template" if journey.reconstructed else "",
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    return ResultBundle(
        question="list journey templates",
        provenance=Provenance("healthgap journey templates", methods=(JOURNEY_METHOD,)),
        tables={"templates": Table(frame, "journey templates")},
        summary={"templates": frame["template"].tolist()},
    )


def list_journeys(database: Database) -> ResultBundle:
    """Every stored journey by title: id, title, as-is or to-be, who, version and its date."""
    with database.reader() as session:
        listing = stored.list_journeys(session)
    frame = pd.DataFrame(
        [{"journey": j.key, "title": j.title, "kind": KIND_WORDS.get(j.kind, j.kind),
          "who": j.segment_label, "version": j.version, "version_date": j.version_date,
          "synthetic": j.synthetic} for j in listing],
        columns=["journey", "title", "kind", "who", "version", "version_date", "synthetic"],
    )  # fmt: skip
    return ResultBundle(
        question="list journeys",
        provenance=Provenance(STORE_SOURCE, synthetic=bool(frame["synthetic"].any())),
        tables={"journeys": Table(frame, "stored journey maps")},
        summary={"journeys": listing},
    )


def _improvements(journey: Journey) -> pd.DataFrame:
    stages = {s.id: s.name for s in journey.stages}
    rows = []
    for item in journey.improvements:
        point = journey.touchpoint(item.touchpoint)
        rows.append({
            "improvement": item.id, "stage": stages.get(point.stage, point.stage),
            "touchpoint": point.name, "text": item.text, "kind": item.kind,
            "owner": item.owner, "due": item.due,
            "status": STATUS_WORDS.get(item.status, item.status),
            "assessment_action": item.assessment_action_id or "",
        })  # fmt: skip
    columns = ["improvement", "stage", "touchpoint", "text", "kind", "owner", "due", "status",
               "assessment_action"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


#: Columns of a funnel table that count people.
FUNNEL_COUNTS = ("count", "previous_count", "first_count", "numerator", "denominator")
#: What a funnel file publishes: the people at each step (rounded by the writer's disclosure
#: control) and the proportions; the exact numerators and denominators stay out.
FUNNEL_PUBLISHED = ("step", "step_order", "count", "statistic", "value", "lowercl", "uppercl",
                    "confidence", "method")  # fmt: skip


def controlled_funnel(funnel: pd.DataFrame) -> pd.DataFrame:
    """The funnel with every count of people under the usual disclosure control (1-7
    suppressed, others rounded to 5), so a chart's labels match the published files; the
    proportions stay those of the exact counts."""
    policy = DisclosurePolicy().for_columns(counts=FUNNEL_COUNTS)
    return policy.apply(funnel)[0].drop(columns="disclosure_note")


def funnel_table_of(funnel: pd.DataFrame, title: str) -> Table:
    """A funnel as a bundle table: its published columns, proportions to 4 decimals."""
    return Table(funnel, title, columns=FUNNEL_PUBLISHED,
                 decimals={"value": 4, "lowercl": 4, "uppercl": 4})  # fmt: skip


def journey_bundle(
    journey: Journey,
    *,
    question: str = "show a journey map",
    version: int | None = None,
    current_version: int | None = None,
) -> ResultBundle:
    """Tables, charts and the accessible HTML of one journey (any version).

    ``version`` is the version shown (default: the journey's own) and ``current_version`` the
    one now stored (an edit must carry it).
    """
    version = version or journey.version
    counted = any(s.count is not None for s in journey.stages)
    funnel = journey_funnel(journey) if counted else None
    shown = controlled_funnel(funnel) if funnel is not None else None
    tables = {
        "map": Table(journey_map_table(journey), f"journey map of {journey.title}, one row per "
                     "touchpoint in order"),
        "swimlanes": Table(swimlane_grid(journey).reset_index(),
                           f"swimlane map of {journey.title}: lanes by stages"),
        "stages": Table(stage_summary(journey), f"stages of {journey.title}",
                        decimals={"mean_emotion": 2}),
        "improvements": Table(_improvements(journey), f"improvements of {journey.title}"),
    }  # fmt: skip
    if funnel is not None:
        tables["funnel"] = funnel_table_of(funnel, f"drop-off funnel of {journey.title}")
    return ResultBundle(
        question=question,
        provenance=_provenance(journey, version),
        tables=tables,
        charts=journey_charts(journey, shown),
        metadata={
            "journey": journey.id,
            "version": str(version),
            "version date": journey.version_date.isoformat(),
            "kind": KIND_WORDS.get(journey.kind, journey.kind),
        },  # fmt: skip
        summary={
            "journey": journey,
            "version": version,
            "current_version": current_version or version,
            "map_html": Markup(journey_map_html(journey)),  # escaped by its own template
            "counted": counted,
        },
    )


def show_journey(database: Database, key: str, *, version: int | None = None) -> ResultBundle:
    """One stored journey as it is now, or as it was saved in ``version``; improvements linked
    to stored assessment actions say what the action is (``assessment_action_words``)."""
    current = stored_journey(database, key)
    if version is None or version == current.version:
        bundle = journey_bundle(current.journey, current_version=current.version)
        return with_assessment_actions(database, bundle)
    with database.reader() as session:
        old = stored.get_journey_version(session, key, version)
    if old is None:
        raise InputError(
            f"journey {key!r} has no version {version} (versions 1 to {current.version})",
            rule="unknown_version",
        )
    bundle = journey_bundle(
        replace(old, version=version),
        question="show a saved version of a journey map",
        current_version=current.version,
    )
    return with_assessment_actions(database, bundle)


def journey_history(database: Database, key: str) -> ResultBundle:
    """Every saved version, oldest first: number, date of the map, when saved and the note."""
    current = stored_journey(database, key)
    with database.reader() as session:
        versions = stored.journey_history(session, key)
    frame = pd.DataFrame(
        [{"version": v.version, "version_date": v.version_date,
          "saved_at": v.saved_at.replace(microsecond=0), "note": v.note} for v in versions],
        columns=["version", "version_date", "saved_at", "note"],
    )  # fmt: skip
    return ResultBundle(
        question="history of a journey map",
        provenance=_provenance(current.journey),
        tables={"history": Table(frame, f"saved versions of {current.journey.title}")},
        summary={
            "journey": current.journey,
            "current_version": current.version,
            "versions": versions,
        },  # fmt: skip
    )


def created_bundle(journey: Journey, version: int, question: str) -> ResultBundle:
    """The small bundle a write returns: the journey stored, its id and version."""
    return ResultBundle(
        question=question,
        provenance=_provenance(journey, version),
        summary={"journey": journey, "key": journey.id, "version": version},
    )


def create_journey_from_template(
    database: Database,
    template: str,
    *,
    key: str | None = None,
    title: str | None = None,
    segment_kind: str = "segment",
    segment_id: str | None = None,
    segment_label: str | None = None,
    segment: SegmentRef | None = None,
    workspace_id: int | None = None,
    version_date: date | None = None,
    user_id: int | None = None,
) -> ResultBundle:
    """Store a new journey copied from a template (its id from ``key`` or the title), about
    the segment or persona given (default: the template's): ``segment`` (a stored segment
    must be one of ``workspace_id``'s segmentations, or of any with None), or a described
    one by ``segment_kind``, ``segment_id`` and ``segment_label``."""
    journey = load_template(template)
    note = f'Created from the template "{journey.title}"'
    title = (title or "").strip() or journey.title
    label = (segment_label or "").strip()
    if segment is not None:
        check_segment_reference(database, workspace_id, None, segment)
    elif (segment_id or "").strip() or label:
        # an id for the segment when only who it is was given ("Men aged 40-74" -> men-aged-40-74)
        key_of_label = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:64]
        segment = SegmentRef(segment_kind, (segment_id or "").strip() or key_of_label, label)
    journey = replace(
        journey,
        id=key or new_journey_key(database, title),
        title=title,
        segment=segment or journey.segment,
        version=1,
        version_date=version_date or date.today(),
    )
    with database.unit_of_work() as session:
        saved = stored.create_journey(session, journey, user_id=user_id, note=note)
    return created_bundle(saved.journey, saved.version, "create a journey from a template")


def start_to_be(
    database: Database,
    as_is_key: str,
    *,
    key: str | None = None,
    title: str = "",
    version_date: date | None = None,
    user_id: int | None = None,
) -> ResultBundle:
    """Store a to-be journey to redesign, copied from an as-is one (same stage and touchpoint
    ids, so the two compare stage by stage)."""
    as_is = stored_journey(database, as_is_key).journey
    title = title.strip() or f"{as_is.title} (to be)"
    journey = start_to_be_content(
        as_is,
        new_id=key or new_journey_key(database, title),
        version_date=version_date or date.today(),
        title=title,
    )
    with database.unit_of_work() as session:
        saved = stored.create_journey(
            session, journey, user_id=user_id, note=f'To-be redesign of "{as_is.title}"'
        )
    return created_bundle(saved.journey, saved.version, "start a to-be journey")
