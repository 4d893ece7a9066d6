"""What the complaints pages share: breadcrumbs and a case's next deadline."""

from __future__ import annotations

from django.urls import reverse

from wellled.complaints import clocks
from wellled.complaints.models import Complaint, Status
from wellled.core.adapters import Crumb, crumbs
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can


def list_crumb() -> tuple[str, str]:
    return ("Complaints", reverse("complaints:list"))


def settings_crumbs(user: AnyUser) -> list[tuple[str, str]]:
    """The trail of the complaints settings pages (letter templates, assignment
    rules): the caseload only for those who may open it, since an operator edits
    settings without reading casework."""
    return [list_crumb()] if can(user, Cap.VIEW_COMPLAINTS) else []


def case_crumbs(complaint: Complaint) -> list[Crumb]:
    return crumbs(
        list_crumb(), (complaint.reference, reverse("complaints:detail", args=[complaint.pk]))
    )


def next_deadline(complaint: Complaint) -> clocks.NextDeadline | None:
    return clocks.next_deadline(
        acknowledgement_due=complaint.acknowledgement_due,
        acknowledged_on=complaint.acknowledged_on,
        response_due=complaint.response_due,
        backstop_due=complaint.backstop_due,
        responded_on=complaint.responded_on,
        reopened=complaint.status == Status.REOPENED,
    )
