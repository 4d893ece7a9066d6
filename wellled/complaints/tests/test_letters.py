"""Letters from editable templates, as PDF and DOCX; the final response's checklist."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.complaints import actions, letters
from wellled.complaints.models import Complaint, LetterTemplate, Status
from wellled.complaints.tests.support import final_letter, record
from wellled.complaints.tests.test_pages import date_parts

pytestmark = pytest.mark.django_db


def test_a_complaints_manager_edits_a_template_and_letters_use_it(trust, client_for) -> None:
    client = client_for("complaints_manager")
    url = "/complaints/letter-templates/acknowledgement/"
    assert (
        "{{ reference }}" in client.get(url).content.decode() or client.get(url).status_code == 200
    )
    refused = client.post(
        url, {"subject": "Ref {{ reference }}", "body": "{% load x %}{{ user.password }}"}
    )
    page = refused.content.decode()
    assert "may not use" in page and "is not a letter variable" in page
    assert not LetterTemplate.objects.exists()
    response = client.post(
        url,
        {
            "subject": "Ref {{ reference }}",
            "body": "Hello {{ complainant_name }}, about {{ service }}.",
        },
    )
    assert response.status_code == 302
    case = record(trust)
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_handler"], complaint=case, kind="acknowledgement"
    )
    assert letter.subject == f"Ref {case.reference}"
    assert letter.body == f"Hello Alex Rivera, about {trust.service.name}."


def test_a_handler_cannot_edit_templates(trust, client_for) -> None:
    client = client_for("complaints_handler")
    assert client.get("/complaints/letter-templates/").status_code == 403
    response = client.post("/complaints/letter-templates/final/", {"subject": "x", "body": "y"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.save_letter_template(
            acting_user=trust.people["complaints_handler"], kind="final", subject="x", body="y"
        )


def test_template_syntax_is_limited_to_safe_variables() -> None:
    assert letters.template_errors("Dear {{ complainant_name }}") == []
    assert letters.template_errors("{{ complainant_name|upper }}")
    assert letters.template_errors("{{ complaint.patient.nhs_number }}")
    assert letters.template_errors("{% if x %}{% endif %}")
    assert letters.template_errors("{{ reference ")


def test_letters_download_as_pdf_and_docx(trust, client_for) -> None:
    case = record(trust)
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_manager"], complaint=case, kind="holding"
    )
    client = client_for("complaints_handler")
    pdf = client.get(f"/complaints/{case.pk}/letters/{letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/complaints/{case.pk}/letters/{letter.pk}/docx/")
    assert docx.content.startswith(b"PK")
    assert client.get(f"/complaints/{case.pk}/letters/{letter.pk}/odt/").status_code == 404
    assert (
        client_for("service_lead")
        .get(f"/complaints/{case.pk}/letters/{letter.pk}/pdf/")
        .status_code
        == 403
    )


def test_a_letter_is_recorded_as_sent(trust, client_for) -> None:
    case = record(trust)
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_manager"], complaint=case, kind="acknowledgement"
    )
    response = client_for("complaints_handler").post(
        f"/complaints/{case.pk}/letters/{letter.pk}/", date_parts("sent_on", case.received_on)
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.sent_on == case.received_on


def test_a_final_response_needs_its_checklist_and_the_ombudsman_paragraph(trust) -> None:
    import datetime

    manager = trust.people["complaints_manager"]
    case = record(trust)
    received = case.received_on
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=received,
        discussion_offered_on=received,
    )
    actions.start_investigation(acting_user=manager, complaint=case)
    from wellled.complaints.tests.support import issue

    actions.record_issue_outcome(
        acting_user=manager, issue=issue(trust, case), outcome="not_upheld"
    )
    actions.submit_draft(acting_user=manager, complaint=case)
    handler = trust.people["complaints_handler"]
    sent_on = received + datetime.timedelta(days=1)

    def sign() -> None:
        actions.sign_off(
            acting_user=manager,
            complaint=case,
            capacity="responsible_person",
            signed_off_on=received,
        )

    # Sign-off signs a letter: there must be one, its checklist complete.
    with pytest.raises(ValidationError) as caught:
        sign()
    assert "Draft the final response letter" in " ".join(caught.value.messages)
    letter = actions.draft_letter(acting_user=handler, complaint=case, kind="final")
    with pytest.raises(ValidationError) as caught:
        sign()
    assert "Confirm every item" in " ".join(caught.value.messages)
    # Ticking the Ombudsman box on a letter without the paragraph is refused.
    with pytest.raises(ValidationError) as caught:
        actions.edit_letter(
            acting_user=handler,
            letter=letter,
            subject=letter.subject,
            body="Dear Alex, we looked into it. Yours sincerely",
            confirms_how_considered=True,
            confirms_conclusions=True,
            confirms_actions=True,
            confirms_ombudsman_rights=True,
        )
    assert "Ombudsman rights paragraph" in " ".join(caught.value.messages)
    assert Complaint.objects.get(pk=case.pk).status == Status.DRAFT_RESPONSE
    final_letter(handler, case)
    sign()
    case = actions.record_response(acting_user=manager, complaint=case, responded_on=sent_on)
    assert case.status == Status.RESPONDED
    assert case.letters.get(kind="final", confirms_ombudsman_rights=True).sent_on == sent_on


def test_the_final_response_is_not_sent_from_the_letter_page(trust, client_for) -> None:
    case = record(trust)
    letter = actions.draft_letter(
        acting_user=trust.people["complaints_manager"], complaint=case, kind="final"
    )
    response = client_for("complaints_manager").post(
        f"/complaints/{case.pk}/letters/{letter.pk}/", date_parts("sent_on", case.received_on)
    )
    assert "recording the response as sent" in response.content.decode()
    letter.refresh_from_db()
    assert letter.sent_on is None
