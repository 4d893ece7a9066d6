"""The response date: agreed with the complainant, set by the trust, or extended."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints import clocks
from wellled.complaints.actions._common import (
    Date,
    day_errors,
    lock_case,
    raise_errors,
    require_capability,
    save_case,
    snapshot,
)
from wellled.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    ExtensionRequestedBy,
    HowAgreed,
    ResponseDateBasis,
    ResponseExtension,
    Status,
)
from wellled.core.types import Actor
from wellled.core.workdays import long_date
from wellled.organisation.access import Cap

_RESPONSE_DATE_STATUSES = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED}
)


def _check_can_date_response(complaint: Complaint) -> None:
    if not complaint.under_regulations:
        raise ValidationError(
            f"A {complaint.get_kind_display().lower()} outside the Regulations has no response date"
        )
    if complaint.status not in _RESPONSE_DATE_STATUSES:
        raise ValidationError(
            f"The response date cannot be set while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    if complaint.response_due is not None:
        raise ValidationError(
            f"{complaint.reference} already has a response date "
            f"({long_date(complaint.response_due)}): record an extension to change it"
        )


def _agreements(complaint: Complaint) -> list[clocks.Agreement]:
    """Every response date the complainant agreed, each with the day they agreed it."""
    extensions = list(complaint.extensions.order_by("pk"))
    return clocks.agreements(
        basis_agreed=complaint.response_date_basis == ResponseDateBasis.AGREED,
        agreed_on=complaint.response_date_agreed_on,
        response_due=complaint.response_due,
        extensions=[(e.agreed_on, e.previous_date, e.new_date) for e in extensions],
    )


def _update_backstop(complaint: Complaint) -> None:
    """The six months, or the longer period agreed before they ran out. It belongs
    to the first response: a reopened case's new dates leave it as it was."""
    if complaint.first_responded_on is None:
        complaint.backstop_due = clocks.statutory_backstop(
            complaint.received_on, _agreements(complaint)
        )


@transaction.atomic
def agree_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    response_due: Date,
    agreed_on: Date,
    how_agreed: str,
) -> Complaint:
    """The response date agreed with the complainant: the "agreed timescale"."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _check_can_date_response(complaint)
    today = timezone.localdate()
    errors = day_errors(
        agreed_on,
        "agreed_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if how_agreed not in HowAgreed.values:
        errors["how_agreed"] = "Say how the complainant agreed the date"
    if response_due <= agreed_on:
        errors["response_due"] = "The response date must be after the day it was agreed"
    raise_errors(errors)
    before = snapshot(complaint)
    complaint.response_due = response_due
    complaint.response_date_basis = ResponseDateBasis.AGREED
    complaint.response_date_agreed_on = agreed_on
    complaint.response_date_how_agreed = how_agreed
    _update_backstop(complaint)
    return save_case(
        complaint, before, acting_user=acting_user, action="complaint.response_date_agreed"
    )


@transaction.atomic
def set_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    response_due: Date,
    notified_on: Date | None,
    notified: bool,
) -> Complaint:
    """No date could be agreed: the trust sets one and tells the complainant in writing."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _check_can_date_response(complaint)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not notified or notified_on is None:
        errors["notified"] = (
            "Tell the complainant the response date in writing, then record the day you did"
        )
    else:
        errors.update(
            day_errors(
                notified_on,
                "notified_on",
                not_before=complaint.received_on,
                before_label="the day it was received",
                today=today,
            )
        )
    limit = clocks.six_months_after(complaint.received_on)
    if response_due <= complaint.received_on:
        errors["response_due"] = "The response date must be after the day it was received"
    elif response_due > limit:
        errors["response_due"] = (
            f"Without the complainant's agreement the response is due by {long_date(limit)}, "
            "6 months after it was received"
        )
    raise_errors(errors)
    before = snapshot(complaint)
    complaint.response_due = response_due
    complaint.response_date_basis = ResponseDateBasis.SET_BY_TRUST
    complaint.response_date_notified_on = notified_on
    return save_case(
        complaint, before, acting_user=acting_user, action="complaint.response_date_set"
    )


def _extension_errors(
    complaint: Complaint,
    *,
    new_date: Date,
    complainant_agreed: bool,
    how_agreed: str,
    agreed_on: Date | None,
    requested_by: str,
    reason: str,
) -> dict[str, str]:
    assert complaint.response_due is not None
    errors: dict[str, str] = {}
    if not complainant_agreed:
        errors["complainant_agreed"] = (
            "An extension needs the complainant's agreement. Without it, keep the date "
            "or send a letter explaining the delay"
        )
    if how_agreed not in HowAgreed.values:
        errors["how_agreed"] = "Say how the complainant agreed the new date"
    if requested_by not in ExtensionRequestedBy.values:
        errors["requested_by"] = "Say who asked for more time"
    if not reason.strip():
        errors["reason"] = "Say why more time is needed"
    if agreed_on is None:
        errors["agreed_on"] = "Enter the date the complainant agreed"
    elif agreed_on < complaint.received_on:
        errors["agreed_on"] = "The agreement cannot be before the complaint was received"
    else:
        problem = clocks.extension_allowed(
            current_due=complaint.response_due,
            new_date=new_date,
            agreed_on=agreed_on,
            today=timezone.localdate(),
        )
        if problem:
            field = "new_date" if "later" in problem else "agreed_on"
            errors[field] = problem
    return errors


@transaction.atomic
def extend_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    new_date: Date,
    complainant_agreed: bool,
    how_agreed: str,
    agreed_on: Date | None,
    requested_by: str,
    reason: str,
) -> ResponseExtension:
    """Move the response date later, with the complainant's recorded agreement.

    Refused without that agreement, and refused when the agreement came after
    the date it would replace (recording it late is fine: the agreement's date
    is what counts).
    """
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if complaint.response_due is None:
        raise ValidationError("Agree or set a response date before extending it")
    if complaint.status not in OPEN_STATUSES:
        raise ValidationError(
            f"The response date cannot change while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    raise_errors(
        _extension_errors(
            complaint,
            new_date=new_date,
            complainant_agreed=complainant_agreed,
            how_agreed=how_agreed,
            agreed_on=agreed_on,
            requested_by=requested_by,
            reason=reason,
        )
    )
    assert agreed_on is not None
    before = snapshot(complaint)
    extension = ResponseExtension.objects.create(
        complaint=complaint,
        previous_date=complaint.response_due,
        new_date=new_date,
        requested_by=requested_by,
        how_agreed=how_agreed,
        agreed_on=agreed_on,
        reason=reason.strip(),
        recorded_by=acting_user if isinstance(acting_user, User) else None,
    )
    complaint.response_due = new_date
    _update_backstop(complaint)
    save_case(complaint, before, acting_user=acting_user, action="complaint.response_date_extended")
    return extension
