"""The complaints pages: the caseload, a case and its steps, recording a complaint."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import Complaint, Status
from wellled.complaints.tests.support import issue, record, ref
from wellled.core.models import AuditEvent
from wellled.core.navigation import nav_for

pytestmark = pytest.mark.django_db

LIST = "/complaints/"
NEW = "/complaints/new/"


def detail(case: Complaint) -> str:
    return reverse("complaints:detail", args=[case.pk])


def step(case: Complaint, name: str) -> str:
    return reverse("complaints:step", args=[case.pk, name])


def date_parts(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def own_client(user: Any) -> Any:
    """A second browser, for when two people take turns (client_for has one)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


def draft_final_response(client: Any, case: Complaint) -> None:
    """Draft the final response from its template and confirm its checklist."""
    response = client.post(step(case, "draft_letter"), {"draft_letter-kind": "final"})
    assert response.status_code == 302
    letter = case.letters.get(kind="final", sent_on__isnull=True)
    assert response["Location"] == reverse("complaints:letter", args=[case.pk, letter.pk])
    response = client.post(
        response["Location"],
        {
            "subject": letter.subject,
            "body": letter.body,
            "confirms_how_considered": "on",
            "confirms_conclusions": "on",
            "confirms_actions": "on",
            "confirms_ombudsman_rights": "on",
        },
    )
    assert response.status_code == 302


def send_final_response(client: Any, case: Complaint, day: datetime.date) -> None:
    """Record the signed-off final response as sent on `day`."""
    response = client.post(
        step(case, "record_response"), date_parts("record_response-responded_on", day)
    )
    assert response.status_code == 302


# The caseload ----------------------------------------------------------------


def test_the_caseload_lists_open_cases_with_their_next_deadline(trust, client_for) -> None:
    today = timezone.localdate()
    late = record(trust, received_on=today - datetime.timedelta(days=20))
    fresh = record(trust, received_on=today)
    closed = record(trust, kind="pals")
    actions.close(acting_user=None, complaint=closed)
    page = client_for("complaints_handler").get(LIST).content.decode()
    assert late.reference in page and fresh.reference in page
    assert closed.reference not in page
    assert "Overdue" in page
    assert f"Acknowledge: {fresh.acknowledgement_due:%-d %b %Y}" in page


def test_the_caseload_filters_by_status_and_overdue(trust, client_for) -> None:
    today = timezone.localdate()
    late = record(trust, received_on=today - datetime.timedelta(days=20))
    fresh = record(trust, received_on=today)
    handler = trust.people["complaints_handler"]
    acknowledged = record(trust, received_on=today - datetime.timedelta(days=2))
    actions.acknowledge(
        acting_user=handler,
        complaint=acknowledged,
        acknowledged_on=today,
        discussion_offered_on=today,
    )
    client = client_for("complaints_handler")
    overdue = client.get(LIST, {"overdue": "on"}).content.decode()
    assert late.reference in overdue
    assert fresh.reference not in overdue and acknowledged.reference not in overdue
    by_status = client.get(LIST, {"status": "acknowledged"}).content.decode()
    assert acknowledged.reference in by_status
    assert late.reference not in by_status and fresh.reference not in by_status


def test_a_service_lead_sees_only_their_services_cases(trust, client_for) -> None:
    mine = record(trust, service=trust.service)
    other = record(trust, service=trust.other_service)
    client = client_for("service_lead")
    page = client.get(LIST).content.decode()
    assert mine.reference in page and other.reference not in page
    assert "Record a complaint" not in page
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(other)).status_code == 403


