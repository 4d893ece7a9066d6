"""A guardian's work on a case: opening it, triage, status, sending it to another
guardian, replies and notes, agreed actions and themes."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.models import OrgUnit
from wellled.speakup import crypto, enrolment
from wellled.speakup.access import is_guardian, require_case_holder, require_guardian
from wellled.speakup.actions.common import (
    SUMMARY_LENGTH,
    action_day,
    lock_case,
    message_errors,
    next_seq,
    notify_reporter,
    raise_errors,
    snapshot,
)
from wellled.speakup.actions.files import check_files, store_files
from wellled.speakup.actions.keys import case_key_for_guardian, wrap_for
from wellled.speakup.models import (
    Author,
    Case,
    CaseAction,
    CaseKey,
    GuardianKey,
    KeyHolder,
    Message,
    Status,
    Theme,
    WorkerGroup,
    monday_of,
)

Date = datetime.date


@dataclass
class GuardianContext:
    """A guardian acting on one case, with that case's key opened."""

    user: User
    case: Case
    case_key: bytes


def open_case(*, acting_user: Actor, case: Case, private_key: bytes) -> GuardianContext:
    user = require_guardian(acting_user)
    if case.shredded:
        raise ValidationError("This case was destroyed at the end of its retention period")
    return GuardianContext(
        user=user, case=case, case_key=case_key_for_guardian(case, user, private_key)
    )


@transaction.atomic
def record_caseload_viewed(*, acting_user: Actor, references: Sequence[str]) -> None:
    """Showing a guardian their caseload's summaries is audited: which cases."""
    audit.record(
        acting_user=acting_user,
        action="speakup.caseload_viewed",
        after={"cases": list(references)},
    )


@dataclass
class CaseDetails:
    summary: str
    element_patient_safety: bool
    element_worker_safety: bool
    element_bullying_harassment: bool
    element_other_behaviour: bool
    worker_group: str
    unit: OrgUnit | None
    themes: Sequence[Theme]


@transaction.atomic
def triage(*, acting_user: Actor, case: Case, private_key: bytes, details: CaseDetails) -> Case:
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = lock_case(case)
    before = snapshot(case)
    errors: dict[str, str] = {}
    summary = " ".join(details.summary.split())
    if not summary:
        errors["summary"] = "Enter a short summary for your caseload"
    elif len(summary) > SUMMARY_LENGTH:
        errors["summary"] = f"Keep the summary under {SUMMARY_LENGTH} characters"
    if details.worker_group not in WorkerGroup.values:
        errors["worker_group"] = "Choose a worker group from the list"
    raise_errors(errors)
    case.sealed_summary = crypto.seal_text(ctx.case_key, summary)
    case.element_patient_safety = details.element_patient_safety
    case.element_worker_safety = details.element_worker_safety
    case.element_bullying_harassment = details.element_bullying_harassment
    case.element_other_behaviour = details.element_other_behaviour
    case.worker_group = details.worker_group
    case.unit = details.unit
    if case.status == Status.RECEIVED:
        case.status = Status.TRIAGED
    if case.lead_guardian_id is None:
        case.lead_guardian = ctx.user
    case.updated_week = monday_of(action_day())
    case.save()
    case.themes.set(details.themes)
    old, new = audit.diff(before, snapshot(case))
    new["themes"] = sorted(t.name for t in details.themes)
    audit.record(acting_user=ctx.user, action="speakup.triaged", obj=case, before=old, after=new)
    return case


@transaction.atomic
def set_status(*, acting_user: Actor, case: Case, status: str) -> Case:
    user = require_case_holder(acting_user, case)
    case = lock_case(case)
    if status not in (Status.TRIAGED, Status.IN_PROGRESS):
        raise ValidationError({"status": "Choose Triaged or In progress; close a case to close it"})
    if case.is_closed:
        raise ValidationError({"status": "This case is closed"})
    before = case.status
    case.status = status
    case.updated_week = monday_of(action_day())
    case.save(update_fields=["status", "updated_week"])
    audit.record(
        acting_user=user,
        action="speakup.status_changed",
        obj=case,
        before={"status": before},
        after={"status": status},
    )
    return case


