"""A member of the public complains online: no login, a reference, an email, no IP kept."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from wellled.complaints import public
from wellled.complaints.models import Attachment, Complaint, Patient
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FORM = "/complaints/make-a-complaint/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 10


def answers(trust: Any, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "full_name": "Jordan Ellis",
        "email": "jordan@example.org",
        "about_you": "self",
        "service": str(trust.service.pk),
        "summary": "I waited six hours and nobody told me why.",
        "issued": public.issue_token(now=time.time() - 30),
        "website": "",
    }
    values.update(overrides)
    return values


def test_the_form_is_open_to_anyone(trust) -> None:
    page = Client().get(FORM).content.decode()
    assert page.count("<h1") == 1 and "Make a complaint" in page
    assert 'name="website"' in page and 'aria-hidden="true"' in page


def test_a_complaint_made_online_gets_a_reference_on_screen_and_by_email(
    trust, django_capture_on_commit_callbacks
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="TestBrowser/1.0")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, answers(trust))
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert case.channel == "online" and case.handler is None
    assert case.acknowledgement_due is not None and case.backstop_due is not None
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page
    # The complainant's confirmation; the complaints managers' alert is tested in
    # test_triage.py.
    confirmation = [m for m in mail.outbox if m.to == ["jordan@example.org"]]
    assert len(confirmation) == 1
    assert case.reference in confirmation[0].subject and case.reference in confirmation[0].body
    # Neither the address nor the browser is kept anywhere.
    for event in AuditEvent.objects.all():
        assert "203.0.113.9" not in str(event.before) + str(event.after)
        assert "TestBrowser" not in str(event.before) + str(event.after)


def test_someone_complaining_for_another_person_records_the_patient(trust) -> None:
    response = Client().post(
        FORM,
        answers(
            trust,
            about_you="authorised",
            relationship="Son",
            patient_name="Pat Ellis",
            nhs_number="943 476 5919",
        ),
    )
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert case.patient is not None and case.patient.nhs_number == "9434765919"
    assert case.complainant.representative_basis == "authorised"
    assert case.complainant.consent_status == "awaited"


def test_an_invalid_nhs_number_is_refused_and_nothing_typed_is_lost(trust) -> None:
    response = Client().post(
        FORM,
        answers(trust, about_you="child", patient_name="Kim Ellis", nhs_number="943 476 5918"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "NHS number" in page
    assert "I waited six hours and nobody told me why." in page
    assert 'value="Kim Ellis"' in page
    assert not Complaint.objects.exists() and not Patient.objects.exists()


def test_a_filled_honeypot_saves_nothing(trust) -> None:
    response = Client().post(FORM, answers(trust, website="http://spam.example"))
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    assert mail.outbox == []


def test_a_submission_faster_than_a_person_is_refused_but_kept(trust) -> None:
    response = Client().post(FORM, answers(trust, issued=public.issue_token()))
    page = response.content.decode()
    assert "check your answers" in page
    assert "I waited six hours" in page
    assert not Complaint.objects.exists()
    # The form comes back with a fresh timestamp, so a person can send it again.
    assert 'name="issued"' in page


def test_a_stale_or_forged_timestamp_is_refused(trust) -> None:
    stale = public.issue_token(now=time.time() - public.MAX_AGE - 60)
    assert (
        "open for a long time" in Client().post(FORM, answers(trust, issued=stale)).content.decode()
    )
    forged = Client().post(FORM, answers(trust, issued="1700000000")).content.decode()
    assert "could not be checked" in forged
    assert not Complaint.objects.exists()


def test_a_connection_sending_too_many_is_limited(trust, monkeypatch) -> None:
    monkeypatch.setattr(public, "SUBMISSIONS_PER_DAY", 1)
    client = Client(REMOTE_ADDR="198.51.100.4")
    assert client.post(FORM, answers(trust)).status_code == 302
    refused = client.post(FORM, answers(trust, summary="Second"))
    assert "a lot of complaints from this connection" in refused.content.decode()
    assert Complaint.objects.count() == 1
    # Someone else is not affected.
    assert Client(REMOTE_ADDR="198.51.100.5").post(FORM, answers(trust)).status_code == 302


def test_the_rate_limit_key_hides_the_address_and_changes_daily(rf) -> None:
    request = rf.get(FORM, REMOTE_ADDR="192.0.2.1")
    key = public._rate_key(public.SENDING.group, request)
    assert "192.0.2.1" not in key
    assert key != public._rate_key(public.SENDING.group, rf.get(FORM, REMOTE_ADDR="192.0.2.2"))


def test_documents_are_checked_by_their_content(trust) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = Client().post(
        FORM,
        {
            **answers(trust),
            "documents": [
                SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
                SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
            ],
        },
    )
    assert ok.status_code == 302
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]
    assert all(a.from_public_form for a in Attachment.objects.all())

    fake = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00 not a pdf" * 10, content_type="application/pdf"
    )
    response = Client().post(FORM, {**answers(trust, summary="Another"), "documents": [fake]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "report.pdf is not a PDF, JPEG, PNG or Word (DOCX) file" in page
    assert "Another" in page
    assert Complaint.objects.count() == 1


def test_an_oversized_document_is_refused(trust, settings) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    page = Client().post(FORM, {**answers(trust), "documents": [big]}).content.decode()
    assert "scan.png is larger than" in page
    assert not Complaint.objects.exists()


def test_the_confirmation_link_cannot_be_forged() -> None:
    assert Client().get("/complaints/make-a-complaint/sent/C-2026-00001/").status_code == 404
