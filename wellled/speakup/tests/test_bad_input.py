"""Each kind of bad input gets a clear message, and nothing typed is lost."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from wellled.speakup import actions
from wellled.speakup.models import Attachment, Case
from wellled.speakup.tests.support import anonymous_concern, give_key, unlocked_client
from wellled.speakup.tests.url_access import PNG

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


@pytest.mark.django_db
def test_a_mistyped_code_is_only_not_recognised(trust, guardian) -> None:
    give_key(guardian)
    code = anonymous_concern().code or ""
    client = Client()
    typed = code[:-1] + ("Z" if code[-1] != "Z" else "Y")
    response = client.post("/speak-up/anonymous/return/", {"code": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That code was not recognised" in page
    assert "Your concern" not in page
    # The code typed is kept in the box to correct.
    assert f'value="{typed}"' in page


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=1)
def test_an_empty_or_misshapen_code_is_a_slip_to_correct_not_a_guess(trust, guardian) -> None:
    give_key(guardian)
    code = anonymous_concern().code or ""
    client = Client()
    for typed in [code[:-3], "hello", "", code + "Q"]:
        response = client.post("/speak-up/anonymous/return/", {"code": typed})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Enter the 25-character code you were given" in page
        assert "not recognised" not in page
        if typed:
            assert f'value="{typed}"' in page
    # None of them used up the one wrong guess allowed: the right code still opens.
    assert client.post("/speak-up/anonymous/return/", {"code": code}).status_code == 200


@pytest.mark.django_db
def test_an_empty_narrative_is_refused_and_the_rest_kept(trust) -> None:
    response = Client().post(
        "/speak-up/anonymous/", {"narrative": "   ", "notify_email": "me@example.org"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tell us what your concern is" in page
    assert 'value="me@example.org"' in page
    assert Case.objects.count() == 0
    api = Client().post(
        "/api/v1/speak-up/anonymous/concerns/", {"narrative": ""}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json()["narrative"] == ["Tell us what your concern is"]


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_MAX_UPLOAD_BYTES=1000)
def test_an_oversized_file_is_refused_and_the_narrative_kept(trust) -> None:
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * 2000, content_type="image/png")
    response = Client().post(
        "/speak-up/anonymous/", {"narrative": "Broken hoist on ward 3", "files": [big]}
    )
    page = response.content.decode()
    assert "is larger than" in page
    assert "Broken hoist on ward 3" in page
    assert "choose them again" in page
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_disguised_file_is_refused(trust) -> None:
    for name, data, message in [
        ("minutes.pdf", EXE, "not a file type we accept"),
        ("photo.jpg", PNG, "named as a different type"),
        ("notes.txt", b"just some text", "not a file type we accept"),
    ]:
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        response = Client().post(
            "/speak-up/anonymous/", {"narrative": "See file", "files": [upload]}
        )
        assert message in response.content.decode(), name
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_real_files_are_accepted_and_sealed(trust, guardian) -> None:
    give_key(guardian)
    upload = SimpleUploadedFile("rota.pdf", PDF, content_type="application/pdf")
    response = Client().post("/speak-up/anonymous/", {"narrative": "See file", "files": [upload]})
    assert "code" in response.context
    attachment = Attachment.objects.get()
    assert PDF not in bytes(attachment.sealed_data)


@pytest.mark.django_db
def test_a_guardian_cannot_reply_on_a_closed_case_and_the_text_is_kept(trust, guardian) -> None:
    private = give_key(guardian)
    case = anonymous_concern().case
    actions.close_case(acting_user=guardian, case=case, private_key=private, outcome="Resolved")
    with pytest.raises(ValidationError, match="closed"):
        actions.post_guardian_message(
            acting_user=guardian, case=case, private_key=private, body="One more thing"
        )
    client = unlocked_client(Client(), guardian)
    response = client.post(
        f"/speak-up/guardian/case/{case.reference}/", {"op": "reply", "body": "One more thing"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This case is closed" in page
    assert "One more thing" in page
    # A note for guardians is still possible.
    actions.post_guardian_message(
        acting_user=guardian, case=case, private_key=private, body="Filed", internal=True
    )


@pytest.mark.django_db
def test_a_reporter_cannot_message_a_closed_case(trust, guardian) -> None:
    private = give_key(guardian)
    result = anonymous_concern()
    actions.close_case(acting_user=guardian, case=result.case, private_key=private, outcome="Done")
    session = actions.open_with_code(code=result.code or "")
    with pytest.raises(ValidationError, match="closed"):
        actions.post_reporter_message(session=session, body="But wait")
    api = Client().post(
        "/api/v1/speak-up/anonymous/messages/",
        {"code": result.code, "body": "But wait"},
        content_type="application/json",
    )
    assert api.status_code == 400


@pytest.mark.django_db
def test_metadata_is_stripped_only_with_consent(trust, guardian) -> None:
    from PIL import Image

    private = give_key(guardian)
    image = Image.new("RGB", (4, 4), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMakerXYZ"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    jpeg = buffer.getvalue()
    assert b"CameraMakerXYZ" in jpeg
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_metadata({"/Author": "Authorname Secret"})
    pdf_buffer = io.BytesIO()
    writer.write(pdf_buffer)
    pdf = pdf_buffer.getvalue()
    assert b"Authorname Secret" in pdf
    for strip in (True, False):
        result = anonymous_concern(
            "With evidence", files=[("a.jpg", jpeg), ("b.pdf", pdf)], strip_metadata=strip
        )
        ctx = actions.open_case(acting_user=guardian, case=result.case, private_key=private)
        data = b"".join(
            actions.crypto.open_sealed(ctx.case_key, a.sealed_data)
            for a in Attachment.objects.filter(case=result.case)
        )
        assert (b"CameraMakerXYZ" in data) is not strip
        assert (b"Authorname Secret" in data) is not strip
