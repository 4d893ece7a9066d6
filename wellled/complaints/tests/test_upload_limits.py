"""Complaint documents are held to their policy wherever they arrive.

A member of the public (Jordan Ellis on the public form) and a complaints manager
(on the case's page and through the API) send documents. A document's name must end
as its content does, no file may be larger than the configured limit
(`MAX_UPLOAD_BYTES`, 2 MB by default: docs/configuration.md), and a body far past
that limit is not kept in memory or written to a temporary file, even when the
connection drops half way through.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream, WSGIRequest
from django.http import UnreadablePostError
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart

from wellled.complaints.models import Attachment, Complaint, HeldUpload
from wellled.complaints.tests.support import record
from wellled.complaints.tests.test_api_letters_and_attachments import _upload
from wellled.complaints.tests.test_case_steps_pages import step
from wellled.complaints.tests.test_public_form import FORM, PDF, PNG, answers

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _public_form(trust: Any, *documents: SimpleUploadedFile) -> str:
    response = Client().post(FORM, {**answers(trust), "documents": list(documents)})
    assert response.status_code == 200, "the form should come back with the problem"
    return response.content.decode()


@pytest.mark.parametrize("name", ["invoice.exe", "page.html", "letter"])
def test_the_public_form_refuses_a_pdf_named_as_something_else(trust, name: str) -> None:
    page = _public_form(trust, SimpleUploadedFile(name, PDF, content_type="application/pdf"))
    assert f"{name} is a PDF file but its name ends" in page
    assert "Jordan Ellis" in page, "what was typed is kept"
    assert not Complaint.objects.exists() and not HeldUpload.objects.exists()


def test_the_public_form_refuses_a_file_past_the_documented_2_mb(trust) -> None:
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * (5 * MB), content_type="image/png")
    page = _public_form(trust, big)
    assert "scan.png is larger than 2 MB" in page
    assert not Complaint.objects.exists() and not HeldUpload.objects.exists()


def test_the_public_form_says_the_configured_limit() -> None:
    page = Client().get(FORM).content.decode()
    assert "of up to 2 MB" in page


def test_a_manager_cannot_attach_a_disguised_or_oversized_document(trust, client_for) -> None:
    case = record(trust)
    client = client_for("complaints_manager")
    for name, data, problem in (
        ("invoice.exe", PDF, "invoice.exe is a PDF file but its name ends .exe"),
        ("scan.png", PNG + b"\x00" * (3 * MB), "scan.png is larger than 2 MB"),
    ):
        upload = SimpleUploadedFile(name, data)
        page = client.post(step(case, "add_attachment"), {"add_attachment-attachment": upload})
        assert problem in page.content.decode()
    assert not Attachment.objects.exists()


def test_the_api_refuses_a_disguised_document(trust, api_for) -> None:
    response = _upload(api_for("complaints_manager"), record(trust), "page.html", PDF)
    assert response.status_code == 400
    assert "page.html is a PDF file but its name ends .html" in response.json()["attachment"][0]
    assert not Attachment.objects.exists()


def _request(body: bytes, content_length: int) -> WSGIRequest:
    return WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": FORM,
            "CONTENT_TYPE": MULTIPART_CONTENT,
            "CONTENT_LENGTH": str(content_length),
            "wsgi.input": FakePayload(body),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
    )


class _DroppedConnection(io.BytesIO):
    """A request stream whose connection is reset once what was sent is read."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if not data:
            raise ConnectionResetError("connection reset by peer")
        return data


def _body(size: int) -> bytes:
    upload = SimpleUploadedFile("scan.png", PNG + b"\x00" * size, content_type="image/png")
    return encode_multipart(BOUNDARY, {"summary": "What happened", "documents": upload})


def test_a_body_far_past_the_limit_is_neither_buffered_nor_written_to_disk(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = _body(20 * MB)
    request = _request(body, len(body))

    upload = request.FILES["documents"]

    assert isinstance(upload, InMemoryUploadedFile)
    assert len(upload.read()) == settings.MAX_UPLOAD_BYTES + 1, "no more than a byte past"
    assert (upload.size or 0) > 20 * MB, "still known to be too large"
    assert request.POST["summary"] == "What happened", "the typed answers are kept"
    assert list(Path(tmp_path).iterdir()) == []


def test_an_interrupted_upload_leaves_no_temporary_file(settings, tmp_path) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = _body(6 * MB)
    # The connection drops in the middle of the file, as a WSGI server reports it.
    request = _request(b"", len(body))
    request._stream = LimitedStream(_DroppedConnection(body[: 4 * MB]), len(body))  # type: ignore[assignment]  # as WSGIRequest sets it

    with pytest.raises(UnreadablePostError):
        request.FILES  # noqa: B018 - reading the body is the point

    assert list(Path(tmp_path).iterdir()) == []


def test_files_past_the_count_arrive_empty_not_buffered(settings) -> None:
    files = [SimpleUploadedFile(f"{n}.png", PNG, content_type="image/png") for n in range(12)]
    body = encode_multipart(BOUNDARY, {"documents": files})
    request = _request(body, len(body))
    sizes = [len(f.read()) for f in request.FILES.getlist("documents")]
    assert sizes == [len(PNG)] * 10 + [0, 0]


def test_the_bounded_handler_is_the_only_one(settings) -> None:
    assert settings.FILE_UPLOAD_HANDLERS == ["wellled.core.uploads.BoundedUploadHandler"]
    # Read by the handler: a setting lowered in a test applies at once.
    settings.MAX_UPLOAD_BYTES = 100
    body = _body(1000)
    upload = _request(body, len(body)).FILES.getlist("documents")[0]
    assert len(upload.read()) == 101
