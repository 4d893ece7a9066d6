"""The evidence library: adding, changing, reviewing and retiring items, and their files."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.access import may_change_evidence, may_contribute
from wellled.assurance.actions.common import (
    evidence_snapshot,
    lock_evidence,
    raise_errors,
    require_current,
)
from wellled.assurance.models import (
    EvidenceCategory,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatement,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.uploads import CheckedFile, FilePolicy, read_upload
from wellled.organisation.models import OrgUnit
from wellled.reports.sources import all_sources

# MIME type read from the bytes -> the file name endings that may carry it.
BINARY_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}
TEXT_TYPES: dict[str, str] = {"csv": "text/csv", "txt": "text/plain"}
ALLOWED_LABEL = "PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, CSV or plain text"

UPLOAD_POLICY = FilePolicy(
    types=BINARY_TYPES,
    text_types=TEXT_TYPES,
    described_as=ALLOWED_LABEL,
    max_bytes=lambda: int(settings.MAX_UPLOAD_BYTES),
    field="file",
    default_name="evidence",
    # The library's own wording, as its pages have always said it.
    wording={
        "empty": "The file is empty",
        "too_large": "The file must be smaller than {limit}",
        "bad_type": "This kind of file cannot be uploaded. Upload a {allowed} file",
        "disguised": (
            "The file's content is {actual} but its name ends {ending}: "
            "rename it or upload the right file"
        ),
        "not_text": "The file is not plain text: upload a CSV or TXT file",
        "not_utf8": "Save the file as UTF-8 text and upload it again",
    },
)


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(safe file name, MIME type read from the bytes), or a ValidationError saying why not."""
    checked = read_upload(upload, UPLOAD_POLICY)
    return checked.name, checked.media_type


def _checked_file(upload: UploadedFile, errors: dict[str, str]) -> CheckedFile | None:
    """The upload checked, or None with the refusal in `errors`."""
    try:
        return read_upload(upload, UPLOAD_POLICY)
    except ValidationError as error:
        errors["file"] = error.message_dict["file"][0]
        return None


def _store_file(
    item: EvidenceItem, upload: UploadedFile, checked: CheckedFile, *, version: int
) -> None:
    """Put the checked file on the item (not yet saved) as this version."""
    item.file_name = checked.name
    item.file_type = checked.media_type
    item.file_size = upload.size
    item.file_version = version
    item.file.save(checked.name, upload, save=False)


def _kind_and_title(kind: str, title: str, errors: dict[str, str]) -> None:
    if kind not in EvidenceKind.values:
        errors["kind"] = "Choose a document, a link, a note or a live measure"
    if not title.strip():
        errors["title"] = "Enter a title for the evidence"
    elif len(title.strip()) > 200:
        errors["title"] = "The title must be 200 characters or fewer"


