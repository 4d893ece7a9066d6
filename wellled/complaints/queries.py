"""Reads for complaints: every list goes through `complaints_visible_to`.

Pages that show a case with personal data (a case page, the people on it, an
export naming anyone) must, after `get_complaint_for_user`, call

    audit.record_view(acting_user=request.user, obj=complaint)

once per page view, so that every look at a patient's complaint is on the
audit trail. Lists that show only references, dates and statuses need not.
The audit event names the complaint by its reference only.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.complaints import clocks
from wellled.complaints.models import (
    OPEN_STATUSES,
    Attachment,
    Complaint,
    ComplaintIssue,
    HeldUpload,
    Kind,
    LateResponseTask,
    Letter,
    PHSORecommendation,
    PHSOReferral,
    Status,
)
from wellled.complaints.policy import MAX_AGE
from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can, covers_everything, scope_paths


def _within(paths: tuple[str, ...]) -> Q:
    condition = Q()
    for path in paths:
        condition |= (
            Q(service__path__startswith=path)
            | Q(team__path__startswith=path)
            | Q(site__path__startswith=path)
        )
    return condition


def complaints_visible_to(user: AnyUser) -> QuerySet[Complaint]:
    """Cases whose service, team or site lies in the user's complaints scope.

    Holders of the sign-off capability also see the drafts waiting for a signature.
    """
    related = ("service", "team", "site", "handler")
    condition = Q(pk__in=[])
    paths = scope_paths(user, Cap.VIEW_COMPLAINTS)
    if covers_everything(paths):
        # Trust-wide complaints staff: no path filter, so no joins to filter on.
        return Complaint.objects.select_related(*related)
    if paths:
        condition |= _within(paths)
    sign_off_paths = scope_paths(user, Cap.SIGN_OFF_COMPLAINTS)
    if sign_off_paths:
        condition |= _within(sign_off_paths) & Q(status=Status.DRAFT_RESPONSE)
    if not paths and not sign_off_paths:
        return Complaint.objects.none()
    return Complaint.objects.filter(condition).select_related(*related)


def get_complaint_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Complaint:
    """The case, or 404 when it does not exist and 403 when the user may not see it.

    A case that exists outside the user's scope is a 403, not a 404: complaints
    staff and service leads know cases exist; only their content is guarded.
    `manage=True` also requires MANAGE_COMPLAINTS over the case's service.
    """
    complaint = complaints_visible_to(user).filter(pk=pk).first()
    if complaint is None:
        if not Complaint.objects.filter(pk=pk).exists():
            raise Http404("No such complaint")
        raise PermissionDenied
    if manage and not can(user, Cap.MANAGE_COMPLAINTS, complaint.service):
        raise PermissionDenied
    return complaint


# Things on a case -------------------------------------------------------------
#
# Each is found through its case, so the case's access check covers it: an id that
# belongs to another case is a 404, never the other case's thing.

Child = TypeVar("Child", bound=Model)

# An issue's coding, read with it wherever it is shown.
ISSUE_RELATIONS = (
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
    "hcat_domain",
    "hcat_category",
    "hcat_stage",
    "harm",
)


def _on_case(rows: QuerySet[Child], pk: int, what: str) -> Child:
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {what} on this case")
    return found


def get_issue_for_user(
    user: AnyUser, pk: int, issue_pk: int, *, manage: bool = False
) -> ComplaintIssue:
    complaint = get_complaint_for_user(user, pk, manage=manage)
    issues = complaint.issues.select_related("complaint", *ISSUE_RELATIONS)
    return _on_case(issues, issue_pk, "issue")


def get_letter_for_user(user: AnyUser, pk: int, letter_pk: int) -> Letter:
    """A case's letter. Letters name the complainant: complaints staff only."""
    complaint = get_complaint_for_user(user, pk, manage=True)
    return _on_case(complaint.letters.select_related("complaint"), letter_pk, "letter")


def get_attachment_for_user(user: AnyUser, pk: int, attachment_pk: int) -> Attachment:
    complaint = get_complaint_for_user(user, pk)
    return _on_case(complaint.attachments.select_related("complaint"), attachment_pk, "document")


def get_referral_for_user(user: AnyUser, pk: int, referral_pk: int) -> PHSOReferral:
    complaint = get_complaint_for_user(user, pk, manage=True)
    referrals = complaint.phso_referrals.select_related("complaint").prefetch_related(
        "recommendations"
    )
    return _on_case(referrals, referral_pk, "Ombudsman referral")


