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
import re
from collections.abc import Sequence
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.complaints import clocks
from wellled.complaints.models import (
    OPEN_STATUSES,
    AssignmentRule,
    Attachment,
    Complaint,
    ComplaintIssue,
    CQCRequest,
    HeldUpload,
    Kind,
    LateResponseTask,
    Letter,
    LetterKind,
    PHSORecommendation,
    PHSOReferral,
    SavedCaseloadFilter,
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


def sign_off_work(user: AnyUser) -> list[WorkItem]:
    """ "My work" for signers: responses awaiting a sign-off they may give. A response
    whose sign-off an edit withdrew is back here, which is how it is asked for again;
    one the reader drafted or last changed is left for someone else to sign."""
    if not user.is_authenticated or not can(user, Cap.SIGN_OFF_COMPLAINTS):
        return []
    paths = scope_paths(user, Cap.SIGN_OFF_COMPLAINTS)
    cases = Complaint.objects.filter(status=Status.DRAFT_RESPONSE)
    if not covers_everything(paths):
        cases = cases.filter(_within(paths))
    own_words = Letter.objects.filter(
        Q(created_by_id=user.pk) | Q(edited_by_id=user.pk),
        complaint_id=OuterRef("pk"),
        kind=LetterKind.FINAL,
        sent_on__isnull=True,
    )
    cases = cases.exclude(Exists(own_words)).order_by("response_due", "pk")
    return [
        WorkItem(
            title=f"Sign off the response to {case.reference}",
            href=reverse("complaints:detail", args=[case.pk]),
            module="Complaints",
            due=case.response_due,
            detail="The final letter is drafted and waits for your sign-off",
        )
        for case in cases.only("pk", "reference", "response_due")
    ]


# The caseload: search, status and sort ----------------------------------------

# Status filter values beyond the statuses themselves.
ANY_OPEN = "open"
ANY_STATUS = "any"

# Sort keys, as the caseload's column headers and the API's `ordering` name them;
# "-key" sorts the other way. Each ends on the primary key so pages never overlap.
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "received": ("received_on", "pk"),
    "service": ("service__name", "pk"),
    "handler": ("handler__first_name", "handler__last_name", "handler__username", "pk"),
    "status": ("status", "pk"),
}
DEFAULT_SORT = "-received"
SORT_CHOICES = [*SORTS, *(f"-{key}" for key in SORTS)]

_NHS_SEPARATORS = re.compile(r"[\s-]")


def _search_term(term: str) -> Q:
    """One word of a search: in the reference, either person's name or the summary.

    Names and NHS numbers are stored as plain text (models.Patient, Complainant),
    so a normalised lookup finds them. Ten digits, with or without the spaces and
    dashes people write them with, are an NHS number, matched exactly.
    """
    digits = _NHS_SEPARATORS.sub("", term)
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return Q(patient__nhs_number=digits)
    return (
        Q(reference__icontains=term)
        | Q(complainant__full_name__icontains=term)
        | Q(patient__full_name__icontains=term)
        | Q(summary__icontains=term)
    )


def search_condition(text: str) -> Q:
    """Every word must match somewhere; an NHS number written "943 476 5919" is one word."""
    text = text.strip()
    if not text:
        return Q()
    digits = _NHS_SEPARATORS.sub("", text)
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return _search_term(digits)
    condition = Q()
    for term in text.split():
        condition &= _search_term(term)
    return condition


