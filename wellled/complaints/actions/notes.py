"""Investigation notes and the contact log: what the team learns and who they spoke to,
kept on the case and shown on its timeline."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints.actions._common import require_capability
from wellled.complaints.models import CaseNote, Complaint
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap

# Long enough for a page of notes; a longer record belongs in an attached document.
NOTE_MAX_LENGTH = 10_000


def _checked_text(text: str, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                field: f"Keep it to {NOTE_MAX_LENGTH:,} characters (it has {len(text):,}): "
                "attach a longer record as a document"
            }
        )
    return text


def _checked_date(on: datetime.date, field: str) -> datetime.date:
    if on > timezone.localdate():
        raise ValidationError({field: "The date must be today or in the past"})
    return on


def _save(acting_user: Actor, note: CaseNote, action: str) -> CaseNote:
    note.recorded_by = acting_user if isinstance(acting_user, User) else None
    note.save()
    # The text may name people: the trail keeps only what kind of record it is and when.
    after = {"kind": note.kind, "happened_on": note.happened_on.isoformat()}
    if note.method:
        after |= {"method": note.method, "direction": note.direction}
    audit.record(acting_user=acting_user, action=action, obj=note, after=after)
    return note


@transaction.atomic
def add_case_note(
    *, acting_user: Actor, complaint: Complaint, text: str, noted_on: datetime.date
) -> CaseNote:
    """An investigation note: what was found, asked or decided, in the handler's words."""
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    note = CaseNote(
        complaint=complaint,
        kind=CaseNote.Kind.NOTE,
        happened_on=_checked_date(noted_on, "noted_on"),
        text=_checked_text(text, "text", "Write the note"),
    )
    return _save(acting_user, note, "complaint.note_added")


@transaction.atomic
def record_contact(
    *,
    acting_user: Actor,
    complaint: Complaint,
    contacted_on: datetime.date,
    method: str,
    direction: str,
    with_whom: str,
    summary: str,
) -> CaseNote:
    """A contact with the complainant or anyone else about the case: a call, an email,
    a meeting. The log shows the team who said what, and when, without reading letters."""
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    errors: dict[str, str] = {}
    if method not in CaseNote.Method.values:
        errors["method"] = "Choose how you were in contact"
    if direction not in CaseNote.Direction.values:
        errors["direction"] = "Say who made contact"
    if not with_whom.strip():
        errors["with_whom"] = "Say who the contact was with, for example the complainant"
    if errors:
        raise ValidationError(errors)
    note = CaseNote(
        complaint=complaint,
        kind=CaseNote.Kind.CONTACT,
        happened_on=_checked_date(contacted_on, "contacted_on"),
        method=method,
        direction=direction,
        with_whom=with_whom.strip()[:200],
        text=_checked_text(summary, "summary", "Say what was said or agreed"),
    )
    return _save(acting_user, note, "complaint.contact_recorded")
