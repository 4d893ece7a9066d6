"""CQC's request for a summary of complaints, and sending it.

Regulation 16(3) of the Health and Social Care Act 2008 (Regulated Activities)
Regulations 2014 (https://www.legislation.gov.uk/uksi/2014/2936/regulation/16): the
registered person must provide CQC, when requested and by no later than 28 days
beginning on the day after receipt of the request, a summary of (a) complaints made
under the complaints system, (b) responses made to such complaints and any further
correspondence with the complainants about them, and (c) any other relevant
information about them that CQC asks for. The summary itself is exports.cqc_summary.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from wellled.complaints import clocks
from wellled.complaints.actions._common import Date, day_errors, raise_errors
from wellled.complaints.models import CQCRequest
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap, can


def _require(acting_user: Actor) -> None:
    # A request is about the whole trust's complaints: its complaints staff answer it.
    if acting_user is not None and not can(acting_user, Cap.MANAGE_COMPLAINTS):
        raise PermissionDenied("Only the complaints team records CQC's requests")


def _snapshot(request: CQCRequest) -> dict[str, object]:
    return {
        "received_on": request.received_on,
        "due_on": request.due_on,
        "period_start": request.period_start,
        "period_end": request.period_end,
        "sent_on": request.sent_on,
        "has_other_information": bool(request.other_information),
    }


@transaction.atomic
def record_cqc_request(
    *,
    acting_user: Actor,
    received_on: Date | None,
    period_start: Date | None,
    period_end: Date | None,
    cqc_reference: str = "",
    other_information: str = "",
) -> CQCRequest:
    """Record CQC's request: the day it came, the period it asks about, and its due date."""
    _require(acting_user)
    today = timezone.localdate()
    errors = day_errors(received_on, "received_on", not_before=None, before_label="", today=today)
    errors.update(
        day_errors(period_start, "period_start", not_before=None, before_label="", today=today)
    )
    errors.update(
        day_errors(
            period_end,
            "period_end",
            not_before=period_start,
            before_label="the start of the period",
            today=today,
        )
    )
    raise_errors(errors)
    assert received_on is not None and period_start is not None and period_end is not None
    request = CQCRequest.objects.create(
        received_on=received_on,
        due_on=clocks.cqc_summary_due(received_on),
        period_start=period_start,
        period_end=period_end,
        cqc_reference=cqc_reference.strip(),
        other_information=other_information.strip(),
        recorded_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="complaints.cqc_request_recorded",
        obj=request,
        after=_snapshot(request),
    )
    return request


@transaction.atomic
def record_cqc_summary_sent(
    *, acting_user: Actor, request: CQCRequest, sent_on: Date | None = None
) -> CQCRequest:
    """The summary went to CQC on `sent_on` (today if not given)."""
    _require(acting_user)
    request = CQCRequest.objects.select_for_update().get(pk=request.pk)
    sent_on = sent_on or timezone.localdate()
    raise_errors(
        day_errors(
            sent_on,
            "sent_on",
            not_before=request.received_on,
            before_label="the day the request came",
            today=timezone.localdate(),
        )
    )
    before = _snapshot(request)
    request.sent_on = sent_on
    request.save(update_fields=["sent_on"])
    old, new = audit.diff(before, _snapshot(request))
    audit.record(
        acting_user=acting_user,
        action="complaints.cqc_summary_sent",
        obj=request,
        before=old,
        after=new,
    )
    return request
