"""Who may open each URL of improvement actions: merged into
tests/test_url_permissions.py.

The sample action answers a statement of a self-assessment round of the service:
the service lead owns it, an executive signs it off, the governance lead manages
it. `improvement:new` names its source in the query string, so the bare URL is a
404 for everyone; raising is tested with a source in test_pages.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tests.url_access_groups import Access, Samples
from wellled.core.testing import Trust

VIEWERS = frozenset(
    {
        "board_member",
        "executive",
        "governance_lead",
        "complaints_manager",
        "auditor",
        "service_lead",
    }
)
MANAGERS = frozenset({"governance_lead", "service_lead"})
OWNER_OR_MANAGER = MANAGERS  # the service lead owns the sample action
SIGNERS = frozenset({"executive"})

ACCESS: Access = {
    "improvement:list": VIEWERS,
    "improvement:export": VIEWERS,
    "improvement:new": frozenset(),
    "improvement:detail": VIEWERS,
    "improvement:progress": OWNER_OR_MANAGER,
    "improvement:milestone_new": OWNER_OR_MANAGER,
    "improvement:milestone_done": OWNER_OR_MANAGER,
    "improvement:evidence": OWNER_OR_MANAGER,
    "improvement:complete": OWNER_OR_MANAGER,
    "improvement:replan": MANAGERS,
    "improvement:reassign": MANAGERS,
    "improvement:sign_off": SIGNERS,
    "improvement:reopen": MANAGERS | SIGNERS,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "improvement-action-list": VIEWERS,
    "improvement-action-detail": VIEWERS,
    "improvement-action-progress": OWNER_OR_MANAGER,
    "improvement-action-replan": MANAGERS,
    "improvement-action-complete": OWNER_OR_MANAGER,
    "improvement-action-sign-off": SIGNERS,
    "improvement-action-evidence": OWNER_OR_MANAGER,
    "improvement-action-reopen": MANAGERS | SIGNERS,
}


def sample_action(trust: Trust) -> Any:
    """An action on a statement of the service's self-assessment round."""
    from wellled.assurance import actions as assurance_actions
    from wellled.improvement import actions, statement_source

    round_ = assurance_actions.open_round(
        acting_user=None,
        scope=trust.service,
        methodology_id="saf_2024_statements",
        title="Service round",
    )
    statement = round_.statements.order_by("pk").first()
    assert statement is not None
    return actions.raise_action(
        acting_user=None,
        source_kind=statement_source.KIND,
        source_id=str(statement.pk),
        title="Call every complainant within two days",
        owner=trust.people["service_lead"],
        executive=trust.people["executive"],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        milestones=[("Script agreed", timezone.localdate() + datetime.timedelta(days=7))],
    )


def _action(trust: Trust) -> dict[str, Any]:
    return {"pk": sample_action(trust).pk}


def _milestone(trust: Trust) -> dict[str, Any]:
    action = sample_action(trust)
    return {"pk": action.pk, "milestone_pk": action.milestones.get().pk}


SAMPLES: Samples = {
    "improvement:detail": _action,
    "improvement:progress": _action,
    "improvement:milestone_new": _action,
    "improvement:milestone_done": _milestone,
    "improvement:evidence": _action,
    "improvement:complete": _action,
    "improvement:replan": _action,
    "improvement:reassign": _action,
    "improvement:sign_off": _action,
    "improvement:reopen": _action,
    "improvement-action-detail": _action,
    "improvement-action-progress": _action,
    "improvement-action-replan": _action,
    "improvement-action-complete": _action,
    "improvement-action-sign-off": _action,
    "improvement-action-evidence": _action,
    "improvement-action-reopen": _action,
}
