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
    save_case,
    snapshot,
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
    Letterhead,
    LetterKind,
    LetterTemplate,
    Status,
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
        raise ValidationError({"letter": "Draft the final response letter first"})
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
        "edited_by_id": letter.edited_by_id,
    }


def signer_errors(letter: Letter, signer: User) -> list[str]:
    """Why this person may not sign off the response: whoever wrote it may not."""
    if signer.pk in (letter.created_by_id, letter.edited_by_id):
        return [
            "You drafted or last changed this response: someone else with sign-off "
            "authority must sign it off"
        ]
    return []


def _withdraw_sign_off(complaint: Complaint, *, acting_user: Actor) -> None:
    """A signed-off response changed: the sign-off no longer covers it, so the case
    goes back to awaiting sign-off."""
    before = snapshot(complaint)
    complaint.status = Status.DRAFT_RESPONSE
    complaint.signed_off_by = None
    complaint.signed_off_as = ""
    complaint.signed_off_on = None
    save_case(complaint, before, acting_user=acting_user, action="complaint.sign_off_withdrawn")


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
    if kind == LetterKind.FINAL and complaint.status == Status.SIGNED_OFF:
        # A second final letter would be sent in place of the one signed off.
        raise ValidationError(
            {
                "kind": "The final response is signed off: change that letter (which "
                "withdraws the sign-off) rather than drafting another"
            }
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


def _locked(letter: Letter, complaint: Complaint, withdraw_sign_off: bool) -> bool:
    """Whether the letter is a signed-off response; refused unless the change says it
    withdraws the sign-off."""
    locked = letter.kind == LetterKind.FINAL and complaint.status == Status.SIGNED_OFF
    if locked and not withdraw_sign_off:
        raise ValidationError(
            {
                "withdraw_sign_off": "This response is signed off and locked: confirm that "
                "changing it withdraws the sign-off, which must then be given again"
            }
        )
    return locked


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
    withdraw_sign_off: bool = False,
) -> Letter:
    """Change a letter before it is sent. A signed-off final response is locked: it
    changes only with `withdraw_sign_off`, which takes the case back to awaiting
    sign-off in the same step, so what is sent is always what was signed."""
    letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    complaint = lock_case(letter.complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if letter.sent_on is not None:
        raise ValidationError("This letter has been sent: draft a new one to say more")
    locked = _locked(letter, complaint, withdraw_sign_off)
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
    if (letter.subject, letter.body) != (subject.strip()[:200], body.strip()):
        letter.edited_by = acting_user if isinstance(acting_user, User) else None
    letter.subject = subject.strip()[:200]
    letter.body = body.strip()
    if locked:
        _withdraw_sign_off(complaint, acting_user=acting_user)
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


LETTERHEAD_FIELDS = ("name", "address", "phone", "email", "website")


@transaction.atomic
def save_letterhead(
    *,
    acting_user: Actor,
    name: str,
    address: str,
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Letterhead:
    """The trust's name, address and contact details printed at the top of letters."""
    if acting_user is not None and not can(acting_user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA):
        raise PermissionDenied("Only complaints managers edit the letterhead")
    values = {
        "name": name.strip(),
        "address": "\n".join(line.strip() for line in address.splitlines() if line.strip()),
        "phone": phone.strip(),
        "email": email.strip(),
        "website": website.strip(),
    }
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Enter the name printed at the top of letters"
    elif len(values["name"]) > 200:
        errors["name"] = "Enter a name of 200 characters or fewer"
    if not values["address"]:
        errors["address"] = "Enter the address letters come from, one line a line"
    elif len(values["address"].splitlines()) > 8:
        errors["address"] = "Enter the address in 8 lines or fewer"
    if len(values["phone"]) > 40:
        errors["phone"] = "Enter a phone number of 40 characters or fewer"
    if len(values["website"]) > 200:
        errors["website"] = "Enter a web address of 200 characters or fewer"
    raise_errors(errors)
    head = Letterhead.objects.select_for_update().order_by("pk").first() or Letterhead()
    before = {name: getattr(head, name) for name in LETTERHEAD_FIELDS} if head.pk else {}
    for field, value in values.items():
        setattr(head, field, value)
    head.updated_by = acting_user if isinstance(acting_user, User) else None
    try:
        head.full_clean(exclude=["updated_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    head.save()
    # The letterhead is the trust's own public details, not personal data.
    old, new = audit.diff(before, values)
    audit.record(
        acting_user=acting_user,
        action="complaint.letterhead_saved",
        obj=head,
        before=old,
        after=new,
    )
    return head