def _clean_tags(
    statement_ids: Sequence[str], category_ids: Sequence[str], errors: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(statement ids, category ids) without blanks or repeats; unknown ones go into `errors`."""
    methodology = frameworks.evidence_framework_methodology()
    statements = list(dict.fromkeys(s for s in statement_ids if s))
    if not statements:
        errors["statements"] = "Tag the evidence to at least one quality statement"
    else:
        unknown = [s for s in statements if frameworks.statement(methodology, s) is None]
        if unknown:
            errors["statements"] = "Unknown quality statement: " + ", ".join(unknown)
    categories = list(dict.fromkeys(c for c in category_ids if c))
    unknown_categories = [c for c in categories if c not in methodology.evidence_categories]
    if unknown_categories:
        errors["categories"] = "Unknown evidence category: " + ", ".join(unknown_categories)
    return statements, categories


def _dates_and_owner(
    evidence_date: datetime.date | None,
    review_date: datetime.date | None,
    owner: User | None,
    errors: dict[str, str],
) -> None:
    if evidence_date is None:
        errors["evidence_date"] = "Enter the date of the evidence"
    elif evidence_date > timezone.localdate():
        errors["evidence_date"] = "The date of the evidence cannot be in the future"
    if review_date is None:
        errors["review_date"] = "Enter the date by which it must be reviewed"
    elif evidence_date is not None and review_date < evidence_date:
        errors["review_date"] = "The review date cannot be before the date of the evidence"
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an owner with an active account"


def _kind_fields(
    kind: str, url: str, description: str, measure_key: str, errors: dict[str, str]
) -> None:
    """What each kind needs: a link its https address, a note its text, a measure its key."""
    if kind == EvidenceKind.LINK and not url.strip():
        errors["url"] = "Enter the web address of the evidence"
    if kind == EvidenceKind.LINK and url.strip() and not url.strip().startswith("https://"):
        errors["url"] = "Enter a web address starting https://"
    if kind == EvidenceKind.NOTE and not description.strip():
        errors["description"] = "Write the note"
    if kind == EvidenceKind.MEASURE:
        keys = {source.key for source in all_sources()}
        if not measure_key:
            errors["measure_key"] = "Choose the live measure"
        elif measure_key not in keys:
            errors["measure_key"] = f"No live measure is registered as {measure_key!r}"


def _check_evidence(
    *,
    kind: str,
    title: str,
    statement_ids: Sequence[str],
    category_ids: Sequence[str],
    owner: User | None,
    evidence_date: datetime.date | None,
    review_date: datetime.date | None,
    description: str,
    url: str,
    measure_key: str,
) -> tuple[dict[str, str], list[str], list[str]]:
    """(errors by field, cleaned statement ids, cleaned category ids) for an item's fields."""
    errors: dict[str, str] = {}
    _kind_and_title(kind, title, errors)
    statements, categories = _clean_tags(statement_ids, category_ids, errors)
    _dates_and_owner(evidence_date, review_date, owner, errors)
    _kind_fields(kind, url, description, measure_key, errors)
    return errors, statements, categories


def _set_tags(item: EvidenceItem, statements: Sequence[str], categories: Sequence[str]) -> None:
    item.statement_tags.all().delete()
    item.category_tags.all().delete()
    EvidenceStatement.objects.bulk_create(
        EvidenceStatement(item=item, statement_id=s) for s in statements
    )
    EvidenceCategory.objects.bulk_create(
        EvidenceCategory(item=item, category_id=c) for c in categories
    )


def _new_document(
    kind: str, upload: UploadedFile | None, errors: dict[str, str]
) -> CheckedFile | None:
    """A new item's file: a document needs one, nothing else may have one."""
    if kind != EvidenceKind.DOCUMENT:
        if upload is not None:
            errors["file"] = "Only a document has a file: choose Document, or remove the file"
        return None
    if upload is None:
        errors["file"] = "Choose the document to upload"
        return None
    return _checked_file(upload, errors)


@transaction.atomic
def add_evidence(
    *,
    acting_user: Actor,
    kind: str,
    title: str,
    unit: OrgUnit,
    statement_ids: Sequence[str],
    owner: User,
    evidence_date: datetime.date,
    review_date: datetime.date,
    category_ids: Sequence[str] = (),
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    measure_key: str = "",
) -> EvidenceItem:
    """Add an item to the evidence library, tagged to at least one quality statement."""
    if not may_contribute(acting_user, unit):
        raise PermissionDenied("You may not add evidence for this part of the trust")
    errors, statements, categories = _check_evidence(
        kind=kind,
        title=title,
        statement_ids=statement_ids,
        category_ids=category_ids,
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        description=description,
        url=url,
        measure_key=measure_key,
    )
    if not unit.is_active:
        errors["unit"] = "This unit is closed: choose an open one"
    checked = _new_document(kind, upload, errors)
    raise_errors(errors)
    item = EvidenceItem(
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        unit=unit,
        framework=frameworks.evidence_framework_methodology().framework,
        url=url.strip() if kind == EvidenceKind.LINK else "",
        measure_key=measure_key if kind == EvidenceKind.MEASURE else "",
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    if upload is not None and checked is not None:
        _store_file(item, upload, checked, version=1)
    item.save()
    _set_tags(item, statements, categories)
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_added",
        obj=item,
        after=evidence_snapshot(item),
    )
    return item


def _replacement_file(
    item: EvidenceItem, upload: UploadedFile | None, errors: dict[str, str]
) -> CheckedFile | None:
    """A changed item's new file: only a document has one."""
    if upload is None:
        return None
    if item.kind != EvidenceKind.DOCUMENT:
        errors["file"] = (
            "Only a document has a file: this evidence is a " + str(item.get_kind_display()).lower()
        )
        return None
    return _checked_file(upload, errors)


def _kind_values(item: EvidenceItem, url: str | None, measure_key: str | None) -> tuple[str, str]:
    """The link's address and the measure's key as they will be: None keeps the item's."""
    return (
        item.url if url is None else url,
        item.measure_key if measure_key is None else measure_key,
    )


def _set_kind_values(item: EvidenceItem, url: str, measure_key: str) -> None:
    """Only a link has an address and only a live measure a key."""
    if item.kind == EvidenceKind.LINK:
        item.url = url.strip()
    if item.kind == EvidenceKind.MEASURE:
        item.measure_key = measure_key


def _delete_old_file_on_commit(item: EvidenceItem, old_file: str) -> None:
    """The replaced document goes once the change is committed (the audit keeps its name)."""
    if old_file and old_file != item.file.name:
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))


