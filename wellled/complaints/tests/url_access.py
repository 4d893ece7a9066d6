"""Who may open each complaints URL: merged into tests/test_url_permissions.py."""

from __future__ import annotations

import datetime
from typing import Any

from tests.url_access_groups import COMPLAINTS_STAFF, COMPLAINTS_VIEWERS, Access, Samples
from wellled.core.testing import Trust

ACCESS: Access = {
    "complaints:list": COMPLAINTS_VIEWERS,
    "complaints:new": COMPLAINTS_STAFF,
    "complaints:detail": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "complaints:step": COMPLAINTS_STAFF,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "complaint-list": COMPLAINTS_VIEWERS,
    "complaint-detail": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "complaint-acknowledge": COMPLAINTS_STAFF,
    "complaint-agree-response-date": COMPLAINTS_STAFF,
}


def complaint(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions

    case = complaint_actions.record_complaint(
        acting_user=None,
        channel="letter",
        received_on=datetime.date(2026, 3, 2),
        service=trust.service,
        summary="Waited three weeks for a call back.",
        complainant=complaint_actions.ComplainantDetails(
            full_name="Alex Rivera", email="alex@example.org"
        ),
    )
    return {"pk": case.pk}


SAMPLES: Samples = {
    "complaints:detail": complaint,
    "complaints:step": lambda t: {**complaint(t), "step": "acknowledge"},
    "complaint-detail": complaint,
    "complaint-acknowledge": complaint,
    "complaint-agree-response-date": complaint,
}
