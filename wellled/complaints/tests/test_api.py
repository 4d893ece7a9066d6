"""/api/v1/complaints/: the same cases, clocks and refusals as the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wellled.complaints import actions
from wellled.complaints.models import Complaint, Status
from wellled.complaints.tests.support import record
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.core.workdays import trust_calendar

D = datetime.date
LIST = "/api/v1/complaints/"

pytestmark = pytest.mark.django_db


def detail(case: Complaint, sub: str = "") -> str:
    return f"{LIST}{case.pk}/{sub}"


def intake(trust: Trust, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "received_on": "2026-03-06",
        "channel": "letter",
        "service": trust.service.pk,
        "summary": "My father waited three weeks for a call back.",
        "complainant_name": "Alex Rivera",
        "complainant_email": "alex@example.org",
    }
    body.update(overrides)
    return body


# Recording a complaint -----------------------------------------------------------


def test_a_complaint_received_on_a_friday_is_due_acknowledgement_the_wednesday(
    trust, api_for
) -> None:
    response = api_for("complaints_handler").post(LIST, intake(trust), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    friday = D(2026, 3, 6)
    assert friday.weekday() == 4
    assert body["reference"].startswith("C-2026-")
    assert body["received_on"] == "2026-03-06"
    assert body["acknowledgement_due"] == "2026-03-11"
    assert D(2026, 3, 11) == trust_calendar().add_working_days(friday, 3)
    assert D(2026, 3, 11).weekday() == 2
    assert body["response_due"] is None
    # Reg 14(2): the six months beginning on 6 March end on 5 September.
    assert body["backstop_due"] == "2026-09-05"
    assert body["status"] == "received"
    case = Complaint.objects.get(pk=body["id"])
    assert case.reference == body["reference"]
    # As on the page, whoever records the case handles it.
    assert case.handler == trust.people["complaints_handler"]
    assert case.complainant.full_name == "Alex Rivera"
    assert AuditEvent.objects.filter(action="complaint.recorded", object_id=str(case.pk)).exists()


def test_a_bank_holiday_monday_pushes_the_acknowledgement_to_thursday(trust, api_for) -> None:
    # Monday 25 May 2026 is the spring bank holiday.
    response = api_for("complaints_manager").post(
        LIST, intake(trust, received_on="2026-05-22"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["acknowledgement_due"] == "2026-05-28"


def test_a_patient_given_at_intake_is_recorded_with_the_case(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST,
        intake(trust, patient_name="Sam Rivera", nhs_number="943 476 5919"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["patient"] == {
        "full_name": "Sam Rivera",
        "nhs_number": "9434765919",
        "date_of_birth": None,
    }


def test_a_received_date_in_the_future_is_a_400_naming_the_field(trust, api_for) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api_for("complaints_handler").post(
        LIST, intake(trust, received_on=tomorrow.isoformat()), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"received_on": ["The date received cannot be in the future"]}
    assert not Complaint.objects.exists()


def test_missing_details_are_a_400_naming_each_field(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST, intake(trust, channel="fax", complainant_name=""), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"channel", "complainant_name"}


def test_a_complainant_with_no_way_to_reach_them_is_refused(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST, intake(trust, complainant_email=""), format="json"
    )

    assert response.status_code == 400
    assert "complainant_contact" in response.json()
    assert not Complaint.objects.exists()


def test_a_unit_that_is_not_a_service_is_a_400(trust, api_for) -> None:
    response = api_for("complaints_handler").post(
        LIST, intake(trust, service=trust.team.pk), format="json"
    )

    assert response.status_code == 400
    assert "is not a service" in response.json()["service"][0]


@pytest.mark.parametrize("persona", ["service_lead", "board_member", "outsider"])
def test_only_complaints_staff_record_complaints(trust, api_for, persona) -> None:
    response = api_for(persona).post(LIST, intake(trust), format="json")

    assert response.status_code == 403
    assert not Complaint.objects.exists()


# Reading cases --------------------------------------------------------------------


def test_a_service_lead_sees_only_their_services_cases(trust, api_for) -> None:
    ours = record(trust)
    theirs = record(trust, service=trust.other_service)
    lead = api_for("service_lead")

    listed = lead.get(LIST).json()
    assert [row["id"] for row in listed["results"]] == [ours.pk]
    assert lead.get(detail(ours)).status_code == 200
    assert lead.get(detail(theirs)).status_code == 403
    handler_list = api_for("complaints_handler").get(LIST).json()
    assert {row["id"] for row in handler_list["results"]} == {ours.pk, theirs.pk}


def test_the_list_holds_no_personal_data(trust, api_for) -> None:
    record(trust)

    row = api_for("complaints_handler").get(LIST).json()["results"][0]

    assert "summary" not in row and "complainant" not in row and "patient" not in row
    assert row["next_deadline"] == {"label": "Acknowledge", "due": row["acknowledgement_due"]}


def test_getting_a_case_shows_its_people_and_records_the_view(trust, api_for) -> None:
    case = record(trust, patient=actions.PatientDetails("Sam Rivera", "943 476 5919"))
    before = AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk)).count()

    body = api_for("service_lead").get(detail(case)).json()

    assert body["reference"] == case.reference
    assert body["summary"] == case.summary
    assert body["complainant"]["full_name"] == "Alex Rivera"
    assert body["patient"]["nhs_number"] == "9434765919"
    after = AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk))
    assert after.count() == before + 1
    assert after.latest("seq").actor == trust.people["service_lead"]


def test_a_case_that_does_not_exist_is_a_404(trust, api_for) -> None:
    client = api_for("complaints_handler")
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.get(f"{LIST}abc/").status_code == 404


@pytest.mark.parametrize("persona", ["board_member", "outsider"])
def test_people_without_complaints_access_are_refused(trust, api_for, persona) -> None:
    case = record(trust)
    client = api_for(persona)

    assert client.get(LIST).status_code == 403
    assert client.get(detail(case)).status_code == 403


def test_anonymous_requests_are_a_401(trust) -> None:
    case = record(trust)
    client = APIClient()

    assert client.get(LIST).status_code == 401
    assert client.get(detail(case)).status_code == 401
    assert client.post(LIST, intake(trust), format="json").status_code == 401
    assert client.post(detail(case, "acknowledge/"), {}, format="json").status_code == 401


def test_the_list_filters_by_status_service_and_overdue(trust, api_for) -> None:
    today = timezone.localdate()
    late = record(trust, received_on=today - datetime.timedelta(days=30))
    fresh = record(trust, received_on=today, service=trust.other_service)
    done = record(trust, received_on=today - datetime.timedelta(days=30))
    done = actions.acknowledge(
        acting_user=trust.people["complaints_manager"],
        complaint=done,
        acknowledged_on=today,
        discussion_offered_on=today,
    )
    client = api_for("complaints_handler")

    def ids(query: str) -> set[int]:
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=acknowledged") == {done.pk}
    assert ids(f"service={trust.other_service.pk}") == {fresh.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("overdue=false") == {fresh.pk, done.pk}
    assert client.get(f"{LIST}?status=lost").status_code == 400
    assert client.get(f"{LIST}?service=north").status_code == 400
    assert client.get(f"{LIST}?overdue=yes").status_code == 400


# The steps ------------------------------------------------------------------------


def test_a_handler_acknowledges_a_case(trust, api_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=2))

    response = api_for("complaints_handler").post(
        detail(case, "acknowledge/"),
        {"acknowledged_on": today.isoformat(), "discussion_offered_on": today.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.ACKNOWLEDGED
    assert response.json()["acknowledged_on"] == today.isoformat()
    case.refresh_from_db()
    assert case.acknowledged_on == today


def test_an_acknowledgement_dated_in_the_future_is_a_400(trust, api_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=2))
    tomorrow = today + datetime.timedelta(days=1)

    response = api_for("complaints_handler").post(
        detail(case, "acknowledge/"),
        {"acknowledged_on": tomorrow.isoformat(), "discussion_offered_on": today.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["acknowledged_on"]
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_acknowledging_twice_is_a_400(trust, api_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=2))
    client = api_for("complaints_handler")
    body = {"acknowledged_on": today.isoformat(), "discussion_offered_on": today.isoformat()}

    assert client.post(detail(case, "acknowledge/"), body, format="json").status_code == 200
    again = client.post(detail(case, "acknowledge/"), body, format="json")

    assert again.status_code == 400
    assert "while it is acknowledged" in again.json()["non_field_errors"][0]


def test_agreeing_a_response_date_sets_it_and_keeps_the_backstop(trust, api_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    client = api_for("complaints_handler")
    body = {"response_due": "2026-04-30", "agreed_on": "2026-03-05", "how_agreed": "phone"}

    response = client.post(detail(case, "agree-response-date/"), body, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["response_due"] == "2026-04-30"
    assert response.json()["response_date_basis"] == "agreed"
    assert response.json()["backstop_due"] == "2026-09-01"
    # A date once agreed changes only by an extension.
    again = client.post(detail(case, "agree-response-date/"), body, format="json")
    assert again.status_code == 400


def test_an_agreed_date_before_the_agreement_is_a_400(trust, api_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))

    response = api_for("complaints_handler").post(
        detail(case, "agree-response-date/"),
        {"response_due": "2026-03-04", "agreed_on": "2026-03-05", "how_agreed": "phone"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["response_due"]


@pytest.mark.parametrize("sub", ["acknowledge/", "agree-response-date/"])
def test_a_service_lead_cannot_take_steps(trust, api_for, sub) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=2))
    body = {
        "acknowledged_on": today.isoformat(),
        "discussion_offered_on": today.isoformat(),
        "response_due": (today + datetime.timedelta(days=30)).isoformat(),
        "agreed_on": today.isoformat(),
        "how_agreed": "phone",
    }

    response = api_for("service_lead").post(detail(case, sub), body, format="json")

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.response_due is None
