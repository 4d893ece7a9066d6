"""Which step may follow which: the one table every action checks against.

A formal complaint runs received -> acknowledged -> investigating -> draft
response -> signed off -> responded -> closed, and may be reopened or referred
to the Ombudsman after a response. A PALS concern is resolved (closed),
escalated into a formal complaint, or transferred. An oral complaint resolved by
the next working day is recorded closed and has no steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from wellled.complaints.models import Complaint, Kind, Status

S = Status


@dataclass(frozen=True)
class Step:
    label: str
    # kind -> the statuses the step may start from.
    allowed_from: dict[str, frozenset[str]]
    to: str


def _from(*statuses: str) -> frozenset[str]:
    return frozenset(statuses)


STEPS: dict[str, Step] = {
    "acknowledge": Step("acknowledge", {Kind.COMPLAINT: _from(S.RECEIVED)}, S.ACKNOWLEDGED),
    "start_investigation": Step(
        "start the investigation",
        {Kind.COMPLAINT: _from(S.ACKNOWLEDGED, S.REOPENED)},
        S.INVESTIGATING,
    ),
    "submit_draft": Step(
        "submit the draft response", {Kind.COMPLAINT: _from(S.INVESTIGATING)}, S.DRAFT_RESPONSE
    ),
    "return_draft": Step(
        "return the draft for more work",
        {Kind.COMPLAINT: _from(S.DRAFT_RESPONSE)},
        S.INVESTIGATING,
    ),
    "sign_off": Step(
        "sign off the response", {Kind.COMPLAINT: _from(S.DRAFT_RESPONSE)}, S.SIGNED_OFF
    ),
    "record_response": Step(
        "record the response as sent", {Kind.COMPLAINT: _from(S.SIGNED_OFF)}, S.RESPONDED
    ),
    "close": Step(
        "close",
        {
            Kind.COMPLAINT: _from(S.RESPONDED, S.REFERRED_TO_PHSO),
            Kind.PALS: _from(S.RECEIVED),
        },
        S.CLOSED,
    ),
    "reopen": Step("reopen", {Kind.COMPLAINT: _from(S.RESPONDED, S.CLOSED)}, S.REOPENED),
    "refer_to_phso": Step(
        "record a referral to the Ombudsman",
        {Kind.COMPLAINT: _from(S.RESPONDED, S.CLOSED)},
        S.REFERRED_TO_PHSO,
    ),
    "exclude": Step(
        "record that regulation 8 excludes it",
        {Kind.COMPLAINT: _from(S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING)},
        S.CLOSED,
    ),
    "escalate": Step("escalate to a formal complaint", {Kind.PALS: _from(S.RECEIVED)}, S.CLOSED),
    "transfer": Step(
        "transfer to another body",
        {
            Kind.COMPLAINT: _from(S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING),
            Kind.PALS: _from(S.RECEIVED),
        },
        S.TRANSFERRED,
    ),
}


def can_take(complaint: Complaint, step_name: str) -> bool:
    step = STEPS[step_name]
    return complaint.status in step.allowed_from.get(complaint.kind, frozenset())


def check(complaint: Complaint, step_name: str) -> str:
    """The status the step leads to, or a ValidationError saying why it cannot be taken."""
    step = STEPS[step_name]
    if not can_take(complaint, step_name):
        if complaint.kind not in step.allowed_from:
            raise ValidationError(
                f"You cannot {step.label} on a {complaint.get_kind_display().lower()}"
            )
        raise ValidationError(
            f"You cannot {step.label} on {complaint.reference} while it is "
            f"{complaint.get_status_display().lower()}"
        )
    return step.to


def steps_available(complaint: Complaint) -> list[str]:
    """The steps a page may offer for the case as it stands."""
    return [name for name in STEPS if can_take(complaint, name)]
