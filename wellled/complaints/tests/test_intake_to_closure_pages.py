"""The done test: a complaint made online is taken to closure through the pages alone."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from wellled.complaints import public
from wellled.complaints.models import Complaint, ComplaintIssue, Status
from wellled.complaints.tests.support import ref
from wellled.complaints.tests.test_pages import (
    date_parts,
    detail,
    draft_final_response,
    own_client,
    send_final_response,
    step,
)

pytestmark = pytest.mark.django_db
Date = datetime.date


def _complained_online(trust: Any) -> Complaint:
    """A member of the public complains online."""
    response = Client().post(
        "/complaints/make-a-complaint/",
        {
            "full_name": "Jordan Ellis",
            "email": "jordan@example.org",
            "about_you": "self",
            "service": str(trust.service.pk),
            "summary": "Nobody called me back about my results.",
            "issued": public.issue_token(now=time.time() - 60),
        },
    )
    assert response.status_code == 302
    return Complaint.objects.get()


def _taken_on_and_dated(trust: Any, manager: Client, case: Complaint, today: Date) -> None:
    # The case is unassigned: the manager takes it.
    me = trust.people["complaints_manager"]
    assert (
        manager.post(step(case, "change_handler"), {"change_handler-handler": me.pk}).status_code
        == 302
    )
    assert (
        manager.post(
            step(case, "acknowledge"),
            {
                **date_parts("acknowledge-acknowledged_on", today),
                **date_parts("acknowledge-discussion_offered_on", today),
            },
        ).status_code
        == 302
    )
    assert (
        manager.post(
            step(case, "agree_response_date"),
            {
                **date_parts(
                    "agree_response_date-response_due", today + datetime.timedelta(days=25)
                ),
                **date_parts("agree_response_date-agreed_on", today),
                "agree_response_date-how_agreed": "phone",
            },
        ).status_code
        == 302
    )


def _investigated_and_answered(
    manager: Client, handler: Client, case: Complaint, today: Date
) -> ComplaintIssue:
    """An upheld issue, the handler's draft signed off and the final response sent."""
    assert manager.post(step(case, "start_investigation")).status_code == 302
    assert (
        manager.post(
            step(case, "add_issue"),
            {
                "add_issue-description": "No call back about results",
                "add_issue-subject": ref("ko41a_subject", "communications").pk,
                "add_issue-service_area": ref("ko41a_service_area", "mental_health").pk,
                "add_issue-profession": ref("profession", "nursing").pk,
            },
        ).status_code
        == 302
    )
    found = case.issues.get()
    assert (
        manager.post(
            step(case, "issue_outcome"),
            {"issue_outcome-issue": found.pk, "issue_outcome-outcome": "upheld"},
        ).status_code
        == 302
    )
    assert manager.post(step(case, "submit_draft")).status_code == 302
    draft_final_response(handler, case)
    assert (
        manager.post(
            step(case, "sign_off"), {"sign_off-capacity": "responsible_person"}
        ).status_code
        == 302
    )
    send_final_response(manager, case, today)
    return found


def _closed_once_learning_is_recorded(
    manager: Client, case: Complaint, found: ComplaintIssue
) -> None:
    # Upheld without learning: closing is refused and the reason is on the page.
    refused = manager.post(step(case, "close"), {})
    assert refused.status_code == 200 and "no learning" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESPONDED
    assert (
        manager.post(
            step(case, "learning"),
            {
                "learning-issue": found.pk,
                "learning-no_learning_reason": "Addressed by the results-line change in May",
            },
        ).status_code
        == 302
    )
    assert manager.post(step(case, "close"), {}).status_code == 302


def test_from_the_online_form_to_closure_through_the_pages(trust, client_for) -> None:
    today = timezone.localdate()
    case = _complained_online(trust)
    manager = client_for("complaints_manager")
    _taken_on_and_dated(trust, manager, case, today)
    found = _investigated_and_answered(
        manager, own_client(trust.people["complaints_handler"]), case, today
    )
    _closed_once_learning_is_recorded(manager, case, found)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_on == today
    assert case.first_responded_on == today and case.signed_off_as == "responsible_person"
    page = manager.get(detail(case)).content.decode()
    assert "Closed" in page and "Final response" in page
