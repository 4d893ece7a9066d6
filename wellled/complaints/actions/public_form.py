"""A complaint made by a member of the public on the online form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from wellled.complaints import uploads
from wellled.complaints.actions._common import Date
from wellled.complaints.actions.attachments import HELD_EXPIRED, attach_checked
from wellled.complaints.actions.intake import record_complaint
from wellled.complaints.actions.people import ComplainantDetails, PatientDetails
from wellled.complaints.models import (
    Channel,
    Complaint,
    HeldUpload,
)
from wellled.complaints.queries import held_uploads
from wellled.core.uploads import CheckedFile, check_bytes
from wellled.organisation.models import OrgUnit


@dataclass(frozen=True)
class UploadedDocument:
    filename: str
    data: bytes


def _send_confirmation(email: str, reference: str) -> None:
    send_mail(
        subject=f"Your complaint reference is {reference}",
        message=(
            "Thank you for telling us about your experience.\n\n"
            f"Your complaint reference is {reference}. Please quote it if you contact us.\n\n"
            "We will acknowledge your complaint within 3 working days and offer to talk "
            "with you about how we will look into it and when you can expect our response."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
        fail_silently=True,
    )


def _checked_documents(
    held_tokens: Sequence[str], documents: Sequence[UploadedDocument]
) -> tuple[list[HeldUpload], list[CheckedFile]]:
    """The held documents claimed and every document checked again, or why not."""
    errors: dict[str, list[str]] = {}
    wanted = list(dict.fromkeys(held_tokens))
    held = held_uploads(wanted, for_update=True)
    if len(held) < len(wanted):
        errors["documents"] = [HELD_EXPIRED]
    if len(held) + len(documents) > uploads.MAX_FILES:
        errors.setdefault("documents", []).append(
            f"Attach no more than {uploads.MAX_FILES} documents"
        )
    checked = []
    for upload in [UploadedDocument(row.filename, bytes(row.data)) for row in held] + list(
        documents
    ):
        try:
            checked.append(check_bytes(upload.filename, upload.data, uploads.POLICY))
        except ValidationError as error:
            errors.setdefault("documents", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return held, checked


@transaction.atomic
def submit_public_complaint(
    *,
    service: OrgUnit,
    summary: str,
    complainant: ComplainantDetails,
    patient: PatientDetails | None = None,
    event_date: Date | None = None,
    aware_date: Date | None = None,
    documents: list[UploadedDocument] | tuple[UploadedDocument, ...] = (),
    held_tokens: Sequence[str] = (),
) -> Complaint:
    """A complaint made by a member of the public on the online form.

    Recorded as received online today. The service's assignment rule, if it has
    one, names the handler; otherwise the case waits in the triage queue and the
    complaints managers are emailed (actions.intake, complaints/triage.py). The
    12-month limit is not applied here: a late complaint is recorded as waiting for
    the complaints team's decision (`decide_time_limit`), and the form asks nothing
    more of the person than the dates it already asks. A confirmation email with the
    reference is sent once the case is saved, if an address was given.

    `held_tokens` name documents kept from an earlier try of the same form
    (`hold_public_documents`): they are attached first, then deleted.
    """
    held, checked = _checked_documents(held_tokens, documents)
    received_on = timezone.localdate()
    complaint = record_complaint(
        acting_user=None,
        channel=Channel.ONLINE,
        received_on=received_on,
        service=service,
        summary=summary,
        complainant=complainant,
        patient=patient,
        event_date=event_date,
        aware_date=aware_date,
    )
    for document in checked:
        attach_checked(
            acting_user=None, complaint=complaint, checked=document, from_public_form=True
        )
    HeldUpload.objects.filter(pk__in=[row.pk for row in held]).delete()
    email = complaint.complainant.email
    if email:
        reference = complaint.reference
        transaction.on_commit(lambda: _send_confirmation(email, reference))
    return complaint
