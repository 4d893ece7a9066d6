"""The 12-month time limit for making a complaint and its waiver.

Regulation 12 of the Local Authority Social Services and National Health Service
Complaints (England) Regulations 2009 (https://www.legislation.gov.uk/uksi/2009/309/regulation/12):
a complaint must be made within 12 months of the matter complained of, or of the
day it came to the complainant's notice if later. The limit does not apply if the
responsible body is satisfied that (a) the complainant had good reasons for not
making the complaint within that time limit, and (b) notwithstanding the delay, it
is still possible to investigate the complaint effectively and fairly.

So the trust records its view on each limb, with its reasons, who decided and on
what day. Only when both are met is the complaint accepted; otherwise it is not
accepted, the case closes, and a letter giving the reasons is drafted for the
complaints team to check and send.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints import clocks, workflow
from wellled.complaints.actions._common import (
    Date,
    day_errors,
    lock_case,
    raise_errors,
    require_capability,
    save_case,
    snapshot,
)
from wellled.complaints.actions.letters import draft_letter
from wellled.complaints.models import (
    Complaint,
    Kind,
    LetterKind,
    Status,
    TimeLimitDecision,
)
from wellled.core.types import Actor
from wellled.organisation.access import Cap


def time_limit_applies(complaint: Complaint) -> bool:
    """Whether the case is a formal complaint made after the 12-month limit."""
    return (
        complaint.kind == Kind.COMPLAINT
        and not complaint.exclusion
        and clocks.is_out_of_time(complaint.received_on, complaint.event_date, complaint.aware_date)
    )


def settle_pending(complaint: Complaint) -> None:
    """Mark a late complaint as waiting for the decision, or clear that mark once
    corrected dates bring it within the limit. A decision taken is left alone."""
    if time_limit_applies(complaint):
        if not complaint.time_limit_decision:
            complaint.time_limit_decision = TimeLimitDecision.PENDING
    elif complaint.time_limit_decision == TimeLimitDecision.PENDING:
        complaint.time_limit_decision = ""


def may_decide(complaint: Complaint) -> bool:
    """Decided before the investigation ends: as a regulation 8 exclusion may be."""
    return time_limit_applies(complaint) and workflow.can_take(complaint, "exclude")


def _errors(
    complaint: Complaint,
    good_reason_note: str,
    still_investigable_note: str,
    decided_on: Date | None,
) -> dict[str, str]:
    errors = day_errors(
        decided_on,
        "decided_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=timezone.localdate(),
    )
    if not good_reason_note.strip():
        errors["good_reason_note"] = (
            "Say why the complainant did, or did not, have good reason not to complain "
            "within 12 months"
        )
    if not still_investigable_note.strip():
        errors["still_investigable_note"] = (
            "Say why the complaint can, or cannot, still be investigated effectively and fairly"
        )
    return errors


@transaction.atomic
def decide_time_limit(
    *,
    acting_user: Actor,
    complaint: Complaint,
    good_reason: bool,
    good_reason_note: str,
    still_investigable: bool,
    still_investigable_note: str,
    decided_on: Date | None = None,
) -> Complaint:
    """Record the decision on a complaint made after the 12-month limit.

    Accepted only if both limbs are met. Not accepted closes the case (its clocks
    stop) and drafts the "not accepted" letter with the reasons on each limb."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if not time_limit_applies(complaint):
        raise ValidationError(
            f"{complaint.reference} was made within the 12-month time limit: there is "
            "nothing to decide"
        )
    if not may_decide(complaint):
        raise ValidationError(
            f"You cannot decide on the time limit for {complaint.reference} while it is "
            f"{complaint.get_status_display().lower()}"
        )
    decided_on = decided_on or timezone.localdate()
    raise_errors(_errors(complaint, good_reason_note, still_investigable_note, decided_on))
    before = snapshot(complaint)
    accepted = good_reason and still_investigable
    complaint.time_limit_decision = (
        TimeLimitDecision.WAIVED if accepted else TimeLimitDecision.REFUSED
    )
    complaint.late_good_reason = good_reason
    complaint.late_good_reason_note = good_reason_note.strip()
    complaint.late_still_investigable = still_investigable
    complaint.late_still_investigable_note = still_investigable_note.strip()
    complaint.time_limit_decided_by = acting_user if isinstance(acting_user, User) else None
    complaint.time_limit_decided_on = decided_on
    # The one-line reason that lists, exports and the API have always shown.
    complaint.late_acceptance_reason = (
        f"Good reason for the delay: {complaint.late_good_reason_note}\n"
        f"Still possible to investigate effectively and fairly: "
        f"{complaint.late_still_investigable_note}"
        if accepted
        else ""
    )
    if not accepted:
        complaint.status = Status.CLOSED
        complaint.closed_on = decided_on
    complaint = save_case(
        complaint, before, acting_user=acting_user, action="complaint.time_limit_decided"
    )
    if not accepted:
        draft_letter(acting_user=acting_user, complaint=complaint, kind=LetterKind.TIME_LIMIT)
    return complaint
