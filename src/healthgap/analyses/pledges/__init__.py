"""Use cases of pledge campaigns, shared by the web pages and the ``healthgap pledges``
commands (see ``docs/pledges.md``). They need the storage layer (the ``web`` extra), so
:mod:`healthgap.analyses` does not import them itself.

=======================================  ================================================
question or action                       function
=======================================  ================================================
create, edit, list, open a campaign      :func:`create_campaign`, :func:`update_campaign`,
                                         :func:`campaign_summaries`, :func:`open_campaign`
the admin form of a campaign             :func:`mapping_from_form`, :func:`form_from_campaign`
show the public page, the wall           :func:`campaign_page`, :func:`wall`
the map of pledges by postcode district  :func:`district_map`
take a pledge                            :func:`submit_pledge`
share: a pledge, its image, a network    :func:`shared_pledge`, :func:`pledge_image`,
                                         :func:`campaign_image`, :func:`share_target`,
                                         :func:`count_visit`
check in, stop reminders, delete         :func:`linked_pledge`, :func:`answer_checkin`,
                                         :func:`unsubscribe_by_link`, :func:`delete_by_link`
moderate                                 :func:`moderation_page`, :func:`moderate_pledge`
scheduled jobs                           :func:`send_reminders`, :func:`run_retention`
analyse, export                          :func:`analyse_campaign`,
                                         :func:`export_campaign_pledges`
=======================================  ================================================

The vocabularies the pages need (form fields, age bands, themes, outcomes, statuses, link
purposes) are re-exported here, so the interfaces need nothing from the core directly.
"""

from healthgap.analyses.pledges.campaign_form import (
    field_id,
    form_from_campaign,
    form_from_values,
    mapping_from_form,
)
from healthgap.analyses.pledges.campaigns import (
    CampaignSummary,
    campaign_state,
    campaign_summaries,
    create_campaign,
    forget_answers,
    open_campaign,
    read_campaign_file,
    update_campaign,
)
from healthgap.analyses.pledges.config import PledgeConfig
from healthgap.analyses.pledges.district_map import DistrictMap, district_map
from healthgap.analyses.pledges.followup import RetentionRun, run_retention, send_reminders
from healthgap.analyses.pledges.links import (
    LinkedPledge,
    answer_checkin,
    delete_by_link,
    delete_url,
    linked_pledge,
    reminder_links,
    unsubscribe_by_link,
)
from healthgap.analyses.pledges.moderation import (
    ACTIONS,
    FLAG_LABELS,
    ModerationPage,
    moderate_pledge,
    moderation_page,
)
from healthgap.analyses.pledges.page import (
    SHARE_CHANNELS,
    CampaignPage,
    campaign_image,
    campaign_page,
    count_visit,
    pledge_image,
    share_target,
    shared_pledge,
    wall,
)
from healthgap.analyses.pledges.report import (
    TABLE_TITLES,
    analyse_campaign,
    export_campaign_pledges,
)
from healthgap.analyses.pledges.submit import PledgeOutcome, submit_pledge
from healthgap.engage.campaigns import Audience, Campaign, Theme, example_campaign
from healthgap.engage.pledge_followup import CheckinOutcome
from healthgap.engage.pledge_moderation import PledgeStatus
from healthgap.engage.pledge_submission import (
    AGE_BANDS,
    MAX_NAME_LENGTH,
    MAX_PLEDGE_LENGTH,
    PledgeForm,
    new_idempotency_key,
)
from healthgap.engage.pledge_tokens import TokenPurpose

__all__ = [
    "ACTIONS",
    "AGE_BANDS",
    "FLAG_LABELS",
    "MAX_NAME_LENGTH",
    "MAX_PLEDGE_LENGTH",
    "SHARE_CHANNELS",
    "TABLE_TITLES",
    "Audience",
    "Campaign",
    "CampaignPage",
    "CampaignSummary",
    "DistrictMap",
    "CheckinOutcome",
    "LinkedPledge",
    "ModerationPage",
    "PledgeConfig",
    "PledgeForm",
    "PledgeOutcome",
    "PledgeStatus",
    "RetentionRun",
    "Theme",
    "TokenPurpose",
    "analyse_campaign",
    "district_map",
    "answer_checkin",
    "campaign_image",
    "campaign_page",
    "campaign_state",
    "campaign_summaries",
    "count_visit",
    "create_campaign",
    "delete_by_link",
    "delete_url",
    "example_campaign",
    "export_campaign_pledges",
    "field_id",
    "forget_answers",
    "form_from_campaign",
    "form_from_values",
    "linked_pledge",
    "mapping_from_form",
    "moderate_pledge",
    "moderation_page",
    "new_idempotency_key",
    "open_campaign",
    "pledge_image",
    "read_campaign_file",
    "reminder_links",
    "run_retention",
    "send_reminders",
    "share_target",
    "shared_pledge",
    "submit_pledge",
    "unsubscribe_by_link",
    "update_campaign",
    "wall",
]
