"""Shared set-up of the pledge use-case tests: a campaign open today, its settings, forms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from healthgap.analyses.pledges import (
    PledgeConfig,
    PledgeForm,
    create_campaign,
    example_campaign,
    new_idempotency_key,
)
from healthgap.store import Database

SLUG = "small-changes-2026"


def open_campaign_data(**overrides: Any) -> dict[str, Any]:
    """The example campaign, open from yesterday for a month."""
    today = date.today()
    dates = {
        "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
    }
    return example_campaign(**{**dates, **overrides})


def fresh_database(folder: Path, **overrides: Any) -> Database:
    database = Database(f"sqlite:///{folder / 'pledges.db'}")
    create_campaign(database, open_campaign_data(**overrides))
    return database


def config(folder: Path, **settings: Any) -> PledgeConfig:
    return PledgeConfig.from_settings(
        {
            "secret_key": "a test secret of forty characters, at least",
            "public_url": "https://pledge.example.org/",
            "mail_backend": "file",
            "mail_folder": folder / "outbox",
            **settings,
        }
    )


def form(**changes: Any) -> PledgeForm:
    base = PledgeForm(
        idempotency_key=new_idempotency_key(),
        set_pledge="walk-at-lunch",
        consent=True,
        audience="community",
        display_name="Sam",
        postcode_district="TS24",
    )
    return replace(base, **changes)
