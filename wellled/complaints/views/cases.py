"""The caseload, recording a case, and the case page with its next steps."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.complaints import actions, forms, workflow
from wellled.complaints.case_panels import issue_panels
from wellled.complaints.casework_forms import SaveFilterForm
from wellled.complaints.models import NEEDS_LEARNING, Complaint, Letter, LetterKind
from wellled.complaints.queries import caseload, get_complaint_for_user, saved_filters_of
from wellled.complaints.timeline import case_timeline
from wellled.complaints.views._common import list_crumb, next_deadline
from wellled.complaints.views.caseload import filter_query, showing_label, sort_headers
from wellled.complaints.views.steps import DONE, ISSUES_EDITABLE, STEPS, StepPage, primary_step
from wellled.core import audit
from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.organisation.queries import units_within_scope

PAGE_SIZE = 25


@login_required
@require_GET
def complaint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINTS)
    form = forms.CaseloadFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    cases = caseload(request.user, today=today, **filters)
    paginator = Paginator(cases, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for case in page:
        deadline = next_deadline(case)
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
    kept = filter_query(request.GET)
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "page_links": links,
            "query": kept,
            "headers": sort_headers(request.GET, filters["ordering"]),
            "showing": showing_label(filters),
            "saved_filters": saved_filters_of(request.user),
            "save_form": SaveFilterForm(initial={"query": kept}),
            "can_record": can(request.user, Cap.MANAGE_COMPLAINTS),
        },
    )


def _services_for(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    services = units_within_scope(request.user, Cap.MANAGE_COMPLAINTS)
    return services.filter(kind=UnitKind.SERVICE, is_active=True).order_by("name")


def _record(request: AuthenticatedHttpRequest, data: Any) -> Complaint:
    patient = None
    if data["patient_name"].strip():
        patient = actions.PatientDetails(
            full_name=data["patient_name"],
            nhs_number=data["nhs_number"],
            date_of_birth=data.get("date_of_birth"),
        )
    return actions.record_complaint(
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
            relationship=data["complainant_relationship"],
            representative_basis=data["representative_basis"] or "self",
            consent_status=data["consent_status"] or "not_needed",
            consent_evidence=data["consent_evidence"],
        ),
        event_date=data.get("event_date"),
        aware_date=data.get("aware_date"),
        late_acceptance_reason=data["late_acceptance_reason"],
        patient=patient,
        # Whoever records the case handles it until someone reassigns it.
        handler=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINTS)
    form = forms.RecordComplaintForm(
        request.POST if request.method == "POST" else None, services=_services_for(request)
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: _record(request, data),
            aliases=forms.action_aliases(form),
            success=lambda complaint: f"Complaint {complaint.reference} has been recorded",
            then=lambda complaint: redirect("complaints:detail", pk=complaint.pk),
        )
        if done:
            return done
    return render(
        request, "complaints/new.html", {"form": form, "breadcrumbs": crumbs(list_crumb())}
    )


# The case page and its steps -------------------------------------------------

# Steps shown in their own place on the page rather than in "Other steps": per issue,
# and beside the timeline.
_ISSUE_STEPS = ("issue_outcome", "learning")
_TIMELINE_STEPS = ("note", "contact")
_ISSUE_NUMBER = re.compile(r"\bIssue (\d+)\b")


def _step_form(
    complaint: Complaint,
    name: str,
    bound: tuple[str, forms.StepForm] | None,
    **kwargs: Any,
) -> forms.StepForm:
    if bound and bound[0] == name:
        return bound[1]
    return STEPS[name].form_class(prefix=name, complaint=complaint, **kwargs)


def _offered_steps(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    bound: tuple[str, forms.StepForm] | None,
) -> dict[str, dict[str, Any]]:
    offered = {}
    for name, step in STEPS.items():
        if not step.offered(complaint) or not can(request.user, step.capability, complaint.service):
            continue
        offered[name] = {"name": name, "step": step, "form": _step_form(complaint, name, bound)}
    return offered


def _issue_cards(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    offered: dict[str, dict[str, Any]],
    bound: tuple[str, forms.StepForm] | None,
) -> list[dict[str, Any]]:
    """Each issue with its own outcome and learning forms (the issue chosen already)
    and what other modules show under it (learning's actions)."""
    issues = list(complaint.issues.select_related("subject", "service_area", "profession"))
    panels = issue_panels(request.user, complaint, issues)
    cards = []
    for number, issue in enumerate(issues, start=1):
        card: dict[str, Any] = {"issue": issue, "number": number, "panels": panels.get(issue.pk)}
        for name in _ISSUE_STEPS:
            wanted = name == "issue_outcome" or issue.outcome in NEEDS_LEARNING
            if name not in offered or not wanted:
                continue
            mine = bound if bound and bound[1].data.get(f"{name}-issue") == str(issue.pk) else None
            form = _step_form(complaint, name, mine, issue=issue)
            # Each issue has its own forms on the page: ids must not repeat.
            form.auto_id = f"id_issue{issue.pk}_%s"
            card[name] = {"name": name, "step": offered[name]["step"], "form": form, "open": mine}
        cards.append(card)
    return cards


def _closure_problems(complaint: Complaint) -> list[dict[str, str]]:
    """Why the case cannot close, each linked to the issue on this page that fixes it."""
    if not workflow.can_take(complaint, "close"):
        return []
    problems = []
    for text in actions.closure_problems(complaint):
        found = _ISSUE_NUMBER.search(text)
        problems.append({"text": text, "href": f"#issue-{found.group(1)}" if found else ""})
    return problems


def _primary_item(
    complaint: Complaint,
    offered: dict[str, dict[str, Any]],
    primary: str | None,
    bound: tuple[str, forms.StepForm] | None,
) -> dict[str, Any] | None:
    """The next step's form. A step about an issue leads with the first issue that
    needs it, already chosen, rather than asking which."""
    if primary is None:
        return None
    item = offered[primary]
    if primary not in _ISSUE_STEPS or (bound and bound[0] == primary):
        return item
    needing = [
        (number, issue)
        for number, issue in enumerate(complaint.issues.all(), start=1)
        if (primary == "issue_outcome" and not issue.outcome)
        or (primary == "learning" and issue.lacks_learning)
    ]
    if not needing:
        return item
    number, issue = needing[0]
    form = STEPS[primary].form_class(prefix=primary, complaint=complaint, issue=issue)
    return {**item, "form": form, "issue_number": number}


def _render_case(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    bound: tuple[str, forms.StepForm] | None = None,
) -> HttpResponse:
    # The page shows the people and the summary: every look is on the audit trail.
    audit.record_view(acting_user=request.user, obj=complaint)
    today = timezone.localdate()
    offered = _offered_steps(request, complaint, bound)
    primary = primary_step(complaint, set(offered))
    placed = {primary, *_ISSUE_STEPS, *_TIMELINE_STEPS}
    context: dict[str, Any] = {
        "complaint": complaint,
        "deadline": next_deadline(complaint),
        "today": today,
        "issue_cards": _issue_cards(request, complaint, offered, bound),
        "extensions": complaint.extensions.select_related("recorded_by"),
        "late_tasks": complaint.late_response_tasks.all(),
        "response_missed": complaint.under_regulations
        and complaint.is_open
        and complaint.responded_on is None
        and complaint.response_due is not None
        and complaint.response_due < today,
        "referrals": complaint.phso_referrals.prefetch_related("recommendations"),
        "letters": complaint.letters.all(),
        "letter_to_sign": _letter_to_sign(complaint, offered),
        "attachments": complaint.attachments.defer("data"),
        "can_manage": can(request.user, Cap.MANAGE_COMPLAINTS, complaint.service),
        "closure_problems": _closure_problems(complaint),
        "escalated_to": Complaint.objects.filter(escalated_from=complaint).first(),
        "editable_statuses": sorted(ISSUES_EDITABLE),
        "primary": _primary_item(complaint, offered, primary, bound),
        "timeline_steps": [offered[n] for n in _TIMELINE_STEPS if n in offered],
        "steps": [item for name, item in offered.items() if name not in placed],
        "bound_step": bound[0] if bound else "",
        "timeline": case_timeline(complaint),
        "breadcrumbs": crumbs(list_crumb()),
    }
    if bound is not None:
        # base.html and the error summary read `form`.
        context["form"] = bound[1]
    return render(request, "complaints/detail.html", context, status=200)


def _letter_to_sign(complaint: Complaint, offered: dict[str, Any]) -> Letter | None:
    """Whoever may sign the response reads it where they sign: the letter's own page
    is for complaints staff, and a signer may not be one."""
    if "sign_off" not in offered:
        return None
    return complaint.letters.filter(kind=LetterKind.FINAL, sent_on__isnull=True).last()


@login_required
@require_GET
def complaint_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    return _render_case(request, complaint)


def _step_data(step: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    if step in ("extend", "set_response_date"):
        # These actions name a missing date themselves: pass None through.
        return dict(cleaned)
    return {k: v for k, v in cleaned.items() if v is not None}


def _after_step(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    step: str,
    page: StepPage,
    result: object,
) -> HttpResponse:
    if isinstance(result, Letter):
        messages.success(request, f"{complaint.reference}: the letter is drafted, edit it here")
        return redirect("complaints:letter", pk=complaint.pk, letter_pk=result.pk)
    if isinstance(result, Complaint) and result.pk != complaint.pk:
        messages.success(
            request,
            f"{complaint.reference} has been escalated: this is formal complaint "
            f"{result.reference}",
        )
        return redirect("complaints:detail", pk=result.pk)
    said = DONE.get(step, f"{page.title} is done")
    messages.success(request, f"{complaint.reference}: {said[0].lower()}{said[1:]}")
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_POST
def complaint_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    page = STEPS.get(step)
    if page is None:
        raise Http404("No such step")
    if not can(request.user, page.capability, complaint.service):
        raise PermissionDenied
    form = page.form_class(request.POST, request.FILES, prefix=step, complaint=complaint)
    done = run_action(
        request,
        form,
        lambda data: page.run(request, complaint, _step_data(step, dict(data))),
        aliases=forms.action_aliases(form),
        then=lambda result: _after_step(request, complaint, step, page, result),
    )
    if done:
        return done
    complaint.refresh_from_db()
    return _render_case(request, complaint, (step, form))
