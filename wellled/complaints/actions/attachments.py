"""Documents kept with a case, and documents held for a public form that came back."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction

from wellled.complaints import uploads
from wellled.complaints.actions._common import require_capability
from wellled.complaints.models import (
    Attachment,
    Complaint,
    HeldUpload,
)
from wellled.complaints.queries import held_cutoff
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.uploads import CheckedFile, check_bytes
from wellled.organisation.access import Cap


@transaction.atomic
def add_attachment(
    *,
    acting_user: Actor,
    complaint: Complaint,
    filename: str,
    data: bytes,
    from_public_form: bool = False,
) -> Attachment:
    """Keep a document with the case: size and real type are checked from its bytes."""
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    try:
        checked = check_bytes(filename, data, uploads.POLICY)
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages[0]}) from error
    return attach_checked(
        acting_user=acting_user,
        complaint=complaint,
        checked=checked,
        from_public_form=from_public_form,
    )


def attach_checked(
    *, acting_user: Actor, complaint: Complaint, checked: CheckedFile, from_public_form: bool
) -> Attachment:
    """Keep a file that `check_bytes` has just passed (so it is scanned once)."""
    attachment = Attachment.objects.create(
        complaint=complaint,
        filename=checked.name,
        content_type=checked.media_type,
        size=len(checked.data),
        data=checked.data,
        from_public_form=from_public_form,
        uploaded_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.attachment_added",
        obj=attachment,
        after={
            "complaint_id": complaint.pk,
            "content_type": checked.media_type,
            "size": len(checked.data),
        },
    )
    return attachment


HELD_EXPIRED = (
    "A document you attached earlier has been deleted because it was kept for 2 hours. "
    "If you still want to send it, please choose it again"
)


@transaction.atomic
def hold_public_documents(*, documents: Sequence[CheckedFile]) -> list[HeldUpload]:
    """Keep checked documents from a public form that came back with a problem.

    Each gets a random token for the form to carry back; nothing about the sender
    is stored. They are re-checked when they become attachments.
    """
    held = [
        HeldUpload.objects.create(
            token=secrets.token_urlsafe(32),
            filename=document.name,
            content_type=document.media_type,
            size=len(document.data),
            data=document.data,
        )
        for document in documents
    ]
    if held:
        audit.record(
            acting_user=None,
            action="complaint.public_documents_held",
            after={"count": len(held), "bytes": sum(h.size for h in held)},
        )
    return held


def _delete_held(rows: models.QuerySet[HeldUpload], *, acting_user: Actor, action: str) -> int:
    deleted, _ = rows.delete()
    if deleted:
        audit.record(acting_user=acting_user, action=action, after={"count": deleted})
    return deleted


@transaction.atomic
def discard_held_documents(*, tokens: Sequence[str]) -> int:
    """Delete held documents the person removed from their form; returns how many."""
    rows = HeldUpload.objects.filter(token__in=list(tokens))
    return _delete_held(rows, acting_user=None, action="complaint.held_documents_removed")


@transaction.atomic
def prune_held_uploads(*, acting_user: Actor = None, now: datetime.datetime | None = None) -> int:
    """Delete held documents older than the public form's MAX_AGE; returns how many."""
    rows = HeldUpload.objects.filter(created_at__lt=held_cutoff(now))
    return _delete_held(rows, acting_user=acting_user, action="complaint.held_documents_pruned")