def get_recommendation_for_user(
    user: AnyUser, pk: int, recommendation_pk: int
) -> PHSORecommendation:
    complaint = get_complaint_for_user(user, pk, manage=True)
    recommendations = PHSORecommendation.objects.filter(referral__complaint=complaint)
    return _on_case(recommendations, recommendation_pk, "Ombudsman recommendation")


def get_late_task_for_user(user: AnyUser, pk: int, task_pk: int) -> LateResponseTask:
    complaint = get_complaint_for_user(user, pk, manage=True)
    tasks = complaint.late_response_tasks.select_related("complaint")
    return _on_case(tasks, task_pk, "late response task")


def complaints_work(user: AnyUser) -> list[WorkItem]:
    """ "My work": the open cases the user handles, with each one's next deadline.

    Overdue cases come first (then soonest due), which is also how the home page
    sorts, since an overdue date is earlier than any date still to come.
    """
    if not user.is_authenticated or not can(user, Cap.MANAGE_COMPLAINTS):
        return []
    today = timezone.localdate()
    items: list[tuple[bool, datetime.date, WorkItem]] = []
    cases = complaints_visible_to(user).filter(status__in=OPEN_STATUSES, handler_id=user.pk)
    for case in cases.select_related(None).only(
        "pk",
        "reference",
        "acknowledgement_due",
        "acknowledged_on",
        "response_due",
        "backstop_due",
        "responded_on",
        "status",
        "kind",
    ):
        deadline = clocks.next_deadline(
            acknowledgement_due=case.acknowledgement_due,
            acknowledged_on=case.acknowledged_on,
            response_due=case.response_due,
            backstop_due=case.backstop_due,
            responded_on=case.responded_on,
            reopened=case.status == Status.REOPENED,
        )
        due = deadline.due if deadline else None
        overdue = due is not None and due < today
        if deadline is not None:
            detail = deadline.label
        elif case.kind == Kind.PALS:
            detail = "Resolve the concern or escalate it"
        else:
            detail = "Agree a new response date"
        if overdue:
            detail = f"{detail}: overdue"
        if (
            case.response_due is not None
            and case.responded_on is None
            and case.response_due < today
            and case.kind == Kind.COMPLAINT
        ):
            # Regulation 14: a missed response date needs a letter explaining why.
            detail = f"{detail}. Send the late response letter"
        item = WorkItem(
            title=f"Complaint {case.reference}",
            href=reverse("complaints:detail", args=[case.pk]),
            module="Complaints",
            due=due,
            detail=detail,
        )
        items.append((not overdue, due or datetime.date.max, item))
    items.sort(key=lambda entry: (entry[0], entry[1], entry[2].title))
    return [item for _, _, item in items]


def overdue_condition(today: datetime.date) -> Q:
    """SQL for "the next deadline has passed", mirroring clocks.next_deadline."""
    awaiting_ack = Q(acknowledgement_due__isnull=False, acknowledged_on__isnull=True)
    response_late = Q(response_due__lt=today) | (
        Q(response_due__isnull=True, backstop_due__lt=today) & ~Q(status=Status.REOPENED)
    )
    return (awaiting_ack & Q(acknowledgement_due__lt=today)) | (
        ~awaiting_ack & Q(responded_on__isnull=True) & response_late
    )


def held_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Documents held from the public form before this have outlived the form's time."""
    return (now or timezone.now()) - datetime.timedelta(seconds=MAX_AGE)


def held_uploads(tokens: Sequence[str], *, for_update: bool = False) -> list[HeldUpload]:
    """The held documents these tokens claim that have not expired, in the tokens' order.

    The token is the only way to a held document: it is random, and the form
    carries it signed, so only the form it was issued to can claim it. Listing
    them leaves the files' bytes behind; `for_update` (sending the form) reads
    them and locks the rows, so two sends of one form cannot both attach them.
    """
    rows = HeldUpload.objects.filter(token__in=list(tokens), created_at__gte=held_cutoff())
    rows = rows.select_for_update() if for_update else rows.defer("data")
    found = {row.token: row for row in rows}
    return [found[token] for token in dict.fromkeys(tokens) if token in found]
