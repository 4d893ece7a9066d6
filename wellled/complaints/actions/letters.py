"""Letters: the trust's templates, drafting and editing a case's letters, and sending them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints.actions._common import (
    Date,
    day_errors,
    lock_case,
    raise_errors,
    require_capability,
)
from wellled.complaints.actions.late_responses import close_late_task
from wellled.complaints.letters import (
    has_ombudsman_paragraph,
    render_text,
    template_errors,
    template_for,
    variables_for,
)
from wellled.complaints.models import (
    Complaint,
    Kind,
    Letter,
    LetterKind,
    LetterTemplate,
    TimeLimitDecision,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import long_date
from wellled.organisation.access import Cap, can


def final_letter_ready(complaint: Complaint) -> Letter:
    """The final response to send, or why it cannot be sent (regulation 14 content)."""
    letter = complaint.letters.filter(kind=LetterKind.FINAL, sent_on__isnull=True).last()
    if letter is None:
        raise ValidationError(
            {"letter": "Draft the final response letter before recording it as sent"}
        )
    problems = []
    if not letter.checklist_complete:
        problems.append(
            "Confirm every item of the final response checklist: how the complaint was "
            "considered, the conclusions, the action taken or proposed, and the right to "
            "go to the Ombudsman"
        )
    if not has_ombudsman_paragraph(letter.body):
        problems.append(
            "The final response must tell the complainant of their right to go to the "
            "Parliamentary and Health Service Ombudsman (include the Ombudsman paragraph "
            "with www.ombudsman.org.uk)"
        )
    if problems:
        raise ValidationError({"letter": problems})
    return letter


def _letter_snapshot(letter: Letter) -> dict[str, Any]:
    return {
        "complaint_id": letter.complaint_id,
        "kind": letter.kind,
        "confirms_how_considered": letter.confirms_how_considered,
        "confirms_conclusions": letter.confirms_conclusions,
        "confirms_actions": letter.confirms_actions,
        "confirms_ombudsman_rights": letter.confirms_ombudsman_rights,
        "sent_on": letter.sent_on,
        "body_length": len(letter.body),
    }


@transaction.atomic
def save_letter_template(
    *, acting_user: Actor, kind: str, subject: str, body: str
) -> LetterTemplate:
    """The trust's wording for a kind of letter (complaints managers)."""
    if acting_user is not None and not can(acting_user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA):
        raise PermissionDenied("Only complaints managers edit letter templates")
    errors: dict[str, list[str]] = {}
    if kind not in LetterKind.values:
        errors["kind"] = ["Choose the kind of letter"]
    if not subject.strip():
        errors["subject"] = ["Enter the subject line"]
    elif template_errors(subject):
        errors["subject"] = template_errors(subject)
    if not body.strip():
        errors["body"] = ["Enter the letter's text"]
    elif template_errors(body):
        errors["body"] = template_errors(body)
    if errors:
        raise ValidationError(errors)
    template = LetterTemplate.objects.select_for_update().filter(kind=kind).first()
    before = {"subject": template.subject, "body": template.body} if template else {}
    if template is None:
        template = LetterTemplate(kind=kind)
    template.subject = subject.strip()[:200]
    template.body = body.strip()
    template.updated_by = acting_user if isinstance(acting_user, User) else None
    template.save()
    old, new = audit.diff(before, {"subject": template.subject, "body": template.body})
    audit.record(
        acting_user=acting_user,
        action="complaint.letter_template_saved",
        obj=template,
        before=old,
        after=new,
    )
    return template


@transaction.atomic
def draft_letter(*, acting_user: Actor, complaint: Complaint, kind: str) -> Letter:
    """A letter for the case, from the trust's template, to edit before it is sent."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": "Choose the kind of letter"})
    if kind == LetterKind.FINAL and complaint.kind != Kind.COMPLAINT:
        raise ValidationError({"kind": "Only a formal complaint has a final response letter"})
    if kind == LetterKind.TIME_LIMIT and complaint.time_limit_decision != TimeLimitDecision.REFUSED:
        raise ValidationError(
            {"kind": "This letter is for a complaint not accepted after the 12-month time limit"}
        )
    template = template_for(kind)
    values = variables_for(complaint)
    letter = Letter.objects.create(
        complaint=complaint,
        kind=kind,
        subject=render_text(template.subject, values)[:200],
        body=render_text(template.body, values),
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.letter_drafted",
        obj=letter,
        after=_letter_snapshot(letter),
    )
    return letter


@transaction.atomic
def edit_letter(
    *,
    acting_user: Actor,
    letter: Letter,
    subject: str,
    body: str,
    confirms_how_considered: bool = False,
    confirms_conclusions: bool = False,
    confirms_actions: bool = False,
    confirms_ombudsman_rights: bool = False,
) -> Letter:
    letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, letter.complaint.service)
    if letter.sent_on is not None:
        raise ValidationError("This letter has been sent: draft a new one to say more")
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Enter the subject line"
    if not body.strip():
        errors["body"] = "Enter the letter's text"
    elif (
        letter.kind == LetterKind.FINAL
        and confirms_ombudsman_rights
        and not has_ombudsman_paragraph(body)
    ):
        errors["confirms_ombudsman_rights"] = (
            "The letter does not contain the Ombudsman rights paragraph "
            "(Parliamentary and Health Service Ombudsman, www.ombudsman.org.uk)"
        )
    raise_errors(errors)
    before = _letter_snapshot(letter)
    letter.subject = subject.strip()[:200]
    letter.body = body.strip()
    if letter.kind == LetterKind.FINAL:
        letter.confirms_how_considered = confirms_how_considered
        letter.confirms_conclusions = confirms_conclusions
        letter.confirms_actions = confirms_actions
        letter.confirms_ombudsman_rights = confirms_ombudsman_rights
    letter.save()
    old, new = audit.diff(before, _letter_snapshot(letter))
    audit.record(
        acting_user=acting_user, action="complaint.letter_edited", obj=letter, before=old, after=new
    )
    return letter


@transaction.atomic
def mark_letter_sent(*, acting_user: Actor, letter: Letter, sent_on: Date) -> Letter:
    """An acknowledgement, holding or late letter was sent. A final response is sent
    by recording the response, which checks its content first."""
    letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    complaint = letter.complaint
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if letter.kind == LetterKind.FINAL:
        raise ValidationError(
            "Send the final response by recording the response as sent, after sign-off"
        )
    if letter.sent_on is not None:
        raise ValidationError("This letter is already recorded as sent")
    raise_errors(
        day_errors(
            sent_on,
            "sent_on",
            not_before=complaint.received_on,
            before_label="the day it was received",
            today=timezone.localdate(),
        )
    )
    before = _letter_snapshot(letter)
    letter.sent_on = sent_on
    letter.save(update_fields=["sent_on", "updated_at"])
    old, new = audit.diff(before, _letter_snapshot(letter))
    audit.record(
        acting_user=acting_user, action="complaint.letter_sent", obj=letter, before=old, after=new
    )
    if letter.kind == LetterKind.LATE:
        for task in complaint.late_response_tasks.filter(letter_sent_on__isnull=True):
            close_late_task(
                task,
                sent_on=sent_on,
                reason=f"Explained in the late response letter sent on {long_date(sent_on)}",
                acting_user=acting_user,
            )
    return letter
