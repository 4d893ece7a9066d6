"""A member of the public attaches documents to a form that comes back with a problem.

Documents that pass the checks are held, listed by name, and sent with the complaint
when the form is corrected; nothing about the sender is held with them.
"""

from __future__ import annotations

import datetime
import re
import time
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from wellled.complaints import actions, public, tasks, uploads
from wellled.complaints.models import Attachment, Complaint, HeldUpload
from wellled.complaints.tests.test_public_form import FORM, PDF, PNG, answers
from wellled.core import scanning
from wellled.core.models import AuditEvent
from wellled.core.uploads import check_bytes

pytestmark = pytest.mark.django_db


def png(name: str, extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + extra, content_type="image/png")


def held_in(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="held" value="([^"]+)">', page)


def with_an_error(trust: Any, client: Client, files: list[Any], **extra: Any) -> str:
    """Send the form with no summary (a problem), and these documents."""
    response = client.post(FORM, {**answers(trust, summary=""), "documents": files, **extra})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tell us what happened" in page
    return page


def test_documents_are_kept_across_an_error_and_attached_when_the_form_is_sent(trust) -> None:
    client = Client()
    page = with_an_error(
        trust,
        client,
        [png("photo.png"), SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
    )

    assert "choose them again" not in page
    assert "Documents you have already attached" in page
    assert "Remove photo.png" in page and "Remove letter.pdf" in page
    held = held_in(page)
    assert len(held) == 2 and HeldUpload.objects.count() == 2
    assert not Complaint.objects.exists()

    sent = client.post(FORM, {**answers(trust), "held": held})

    assert sent.status_code == 302
    case = Complaint.objects.get()
    attached = {a.filename: bytes(a.data) for a in Attachment.objects.filter(complaint=case)}
    assert attached == {"photo.png": PNG, "letter.pdf": PDF}
    assert all(a.from_public_form for a in case.attachments.all())
    assert not HeldUpload.objects.exists()


def test_new_documents_join_those_held_and_a_removed_one_is_deleted(trust) -> None:
    client = Client()
    first = held_in(with_an_error(trust, client, [png("a.png"), png("b.png")]))
    remove_b = first[1]

    page = with_an_error(trust, client, [png("c.png")], held=first, remove_held=[remove_b])

    assert "Remove a.png" in page and "Remove c.png" in page and "b.png" not in page
    assert sorted(HeldUpload.objects.values_list("filename", flat=True)) == ["a.png", "c.png"]
    sent = client.post(FORM, {**answers(trust), "held": held_in(page)})
    assert sent.status_code == 302
    assert sorted(Attachment.objects.values_list("filename", flat=True)) == ["a.png", "c.png"]
    assert not HeldUpload.objects.exists()
    assert AuditEvent.objects.filter(action="complaint.held_documents_removed").count() == 1


def test_a_document_removed_as_the_form_is_sent_is_not_attached(trust) -> None:
    client = Client()
    held = held_in(with_an_error(trust, client, [png("a.png"), png("b.png")]))
    sent = client.post(FORM, {**answers(trust), "held": held, "remove_held": [held[0]]})
    assert sent.status_code == 302
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["b.png"]
    assert not HeldUpload.objects.exists()


def test_a_document_that_fails_its_checks_is_not_held_but_the_good_ones_are(trust) -> None:
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf" * 10)
    page = with_an_error(trust, Client(), [fake, png("photo.png")])
    assert "report.pdf is not a PDF, JPEG, PNG or Word (DOCX) file" in page
    assert list(HeldUpload.objects.values_list("filename", flat=True)) == ["photo.png"]


def test_held_documents_are_virus_scanned_when_held_and_again_when_sent(trust) -> None:
    infected = PNG + b"EICAR"

    def scanner(data: bytes) -> None:
        # The scanner's reply: "This file contains a virus (Eicar-Test-Signature) ..."
        if data.endswith(b"EICAR"):
            raise scanning.VirusFound("Eicar-Test-Signature")

    client = Client()
    with mock.patch.object(scanning, "scan", side_effect=scanner):
        page = with_an_error(
            trust,
            client,
            [SimpleUploadedFile("bad.png", infected), png("good.png")],
        )
    assert "bad.png: This file contains a virus" in page
    assert list(HeldUpload.objects.values_list("filename", flat=True)) == ["good.png"]

    # The scanner learns of a new virus while the document is held.
    with mock.patch.object(scanning, "scan", side_effect=scanning.ScanUnavailable) as scan:
        refused = client.post(FORM, {**answers(trust), "held": held_in(page)})
    assert scan.called
    assert "cannot be checked for viruses" in refused.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_a_forged_token_is_ignored_with_a_message(trust) -> None:
    client = Client()
    real = HeldUpload.objects.create(
        token="a" * 43, filename="x.png", content_type="image/png", size=len(PNG), data=PNG
    )
    for forged in [
        "not-a-token",
        real.token,  # the raw token, unsigned
        signing.dumps(real.token, salt=public.SENT_SALT),  # signed for something else
        signing.dumps(real.token, salt=public.HELD_SALT)[:-2] + "xx",
    ]:
        response = client.post(FORM, {**answers(trust), "held": [forged]})
        page = response.content.decode()
        assert response.status_code == 200
        assert "could not be checked, so it was not kept" in page
        assert held_in(page) == []
    assert not Complaint.objects.exists()
    assert HeldUpload.objects.filter(pk=real.pk).exists()

    # Without the forged token the form goes, with nothing attached.
    assert client.post(FORM, answers(trust)).status_code == 302
    assert not Attachment.objects.exists()


def test_a_held_document_expires_with_the_form_and_is_pruned(trust) -> None:
    client = Client()
    held = held_in(with_an_error(trust, client, [png("old.png")]))
    HeldUpload.objects.update(
        created_at=timezone.now() - datetime.timedelta(seconds=public.MAX_AGE + 60)
    )
    fresh = held_in(with_an_error(trust, Client(), [png("fresh.png")]))
    assert len(fresh) == 1

    response = client.post(FORM, {**answers(trust), "held": held})
    page = response.content.decode()
    assert "has been deleted because it was kept for 2 hours" in page
    assert "old.png" not in page and not Complaint.objects.exists()

    assert tasks.prune_held_uploads() == 1
    assert list(HeldUpload.objects.values_list("filename", flat=True)) == ["fresh.png"]
    assert AuditEvent.objects.get(action="complaint.held_documents_pruned").after == {"count": 1}
    assert actions.prune_held_uploads(acting_user=None) == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["complaints-prune-held-uploads"]
    assert schedule["task"] == "wellled.complaints.tasks.prune_held_uploads"


def test_a_signed_token_older_than_the_form_is_refused(trust) -> None:
    row = actions.hold_public_documents(documents=[check_bytes("a.png", PNG, uploads.POLICY)])[0]
    with mock.patch(
        "django.core.signing.time.time", return_value=time.time() - public.MAX_AGE - 60
    ):
        stale = public.sign_held(row.token)
    page = Client().post(FORM, {**answers(trust), "held": [stale]}).content.decode()
    assert "has been deleted because it was kept for 2 hours" in page
    assert not Complaint.objects.exists()


def test_held_documents_cannot_be_attached_twice(trust) -> None:
    client = Client()
    held = held_in(with_an_error(trust, client, [png("a.png")]))
    assert client.post(FORM, {**answers(trust), "held": held}).status_code == 302
    again = client.post(FORM, {**answers(trust, summary="Again"), "held": held})
    assert "has been deleted" in again.content.decode()
    assert Complaint.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_limit_counts_held_and_new_documents_together(trust) -> None:
    client = Client()
    four = held_in(with_an_error(trust, client, [png(f"{n}.png") for n in "abcd"]))
    assert len(four) == uploads.MAX_FILES - 1

    response = client.post(
        FORM, {**answers(trust), "held": four, "documents": [png("e.png"), png("f.png")]}
    )

    page = response.content.decode()
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "You can send up to 5 documents, so these were not kept: f.png" in page
    five = held_in(page)
    assert len(five) == uploads.MAX_FILES and "Remove e.png" in page
    assert client.post(FORM, {**answers(trust), "held": five}).status_code == 302
    assert Attachment.objects.count() == uploads.MAX_FILES


def test_more_held_documents_than_the_limit_must_be_removed(trust) -> None:
    client = Client()
    first = held_in(with_an_error(trust, client, [png(f"{n}.png") for n in "abc"]))
    second = held_in(with_an_error(trust, client, [png(f"{n}.png") for n in "def"]))

    page = client.post(FORM, {**answers(trust), "held": first + second}).content.decode()

    assert "remove 1 of those you attached earlier" in page
    assert len(held_in(page)) == 6 and not Complaint.objects.exists()
    sent = client.post(FORM, {**answers(trust), "held": first + second, "remove_held": first[0]})
    assert sent.status_code == 302 and Attachment.objects.count() == 5


def test_each_held_document_is_checked_against_the_size_limit_when_sent(trust, settings) -> None:
    client = Client()
    held = held_in(with_an_error(trust, client, [png("scan.png", b"\x00" * 100)]))
    settings.MAX_UPLOAD_BYTES = 100
    page = client.post(FORM, {**answers(trust), "held": held}).content.decode()
    assert "scan.png is larger than" in page
    assert not Complaint.objects.exists()


def test_the_action_refuses_too_many_documents_in_all(trust) -> None:
    rows = actions.hold_public_documents(
        documents=[check_bytes(f"{n}.png", PNG, uploads.POLICY) for n in range(uploads.MAX_FILES)]
    )
    with pytest.raises(Exception, match="Attach no more than 5 documents"):
        actions.submit_public_complaint(
            service=trust.service,
            summary="Too many",
            complainant=actions.ComplainantDetails(full_name="Jo Bloggs", email="jo@example.org"),
            documents=[actions.UploadedDocument(filename="extra.png", data=PNG)],
            held_tokens=[row.token for row in rows],
        )
    assert not Complaint.objects.exists() and HeldUpload.objects.count() == uploads.MAX_FILES


def test_nothing_about_the_sender_is_held(trust) -> None:
    fields = {f.name for f in HeldUpload._meta.get_fields()}
    assert fields == {"id", "token", "filename", "content_type", "size", "data", "created_at"}

    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="TestBrowser/9.9")
    with_an_error(trust, client, [png("photo.png")])

    row = HeldUpload.objects.get()
    assert len(row.token) >= 40
    stored = " ".join(str(getattr(row, name)) for name in fields - {"data"})
    for event in AuditEvent.objects.all():
        stored += str(event.before) + str(event.after) + event.object_repr
    assert "203.0.113.77" not in stored and "TestBrowser" not in stored
    assert "photo.png" not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_tokens_are_random(trust) -> None:
    page = with_an_error(trust, Client(), [png("a.png"), png("b.png")])
    tokens = set(HeldUpload.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    # The form carries the tokens signed, never bare.
    assert not any(token in held_in(page) for token in tokens)


def test_a_bot_gets_nothing_held(trust) -> None:
    honeypot = Client().post(
        FORM, {**answers(trust, website="http://spam.example"), "documents": [png("a.png")]}
    )
    assert honeypot.status_code == 400
    too_fast = Client().post(
        FORM, {**answers(trust, issued=public.issue_token()), "documents": [png("a.png")]}
    )
    assert public.NOT_HELD in too_fast.content.decode()
    assert not HeldUpload.objects.exists()


def test_a_slow_person_keeps_their_documents(trust) -> None:
    stale = public.issue_token(now=time.time() - public.MAX_AGE - 60)
    page = (
        Client()
        .post(FORM, {**answers(trust, issued=stale), "documents": [png("a.png")]})
        .content.decode()
    )
    assert "open for a long time" in page and "Remove a.png" in page
    assert HeldUpload.objects.count() == 1


def test_holding_is_limited_per_connection_per_day(trust, monkeypatch) -> None:
    monkeypatch.setattr(public, "HOLDS_PER_DAY", 1)
    client = Client(REMOTE_ADDR="198.51.100.8")
    with_an_error(trust, client, [png("a.png")])
    page = with_an_error(trust, client, [png("b.png")])
    assert public.NOT_HELD in page
    assert list(HeldUpload.objects.values_list("filename", flat=True)) == ["a.png"]
    # Another connection is not affected.
    with_an_error(trust, Client(REMOTE_ADDR="198.51.100.9"), [png("c.png")])
    assert HeldUpload.objects.count() == 2
