"""Every router of the self-assessment pages, in the order their paths must be matched
(``/assess/{id}/consensus/open`` before ``/assess/{id}/consensus/{item_id}``)."""

from __future__ import annotations

from fastapi import APIRouter

from healthgap.web.routes import assess, assess_actions, assess_consensus, assess_rating

__all__ = ["ASSESS_ROUTERS"]

ASSESS_ROUTERS: tuple[APIRouter, ...] = (
    assess.router,
    assess_rating.router,
    assess_consensus.router,
    assess_actions.router,
)
