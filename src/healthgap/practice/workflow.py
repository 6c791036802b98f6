"""The review workflow: a state machine with roles, comments, and the audit trail's records.

States: draft → submitted → reviewed → published → archived. Who may move a submission:

=================  ============  ==========================================  ===============
from → to          action        who                                         comment needed
=================  ============  ==========================================  ===============
draft → submitted  submit        its author, or an editor                    no
submitted → draft  withdraw      its author                                  no
submitted → draft  return        a reviewer or editor who is not the author  yes
submitted →        approve       a reviewer or editor who is not the author  no
reviewed
reviewed → draft   return        an editor                                   yes
reviewed →         publish       an editor                                   no
published
published → draft  revise        its author, or an editor                    no
published →        archive       an editor                                   no
archived
archived → draft   restore       an editor                                   no
=================  ============  ==========================================  ===============

Nobody approves their own submission: quality assurance means a second pair of eyes.

>>> ann = Actor("ann", PracticeRole.contributor)
>>> check_transition(Status.draft, Status.submitted, ann, is_author=True)
'submit'
>>> [a for _, a in allowed_transitions(Status.submitted, Actor("rob", PracticeRole.reviewer),
...                                     is_author=False)]
['return', 'approve']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from healthgap.errors import InputError, PermissionDenied
from healthgap.practice.text import plain_text
from healthgap.practice.vocabulary import PracticeRole, Status

__all__ = [
    "TRANSITIONS",
    "Actor",
    "AuditEvent",
    "Comment",
    "allowed_transitions",
    "apply_review",
    "check_transition",
    "field_changes",
    "make_comment",
]

MAX_COMMENT = 4000
DEFAULT_REVIEW_PERIOD = timedelta(days=365)


@dataclass(frozen=True)
class Actor:
    """Someone acting on the bank: a display name, a workflow role, and the account id if any."""

    name: str
    role: PracticeRole
    user_id: int | None = None


@dataclass(frozen=True)
class Rule:
    action: str
    needed: PracticeRole
    author: str  # "only": must be the author; "never": must not be; "or": author or `needed`
    comment_required: bool = False


#: (from, to) -> the rules that allow the move (any one suffices).
TRANSITIONS: dict[tuple[Status, Status], tuple[Rule, ...]] = {
    (Status.draft, Status.submitted): (Rule("submit", PracticeRole.editor, "or"),),
    (Status.submitted, Status.draft): (
        Rule("withdraw", PracticeRole.contributor, "only"),
        Rule("return", PracticeRole.reviewer, "never", comment_required=True),
    ),
    (Status.submitted, Status.reviewed): (Rule("approve", PracticeRole.reviewer, "never"),),
    (Status.reviewed, Status.draft): (
        Rule("return", PracticeRole.editor, "any", comment_required=True),
    ),
    (Status.reviewed, Status.published): (Rule("publish", PracticeRole.editor, "any"),),
    (Status.published, Status.draft): (Rule("revise", PracticeRole.editor, "or"),),
    (Status.published, Status.archived): (Rule("archive", PracticeRole.editor, "any"),),
    (Status.archived, Status.draft): (Rule("restore", PracticeRole.editor, "any"),),
}


def _permits(rule: Rule, actor: Actor, is_author: bool) -> bool:
    has_role = actor.role.allows(rule.needed)
    return {
        "only": is_author,
        "never": has_role and not is_author,
        "or": is_author or has_role,
        "any": has_role,
    }[rule.author]


def allowed_transitions(
    current: Status, actor: Actor, *, is_author: bool
) -> list[tuple[Status, str]]:
    """The moves ``actor`` may make from ``current`` as (target, action), for the page's buttons."""
    out = []
    for (source, target), rules in TRANSITIONS.items():
        if source is current:
            out += [(target, r.action) for r in rules if _permits(r, actor, is_author)]
    return out


def check_transition(
    current: Status, target: Status, actor: Actor, *, is_author: bool, comment: str = ""
) -> str:
    """The action name of a permitted move; :class:`PermissionDenied` or :class:`InputError` if not.

    Where both a comment-free and a commented rule could apply (an author withdrawing versus a
    reviewer returning), the first one that permits the actor wins.
    """
    rules = TRANSITIONS.get((current, target))
    if not rules:
        raise InputError(
            f"a {current.value} submission cannot become {target.value}", rule="bad_transition"
        )
    permitted = [r for r in rules if _permits(r, actor, is_author)]
    if not permitted:
        who = " and ".join(f"{r.action}: {r.needed.value} ({r.author} the author)" for r in rules)
        raise PermissionDenied(f"{actor.name} ({actor.role.value}) may not do this; {who}")
    rule = permitted[0]
    if rule.comment_required and not plain_text(comment):
        raise InputError(f"say why when you {rule.action} a submission", rule="comment_required")
    return rule.action


@dataclass(frozen=True)
class Comment:
    """A comment on a submission; ``change_request`` marks one that asks for changes."""

    author: str
    body: str
    kind: str = "comment"


def make_comment(author: str, body: str, *, kind: str = "comment") -> Comment:
    """A validated comment (plain text, 1 to 4,000 characters)."""
    text = plain_text(body)
    if not text:
        raise InputError("a comment needs some text", rule="empty_comment")
    if len(text) > MAX_COMMENT:
        raise InputError(f"a comment has at most {MAX_COMMENT} characters", rule="too_long")
    if kind not in ("comment", "change_request"):
        raise InputError(f"unknown comment kind {kind!r}", rule="unknown_value")
    return Comment(author, text, kind)


@dataclass(frozen=True)
class AuditEvent:
    """Who did what, when: an action, the status move if any, and the fields changed."""

    actor: str
    action: str
    at: datetime
    from_status: Status | None = None
    to_status: Status | None = None
    changes: Mapping[str, tuple[Any, Any]] | None = None


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as ``{field: [old, new]}`` (JSON-ready).

    >>> field_changes({"title": "A", "aim": "x"}, {"title": "B", "aim": "x"})
    {'title': ['A', 'B']}
    """
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def apply_review(content: Mapping[str, Any], reviewer: Actor, today: date) -> dict[str, Any]:
    """Content with the reviewer and review date set; a review-by date that is not in the future
    moves to a year from today, so an approved example never starts out due for review."""
    updated = dict(content)
    updated["reviewed_by"] = reviewer.name
    updated["reviewed_on"] = today.isoformat()
    if "review_by" in updated:
        review_by = updated.get("review_by")
        if not review_by or date.fromisoformat(str(review_by)[:10]) <= today:
            updated["review_by"] = (today + DEFAULT_REVIEW_PERIOD).isoformat()
    return updated