def caseload(
    user: AnyUser,
    *,
    q: str = "",
    status: str = ANY_OPEN,
    overdue: bool | None = None,
    ordering: str = DEFAULT_SORT,
    today: datetime.date | None = None,
) -> QuerySet[Complaint]:
    """The cases the user may see, searched, filtered by status and sorted.

    The caseload page and the API list both read this. `status` is a status,
    ANY_OPEN or ANY_STATUS; `overdue` True keeps the open cases whose next deadline
    has passed and False the rest; `ordering` is a key of SORTS, "-" for reverse.
    """
    cases = complaints_visible_to(user)
    if status == ANY_OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status != ANY_STATUS:
        cases = cases.filter(status=status)
    if overdue is not None:
        late = overdue_condition(today or timezone.localdate()) & Q(status__in=OPEN_STATUSES)
        cases = cases.filter(late) if overdue else cases.exclude(late)
    if q.strip():
        cases = cases.filter(search_condition(q))
    descending = ordering.startswith("-")
    fields = SORTS.get(ordering.removeprefix("-")) or SORTS["received"]
    if ordering not in SORT_CHOICES:
        descending = True
    return cases.order_by(*(f"-{name}" if descending else name for name in fields))


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
            group="Complaints you handle",
            reference=case.reference,
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


# Triage: new cases nobody handles yet, and the rules that assign them -------------


def triage_queue(user: AnyUser) -> QuerySet[Complaint]:
    """Open cases in the user's scope with no handler, the longest waiting first."""
    cases = complaints_visible_to(user).filter(status__in=OPEN_STATUSES, handler__isnull=True)
    return cases.order_by("received_on", "pk")


def triage_work(user: AnyUser) -> list[WorkItem]:
    """ "My work" for complaints managers: one line, how many new cases wait for a handler."""
    if not user.is_authenticated or not can(user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA):
        return []
    if not can(user, Cap.MANAGE_COMPLAINTS):
        return []
    waiting = triage_queue(user).select_related(None).order_by()
    found = waiting.aggregate(count=Count("pk"), due=Min("acknowledgement_due"))
    if not found["count"]:
        return []
    count = found["count"]
    return [
        WorkItem(
            title=f"{count} new {'case' if count == 1 else 'cases'} waiting for a handler",
            href=reverse("complaints:triage"),
            module="Complaints",
            due=found["due"],
            detail="Take a case or assign it to a handler",
            group="Complaints waiting for a handler",
        )
    ]


def assignment_rules_visible_to(user: AnyUser) -> QuerySet[AssignmentRule]:
    """The rules for services where the user may change complaints settings."""
    paths = scope_paths(user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    rules = AssignmentRule.objects.select_related("service", "handler")
    if covers_everything(paths):
        return rules
    if not paths:
        return rules.none()
    condition = Q()
    for path in paths:
        condition |= Q(service__path__startswith=path)
    return rules.filter(condition)


def get_assignment_rule_for_user(user: AnyUser, pk: int) -> AssignmentRule:
    rule = assignment_rules_visible_to(user).filter(pk=pk).first()
    if rule is None:
        if not AssignmentRule.objects.filter(pk=pk).exists():
            raise Http404("No such assignment rule")
        raise PermissionDenied
    return rule


def saved_filters_of(user: AnyUser) -> QuerySet[SavedCaseloadFilter]:
    """The caseload filters the user saved: nobody else's."""
    if not user.is_authenticated:
        return SavedCaseloadFilter.objects.none()
    return SavedCaseloadFilter.objects.filter(user_id=user.pk)


def get_saved_filter_for_user(user: AnyUser, pk: int) -> SavedCaseloadFilter:
    """One of the user's own saved filters; anyone else's is a 404 (they are private)."""
    saved = saved_filters_of(user).filter(pk=pk).first()
    if saved is None:
        raise Http404("No such saved filter")
    return saved


def cqc_requests_visible_to(user: AnyUser) -> QuerySet[CQCRequest]:
    """CQC's requests: about the whole trust, so for whoever manages complaints."""
    if not can(user, Cap.MANAGE_COMPLAINTS):
        return CQCRequest.objects.none()
    return CQCRequest.objects.select_related("recorded_by")


def get_cqc_request_for_user(user: AnyUser, pk: int) -> CQCRequest:
    if not can(user, Cap.MANAGE_COMPLAINTS):
        raise PermissionDenied
    found = cqc_requests_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such request")
    return found
