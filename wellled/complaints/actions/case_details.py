"""Correcting a case's details: its summary, team, site and the dates of what happened."""

from __future__ import annotations

from django.db import transaction

from wellled.complaints.actions._common import (
    UNSET,
    Date,
    _Unset,
    lock_case,
    place_errors,
    raise_errors,
    require_capability,
    save_case,
    snapshot,
    summary_errors,
)
from wellled.complaints.actions.intake import event_date_errors
from wellled.complaints.actions.time_limit import settle_pending
from wellled.complaints.models import (
    Complaint,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit


def _apply_details(
    complaint: Complaint,
    *,
    summary: str | None,
    team: OrgUnit | _Unset | None,
    site: OrgUnit | _Unset | None,
    event_date: Date | _Unset | None,
    aware_date: Date | _Unset | None,
    late_acceptance_reason: str | None,
) -> None:
    """Set on the case the fields that were given (None and UNSET leave one as it is)."""
    if summary is not None:
        complaint.summary = summary.strip()
    if not isinstance(team, _Unset):
        complaint.team = team
    if not isinstance(site, _Unset):
        complaint.site = site
    if not isinstance(event_date, _Unset):
        complaint.event_date = event_date
    if not isinstance(aware_date, _Unset):
        complaint.aware_date = aware_date
    if late_acceptance_reason is not None:
        complaint.late_acceptance_reason = late_acceptance_reason.strip()


def _details_errors(complaint: Complaint, summary: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if summary is not None:
        errors.update(summary_errors(summary))
    errors.update(place_errors(complaint.service, complaint.team, complaint.site))
    errors.pop("service", None)
    errors.update(
        event_date_errors(complaint.received_on, complaint.event_date, complaint.aware_date)
    )
    return errors


@transaction.atomic
def update_case_details(
    *,
    acting_user: Actor,
    complaint: Complaint,
    summary: str | None = None,
    team: OrgUnit | _Unset | None = UNSET,
    site: OrgUnit | _Unset | None = UNSET,
    event_date: Date | _Unset | None = UNSET,
    aware_date: Date | _Unset | None = UNSET,
    late_acceptance_reason: str | None = None,
) -> Complaint:
    """Correct the summary, team, site or dates of the case. The received date is
    not editable: every clock runs from it. Pass UNSET to leave a field as it is."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    before = snapshot(complaint)
    _apply_details(
        complaint,
        summary=summary,
        team=team,
        site=site,
        event_date=event_date,
        aware_date=aware_date,
        late_acceptance_reason=late_acceptance_reason,
    )
    raise_errors(_details_errors(complaint, summary))
    settle_pending(complaint)
    complaint = save_case(complaint, before, acting_user=acting_user, action="complaint.updated")
    if summary is not None:
        audit.record(
            acting_user=acting_user,
            action="complaint.summary_edited",
            obj=complaint,
            after={"has_summary": True},
        )
    return complaint
