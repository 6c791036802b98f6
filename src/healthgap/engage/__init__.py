"""Engagement: Making Every Contact Count (MECC) logging, training, dashboards and staff health.

Core domain: pure functions on tidy tables; it never imports reports, store, web or cli.

MECC modules: ``mecc`` (one entry, sync batches), ``mecc_vocabulary`` (codes as content),
``mecc_directory`` (organisations, teams, staff), ``mecc_dashboards``, ``mecc_run_charts``
(Making Data Count rules), ``mecc_attribution`` (referrals received), ``training``,
``staff_health`` and ``staff_health_import``. See ``docs/mecc.md``.
"""

from healthgap.engage.mecc import (
    BatchCheck,
    ContactEntry,
    check_batch,
    entries_frame,
    entries_from_frame,
    parse_entry,
)
from healthgap.engage.mecc_attribution import attribute_referrals, read_referrals_received
from healthgap.engage.mecc_dashboards import (
    conversation_breakdown,
    conversations_per_staff,
    referrals_by_destination,
    staff_recording,
    weekly_conversations,
)
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.mecc_run_charts import RunChart, run_chart
from healthgap.engage.mecc_vocabulary import MeccVocabulary, load_vocabulary
from healthgap.engage.staff_health import (
    against_targets,
    healthy_food_checklist,
    load_staff_health_metrics,
    survey_improvement,
)
from healthgap.engage.staff_health_import import read_staff_health
from healthgap.engage.training import capability_change, check_training, training_reach

__all__ = [
    "BatchCheck",
    "ContactEntry",
    "MeccDirectory",
    "MeccVocabulary",
    "RunChart",
    "against_targets",
    "attribute_referrals",
    "capability_change",
    "check_batch",
    "check_training",
    "conversation_breakdown",
    "conversations_per_staff",
    "entries_frame",
    "entries_from_frame",
    "healthy_food_checklist",
    "load_staff_health_metrics",
    "load_vocabulary",
    "parse_entry",
    "read_referrals_received",
    "read_staff_health",
    "referrals_by_destination",
    "run_chart",
    "staff_recording",
    "survey_improvement",
    "training_reach",
    "weekly_conversations",
]