@transaction.atomic
def change_evidence(
    *,
    acting_user: Actor,
    item: EvidenceItem,
    title: str,
    statement_ids: Sequence[str],
    owner: User | None,
    evidence_date: datetime.date | None,
    review_date: datetime.date | None,
    category_ids: Sequence[str] = (),
    description: str = "",
    url: str | None = None,
    measure_key: str | None = None,
    upload: UploadedFile | None = None,
) -> EvidenceItem:
    """Edit an item's title, description, tags, owner and dates, and a document's file
    (the version goes up; the audit keeps the old file's name, type and size). The kind
    and unit stay. `url` and `measure_key` left as None keep their values."""
    item = lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may change it")
    require_current(item)
    new_url, new_measure = _kind_values(item, url, measure_key)
    errors, statements, categories = _check_evidence(
        kind=item.kind,
        title=title,
        statement_ids=statement_ids,
        category_ids=category_ids,
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        description=description,
        url=new_url,
        measure_key=new_measure,
    )
    checked = _replacement_file(item, upload, errors)
    raise_errors(errors)
    assert owner is not None and evidence_date is not None and review_date is not None
    before = evidence_snapshot(item)
    old_file = item.file.name if item.file else ""
    item.title, item.description = title.strip(), description.strip()
    item.owner, item.evidence_date, item.review_date = owner, evidence_date, review_date
    _set_kind_values(item, new_url, new_measure)
    if upload is not None and checked is not None:
        _store_file(item, upload, checked, version=item.file_version + 1)
    item.save()
    _set_tags(item, statements, categories)
    old, new = audit.diff(before, evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_changed",
        obj=item,
        before=old,
        after=new,
    )
    if upload is not None:
        _delete_old_file_on_commit(item, old_file)
    return item


@transaction.atomic
def retire_evidence(*, acting_user: Actor, item: EvidenceItem, reason: str) -> EvidenceItem:
    """Retire an item: it stays (with its document) for the audit and the rounds that
    cite it, but leaves the library, the packs, the well-led page and "my work"."""
    item = lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may retire it")
    if item.is_retired:
        raise ValidationError("This evidence is already retired")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the evidence is retired"})
    before = evidence_snapshot(item)
    item.retired_on = timezone.localdate()
    item.retired_by = acting_user if isinstance(acting_user, User) else None
    item.retire_reason = reason.strip()
    item.save(update_fields=["retired_on", "retired_by", "retire_reason", "updated_at"])
    old, new = audit.diff(before, evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_retired",
        obj=item,
        before=old,
        after={**new, "reason": item.retire_reason},
    )
    return item


@transaction.atomic
def review_evidence(
    *, acting_user: Actor, item: EvidenceItem, review_date: datetime.date
) -> EvidenceItem:
    """Record that an item was reviewed and still stands, with its next review date."""
    item = lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may review it")
    require_current(item)
    today = timezone.localdate()
    if review_date is None or review_date <= today:
        raise ValidationError({"review_date": "The next review date must be in the future"})
    before = evidence_snapshot(item)
    item.review_date = review_date
    item.save(update_fields=["review_date", "updated_at"])
    old, new = audit.diff(before, evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_reviewed",
        obj=item,
        before=old,
        after=new,
    )
    return item
