"""Letters from templates (PDF and DOCX) and documents kept with a case, by API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wellled.complaints.models import Attachment, Complaint, Letter
from wellled.complaints.tests.support import record
from wellled.complaints.tests.test_api import detail
from wellled.complaints.uploads import max_bytes
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date
REFUSED = ["staff_member", "outsider", "operator"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def views_of(case: Complaint) -> int:
    return AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk)).count()


# Letters ------------------------------------------------------------------------------


def test_a_letter_is_drafted_from_the_template_edited_and_sent(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")

    drafted = client.post(detail(case, "letters/"), {"kind": "acknowledgement"}, format="json")

    assert drafted.status_code == 201, drafted.json()
    body = drafted.json()
    assert case.reference in body["subject"] and "Alex Rivera" in body["body"]
    letter = Letter.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="complaint.letter_drafted").exists()

    listed = client.get(detail(case, "letters/"))
    assert [item["id"] for item in listed.json()] == [letter.pk]
    assert "body" not in listed.json()[0]

    edited = client.patch(
        detail(case, f"letters/{letter.pk}/"), {"subject": "About your complaint"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["subject"] == "About your complaint"
    letter.refresh_from_db()
    assert letter.body == body["body"]

    future = client.post(
        detail(case, f"letters/{letter.pk}/sent/"), {"sent_on": "2099-01-01"}, format="json"
    )
    assert future.status_code == 400 and "future" in future.json()["sent_on"][0]
    sent = client.post(
        detail(case, f"letters/{letter.pk}/sent/"), {"sent_on": "2026-03-03"}, format="json"
    )
    assert sent.status_code == 200 and sent.json()["sent_on"] == "2026-03-03"
    after_sent = client.patch(
        detail(case, f"letters/{letter.pk}/"), {"subject": "Changed"}, format="json"
    )
    assert after_sent.status_code == 400 and "sent" in str(after_sent.json())


def test_a_final_response_checklist_needs_the_ombudsman_paragraph(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_manager")
    letter_id = client.post(detail(case, "letters/"), {"kind": "final"}, format="json").json()["id"]

    refused = client.patch(
        detail(case, f"letters/{letter_id}/"),
        {"body": "Dear Alex, we are sorry.", "confirms_ombudsman_rights": True},
        format="json",
    )

    assert refused.status_code == 400
    assert "Ombudsman rights paragraph" in refused.json()["confirms_ombudsman_rights"][0]
    letter = Letter.objects.get(pk=letter_id)
    assert "ombudsman.org.uk" in letter.body and not letter.confirms_ombudsman_rights

    confirmed = client.patch(
        detail(case, f"letters/{letter_id}/"),
        {
            "confirms_how_considered": True,
            "confirms_conclusions": True,
            "confirms_actions": True,
            "confirms_ombudsman_rights": True,
        },
        format="json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["checklist_complete"] is True
    assert confirmed.json()["has_ombudsman_paragraph"] is True
    # A final response is sent by recording the response, after sign-off.
    direct = client.post(
        detail(case, f"letters/{letter_id}/sent/"), {"sent_on": "2026-03-03"}, format="json"
    )
    assert direct.status_code == 400 and "record" in str(direct.json())


def test_a_pals_concern_has_no_final_response_letter(trust, api_for) -> None:
    concern = record(trust, kind="pals")
    response = api_for("complaints_manager").post(
        detail(concern, "letters/"), {"kind": "final"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    assert not Letter.objects.exists()


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_letter_downloads_as_pdf_or_docx_and_the_look_is_audited(trust, api_for, fmt) -> None:
    case = record(trust)
    client = api_for("complaints_handler")
    letter_id = client.post(detail(case, "letters/"), {"kind": "holding"}, format="json").json()[
        "id"
    ]
    before = views_of(case)

    response = client.get(detail(case, f"letters/{letter_id}/{fmt}/"))

    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    else:
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert case.reference in text
    assert f"{case.reference}-holding.{fmt}" in response["Content-Disposition"]
    assert views_of(case) == before + 1


@pytest.mark.parametrize("persona", ["service_lead", *REFUSED])
def test_letters_are_for_complaints_staff_only(trust, api_for, persona) -> None:
    case = record(trust)
    letter = api_for("complaints_manager").post(
        detail(case, "letters/"), {"kind": "acknowledgement"}, format="json"
    )
    letter_id = letter.json()["id"]
    client = api_for(persona)
    assert client.get(detail(case, "letters/")).status_code == 403
    assert client.post(detail(case, "letters/"), {}, format="json").status_code == 403
    assert client.get(detail(case, f"letters/{letter_id}/")).status_code == 403
    assert client.get(detail(case, f"letters/{letter_id}/pdf/")).status_code == 403
    assert client.post(detail(case, f"letters/{letter_id}/sent/"), {}).status_code == 403
    assert Letter.objects.count() == 1


def test_a_letter_of_another_case_is_a_404(trust, api_for) -> None:
    case, other = record(trust), record(trust)
    client = api_for("complaints_manager")
    letter_id = client.post(detail(other, "letters/"), {"kind": "holding"}, format="json").json()[
        "id"
    ]
    assert client.get(detail(case, f"letters/{letter_id}/")).status_code == 404


# Attachments ----------------------------------------------------------------------------


def _upload(client, case: Complaint, name: str, data: bytes):
    return client.post(
        detail(case, "attachments/"),
        {"attachment": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_a_document_is_attached_listed_and_downloaded(trust, api_for) -> None:
    case = record(trust)
    response = _upload(api_for("complaints_handler"), case, "scan.pdf", PDF)

    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "application/pdf"
    assert response.json()["size"] == len(PDF)
    reader = api_for("service_lead")
    listed = reader.get(detail(case, "attachments/"))
    assert [item["filename"] for item in listed.json()] == ["scan.pdf"]

    attachment_id = response.json()["id"]
    downloaded = reader.get(detail(case, f"attachments/{attachment_id}/download/"))
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="record.viewed", object_id=str(attachment_id)).exists()


def test_a_disguised_file_is_refused_by_its_content_not_its_name(trust, api_for) -> None:
    case = record(trust)
    response = _upload(api_for("complaints_manager"), case, "photo.png", b"MZ\x90\x00not an image")
    assert response.status_code == 400
    assert "its content was checked" in response.json()["attachment"][0]
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(trust, api_for) -> None:
    case = record(trust)
    response = _upload(api_for("complaints_manager"), case, "big.png", PNG + b"\x00" * max_bytes())
    assert response.status_code == 400
    assert "larger than 2 MB" in response.json()["attachment"][0]
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_is_a_400(trust, api_for) -> None:
    case = record(trust)
    response = api_for("complaints_manager").post(
        detail(case, "attachments/"), {}, format="multipart"
    )
    assert response.status_code == 400 and "attachment" in response.json()


@pytest.mark.parametrize("persona", ["service_lead", *REFUSED])
def test_only_complaints_staff_attach_documents(trust, api_for, persona) -> None:
    case = record(trust)
    response = _upload(api_for(persona), case, "photo.png", PNG)
    assert response.status_code == 403
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_people_without_complaints_access_cannot_read_documents(trust, api_for, persona) -> None:
    case = record(trust)
    attachment_id = _upload(api_for("complaints_manager"), case, "p.png", PNG).json()["id"]
    client = api_for(persona)
    assert client.get(detail(case, "attachments/")).status_code == 403
    assert client.get(detail(case, f"attachments/{attachment_id}/download/")).status_code == 403


# Downloads and the Accept header ---------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _letter(client, case: Complaint) -> int:
    return client.post(detail(case, "letters/"), {"kind": "holding"}, format="json").json()["id"]


@pytest.mark.parametrize(
    ("fmt", "accept"),
    [
        ("pdf", "application/pdf"),
        ("pdf", "application/*"),
        ("pdf", "*/*"),
        ("pdf", None),
        ("pdf", "text/csv, application/pdf;q=0.5"),
        ("docx", DOCX),
        ("docx", "*/*"),
        ("docx", None),
        # Clients that send JSON with every call were answered before this; they still are.
        ("pdf", "application/json"),
    ],
)
def test_a_letter_downloads_for_an_accept_that_takes_its_type(trust, api_for, fmt, accept) -> None:
    case = record(trust)
    client = api_for("complaints_handler")
    letter_id = _letter(client, case)
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}

    response = client.get(detail(case, f"letters/{letter_id}/{fmt}/"), **headers)

    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == ("application/pdf" if fmt == "pdf" else DOCX)
    assert response.content.startswith(b"%PDF" if fmt == "pdf" else b"PK")


@pytest.mark.parametrize(
    ("fmt", "accept"),
    [("pdf", "text/csv"), ("pdf", "text/html"), ("pdf", DOCX), ("docx", "application/pdf")],
)
def test_a_letter_asked_for_in_a_type_it_cannot_be_is_a_406(trust, api_for, fmt, accept) -> None:
    case = record(trust)
    client = api_for("complaints_handler")
    letter_id = _letter(client, case)
    before = views_of(case)

    response = client.get(detail(case, f"letters/{letter_id}/{fmt}/"), HTTP_ACCEPT=accept)

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response.json()["detail"]
    assert views_of(case) == before


def test_a_refused_download_asking_for_a_pdf_is_answered_in_json(trust, api_for) -> None:
    case = record(trust)
    letter_id = _letter(api_for("complaints_manager"), case)

    refused = api_for("service_lead").get(
        detail(case, f"letters/{letter_id}/pdf/"), HTTP_ACCEPT="application/pdf"
    )
    missing = api_for("complaints_manager").get(
        detail(case, "letters/999999/pdf/"), HTTP_ACCEPT="application/pdf"
    )

    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["image/png", "image/*", "*/*", None, "application/json"])
def test_a_document_downloads_for_an_accept_that_takes_its_own_type(trust, api_for, accept) -> None:
    case = record(trust)
    attachment_id = _upload(api_for("complaints_manager"), case, "p.png", PNG).json()["id"]
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}

    response = api_for("service_lead").get(
        detail(case, f"attachments/{attachment_id}/download/"), **headers
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content == PNG


@pytest.mark.parametrize("accept", ["application/pdf", "text/csv", DOCX])
def test_a_document_asked_for_in_another_type_is_a_406(trust, api_for, accept) -> None:
    case = record(trust)
    attachment_id = _upload(api_for("complaints_manager"), case, "p.png", PNG).json()["id"]

    response = api_for("service_lead").get(
        detail(case, f"attachments/{attachment_id}/download/"), HTTP_ACCEPT=accept
    )

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert not AuditEvent.objects.filter(
        action="record.viewed", object_id=str(attachment_id)
    ).exists()


def test_a_pdf_document_downloads_when_a_pdf_is_asked_for(trust, api_for) -> None:
    case = record(trust)
    attachment_id = _upload(api_for("complaints_manager"), case, "s.pdf", PDF).json()["id"]
    response = api_for("service_lead").get(
        detail(case, f"attachments/{attachment_id}/download/"), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200 and response.content == PDF


def test_the_schema_names_the_file_types_the_downloads_give(client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    letter = paths["/api/v1/complaints/{id}/letters/{letter_pk}/{fmt}/"]["get"]
    document = paths["/api/v1/complaints/{id}/attachments/{attachment_pk}/download/"]["get"]
    assert set(letter["responses"]["200"]["content"]) == {"application/pdf", DOCX}
    assert set(document["responses"]["200"]["content"]) == {
        "application/pdf",
        "image/jpeg",
        "image/png",
        DOCX,
    }
