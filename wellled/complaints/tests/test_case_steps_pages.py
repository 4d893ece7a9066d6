"""Each remaining workflow step, taken from the case page by the people who do it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import Complaint, LateResponseTask, Status
from wellled.complaints.tests.support import record, to_responded
from wellled.complaints.tests.test_pages import date_parts, detail, step
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date


def _acknowledged(trust, days_ago: int = 10) -> Complaint:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=days_ago))
    return actions.acknowledge(
        acting_user=trust.people["complaints_manager"],
        complaint=case,
        acknowledged_on=case.received_on,
        discussion_offered_on=case.received_on,
    )


def test_the_trust_sets_a_date_only_once_the_complainant_is_told(trust, client_for) -> None:
    case = _acknowledged(trust)
    client = client_for("complaints_handler")
    today = timezone.localdate()
    due = today + datetime.timedelta(days=30)
    refused = client.post(
        step(case, "set_response_date"), date_parts("set_response_date-response_due", due)
    )
    assert "Tell the complainant the response date in writing" in refused.content.decode()
    case.refresh_from_db()
    assert case.response_due is None
    response = client.post(
        step(case, "set_response_date"),
        {
            **date_parts("set_response_date-response_due", due),
            "set_response_date-notified": "on",
            **date_parts("set_response_date-notified_on", today),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.response_due == due and case.response_date_basis == "set_by_trust"
    assert case.response_date_notified_on == today


def _with_date(trust, client) -> Complaint:
    case = _acknowledged(trust)
    today = timezone.localdate()
    return actions.agree_response_date(
        acting_user=trust.people["complaints_manager"],
        complaint=case,
        response_due=today + datetime.timedelta(days=5),
        agreed_on=today - datetime.timedelta(days=1),
        how_agreed="phone",
    )


def test_an_extension_needs_the_complainants_agreement_and_is_kept_as_history(
    trust, client_for
) -> None:
    client = client_for("complaints_handler")
    case = _with_date(trust, client)
    today = timezone.localdate()
    new_date = today + datetime.timedelta(days=40)
    form = {
        **date_parts("extend-new_date", new_date),
        "extend-requested_by": "trust",
        "extend-reason": "Waiting for the ward's statements",
    }
    refused = client.post(step(case, "extend"), form)
    page = refused.content.decode()
    assert "needs the complainant&#x27;s agreement" in page
    assert "Waiting for the ward&#x27;s statements" in page
    assert not case.extensions.exists()
    response = client.post(
        step(case, "extend"),
        {
            **form,
            "extend-complainant_agreed": "on",
            "extend-how_agreed": "email",
            **date_parts("extend-agreed_on", today),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.response_due == new_date
    extension = case.extensions.get()
    assert extension.how_agreed == "email" and extension.requested_by == "trust"
    page = client.get(detail(case)).content.decode()
    assert "Extensions of the response date" in page and "Waiting for the ward" in page


def test_no_extension_once_the_date_has_passed_without_prior_agreement(trust) -> None:
    manager = trust.people["complaints_manager"]
    case = record(trust, received_on=D(2026, 3, 2))
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=D(2026, 4, 1),
        agreed_on=D(2026, 3, 4),
        how_agreed="phone",
    )
    with pytest.raises(ValidationError) as caught:
        actions.extend_response_date(
            acting_user=manager,
            complaint=case,
            new_date=D(2026, 5, 1),
            complainant_agreed=True,
            how_agreed="phone",
            agreed_on=D(2026, 4, 2),
            requested_by="trust",
            reason="More time",
        )
    assert "already passed" in " ".join(caught.value.messages)


def test_a_missed_response_date_opens_one_late_letter_task(trust, client_for) -> None:
    manager = trust.people["complaints_manager"]
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=60))
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=case.received_on,
        discussion_offered_on=case.received_on,
    )
    actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=today - datetime.timedelta(days=2),
        agreed_on=case.received_on,
        how_agreed="phone",
    )
    opened = actions.open_late_response_tasks(acting_user=None)
    assert [t.complaint_id for t in opened] == [case.pk]
    assert actions.open_late_response_tasks(acting_user=None) == []
    task = LateResponseTask.objects.get()
    client = client_for("complaints_handler")
    page = client.get(detail(case)).content.decode()
    assert "Response date missed" in page and "letter to send" in page
    home = client.get("/").content.decode()
    assert "late response letter" in home
    refused = client.post(
        step(case, "late_letter"),
        {"late_letter-task": task.pk, **date_parts("late_letter-sent_on", today)},
    )
    assert "Say why the response is late" in refused.content.decode()
    response = client.post(
        step(case, "late_letter"),
        {
            "late_letter-task": task.pk,
            **date_parts("late_letter-sent_on", today),
            "late_letter-reason_for_delay": "The consultant was on leave",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.letter_sent_on == today
    assert AuditEvent.objects.filter(action="complaint.late_letter_sent").exists()


def test_the_handler_is_changed_from_the_case_page(trust, client_for) -> None:
    case = _acknowledged(trust)
    manager = trust.people["complaints_manager"]
    client = client_for("complaints_manager")
    response = client.post(step(case, "change_handler"), {"change_handler-handler": manager.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handler == manager
    outsider = trust.people["outsider"]
    refused = client.post(step(case, "change_handler"), {"change_handler-handler": outsider.pk})
    assert refused.status_code == 200
    case.refresh_from_db()
    assert case.handler == manager


def test_a_service_lead_cannot_take_steps(trust, client_for) -> None:
    case = _acknowledged(trust)
    response = client_for("service_lead").post(
        step(case, "exclude"), {"exclude-exclusion": "b", "exclude-exclusion_reason": "HR"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED


def test_a_regulation_8_exclusion_closes_the_case_and_stops_the_clocks(trust, client_for) -> None:
    case = _acknowledged(trust)
    client = client_for("complaints_manager")
    refused = client.post(step(case, "exclude"), {"exclude-exclusion": "b"})
    assert "Say why" in refused.content.decode()
    response = client.post(
        step(case, "exclude"),
        {"exclude-exclusion": "b", "exclude-exclusion_reason": "About their own employment"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.exclusion == "b" and not case.under_regulations


def test_a_pals_concern_escalates_into_a_complaint_keeping_its_history(trust, client_for) -> None:
    concern = record(trust, kind="pals", received_on=timezone.localdate())
    client = client_for("complaints_handler")
    response = client.post(step(concern, "escalate"), {})
    assert response.status_code == 302
    formal = Complaint.objects.get(escalated_from=concern)
    assert response["Location"] == detail(formal)
    assert formal.reference.startswith("C-") and formal.complainant == concern.complainant
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    assert concern.reference in client.get(detail(formal)).content.decode()
    assert formal.reference in client.get(detail(concern)).content.decode()


def test_an_oral_complaint_resolved_next_working_day_is_recorded_from_the_intake_page(
    trust, client_for
) -> None:
    today = timezone.localdate()
    response = client_for("complaints_handler").post(
        "/complaints/new/",
        {
            **date_parts("received_on", today),
            "channel": "phone",
            "kind": "oral_resolved",
            **date_parts("resolved_on", today),
            "service": str(trust.service.pk),
            "summary": "Parking fine explained",
            "complainant_name": "Lee",
            "complainant_phone": "01234 567890",
        },
    )
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert case.status == Status.CLOSED and case.acknowledgement_due is None


def test_the_ombudsmans_decision_and_recommendations_are_tracked_to_completion(
    trust, client_for
) -> None:
    manager = trust.people["complaints_manager"]
    case = to_responded(trust, record(trust), outcome="not_upheld")
    case = actions.close(acting_user=manager, complaint=case, closed_on=D(2026, 4, 3))
    client = client_for("complaints_manager")
    today = timezone.localdate()
    response = client.post(
        step(case, "refer_to_phso"),
        {
            **date_parts("refer_to_phso-referred_on", D(2026, 4, 10)),
            "refer_to_phso-phso_reference": "PHSO-123",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REFERRED_TO_PHSO
    referral = case.phso_referrals.get()
    refused = client.post(step(case, "close"), {})
    assert "Record the Ombudsman" in refused.content.decode()
    assert (
        client.post(
            step(case, "phso_decision"),
            {
                "phso_decision-referral": referral.pk,
                "phso_decision-decision": "partly_upheld",
                **date_parts("phso_decision-decision_on", D(2026, 6, 1)),
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            step(case, "phso_recommendation"),
            {
                "phso_recommendation-referral": referral.pk,
                "phso_recommendation-description": "Apologise and review triage",
                **date_parts("phso_recommendation-due_on", D(2026, 7, 1)),
            },
        ).status_code
        == 302
    )
    refused = client.post(step(case, "close"), {})
    assert "not yet completed" in refused.content.decode()
    recommendation = referral.recommendations.get()
    assert (
        client.post(
            step(case, "phso_complete"),
            {
                "phso_complete-recommendation": recommendation.pk,
                **date_parts("phso_complete-completed_on", today),
                "phso_complete-evidence": "Apology letter sent; triage audit done",
            },
        ).status_code
        == 302
    )
    assert client.post(step(case, "close"), {}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_closed_complaint_is_reopened_with_a_reason(trust, client_for) -> None:
    manager = trust.people["complaints_manager"]
    case = to_responded(trust, record(trust), outcome="not_upheld")
    case = actions.close(acting_user=manager, complaint=case, closed_on=D(2026, 4, 3))
    client = client_for("complaints_manager")
    refused = client.post(step(case, "reopen"), {"reopen-reason": ""})
    assert "Say why" in refused.content.decode()
    assert (
        client.post(step(case, "reopen"), {"reopen-reason": "New concerns raised"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.reopen_count == 1


def test_consent_is_recorded_with_its_evidence(trust, client_for) -> None:
    case = _acknowledged(trust)
    client = client_for("complaints_handler")
    refused = client.post(step(case, "consent"), {"consent-consent_status": "given"})
    assert "Say what shows consent was given" in refused.content.decode()
    response = client.post(
        step(case, "consent"),
        {"consent-consent_status": "given", "consent-consent_evidence": "Signed form, 4 March"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.complainant.consent_status == "given"


def test_people_are_edited_and_a_bad_nhs_number_loses_nothing(trust, client_for) -> None:
    case = _acknowledged(trust)
    client = client_for("complaints_handler")
    url = f"/complaints/{case.pk}/patient/"
    refused = client.post(url, {"full_name": "Sam Rivera", "nhs_number": "943 476 5918"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "NHS number" in page and 'value="Sam Rivera"' in page
    case.refresh_from_db()
    assert case.patient is None
    assert (
        client.post(url, {"full_name": "Sam Rivera", "nhs_number": "943 476 5919"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.patient is not None and case.patient.nhs_number == "9434765919"
    response = client.post(
        f"/complaints/{case.pk}/complainant/",
        {
            "full_name": "Alex Rivera-Jones",
            "email": "alex@example.org",
            "representative_basis": "self",
            "consent_status": "not_needed",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.complainant.full_name == "Alex Rivera-Jones"
    event = AuditEvent.objects.get(action="complaint.complainant_updated")
    assert "Alex" not in str(event.after)


def test_an_issue_is_edited(trust, client_for) -> None:
    from wellled.complaints.tests.support import issue, ref

    case = _acknowledged(trust)
    found = issue(trust, case)
    response = client_for("complaints_handler").post(
        f"/complaints/{case.pk}/issues/{found.pk}/",
        {
            "description": "No call back for a month",
            "subject": ref("ko41a_subject", "communications").pk,
            "service_area": ref("ko41a_service_area", "mental_health").pk,
            "profession": ref("profession", "nursing").pk,
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.description == "No call back for a month"


def test_a_document_is_attached_and_a_fake_one_refused(trust, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = _acknowledged(trust)
    client = client_for("complaints_handler")
    fake = SimpleUploadedFile("notes.docx", b"plain text pretending", content_type="text/plain")
    refused = client.post(step(case, "add_attachment"), {"add_attachment-attachment": fake})
    assert "notes.docx is not a PDF" in refused.content.decode()
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    assert (
        client.post(step(case, "add_attachment"), {"add_attachment-attachment": png}).status_code
        == 302
    )
    document = case.attachments.get()
    download = client.get(f"/complaints/{case.pk}/documents/{document.pk}/")
    assert download["Content-Type"] == "image/png" and download.content.startswith(b"\x89PNG")


def test_dates_that_make_a_case_late_ask_for_the_time_limit_decision(trust, client_for) -> None:
    """Correcting the dates to over 12 months before receipt (regulation 12) saves
    them and offers the decision on the case page; correcting them back withdraws it."""
    case = _acknowledged(trust)
    client = client_for("complaints_handler")
    url = f"/complaints/{case.pk}/details/"
    long_ago = case.received_on - datetime.timedelta(days=500)
    form = {"summary": "Edited summary", **date_parts("event_date", long_ago)}
    assert client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert case.event_date == long_ago and case.time_limit_decision == "pending"
    page = client.get(detail(case)).content.decode()
    assert "Decide on the 12-month time limit" in page
    recent = case.received_on - datetime.timedelta(days=30)
    form = {"summary": "Edited summary", **date_parts("event_date", recent)}
    assert client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert case.time_limit_decision == ""
    assert "Decide on the 12-month time limit" not in client.get(detail(case)).content.decode()
