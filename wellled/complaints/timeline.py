"""A case's timeline: everything that happened to it, newest first.

Read from what is already kept: the audit trail's events on the case and its
issues, letters, documents and notes (what, when, who), and the notes and contacts
themselves (their text). The trail's before/after values are never shown: the
timeline says what kind of thing happened, in words, and the page links to the
record that holds the detail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from wellled.complaints.models import CaseNote, Complaint
from wellled.core.models import AuditEvent

# The trail's event names, in the words the team uses. An event not named here
# (a view, a saved filter) is not part of the case's story and is left out.
EVENT_WORDS: dict[str, str] = {
    "complaint.recorded": "Case recorded",
    "complaint.acknowledged": "Acknowledged",
    "complaint.handler_assigned": "Handler changed",
    "complaint.time_limit_decided": "Decision on the 12-month time limit",
    "complaint.response_date_agreed": "Response date agreed",
    "complaint.response_date_set": "Response date set",
    "complaint.response_date_extended": "Response date extended",
    "complaint.investigating": "Investigation started",
    "complaint.issue_added": "Issue added",
    "complaint.issue_edited": "Issue changed",
    "complaint.issue_outcome": "Issue outcome recorded",
    "complaint.learning": "Learning recorded",
    "complaint.letter_drafted": "Letter drafted",
    "complaint.letter_edited": "Letter edited",
    "complaint.letter_sent": "Letter sent",
    "complaint.sign_off_withdrawn": "Sign-off withdrawn by an edit",
    "complaint.draft_submitted": "Draft response submitted for sign-off",
    "complaint.draft_returned": "Draft response returned for more work",
    "complaint.signed_off": "Response signed off",
    "complaint.responded": "Response sent",
    "complaint.late_response_task_opened": "Response date missed",
    "complaint.late_letter_sent": "Late response letter sent",
    "complaint.attachment_added": "Document attached",
    "complaint.consent_updated": "Consent updated",
    "complaint.complainant_updated": "Complainant's details changed",
    "complaint.patient_updated": "Patient's details changed",
    "complaint.summary_edited": "Summary changed",
    "complaint.updated": "Case details changed",
    "complaint.closed": "Closed",
    "complaint.reopened": "Reopened",
    "complaint.transferred": "Transferred",
    "complaint.excluded": "Excluded by regulation 8",
    "complaint.pals_escalated": "Escalated to a formal complaint",
    "complaint.referred_to_phso": "Referred to the Ombudsman",
    "complaint.phso_referral_recorded": "Ombudsman referral recorded",
    "complaint.phso_decision": "Ombudsman's decision recorded",
    "complaint.phso_recommendation_added": "Ombudsman recommendation added",
    "complaint.phso_recommendation_completed": "Ombudsman recommendation completed",
}

# A step dated by the team (acknowledged on 4 December, recorded on the 7th) is
# placed on the day it says it happened: the trail's record of the case holds that
# date (a date, never personal data).
_DATED_BY = {
    "complaint.recorded": "received_on",
    "complaint.acknowledged": "acknowledged_on",
    "complaint.response_date_agreed": "response_date_agreed_on",
    "complaint.signed_off": "signed_off_on",
    "complaint.responded": "responded_on",
    "complaint.closed": "closed_on",
    "complaint.reopened": "reopened_on",
    "complaint.referred_to_phso": "referred_to_phso_on",
    "complaint.time_limit_decided": "time_limit_decided_on",
}

# Notes and contacts show their own record (with its text), not their audit event.
_OWN_RECORD = {"complaint.note_added", "complaint.contact_recorded"}


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    on: datetime.date
    what: str
    who: str
    note: CaseNote | None = None


def _events(complaint: Complaint) -> list[AuditEvent]:
    children = {
        "complaints.complaintissue": list(complaint.issues.values_list("pk", flat=True)),
        "complaints.letter": list(complaint.letters.values_list("pk", flat=True)),
        "complaints.attachment": list(complaint.attachments.values_list("pk", flat=True)),
    }
    where = Q(object_type="complaints.complaint", object_id=str(complaint.pk))
    for object_type, ids in children.items():
        if ids:
            where |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return list(
        AuditEvent.objects.filter(where, action__in=EVENT_WORDS)
        .select_related("actor")
        .order_by("-seq")
    )


def case_timeline(complaint: Complaint) -> list[Entry]:
    """Newest first. A note or contact is dated the day it happened (which may be
    before it was written down); the trail's events, the moment they were recorded."""
    entries = [
        Entry(
            at=event.occurred_at,
            on=_day(event),
            what=EVENT_WORDS[event.action],
            who=_name(event.actor) if event.actor else event.actor_label or "wellled",
        )
        for event in _events(complaint)
    ]
    for note in complaint.case_notes.select_related("recorded_by"):
        by = note.recorded_by
        entries.append(
            Entry(
                at=note.recorded_at,
                on=note.happened_on,
                what=note.get_kind_display()
                if note.kind == CaseNote.Kind.NOTE
                else f"{note.get_method_display()} ({note.get_direction_display().lower()})",
                who=_name(by) if by else "wellled",
                note=note,
            )
        )
    return sorted(entries, key=lambda e: (e.on, e.at), reverse=True)


def _day(event: AuditEvent) -> datetime.date:
    field = _DATED_BY.get(event.action)
    stated = (event.after or {}).get(field) if field else None
    if isinstance(stated, str):
        try:
            return datetime.date.fromisoformat(stated)
        except ValueError:
            pass
    return timezone.localdate(event.occurred_at)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()
