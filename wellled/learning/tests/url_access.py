"""Who may open each learning URL: merged into tests/test_url_permissions.py."""

from __future__ import annotations

from typing import Any

from tests.url_access_groups import (
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

ACCESS: Access = {
    "learning:library": WITH_A_ROLE,
    "learning:share": WITH_A_ROLE,
    # POST only; anyone who may read it gets 405 on GET, and the POST itself
    # needs the reader to be in the audience (tested with its use case).
    "learning:confirm_read": WITH_A_ROLE,
    "learning:case": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "learning:share_new": COMPLAINTS_STAFF,
    "learning:action": COMPLAINTS_STAFF | {"service_lead"},  # the sample's owner
    "learning:read_rates": _RATE_READERS,
    "learning:you_said_we_did": PUBLIC,
    "learning:you_said_we_did_new": COMPLAINTS_STAFF,
    "learning:you_said_we_did_withdraw": COMPLAINTS_STAFF,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "shared-learning-list": WITH_A_ROLE,
    "shared-learning-detail": WITH_A_ROLE,
    "learning-action-list": COMPLAINTS_STAFF | {"service_lead"},
    "learning-action-detail": COMPLAINTS_STAFF | {"service_lead"},
    "learning-action-complete": COMPLAINTS_STAFF | {"service_lead"},
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
    from wellled.learning.tests.support import add_action, upheld_case

    _, issue = upheld_case(trust)
    return {"pk": add_action(trust, issue, owner="service_lead").pk}


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
