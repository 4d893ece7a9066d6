"""The workflow steps through the API: the same actions, the same refusals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from wellled.complaints import actions
from wellled.complaints.models import Complaint, Status
from wellled.complaints.tests.support import final_letter, issue, record
from wellled.complaints.tests.test_api import detail

pytestmark = pytest.mark.django_db
D = datetime.date


def _post(client: Any, case: Complaint, sub: str, body: dict) -> dict:
    response = client.post(detail(case, sub), body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def _acknowledged_and_dated(handler: Any, case: Complaint) -> None:
    """Acknowledged, a response date set (only once the complainant was told) and
    extended (only with their agreement)."""
    _post(
        handler,
        case,
        "acknowledge/",
        {"acknowledged_on": "2026-03-03", "discussion_offered_on": "2026-03-03"},
    )
    refused = handler.post(
        detail(case, "set-response-date/"),
        {"response_due": "2026-04-15", "notified": False},
        format="json",
    )
    assert refused.status_code == 400 and "notified" in refused.json()
    _post(
        handler,
        case,
        "set-response-date/",
        {"response_due": "2026-04-15", "notified": True, "notified_on": "2026-03-04"},
    )
    refused = handler.post(
        detail(case, "extend-response-date/"),
        {
            "new_date": "2026-05-15",
            "complainant_agreed": False,
            "requested_by": "trust",
            "reason": "Statements",
        },
        format="json",
    )
    assert refused.status_code == 400 and "complainant_agreed" in refused.json()
    body = _post(
        handler,
        case,
        "extend-response-date/",
        {
            "new_date": "2026-05-15",
            "complainant_agreed": True,
            "how_agreed": "email",
            "agreed_on": "2026-04-01",
            "requested_by": "trust",
            "reason": "Statements",
        },
    )
    assert body["response_due"] == "2026-05-15"


def _investigated_and_signed_off(trust: Any, handler: Any, manager: Any, case: Complaint) -> None:
    _post(handler, case, "start-investigation/", {})
    found = issue(trust, Complaint.objects.get(pk=case.pk))
    actions.record_issue_outcome(
        acting_user=trust.people["complaints_manager"], issue=found, outcome="not_upheld"
    )
    _post(handler, case, "submit-draft/", {})
    # A handler cannot sign off; the complaints manager can.
    assert (
        handler.post(detail(case, "sign-off/"), {"capacity": "delegate"}, format="json").status_code
        == 403
    )
    # Sign-off needs the final letter, written by someone other than the signer.
    refused = manager.post(
        detail(case, "sign-off/"), {"capacity": "delegate", "signed_off_on": "2026-04-20"}
    )
    assert refused.status_code == 400 and "letter" in refused.json()
    final_letter(trust.people["complaints_handler"], Complaint.objects.get(pk=case.pk))
    _post(manager, case, "sign-off/", {"capacity": "delegate", "signed_off_on": "2026-04-20"})


def _answered_closed_and_reopened(trust: Any, handler: Any, case: Complaint) -> None:
    refused = handler.post(
        detail(case, "record-response/"), {"responded_on": "2026-04-19"}, format="json"
    )
    assert refused.status_code == 400 and "responded_on" in refused.json()
    _post(handler, case, "record-response/", {"responded_on": "2026-04-21"})
    body = _post(handler, case, "close/", {"closed_on": "2026-04-22"})
    assert body["status"] == Status.CLOSED
    assert handler.post(detail(case, "reopen/"), {"reason": ""}, format="json").status_code == 400
    body = _post(handler, case, "reopen/", {"reason": "New questions"})
    assert body["status"] == Status.REOPENED


def test_a_case_is_taken_to_closure_through_the_api(trust, api_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    handler = api_for("complaints_handler")
    manager = api_for("complaints_manager")
    _acknowledged_and_dated(handler, case)
    _investigated_and_signed_off(trust, handler, manager, case)
    _answered_closed_and_reopened(trust, handler, case)


def test_a_service_lead_cannot_step_a_case(trust, api_for) -> None:
    case = record(trust)
    response = api_for("service_lead").post(detail(case, "start-investigation/"), {}, format="json")
    assert response.status_code == 403
    assert Complaint.objects.get(pk=case.pk).status == Status.RECEIVED
