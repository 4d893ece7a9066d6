"""The workflow steps through the API: the same actions, the same refusals."""

from __future__ import annotations

import datetime

import pytest

from wellled.complaints import actions
from wellled.complaints.models import Complaint, Status
from wellled.complaints.tests.support import final_letter, issue, record
from wellled.complaints.tests.test_api import detail

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_case_is_taken_to_closure_through_the_api(trust, api_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    handler = api_for("complaints_handler")
    manager = api_for("complaints_manager")

    def post(client, sub: str, body: dict) -> dict:
        response = client.post(detail(case, sub), body, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    post(
        handler,
        "acknowledge/",
        {"acknowledged_on": "2026-03-03", "discussion_offered_on": "2026-03-03"},
    )
    refused = handler.post(
        detail(case, "set-response-date/"),
        {"response_due": "2026-04-15", "notified": False},
        format="json",
    )
    assert refused.status_code == 400 and "notified" in refused.json()
    post(
        handler,
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
    body = post(
        handler,
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
    post(handler, "start-investigation/", {})
    found = issue(trust, Complaint.objects.get(pk=case.pk))
    actions.record_issue_outcome(
        acting_user=trust.people["complaints_manager"], issue=found, outcome="not_upheld"
    )
    post(handler, "submit-draft/", {})
    # A handler cannot sign off; the complaints manager can.
    assert (
        handler.post(detail(case, "sign-off/"), {"capacity": "delegate"}, format="json").status_code
        == 403
    )
    post(manager, "sign-off/", {"capacity": "delegate", "signed_off_on": "2026-04-20"})
    refused = handler.post(
        detail(case, "record-response/"), {"responded_on": "2026-04-21"}, format="json"
    )
    assert refused.status_code == 400 and "letter" in refused.json()
    final_letter(trust.people["complaints_manager"], Complaint.objects.get(pk=case.pk))
    post(handler, "record-response/", {"responded_on": "2026-04-21"})
    body = post(handler, "close/", {"closed_on": "2026-04-22"})
    assert body["status"] == Status.CLOSED
    assert handler.post(detail(case, "reopen/"), {"reason": ""}, format="json").status_code == 400
    body = post(handler, "reopen/", {"reason": "New questions"})
    assert body["status"] == Status.REOPENED


def test_a_service_lead_cannot_step_a_case(trust, api_for) -> None:
    case = record(trust)
    response = api_for("service_lead").post(detail(case, "start-investigation/"), {}, format="json")
    assert response.status_code == 403
    assert Complaint.objects.get(pk=case.pk).status == Status.RECEIVED
