"""Engagement: pledge campaigns (campaigns, pledges, moderation, follow-up, privacy, analysis).

Pure core: nothing here touches the database, the web or files other than those it is
given; storage is :mod:`healthgap.store.pledges`, outputs are
:mod:`healthgap.reports.engage_tables` and :mod:`healthgap.reports.engage_charts`.
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
from healthgap.engage.pledge_postcodes import district_from_input, known_districts
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

__all__ = [
    "AGE_BANDS",
    "ANALYSIS_COLUMNS",
    "Audience",
    "Branding",
    "Campaign",
    "CheckinOutcome",
    "ConsoleMailSender",
    "ContentFlag",
    "FileMailSender",
    "MailSender",
    "ModerationMode",
    "PledgeForm",
    "PledgeStatus",
    "PledgeSubmission",
    "PledgeTokens",
    "ReminderLinks",
    "ReminderStatus",
    "RetentionDates",
    "SetPledge",
    "SmtpMailSender",
    "Theme",
    "TokenClaim",
    "TokenPurpose",
    "analysis_export",
    "campaign_from_mapping",
    "campaign_to_mapping",
    "check_transition",
    "conversion",
    "district_counts",
    "district_from_input",
    "event_counts",
    "example_campaign",
    "followup_outcomes",
    "followup_response",
    "initial_status",
    "known_districts",
    "mail_sender_from_settings",
    "new_idempotency_key",
    "parse_outcome",
    "pledge_counts",
    "pledger_reference",
    "reminder_message",
    "reminder_schedule",
    "retention_dates",
    "retention_due",
    "screen_text",
    "validate_pledge",
]
