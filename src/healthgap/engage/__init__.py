"""Engagement: pledge campaigns and Making Every Contact Count (MECC).

Core domain: pure functions on tidy tables; it never imports reports, store, web or cli.

Pledge campaigns: ``campaigns``, ``pledge_submission``, ``pledge_moderation``,
``pledge_followup``, ``pledge_mail``, ``pledge_tokens``, ``pledge_privacy``,
``pledge_analysis`` (see ``docs/pledges.md``); storage is :mod:`healthgap.store.pledges`,
outputs :mod:`healthgap.reports.engage_tables` and :mod:`healthgap.reports.engage_charts`.

MECC: ``mecc`` (one entry, sync batches), ``mecc_vocabulary`` (codes as content),
``mecc_directory`` (organisations, teams, staff), ``mecc_dashboards``, ``mecc_run_charts``
(Making Data Count rules), ``mecc_attribution`` (referrals received), ``training``,
``staff_health`` and ``staff_health_import`` (see ``docs/mecc.md``).
"""

from healthgap.engage.campaigns import (
    Audience,
    Branding,
    Campaign,
    ModerationMode,
    SetPledge,
    Theme,
    campaign_from_mapping,
    campaign_to_mapping,
    example_campaign,
)
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
from healthgap.engage.pledge_analysis import (
    conversion,
    district_counts,
    event_counts,
    followup_outcomes,
    followup_response,
    pledge_counts,
)
from healthgap.engage.pledge_followup import (
    CheckinOutcome,
    ReminderStatus,
    parse_outcome,
    reminder_schedule,
)
from healthgap.engage.pledge_mail import (
    ConsoleMailSender,
    FileMailSender,
    MailSender,
    ReminderLinks,
    SmtpMailSender,
    mail_sender_from_settings,
    reminder_message,
)
from healthgap.engage.pledge_moderation import (
    ContentFlag,
    PledgeStatus,
    check_transition,
    initial_status,
    screen_text,
)
from healthgap.engage.pledge_postcodes import (
    OTHER_DISTRICT,
    district_centroids,
    district_from_input,
    known_districts,
    place_districts,
)
from healthgap.engage.pledge_privacy import (
    ANALYSIS_COLUMNS,
    RetentionDates,
    analysis_export,
    retention_dates,
    retention_due,
)
from healthgap.engage.pledge_submission import (
    AGE_BANDS,
    PledgeForm,
    PledgeSubmission,
    new_idempotency_key,
    pledger_reference,
    validate_pledge,
)
from healthgap.engage.pledge_tokens import PledgeTokens, TokenClaim, TokenPurpose
from healthgap.engage.staff_health import (
    against_targets,
    healthy_food_checklist,
    load_staff_health_metrics,
    survey_improvement,
)
from healthgap.engage.staff_health_import import read_staff_health
from healthgap.engage.training import capability_change, check_training, training_reach

__all__ = [
    "AGE_BANDS",
    "ANALYSIS_COLUMNS",
    "Audience",
    "BatchCheck",
    "Branding",
    "Campaign",
    "CheckinOutcome",
    "ConsoleMailSender",
    "ContactEntry",
    "ContentFlag",
    "FileMailSender",
    "MailSender",
    "MeccDirectory",
    "MeccVocabulary",
    "ModerationMode",
    "OTHER_DISTRICT",
    "PledgeForm",
    "PledgeStatus",
    "PledgeSubmission",
    "PledgeTokens",
    "ReminderLinks",
    "ReminderStatus",
    "RetentionDates",
    "RunChart",
    "SetPledge",
    "SmtpMailSender",
    "Theme",
    "TokenClaim",
    "TokenPurpose",
    "against_targets",
    "analysis_export",
    "attribute_referrals",
    "campaign_from_mapping",
    "campaign_to_mapping",
    "capability_change",
    "check_batch",
    "check_training",
    "check_transition",
    "conversation_breakdown",
    "conversations_per_staff",
    "conversion",
    "district_centroids",
    "district_counts",
    "district_from_input",
    "entries_frame",
    "entries_from_frame",
    "event_counts",
    "example_campaign",
    "followup_outcomes",
    "followup_response",
    "healthy_food_checklist",
    "initial_status",
    "known_districts",
    "place_districts",
    "load_staff_health_metrics",
    "load_vocabulary",
    "mail_sender_from_settings",
    "new_idempotency_key",
    "parse_entry",
    "parse_outcome",
    "pledge_counts",
    "pledger_reference",
    "read_referrals_received",
    "read_staff_health",
    "referrals_by_destination",
    "reminder_message",
    "reminder_schedule",
    "retention_dates",
    "retention_due",
    "run_chart",
    "screen_text",
    "staff_recording",
    "survey_improvement",
    "training_reach",
    "validate_pledge",
    "weekly_conversations",
]
