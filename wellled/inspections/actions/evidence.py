"""Evidence of completion on an action plan: a document, a link or a note."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.uploads import FilePolicy, read_upload
from wellled.inspections.actions.common import raise_errors
from wellled.inspections.actions.plans import lock_plan, require_open, require_update
from wellled.inspections.models import ActionPlan, CompletionEvidence, EvidenceKind

Date = datetime.date

# Evidence documents: checked from their bytes, never from the name.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
ALLOWED_LABEL = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text, PNG or JPEG"
)
# The ending a stored file gets, from the type its content showed.
ENDINGS = {media_type: ending for ending, media_type in ALLOWED_TYPES.items()}

UPLOAD_POLICY = FilePolicy(
    # The name is not checked: the file is stored under our own name and ending.
    types=dict.fromkeys(ALLOWED_TYPES.values(), ()),
    described_as=ALLOWED_LABEL,
    max_bytes=lambda: int(settings.MAX_UPLOAD_BYTES),
    field="file",
    wording={
        "empty": "The file is empty",
        "too_large": "The file must be smaller than {limit}",
        "bad_type": "The file must be a {allowed}, judged from its content, not its name",
    },
)


def _evidence_errors(
    kind: str, title: str, upload: UploadedFile | None, url: str, note: str
) -> None:
    errors: dict[str, str] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = "Choose a document, a link or a note"
    if not title.strip():
        errors["title"] = "Enter a title for the evidence"
    if kind == EvidenceKind.FILE and upload is None:
        errors["file"] = "Choose a file to upload"
    if kind == EvidenceKind.LINK and not url.strip().startswith(("https://", "http://")):
        errors["url"] = "Enter the web address, starting https://"
    if kind == EvidenceKind.NOTE and not note.strip():
        errors["note"] = "Enter the note: what was done and where the proof is kept"
    raise_errors(errors)


def _save_with_file(evidence: CompletionEvidence, upload: UploadedFile) -> None:
    checked = read_upload(upload, UPLOAD_POLICY)
    ending = ENDINGS[checked.media_type]
    evidence.file_name = (upload.name or f"evidence.{ending}")[-200:]
    evidence.content_type = checked.media_type
    evidence.size = len(checked.data)
    evidence.save()
    # Stored under our own name, with the ending the content showed.
    evidence.file.save(f"{evidence.pk}.{ending}", ContentFile(checked.data), save=True)


@transaction.atomic
def add_evidence(
    *,
    acting_user: Actor,
    plan: ActionPlan,
    kind: str,
    title: str,
    upload: UploadedFile | None = None,
    url: str = "",
    note: str = "",
    added_on: Date | None = None,
) -> CompletionEvidence:
    plan = lock_plan(plan)
    require_update(acting_user, plan)
    require_open(plan)
    _evidence_errors(kind, title, upload, url, note)
    evidence = CompletionEvidence(
        plan=plan,
        kind=kind,
        title=title.strip(),
        url=url.strip() if kind == EvidenceKind.LINK else "",
        note=note.strip(),
        added_by=acting_user if isinstance(acting_user, User) else None,
        added_on=added_on or timezone.localdate(),
    )
    if kind == EvidenceKind.FILE:
        assert upload is not None
        _save_with_file(evidence, upload)
    else:
        evidence.save()
    audit.record(
        acting_user=acting_user,
        action="inspections.evidence_added",
        obj=evidence,
        after={
            "plan_id": plan.pk,
            "kind": kind,
            "title": evidence.title,
            "content_type": evidence.content_type,
            "size": evidence.size,
        },
    )
    return evidence
