"""PALS concerns that become formal complaints."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wellled.complaints import rollup
from wellled.complaints.actions._common import Date, begin_step, day_errors, raise_errors, save_case
from wellled.complaints.actions.intake import record_complaint
from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
    Kind,
)
from wellled.core.types import Actor
from wellled.core.workdays import WorkingCalendar


def _copy_issues(concern: Complaint, complaint: Complaint) -> None:
    """The concern's issues on the new complaint, coded the same, without outcomes."""
    for issue in concern.issues.all():
        ComplaintIssue.objects.create(
            complaint=complaint,
            description=issue.description,
            subject_id=issue.subject_id,
            clinical_subcategory_id=issue.clinical_subcategory_id,
            service_area_id=issue.service_area_id,
            profession_id=issue.profession_id,
            hcat_domain_id=issue.hcat_domain_id,
            hcat_category_id=issue.hcat_category_id,
            hcat_severity=issue.hcat_severity,
            hcat_stage_id=issue.hcat_stage_id,
            harm_id=issue.harm_id,
        )


@transaction.atomic
def escalate_pals_concern(
    *,
    acting_user: Actor,
    concern: Complaint,
    escalated_on: Date | None = None,
    late_acceptance_reason: str = "",
    calendar: WorkingCalendar | None = None,
) -> Complaint:
    """A PALS concern becomes a formal complaint.

    The complaint is a new case (its own C- reference) received on the day of
    escalation, since that is when the formal complaint was made and its clocks
    start; it links back to the concern (`escalated_from`), shares its people and
    copies its issues (without outcomes). The concern is closed as escalated and
    keeps its own history.
    """
    concern, to, before = begin_step(concern, "escalate", acting_user=acting_user)
    escalated_on = escalated_on or timezone.localdate()
    errors = day_errors(
        escalated_on,
        "escalated_on",
        not_before=concern.received_on,
        before_label="the concern was raised",
        today=timezone.localdate(),
    )
    raise_errors(errors)
    complaint = record_complaint(
        acting_user=acting_user,
        kind=Kind.COMPLAINT,
        channel=concern.channel,
        received_on=escalated_on,
        service=concern.service,
        team=concern.team,
        site=concern.site,
        summary=concern.summary,
        handler=concern.handler,
        event_date=concern.event_date,
        aware_date=concern.aware_date,
        late_acceptance_reason=late_acceptance_reason,
        escalated_from=concern,
        calendar=calendar,
        # The same people, not copies of them.
        complainant=concern.complainant,
        patient=concern.patient,
    )
    _copy_issues(concern, complaint)
    rollup.refresh(complaint.pk)
    concern.status = to
    concern.closed_on = escalated_on
    save_case(concern, before, acting_user=acting_user, action="complaint.pals_escalated")
    return complaint