def test_the_caseload_query_count_does_not_grow_with_the_page(
    trust, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("complaints_handler")
    record(trust)
    with django_assert_max_num_queries(20) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(24):
        record(trust, service=trust.other_service, handler=trust.people["complaints_manager"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count('href="/complaints/') >= 25


def test_the_caseload_is_paginated(trust, client_for) -> None:
    for _ in range(26):
        record(trust)
    client = client_for("complaints_manager")
    first = client.get(LIST).content.decode()
    assert "26 open cases, page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "page 2 of 2" in second


@pytest.mark.parametrize("persona", ["board_member", "outsider", "executive", "operator"])
def test_people_without_case_access_are_refused(trust, client_for, persona) -> None:
    case = record(trust)
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(case)).status_code == 403
    assert client.get(NEW).status_code == 403


def test_anonymous_users_are_sent_to_log_in(trust, client) -> None:
    case = record(trust)
    for url in (LIST, NEW, detail(case)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_the_menu_shows_complaints_to_those_who_see_cases(trust) -> None:
    def labels(persona: str) -> set[Any]:
        return {item["label"] for item in nav_for(trust.people[persona], "/")}

    assert "Complaints" in labels("complaints_handler")
    assert "Complaints" in labels("service_lead")
    assert "Complaints" not in labels("board_member")


# The case page -----------------------------------------------------------------


def test_the_case_page_shows_the_case_and_records_the_view(trust, client_for) -> None:
    case = record(trust, patient=actions.PatientDetails("Sam Rivera", "943 476 5919"))
    before = AuditEvent.objects.filter(action="record.viewed").count()
    page = client_for("service_lead").get(detail(case)).content.decode()
    assert case.reference in page and "Alex Rivera" in page and "Sam Rivera" in page
    assert f"{case.acknowledgement_due:%-d %B %Y}" in page
    assert f"{case.backstop_due:%-d %B %Y}" in page
    assert AuditEvent.objects.filter(action="record.viewed").count() == before + 1
    # A service lead reads the case but is offered no step.
    assert "Next steps" not in page
    assert client_for("service_lead").post(step(case, "acknowledge")).status_code == 403


def test_the_case_page_404s_for_a_case_that_does_not_exist(trust, client_for) -> None:
    assert client_for("complaints_handler").get("/complaints/999999/").status_code == 404


def test_a_complaints_manager_progresses_a_case_through_the_pages(trust, client_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=3))
    client = client_for("complaints_manager")
    assert "Record the acknowledgement" in client.get(detail(case)).content.decode()

    response = client.post(
        step(case, "acknowledge"),
        {
            **date_parts("acknowledge-acknowledged_on", today),
            **date_parts("acknowledge-discussion_offered_on", today),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED and case.acknowledged_on == today

    due = today + datetime.timedelta(days=30)
    response = client.post(
        step(case, "agree_response_date"),
        {
            **date_parts("agree_response_date-response_due", due),
            **date_parts("agree_response_date-agreed_on", today),
            "agree_response_date-how_agreed": "phone",
        },
    )
    assert response.status_code == 302
    assert client.post(step(case, "start_investigation")).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and case.response_due == due

    # Without an issue the draft cannot go: the action's reason is on the page.
    response = client.post(step(case, "submit_draft"))
    assert response.status_code == 200
    assert "Record at least one issue" in response.content.decode()
    response = client.post(
        step(case, "add_issue"),
        {
            "add_issue-description": "No call back",
            "add_issue-subject": ref("ko41a_subject", "communications").pk,
            "add_issue-service_area": ref("ko41a_service_area", "mental_health").pk,
            "add_issue-profession": ref("profession", "nursing").pk,
        },
    )
    assert response.status_code == 302
    found = case.issues.get()
    response = client.post(
        step(case, "issue_outcome"),
        {"issue_outcome-issue": found.pk, "issue_outcome-outcome": "not_upheld"},
    )
    assert response.status_code == 302
    assert client.post(step(case, "submit_draft")).status_code == 302
    refused = client.post(step(case, "sign_off"), {"sign_off-capacity": "delegate"})
    assert "Draft the final response letter first" in refused.content.decode()
    draft_final_response(own_client(trust.people["complaints_handler"]), case)
    assert client.post(step(case, "sign_off"), {"sign_off-capacity": "delegate"}).status_code == 302
    send_final_response(client, case, today)
    assert client.post(step(case, "close")).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_on == today


def test_a_step_with_a_future_date_shows_the_error_and_keeps_the_input(trust, client_for) -> None:
    case = record(trust, received_on=timezone.localdate())
    future = timezone.localdate() + datetime.timedelta(days=5)
    response = client_for("complaints_handler").post(
        step(case, "acknowledge"),
        {
            **date_parts("acknowledge-acknowledged_on", future),
            **date_parts("acknowledge-discussion_offered_on", future),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "cannot be in the future" in page
    assert f'value="{future.year}"' in page
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


# Recording a complaint -------------------------------------------------------------


def _new(trust, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        **date_parts("received_on", timezone.localdate() - datetime.timedelta(days=1)),
        "channel": "letter",
        "kind": "complaint",
        "service": str(trust.service.pk),
        "summary": "Nobody called back.",
        "complainant_name": "Alex Rivera",
        "complainant_email": "alex@example.org",
        "patient_name": "Sam Rivera",
        "nhs_number": "943 476 5919",
    }
    values.update(overrides)
    return values


def test_a_complaints_manager_records_a_complaint(trust, client_for) -> None:
    response = client_for("complaints_manager").post(NEW, _new(trust))
    case = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert case.service == trust.service and case.status == Status.RECEIVED
    assert case.patient is not None and case.patient.nhs_number == "9434765919"
    assert case.handler == trust.people["complaints_manager"]
    assert case.acknowledgement_due is not None


def test_a_future_date_and_a_bad_nhs_number_get_field_errors_and_lose_nothing(
    trust, client_for
) -> None:
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for("complaints_manager").post(
        NEW, _new(trust, **date_parts("received_on", future), nhs_number="943 476 5918")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert "The date received cannot be in the future" in page
    assert "This is not a valid NHS number" in page
    assert 'href="#id_received_on_day"' in page and 'href="#id_nhs_number"' in page
    for kept in ("Nobody called back.", "Alex Rivera", "943 476 5918", str(future.year)):
        assert kept in page


def test_a_complainant_needs_a_way_to_be_reached(trust, client_for) -> None:
    response = client_for("complaints_manager").post(NEW, _new(trust, complainant_email=""))
    assert "Enter at least one way to reach the complainant" in response.content.decode()
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("persona", ["service_lead", "board_member"])
def test_only_complaints_staff_record_complaints(trust, client_for, persona) -> None:
    client = client_for(persona)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _new(trust)).status_code == 403
    assert Complaint.objects.count() == 0


def test_an_issue_missing_its_coding_is_refused_with_the_fields_named(trust, client_for) -> None:
    case = record(trust)
    response = client_for("complaints_handler").post(
        step(case, "add_issue"), {"add_issue-description": "Rude on the phone"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the subject" in page and "Choose the profession" in page
    assert "Rude on the phone" in page
    assert not case.issues.exists()


def test_an_outcome_can_only_be_recorded_for_this_cases_issues(trust, client_for) -> None:
    case = record(trust)
    elsewhere = issue(trust, record(trust))
    response = client_for("complaints_handler").post(
        step(case, "issue_outcome"),
        {"issue_outcome-issue": elsewhere.pk, "issue_outcome-outcome": "upheld"},
    )
    assert response.status_code == 200
    elsewhere.refresh_from_db()
    assert elsewhere.outcome == ""


def test_a_case_is_transferred_from_its_page(trust, client_for) -> None:
    case = record(trust)
    response = client_for("complaints_handler").post(
        step(case, "transfer"), {"transfer-transferred_to": "North ICB"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED and case.transferred_to == "North ICB"


def test_an_unknown_step_is_not_found(trust, client_for) -> None:
    case = record(trust)
    assert client_for("complaints_handler").post(step(case, "nonsense")).status_code == 404