@transaction.atomic
def assign_guardian(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    guardian: User,
    make_lead: bool = True,
    remove_self: bool = False,
) -> Case:
    """Re-wrap the case key for another guardian; optionally hand the case over."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if not is_guardian(guardian):
        errors["guardian"] = "Choose someone who is a speak-up guardian"
    gkey = GuardianKey.objects.filter(user=guardian).first()
    if gkey is None and not errors:
        errors["guardian"] = (
            "This guardian has not set up a speak-up key yet, so the case cannot be sent to them"
        )
    elif not errors and not enrolment.is_trusted(gkey):
        errors["guardian"] = (
            "This guardian's key has not been approved yet, so the case cannot be sent to them: "
            "approve them on the guardians page first"
        )
    if remove_self and guardian.pk == ctx.user.pk:
        errors["remove_self"] = "You cannot hand a case over to yourself"
    raise_errors(errors)
    assert gkey is not None
    case = lock_case(case)
    before = snapshot(case)
    wrap_for(case, ctx.case_key, [gkey])
    if make_lead:
        case.lead_guardian = guardian
    if remove_self:
        CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=ctx.user).delete()
        if case.lead_guardian_id == ctx.user.pk:
            case.lead_guardian = guardian
    case.save(update_fields=["lead_guardian"])
    audit.record(
        acting_user=ctx.user,
        action="speakup.assigned",
        obj=case,
        before=before,
        after={**snapshot(case), "guardian_id": guardian.pk, "removed_self": remove_self},
    )
    return case


@transaction.atomic
def post_guardian_message(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    internal: bool = False,
) -> Message:
    """A reply to the worker, or (internal=True) a note only guardians read."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = lock_case(case)
    if case.is_closed and not internal:
        raise ValidationError(
            {
                "body": "This case is closed, so the worker cannot receive replies on it. "
                "Your text has been kept below: record it as a note instead."
            }
        )
    if not internal and not case.has_receipt:
        raise ValidationError(
            {
                "body": "This worker has no receipt code, so they cannot read replies here: "
                "record it as a note and contact them as agreed."
            }
        )
    raise_errors(message_errors(body, files))
    checked = check_files(files, False)
    message = Message.objects.create(
        case=case,
        seq=next_seq(case),
        author=Author.GUARDIAN,
        guardian=ctx.user,
        sent_on=action_day(),
        sealed_body=crypto.seal_text(ctx.case_key, body.strip()),
        is_internal=internal,
    )
    store_files(case, ctx.case_key, message, checked)
    case.updated_week = monday_of(action_day())
    case.save(update_fields=["updated_week"])
    if not internal:
        notify_reporter(case, ctx.case_key)
    audit.record(
        acting_user=ctx.user,
        action="speakup.note_added" if internal else "speakup.reply_sent",
        obj=case,
    )
    return message


@transaction.atomic
def add_action(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    description: str,
    owner: str,
    due: Date | None,
) -> CaseAction:
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe what is to be done"
    if not owner.strip():
        errors["owner"] = "Enter who will do it"
    raise_errors(errors)
    action = CaseAction.objects.create(
        case=case,
        sealed_description=crypto.seal_text(ctx.case_key, description.strip()[:2000]),
        sealed_owner=crypto.seal_text(ctx.case_key, owner.strip()[:200]),
        due=due,
        created_by=ctx.user,
    )
    audit.record(
        acting_user=ctx.user,
        action="speakup.action_added",
        obj=case,
        after={"action_id": action.pk, "due": due},
    )
    return action


@transaction.atomic
def complete_action(*, acting_user: Actor, action: CaseAction) -> CaseAction:
    case = action.case
    user = require_case_holder(acting_user, case)
    if action.done:
        raise ValidationError("This action is already done")
    action.done = True
    action.save(update_fields=["done"])
    audit.record(
        acting_user=user, action="speakup.action_done", obj=case, after={"action_id": action.pk}
    )
    return action


@transaction.atomic
def add_theme(*, acting_user: Actor, name: str) -> Theme:
    user = require_guardian(acting_user)
    clean = " ".join(name.split())[:100]
    if not clean:
        raise ValidationError({"name": "Enter a name for the theme"})
    if Theme.objects.filter(name__iexact=clean).exists():
        raise ValidationError({"name": f"There is already a theme called “{clean}”"})
    theme = Theme.objects.create(name=clean)
    audit.record(acting_user=user, action="speakup.theme_added", obj=theme)
    return theme
