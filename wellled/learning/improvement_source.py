"""A complaint issue's learning as a source of improvement actions.

The label names the case reference and the issue's subject, never the people in
it, because the action register is read by leaders who do not see casework.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.complaints.models import ComplaintIssue
from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.learning import access
from wellled.organisation.access import Cap, can

KIND = "complaint_learning"
# What learning from complaints evidences (CQC single assessment framework):
# W7 Learning, improvement and innovation; R4 Listening to and involving people.
STATEMENTS = ("learning-improvement-and-innovation", "listening-to-and-involving-people")


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    issues = ComplaintIssue.objects.filter(pk__in=_ids(source_ids)).select_related(
        "complaint", "subject"
    )
    return {
        str(issue.pk): sources.SourceInfo(
            label=f"Complaint {issue.complaint.reference}: {issue.subject.label}",
            href=reverse("learning:case", args=[issue.complaint_id]),
            unit_id=issue.complaint.service_id,
            statement_ids=STATEMENTS,
        )
        for issue in issues
    }


def may_raise(user: AnyUser, source_id: str) -> bool:
    issue = (
        ComplaintIssue.objects.filter(pk__in=_ids([source_id]))
        .select_related("complaint__service")
        .first()
    )
    return issue is not None and access.may_manage(user, issue.complaint.service)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Complaint learning",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            opens_for=lambda user: can(user, Cap.VIEW_COMPLAINTS),
            # Complaints teams who manage a service's learning read and update
            # its actions, as they always have.
            viewers=Cap.MANAGE_LEARNING,
            managers=Cap.MANAGE_LEARNING,
        )
    )
