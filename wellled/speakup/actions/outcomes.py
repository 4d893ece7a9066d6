"""Where a case goes: escalation, detriment to the worker, closing it with the
outcome, and the worker's answer to whether they would speak up again."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.speakup import crypto
from wellled.speakup.actions.casework import open_case
from wellled.speakup.actions.common import (
    DETRIMENT_FOLLOW_UP_DAYS,
    FEEDBACK_QUESTION,
    MESSAGE_MAX,
    action_day,
    lock_case,
    next_seq,
    notify_reporter,
    raise_errors,
    snapshot,
)
from wellled.speakup.models import (
    Author,
    Case,
    Escalation,
    EscalationRoute,
    FeedbackAnswer,
    Message,
    Status,
    monday_of,
)

Date = datetime.date


@transaction.atomic
def escalate(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    route: str,
    note: str,
    escalated_on: Date,
) -> Escalation:
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if route not in EscalationRoute.values:
        errors["route"] = "Choose where the concern was escalated to"
    if escalated_on > action_day():
        errors["escalated_on"] = "The date cannot be in the future"
    raise_errors(errors)
    escalation = Escalation.objects.create(
        case=case,
        route=route,
        escalated_on=escalated_on,
        sealed_note=crypto.seal_text(ctx.case_key, note.strip()[:4000]),
        created_by=ctx.user,
    )
    case = lock_case(case)
    if case.status in (Status.RECEIVED, Status.TRIAGED):
        case.status = Status.IN_PROGRESS
        case.save(update_fields=["status"])
    audit.record(acting_user=ctx.user, action="speakup.escalated", obj=case, after={"route": route})
    return escalation


@transaction.atomic
def record_detriment(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    reported: bool,
    follow_up_due: Date | None = None,
    note: str = "",
) -> Case:
    """Record whether the worker reports detriment for speaking up, and when to
    follow it up. While it is reported and open, "my work" prompts the guardian."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = lock_case(case)
    before = snapshot(case)
    if reported and follow_up_due is None:
        follow_up_due = action_day() + datetime.timedelta(days=DETRIMENT_FOLLOW_UP_DAYS)
    if follow_up_due is not None and follow_up_due < action_day():
        raise ValidationError({"follow_up_due": "The follow-up date cannot be in the past"})
    case.detriment_reported = reported or case.detriment_reported
    case.detriment_follow_up_due = follow_up_due if reported else None
    case.save(update_fields=["detriment_reported", "detriment_follow_up_due"])
    if note.strip():
        Message.objects.create(
            case=case,
            seq=next_seq(case),
            author=Author.GUARDIAN,
            guardian=ctx.user,
            sent_on=action_day(),
            sealed_body=crypto.seal_text(ctx.case_key, "Detriment: " + note.strip()),
            is_internal=True,
        )
    old, new = audit.diff(before, snapshot(case))
    audit.record(
        acting_user=ctx.user, action="speakup.detriment_recorded", obj=case, before=old, after=new
    )
    return case


@transaction.atomic
def close_case(*, acting_user: Actor, case: Case, private_key: bytes, outcome: str) -> Case:
    """Close the case and ask the worker, through the same channel, whether they
    would speak up again."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = lock_case(case)
    if case.is_closed:
        raise ValidationError("This case is already closed")
    if not outcome.strip():
        raise ValidationError({"outcome": "Tell the worker how the concern was resolved"})
    before = snapshot(case)
    today = action_day()
    seq = next_seq(case)
    Message.objects.create(
        case=case,
        seq=seq,
        author=Author.GUARDIAN,
        guardian=ctx.user,
        sent_on=today,
        sealed_body=crypto.seal_text(ctx.case_key, outcome.strip()),
        is_internal=not case.has_receipt,
    )
    if case.has_receipt:
        Message.objects.create(
            case=case,
            seq=seq + 1,
            author=Author.SYSTEM,
            sent_on=today,
            sealed_body=crypto.seal_text(ctx.case_key, FEEDBACK_QUESTION),
            is_feedback_request=True,
        )
        case.feedback_requested = True
        notify_reporter(case, ctx.case_key)
    case.status = Status.CLOSED
    case.closed_week = monday_of(today)
    case.detriment_follow_up_due = None
    case.updated_week = monday_of(today)
    case.save()
    old, new = audit.diff(before, snapshot(case))
    audit.record(acting_user=ctx.user, action="speakup.closed", obj=case, before=old, after=new)
    return case


@transaction.atomic
def record_feedback(
    *, acting_user: Actor, case: Case, private_key: bytes, answer: str, reason: str = ""
) -> Case:
    """The guardian records the worker's answer given in person or by phone."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = lock_case(case)
    if not case.is_closed:
        raise ValidationError({"answer": "Close the case before recording feedback"})
    if answer not in FeedbackAnswer.values:
        raise ValidationError({"answer": "Choose Yes, No, Maybe or Don't know"})
    before = case.feedback_answer
    case.feedback_answer = answer
    if reason.strip():
        case.sealed_feedback_reason = crypto.seal_text(ctx.case_key, reason.strip()[:MESSAGE_MAX])
    case.save(update_fields=["feedback_answer", "sealed_feedback_reason"])
    audit.record(
        acting_user=ctx.user,
        action="speakup.feedback_recorded",
        obj=case,
        before={"feedback_answer": before},
        after={"feedback_answer": answer},
    )
    return case
