"""Who may open each learning URL: merged into tests/test_url_permissions.py."""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import (
    ALL_PERSONAS,
    COMPLAINTS_STAFF,
    COMPLAINTS_VIEWERS,
    PUBLIC,
    WITH_A_ROLE,
    Access,
    Samples,
)
from wellled.core.testing import Trust

_RATE_READERS = COMPLAINTS_STAFF | {
    "service_lead",
    "board_member",
    "executive",
    "governance_lead",
    "auditor",
    "operator",
}

# Who sees the sample learning action: its owner (the service lead), the service's
# complaints staff, and the leaders who read the actions register.
_ACTION_VIEWERS = COMPLAINTS_STAFF | {
    "service_lead",
    "governance_lead",
    "executive",
    "board_member",
    "auditor",
}

ACCESS: Access = {
    "learning:library": WITH_A_ROLE,
    "learning:share": WITH_A_ROLE,
    # POST only; anyone who may read it gets 405 on GET, and the POST itself
    # needs the reader to be in the audience (tested with its use case).
    "learning:confirm_read": WITH_A_ROLE,
    "learning:case": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "learning:share_new": COMPLAINTS_STAFF,
    # The old address of a learning action: forwards to the improvement action
    # (see FORWARDS) for whoever may see that; 404 for others.
    "learning:action": _ACTION_VIEWERS,
    "learning:read_rates": _RATE_READERS,
    "learning:you_said_we_did": PUBLIC,
    "learning:you_said_we_did_new": COMPLAINTS_STAFF,
    "learning:you_said_we_did_withdraw": COMPLAINTS_STAFF,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "shared-learning-list": WITH_A_ROLE,
    "shared-learning-detail": WITH_A_ROLE,
    # Old API addresses: the list forwards for everyone; an old id forwards for
    # whoever may see its action; completing needs the owner or a manager.
    "learning-action-list": ALL_PERSONAS,
    "learning-action-detail": _ACTION_VIEWERS,
    # The owner, the service's complaints staff, and managers of actions over it.
    "learning-action-complete": COMPLAINTS_STAFF | {"service_lead", "governance_lead"},
}


def _case(trust: Trust) -> dict[str, Any]:
    from wellled.learning.tests.support import upheld_case

    complaint, _ = upheld_case(trust)
    return {"pk": complaint.pk}


def _share(trust: Trust) -> dict[str, Any]:
    from wellled.learning.tests.support import share, upheld_case

    complaint, _ = upheld_case(trust)
    return {"pk": share(trust, complaint).pk}


def _action(trust: Trust) -> dict[str, Any]:
    from wellled.improvement.models import Action
    from wellled.learning.tests.support import add_action, upheld_case

    _, issue = upheld_case(trust)
    action = add_action(trust, issue, owner="service_lead")
    # As the data migration left a moved learning action: it keeps its old id.
    old_id = 9000 + action.pk
    Action.objects.filter(pk=action.pk).update(legacy_ref=f"learning.learningaction:{old_id}")
    return {"pk": old_id}


def _summary(trust: Trust) -> dict[str, Any]:
    import datetime

    from wellled.learning import actions

    summary = actions.publish_you_said_we_did(
        acting_user=None,
        service=trust.service,
        you_said="Call-backs took too long",
        we_did="We now check the call-back list every day",
        month=datetime.date(2026, 4, 1),
    )
    return {"pk": summary.pk}


SAMPLES: Samples = {
    "learning:share": _share,
    "learning:confirm_read": _share,
    "learning:case": _case,
    "learning:share_new": _case,
    "learning:action": _action,
    "learning:you_said_we_did_withdraw": _summary,
    "shared-learning-detail": _share,
    "learning-action-detail": _action,
    "learning-action-complete": _action,
}
