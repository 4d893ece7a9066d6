"""The workflow steps of a case, from acknowledgement to closure (and reopening)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints import clocks, workflow
from wellled.complaints.actions._common import (
    Date,
    begin_step,
    day_errors,
    lock_case,
    raise_errors,
    require_capability,
    save_case,
    snapshot,
)
from wellled.complaints.actions.letters import final_letter_ready, signer_errors
from wellled.complaints.closure import closure_checks
from wellled.complaints.models import (
    NEEDS_LEARNING,
    Complaint,
    ConsentStatus,
    Exclusion,
    PHSODecision,
    RepresentativeBasis,
    SignOffCapacity,
    Status,
)
from wellled.core.types import Actor
from wellled.core.workdays import long_date
from wellled.organisation.access import Cap


@transaction.atomic
def acknowledge(
    *,
    acting_user: Actor,
    complaint: Complaint,
    acknowledged_on: Date,
    discussion_offered_on: Date | None,
) -> Complaint:
    """Acknowledged, with the offer to discuss handling and timescale (regulation 13)."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    to = workflow.check(complaint, "acknowledge")
    today = timezone.localdate()
    errors = day_errors(
        acknowledged_on,
        "acknowledged_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if discussion_offered_on is None:
        errors["discussion_offered_on"] = (
            "Record when you offered to discuss how the complaint will be handled "
            "and when the response is likely (regulation 13)"
        )
    else:
        errors.update(
            day_errors(
                discussion_offered_on,
                "discussion_offered_on",
                not_before=complaint.received_on,
                before_label="the day it was received",
                today=today,
            )
        )
    raise_errors(errors)
    before = snapshot(complaint)
    complaint.status = to
    complaint.acknowledged_on = acknowledged_on
    complaint.discussion_offered_on = discussion_offered_on
    return save_case(complaint, before, acting_user=acting_user, action="complaint.acknowledged")


@transaction.atomic
def start_investigation(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    complaint, to, before = begin_step(complaint, "start_investigation", acting_user=acting_user)
    complaint.status = to
    return save_case(complaint, before, acting_user=acting_user, action="complaint.investigating")


@transaction.atomic
def submit_draft(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    """The draft response goes for sign-off: every issue must have its outcome by now."""
    complaint, to, before = begin_step(complaint, "submit_draft", acting_user=acting_user)
    issues = list(complaint.issues.all())
    if not issues:
        raise ValidationError("Record at least one issue before submitting the draft response")
    undecided = [str(n) for n, issue in enumerate(issues, start=1) if not issue.outcome]
    if undecided:
        raise ValidationError(
            f"Record the outcome of issue {', '.join(undecided)} before submitting the draft"
        )
    complaint.status = to
    return save_case(complaint, before, acting_user=acting_user, action="complaint.draft_submitted")


@transaction.atomic
def return_draft(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    """The signatory sends the draft back for more work."""
    complaint, to, before = begin_step(
        complaint, "return_draft", acting_user=acting_user, capability=Cap.SIGN_OFF_COMPLAINTS
    )
    complaint.status = to
    return save_case(complaint, before, acting_user=acting_user, action="complaint.draft_returned")


@transaction.atomic
def sign_off(
    *,
    acting_user: Actor,
    complaint: Complaint,
    capacity: str,
    signed_off_on: Date | None = None,
) -> Complaint:
    """The responsible person (regulation 4), or their delegate, signs the response:
    the final letter must be drafted, its checklist complete, and written by
    someone else."""
    complaint, to, before = begin_step(
        complaint, "sign_off", acting_user=acting_user, capability=Cap.SIGN_OFF_COMPLAINTS
    )
    if not isinstance(acting_user, User):
        raise PermissionDenied("A response is signed off by a person")
    today = timezone.localdate()
    signed_off_on = signed_off_on or today
    errors = day_errors(
        signed_off_on,
        "signed_off_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if capacity not in SignOffCapacity.values:
        errors["capacity"] = "Say whether you sign as the responsible person or their delegate"
    raise_errors(errors)
    # What is signed is the final letter as it stands, its checklist done, by someone
    # who did not write it: editing it afterwards withdraws the sign-off.
    letter = final_letter_ready(complaint)
    problems = signer_errors(letter, acting_user)
    if problems:
        raise ValidationError({"letter": problems})
    complaint.status = to
    complaint.signed_off_by = acting_user
    complaint.signed_off_as = capacity
    complaint.signed_off_on = signed_off_on
    return save_case(complaint, before, acting_user=acting_user, action="complaint.signed_off")


@transaction.atomic
def record_response(*, acting_user: Actor, complaint: Complaint, responded_on: Date) -> Complaint:
    """The signed-off response has been sent."""
    complaint, to, before = begin_step(complaint, "record_response", acting_user=acting_user)
    errors = day_errors(
        responded_on,
        "responded_on",
        not_before=complaint.signed_off_on or complaint.received_on,
        before_label="the day it was signed off"
        if complaint.signed_off_on
        else "the day it was received",
        today=timezone.localdate(),
    )
    if responded_on < complaint.received_on:
        errors["responded_on"] = (
            f"A response cannot be dated before the complaint was received "
            f"({long_date(complaint.received_on)})"
        )
    person = complaint.complainant
    if (
        person.representative_basis == RepresentativeBasis.AUTHORISED
        and person.consent_status != ConsentStatus.GIVEN
    ):
        errors["consent_status"] = (
            "The patient has not consented to this representative: the response "
            "cannot share the patient's information until they do"
        )
    raise_errors(errors)
    letter = final_letter_ready(complaint)
    complaint.status = to
    complaint.responded_on = responded_on
    letter.sent_on = responded_on
    letter.save(update_fields=["sent_on", "updated_at"])
    if complaint.first_responded_on is None:
        complaint.first_responded_on = responded_on
        # The date the first response was due, whichever applied: agreed, set by
        # the trust, else the six months (reg 14(2)). The measures count it.
        complaint.first_response_due = clocks.applicable_response_due(
            complaint.response_due, complaint.backstop_due
        )
    return save_case(complaint, before, acting_user=acting_user, action="complaint.responded")


@transaction.atomic
def close(*, acting_user: Actor, complaint: Complaint, closed_on: Date | None = None) -> Complaint:
    """Close the case: refused while an upheld issue has no learning recorded."""
    complaint, to, before = begin_step(complaint, "close", acting_user=acting_user)
    today = timezone.localdate()
    closed_on = closed_on or today
    errors = day_errors(
        closed_on,
        "closed_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response" if complaint.responded_on else "the day it was received",
        today=today,
    )
    raise_errors(errors)
    problems = closure_problems(complaint)
    if problems:
        raise ValidationError(problems)
    complaint.status = to
    complaint.closed_on = closed_on
    return save_case(complaint, before, acting_user=acting_user, action="complaint.closed")


@transaction.atomic
def reopen(
    *, acting_user: Actor, complaint: Complaint, reason: str, reopened_on: Date | None = None
) -> Complaint:
    """Reopen after a response. The first response is kept for the measures; a new
    response date must be agreed, and the response signed off again."""
    complaint, to, before = begin_step(complaint, "reopen", acting_user=acting_user)
    today = timezone.localdate()
    reopened_on = reopened_on or today
    errors = day_errors(
        reopened_on,
        "reopened_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response",
        today=today,
    )
    if not reason.strip():
        errors["reason"] = "Say why the complaint is being reopened"
    raise_errors(errors)
    complaint.status = to
    complaint.reopened_on = reopened_on
    complaint.reopen_count += 1
    complaint.reopen_reason = reason.strip()
    complaint.closed_on = None
    complaint.responded_on = None
    complaint.response_due = None
    complaint.response_date_basis = ""
    complaint.response_date_agreed_on = None
    complaint.response_date_how_agreed = ""
    complaint.response_date_notified_on = None
    complaint.signed_off_by = None
    complaint.signed_off_as = ""
    complaint.signed_off_on = None
    return save_case(complaint, before, acting_user=acting_user, action="complaint.reopened")


@transaction.atomic
def transfer(
    *,
    acting_user: Actor,
    complaint: Complaint,
    transferred_to: str,
    transferred_on: Date | None = None,
) -> Complaint:
    """Sent on to the body that should handle it (regulation 6(5)), with consent."""
    complaint, to, before = begin_step(complaint, "transfer", acting_user=acting_user)
    today = timezone.localdate()
    transferred_on = transferred_on or today
    errors = day_errors(
        transferred_on,
        "transferred_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if not transferred_to.strip():
        errors["transferred_to"] = "Enter the organisation it was transferred to"
    raise_errors(errors)
    complaint.status = to
    complaint.transferred_to = transferred_to.strip()[:200]
    complaint.transferred_on = transferred_on
    return save_case(complaint, before, acting_user=acting_user, action="complaint.transferred")


def _learning_loop_gaps(complaint: Complaint) -> list[str] | None:
    """What the registered modules (learning) say is still missing; None when no
    module has registered a check."""
    checks = closure_checks()
    if not checks:
        return None
    return [str(gap) for check in checks for gap in check(complaint)]


def closure_problems(complaint: Complaint) -> list[str]:
    """Why the case cannot close yet: learning, and the Ombudsman's recommendations."""
    problems = _learning_loop_gaps(complaint)
    if problems is None:
        problems = []
        missing = [
            str(n)
            for n, issue in enumerate(complaint.issues.all(), start=1)
            if issue.outcome in NEEDS_LEARNING and issue.lacks_learning
        ]
        if missing:
            problems.append(
                f"Issue {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} upheld or "
                "partially upheld but has no learning: record what was learned, or why there "
                "is nothing to learn, before closing"
            )
    if complaint.status == Status.REFERRED_TO_PHSO:
        referrals = list(complaint.phso_referrals.prefetch_related("recommendations"))
        if any(r.decision == PHSODecision.PENDING for r in referrals):
            problems.append("Record the Ombudsman's decision before closing")
        open_recs = [
            rec for r in referrals for rec in r.recommendations.all() if rec.completed_on is None
        ]
        if open_recs:
            problems.append(
                f"{len(open_recs)} of the Ombudsman's recommendations "
                f"{'is' if len(open_recs) == 1 else 'are'} not yet completed"
            )
    return problems


@transaction.atomic
def exclude(
    *, acting_user: Actor, complaint: Complaint, exclusion: str, exclusion_reason: str
) -> Complaint:
    """Regulation 8: the complaint need not be handled under the Regulations. It is
    recorded and closed, kept for learning, and its statutory clocks stop."""
    complaint, to, before = begin_step(complaint, "exclude", acting_user=acting_user)
    errors: dict[str, str] = {}
    if exclusion not in Exclusion.values:
        errors["exclusion"] = "Choose which part of regulation 8 applies"
    elif exclusion == Exclusion.ORAL_RESOLVED:
        errors["exclusion"] = (
            "An oral complaint resolved by the next working day is recorded as such at intake"
        )
    if not exclusion_reason.strip():
        errors["exclusion_reason"] = "Say why the complaint falls under this exclusion"
    raise_errors(errors)
    complaint.status = to
    complaint.exclusion = exclusion
    complaint.exclusion_reason = exclusion_reason.strip()
    complaint.closed_on = timezone.localdate()
    return save_case(complaint, before, acting_user=acting_user, action="complaint.excluded")
