"""Pages for complaints: the caseload, a case and its next steps, recording a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.complaints import actions, clocks, forms, workflow
from wellled.complaints.models import OPEN_STATUSES, Complaint, Status
from wellled.complaints.queries import (
    complaints_visible_to,
    get_complaint_for_user,
    overdue_condition,
)
from wellled.core import audit
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind

PAGE_SIZE = 25


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "href": href} for label, href in pairs]


def _list_crumb() -> tuple[str, str]:
    return ("Complaints", reverse("complaints:list"))


def _next_deadline(complaint: Complaint) -> clocks.NextDeadline | None:
    return clocks.next_deadline(
        acknowledgement_due=complaint.acknowledgement_due,
        acknowledged_on=complaint.acknowledged_on,
        response_due=complaint.response_due,
        backstop_due=complaint.backstop_due,
        responded_on=complaint.responded_on,
        reopened=complaint.status == Status.REOPENED,
    )


@login_required
@require_GET
def complaint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINTS)
    form = forms.CaseloadFilterForm(request.GET or None)
    today = timezone.localdate()
    cases = complaints_visible_to(request.user).filter(status__in=OPEN_STATUSES)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["status"]:
            cases = cases.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            cases = cases.filter(overdue_condition(today))
    paginator = Paginator(cases.order_by("-received_on", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for case in page:
        deadline = _next_deadline(case)
        rows.append(
            {
                "case": case,
                "deadline": deadline,
                "overdue": deadline is not None and deadline.due < today,
            }
        )
    links = [
        {"number": n, "current": n == page.number, "ellipsis": n == Paginator.ELLIPSIS}
        for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    kept = [(k, v) for k, v in request.GET.items() if k != "page" and v]
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "page_links": links,
            "query": urlencode(kept),
            "can_record": can(request.user, Cap.MANAGE_COMPLAINTS),
        },
    )


def _services_for(request: AuthenticatedHttpRequest) -> Any:
    condition = Q(pk__in=[])
    for path in scope_paths(request.user, Cap.MANAGE_COMPLAINTS):
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition, kind=UnitKind.SERVICE, is_active=True).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINTS)
    form = forms.RecordComplaintForm(
        request.POST if request.method == "POST" else None, services=_services_for(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = None
        if data["patient_name"].strip():
            patient = actions.PatientDetails(
                full_name=data["patient_name"], nhs_number=data["nhs_number"]
            )
        try:
            complaint = actions.record_complaint(
                acting_user=request.user,
                channel=data["channel"],
                kind=data["kind"],
                received_on=data["received_on"],
                resolved_on=data["resolved_on"],
                service=data["service"],
                summary=data["summary"],
                complainant=actions.ComplainantDetails(
                    full_name=data["complainant_name"],
                    email=data["complainant_email"],
                    phone=data["complainant_phone"],
                    address=data["complainant_address"],
                ),
                patient=patient,
                # Whoever records the case handles it until someone reassigns it.
                handler=request.user,
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"Complaint {complaint.reference} has been recorded")
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/new.html",
        {"form": form, "breadcrumbs": _crumbs(_list_crumb())},
    )


# The case page and its steps -------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    title: str
    button: str
    form_class: type[forms.StepForm]
    capability: Cap
    run: Callable[[AuthenticatedHttpRequest, Complaint, dict[str, Any]], object]
    offered: Callable[[Complaint], bool]


def _workflow(name: str) -> Callable[[Complaint], bool]:
    return lambda complaint: workflow.can_take(complaint, name)


def _may_date_response(complaint: Complaint) -> bool:
    return (
        complaint.under_regulations
        and complaint.response_due is None
        and complaint.status
        in {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED}
    )


# Where actions.add_issue and record_issue_outcome accept changes.
_ISSUES_EDITABLE = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.DRAFT_RESPONSE,
        Status.REOPENED,
    }
)


def _may_edit_issues(complaint: Complaint) -> bool:
    return complaint.status in _ISSUES_EDITABLE


def _has_open_issues(complaint: Complaint) -> bool:
    return _may_edit_issues(complaint) and complaint.issues.exists()


STEPS: dict[str, StepPage] = {
    "acknowledge": StepPage(
        "Acknowledge",
        "Record the acknowledgement",
        forms.AcknowledgeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.acknowledge(acting_user=r.user, complaint=c, **d),
        _workflow("acknowledge"),
    ),
    "agree_response_date": StepPage(
        "Agree the response date",
        "Record the agreed date",
        forms.AgreeResponseDateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.agree_response_date(acting_user=r.user, complaint=c, **d),
        _may_date_response,
    ),
    "add_issue": StepPage(
        "Add an issue",
        "Add the issue",
        forms.IssueForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_issue(acting_user=r.user, complaint=c, **d),
        _may_edit_issues,
    ),
    "issue_outcome": StepPage(
        "Record an issue's outcome",
        "Record the outcome",
        forms.IssueOutcomeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_issue_outcome(acting_user=r.user, **d),
        _has_open_issues,
    ),
    "start_investigation": StepPage(
        "Start the investigation",
        "Start the investigation",
        forms.EmptyStepForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.start_investigation(acting_user=r.user, complaint=c),
        _workflow("start_investigation"),
    ),
    "submit_draft": StepPage(
        "Submit the draft response",
        "Submit for sign-off",
        forms.EmptyStepForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.submit_draft(acting_user=r.user, complaint=c),
        _workflow("submit_draft"),
    ),
    "sign_off": StepPage(
        "Sign off the response",
        "Sign off",
        forms.SignOffForm,
        Cap.SIGN_OFF_COMPLAINTS,
        lambda r, c, d: actions.sign_off(acting_user=r.user, complaint=c, **d),
        _workflow("sign_off"),
    ),
    "return_draft": StepPage(
        "Return the draft for more work",
        "Return the draft",
        forms.EmptyStepForm,
        Cap.SIGN_OFF_COMPLAINTS,
        lambda r, c, d: actions.return_draft(acting_user=r.user, complaint=c),
        _workflow("return_draft"),
    ),
    "record_response": StepPage(
        "Record the response as sent",
        "Record the response",
        forms.RecordResponseForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_response(acting_user=r.user, complaint=c, **d),
        _workflow("record_response"),
    ),
    "close": StepPage(
        "Close the case",
        "Close the case",
        forms.CloseForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.close(acting_user=r.user, complaint=c, **d),
        _workflow("close"),
    ),
    "reopen": StepPage(
        "Reopen the complaint",
        "Reopen",
        forms.ReopenForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.reopen(acting_user=r.user, complaint=c, **d),
        _workflow("reopen"),
    ),
    "transfer": StepPage(
        "Transfer to another body",
        "Record the transfer",
        forms.TransferForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.transfer(acting_user=r.user, complaint=c, **d),
        _workflow("transfer"),
    ),
}


def _offered_steps(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    bound: tuple[str, forms.StepForm] | None,
) -> list[dict[str, Any]]:
    offered = []
    for name, step in STEPS.items():
        if not step.offered(complaint) or not can(request.user, step.capability, complaint.service):
            continue
        if bound and bound[0] == name:
            form = bound[1]
        else:
            form = step.form_class(prefix=name, complaint=complaint)
        offered.append({"name": name, "step": step, "form": form})
    return offered


def _render_case(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    bound: tuple[str, forms.StepForm] | None = None,
) -> HttpResponse:
    # The page shows the people and the summary: every look is on the audit trail.
    audit.record_view(acting_user=request.user, obj=complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "deadline": _next_deadline(complaint),
        "today": timezone.localdate(),
        "issues": complaint.issues.select_related("subject", "service_area", "profession"),
        "steps": _offered_steps(request, complaint, bound),
        "breadcrumbs": _crumbs(_list_crumb()),
    }
    if bound is not None:
        # base.html and the error summary read `form`.
        context["form"] = bound[1]
    return render(request, "complaints/detail.html", context, status=200)


@login_required
@require_GET
def complaint_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    return _render_case(request, complaint)


@login_required
@require_POST
def complaint_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    page = STEPS.get(step)
    if page is None:
        raise Http404("No such step")
    if not can(request.user, page.capability, complaint.service):
        raise PermissionDenied
    form = page.form_class(request.POST, prefix=step, complaint=complaint)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            page.run(request, complaint, data)
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, f"{complaint.reference}: {page.title.lower()} recorded")
            return redirect("complaints:detail", pk=complaint.pk)
    complaint.refresh_from_db()
    return _render_case(request, complaint, (step, form))
