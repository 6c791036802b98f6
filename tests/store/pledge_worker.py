"""A separate process that submits one pledge at an agreed moment (for the concurrency tests).

Usage: ``python pledge_worker.py DATABASE_URL CAMPAIGN_SLUG START_AT IDEMPOTENCY_KEY``; prints
the receipt as JSON. Every worker builds the same form, so all but one must be replays.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime

from healthgap.engage import PledgeForm, campaign_from_mapping, example_campaign, validate_pledge
from healthgap.store import Database, record_pledge


def main(url: str, slug: str, start_at: float, key: str) -> None:
    campaign = campaign_from_mapping(example_campaign(slug=slug))
    form = PledgeForm(
        idempotency_key=key, set_pledge="walk-at-lunch", consent=True, audience="staff",
        reminders=True, email="sam@example.org",
    )  # fmt: skip
    submission = validate_pledge(campaign, form, today=date(2026, 1, 10))
    database = Database(url, run_migrations=False)
    time.sleep(max(0.0, start_at - time.time()))
    receipt = record_pledge(
        database, campaign=campaign, submission=submission,
        now=datetime(2026, 1, 10, 12, tzinfo=UTC),
    )  # fmt: skip
    print(json.dumps({"public_id": receipt.public_id, "replayed": receipt.replayed}))
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4])
