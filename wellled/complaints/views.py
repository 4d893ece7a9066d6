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

from wellled.complaints import actions, clocks, forms, letters, workflow
from wellled.complaints.models import (
    NEEDS_LEARNING,
    OPEN_STATUSES,
    Complaint,
    Letter,
    LetterKind,
    PHSODecision,
    PHSORecommendation,
    Status,
)
from wellled.complaints.queries import (
    complaints_visible_to,
    get_complaint_for_user,
    overdue_condition,
)
from wellled.core import audit
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.organisation.queries import get_trust

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
                full_name=data["patient_name"],
                nhs_number=data["nhs_number"],
                date_of_birth=data.get("date_of_birth"),
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


def _may_extend(complaint: Complaint) -> bool:
    return (
        complaint.under_regulations
        and complaint.response_due is not None
        and complaint.status in OPEN_STATUSES
    )


def _may_record_learning(complaint: Complaint) -> bool:
    return (
        complaint.status not in (Status.CLOSED, Status.TRANSFERRED)
        and complaint.issues.filter(outcome__in=NEEDS_LEARNING).exists()
    )


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
    "set_response_date": StepPage(
        "Set the response date (no date could be agreed)",
        "Record the date set",
        forms.SetResponseDateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.set_response_date(
            acting_user=r.user,
            complaint=c,
            response_due=d["response_due"],
            notified=d["notified"],
            notified_on=d.get("notified_on"),
        ),
        _may_date_response,
    ),
    "extend": StepPage(
        "Extend the response date",
        "Record the extension",
        forms.ExtensionForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.extend_response_date(
            acting_user=r.user,
            complaint=c,
            new_date=d["new_date"],
            complainant_agreed=d["complainant_agreed"],
            how_agreed=d["how_agreed"],
            agreed_on=d.get("agreed_on"),
            requested_by=d["requested_by"],
            reason=d["reason"],
        ),
        _may_extend,
    ),
    "late_letter": StepPage(
        "Record the late response letter as sent",
        "Record the letter",
        forms.LateLetterForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_late_letter_sent(acting_user=r.user, **d),
        lambda c: c.late_response_tasks.filter(letter_sent_on__isnull=True).exists(),
    ),
    "change_handler": StepPage(
        "Change the handler",
        "Change the handler",
        forms.HandlerForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.assign_handler(
            acting_user=r.user, complaint=c, handler=d.get("handler")
        ),
        lambda c: c.is_open,
    ),
    "learning": StepPage(
        "Record the learning from an issue",
        "Record the learning",
        forms.LearningForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_learning(acting_user=r.user, **d),
        _may_record_learning,
    ),
    "consent": StepPage(
        "Update consent",
        "Record consent",
        forms.ConsentForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.update_consent(acting_user=r.user, complaint=c, **d),
        lambda c: c.is_open,
    ),
    "draft_letter": StepPage(
        "Draft a letter",
        "Draft the letter",
        forms.DraftLetterForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.draft_letter(acting_user=r.user, complaint=c, **d),
        lambda c: c.status != Status.TRANSFERRED,
    ),
    "add_attachment": StepPage(
        "Attach a document",
        "Attach",
        forms.AttachmentForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_attachment(
            acting_user=r.user,
            complaint=c,
            filename=d["attachment"].name,
            data=d["attachment"].read(),
        ),
        lambda c: True,
    ),
    "refer_to_phso": StepPage(
        "Record a referral to the Ombudsman",
        "Record the referral",
        forms.PHSOReferralForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.refer_to_phso(acting_user=r.user, complaint=c, **d),
        _workflow("refer_to_phso"),
    ),
    "phso_decision": StepPage(
        "Record the Ombudsman's decision",
        "Record the decision",
        forms.PHSODecisionForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_phso_decision(acting_user=r.user, **d),
        lambda c: c.phso_referrals.filter(decision=PHSODecision.PENDING).exists(),
    ),
    "phso_recommendation": StepPage(
        "Add an Ombudsman recommendation",
        "Add the recommendation",
        forms.PHSORecommendationForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_phso_recommendation(acting_user=r.user, **d),
        lambda c: c.status == Status.REFERRED_TO_PHSO,
    ),
    "phso_complete": StepPage(
        "Record a recommendation as completed",
        "Record completion",
        forms.PHSOCompleteForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.complete_phso_recommendation(acting_user=r.user, **d),
        lambda c: PHSORecommendation.objects.filter(
            referral__complaint=c, completed_on__isnull=True
        ).exists(),
    ),
    "exclude": StepPage(
        "Record that regulation 8 excludes it",
        "Record the exclusion",
        forms.ExcludeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.exclude(acting_user=r.user, complaint=c, **d),
        _workflow("exclude"),
    ),
    "escalate": StepPage(
        "Escalate to a formal complaint",
        "Escalate",
        forms.EscalateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.escalate_pals_concern(acting_user=r.user, concern=c, **d),
        _workflow("escalate"),
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
    today = timezone.localdate()
    context: dict[str, Any] = {
        "complaint": complaint,
        "deadline": _next_deadline(complaint),
        "today": today,
        "issues": complaint.issues.select_related("subject", "service_area", "profession"),
        "extensions": complaint.extensions.select_related("recorded_by"),
        "late_tasks": complaint.late_response_tasks.all(),
        "response_missed": complaint.under_regulations
        and complaint.is_open
        and complaint.responded_on is None
        and complaint.response_due is not None
        and complaint.response_due < today,
        "referrals": complaint.phso_referrals.prefetch_related("recommendations"),
        "letters": complaint.letters.all(),
        "attachments": complaint.attachments.defer("data"),
        "can_manage": can(request.user, Cap.MANAGE_COMPLAINTS, complaint.service),
        "closure_problems": actions.closure_problems(complaint)
        if workflow.can_take(complaint, "close")
        else [],
        "escalated_to": Complaint.objects.filter(escalated_from=complaint).first(),
        "editable_statuses": sorted(_ISSUES_EDITABLE),
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
    form = page.form_class(request.POST, request.FILES, prefix=step, complaint=complaint)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if step in ("extend", "set_response_date"):
            data = dict(form.cleaned_data)
        try:
            result = page.run(request, complaint, data)
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            if isinstance(result, Letter):
                messages.success(request, f"{complaint.reference}: letter drafted, edit it here")
                return redirect("complaints:letter", pk=complaint.pk, letter_pk=result.pk)
            if isinstance(result, Complaint) and result.pk != complaint.pk:
                messages.success(
                    request,
                    f"{complaint.reference} has been escalated: this is formal complaint "
                    f"{result.reference}",
                )
                return redirect("complaints:detail", pk=result.pk)
            messages.success(request, f"{complaint.reference}: {page.title.lower()} recorded")
            return redirect("complaints:detail", pk=complaint.pk)
    complaint.refresh_from_db()
    return _render_case(request, complaint, (step, form))


# Letters -----------------------------------------------------------------------


def _letter_for(request: AuthenticatedHttpRequest, pk: int, letter_pk: int) -> Letter:
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    letter = complaint.letters.filter(pk=letter_pk).select_related("complaint").first()
    if letter is None:
        raise Http404("No such letter")
    return letter


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: AuthenticatedHttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = _letter_for(request, pk, letter_pk)
    complaint = letter.complaint
    form_class = forms.FinalLetterForm if letter.kind == LetterKind.FINAL else forms.LetterForm
    initial = {
        "subject": letter.subject,
        "body": letter.body,
        "confirms_how_considered": letter.confirms_how_considered,
        "confirms_conclusions": letter.confirms_conclusions,
        "confirms_actions": letter.confirms_actions,
        "confirms_ombudsman_rights": letter.confirms_ombudsman_rights,
    }
    form: forms.LetterForm = form_class(
        request.POST if request.method == "POST" and "subject" in request.POST else None,
        initial=initial,
    )
    sent_form = forms.LetterSentForm(
        request.POST if request.method == "POST" and "sent_on_day" in request.POST else None,
        prefix=None,
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            actions.edit_letter(acting_user=request.user, letter=letter, **form.cleaned_data)
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "The letter has been saved")
            return redirect("complaints:letter", pk=complaint.pk, letter_pk=letter.pk)
    elif request.method == "POST" and sent_form.is_bound and sent_form.is_valid():
        try:
            actions.mark_letter_sent(
                acting_user=request.user, letter=letter, sent_on=sent_form.cleaned_data["sent_on"]
            )
        except ValidationError as error:
            forms.add_action_errors(sent_form, error)
        else:
            messages.success(request, "The letter is recorded as sent")
            return redirect("complaints:detail", pk=complaint.pk)
    # The letter names the complainant: the look is on the audit trail.
    audit.record_view(acting_user=request.user, obj=complaint)
    shown = sent_form if sent_form.is_bound else form
    return render(
        request,
        "complaints/letter.html",
        {
            "letter": letter,
            "complaint": complaint,
            "form": shown,
            "edit_form": form,
            "sent_form": sent_form,
            "has_ombudsman_paragraph": letters.has_ombudsman_paragraph(letter.body),
            "breadcrumbs": _crumbs(
                _list_crumb(),
                (complaint.reference, reverse("complaints:detail", args=[complaint.pk])),
            ),
        },
    )


@login_required
@require_GET
def letter_download(
    request: AuthenticatedHttpRequest, pk: int, letter_pk: int, fmt: str
) -> HttpResponse:
    letter = _letter_for(request, pk, letter_pk)
    audit.record_view(acting_user=request.user, obj=letter.complaint, reason=f"letter {fmt}")
    trust = get_trust()
    trust_name = trust.name if trust else "NHS trust"
    name = f"{letter.complaint.reference}-{letter.kind}"
    if fmt == "pdf":
        response = HttpResponse(letters.letter_pdf(letter, trust_name), "application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "docx":
        response = HttpResponse(
            letters.letter_docx(letter, trust_name),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    else:
        raise Http404("No such format")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def letter_templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    rows = [
        {"kind": kind, "label": label, "template": letters.template_for(kind)}
        for kind, label in LetterKind.choices
    ]
    return render(
        request,
        "complaints/letter_templates.html",
        {"rows": rows, "breadcrumbs": _crumbs(_list_crumb())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    if kind not in LetterKind.values:
        raise Http404("No such letter")
    template = letters.template_for(kind)
    form = forms.LetterTemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": template.subject, "body": template.body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_letter_template(acting_user=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(
                request, f"The {template.get_kind_display().lower()} template is saved"
            )
            return redirect("complaints:letter_templates")
    return render(
        request,
        "complaints/letter_template_edit.html",
        {
            "form": form,
            "template": template,
            "variables": sorted(letters.VARIABLES.items()),
            "breadcrumbs": _crumbs(
                _list_crumb(), ("Letter templates", reverse("complaints:letter_templates"))
            ),
        },
    )


# People, issues and documents ----------------------------------------------------


def _case_crumbs(complaint: Complaint) -> list[dict[str, str]]:
    return _crumbs(
        _list_crumb(), (complaint.reference, reverse("complaints:detail", args=[complaint.pk]))
    )


@login_required
@require_http_methods(["GET", "POST"])
def complainant_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    person = complaint.complainant
    form = forms.ComplainantForm(
        request.POST if request.method == "POST" else None,
        initial={
            name: getattr(person, name)
            for name in (
                "full_name",
                "email",
                "phone",
                "address",
                "relationship",
                "representative_basis",
                "consent_status",
                "consent_evidence",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_complainant(
                acting_user=request.user,
                complaint=complaint,
                details=actions.ComplainantDetails(**form.cleaned_data),
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "The complainant's details are saved")
            return redirect("complaints:detail", pk=complaint.pk)
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/person_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "title": "Complainant's details",
            "breadcrumbs": _case_crumbs(complaint),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    patient = complaint.patient
    initial: dict[str, Any] = {}
    if patient is not None:
        initial = {
            "full_name": patient.full_name,
            "nhs_number": patient.nhs_number,
            "date_of_birth": patient.date_of_birth,
        }
    form = forms.PatientForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_patient(
                acting_user=request.user,
                complaint=complaint,
                details=actions.PatientDetails(**form.cleaned_data),
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "The patient's details are saved")
            return redirect("complaints:detail", pk=complaint.pk)
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/person_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "title": "Patient's details",
            "breadcrumbs": _case_crumbs(complaint),
        },
    )


_ISSUE_CODING = (
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
)


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request: AuthenticatedHttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    issue = complaint.issues.filter(pk=issue_pk).first()
    if issue is None:
        raise Http404("No such issue")
    initial: dict[str, Any] = {"description": issue.description}
    initial.update({name: getattr(issue, f"{name}_id") for name in _ISSUE_CODING})
    form = forms.IssueForm(
        request.POST if request.method == "POST" else None, initial=initial, complaint=complaint
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_issue(
                acting_user=request.user,
                issue=issue,
                hcat_domain=issue.hcat_domain,
                hcat_category=issue.hcat_category,
                hcat_severity=issue.hcat_severity,
                hcat_stage=issue.hcat_stage,
                harm=issue.harm,
                **form.cleaned_data,
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "The issue is saved")
            return redirect("complaints:detail", pk=complaint.pk)
    # The issue's description comes from the complainant: the look is audited.
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/issue_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "issue": issue,
            "breadcrumbs": _case_crumbs(complaint),
        },
    )


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk)
    attachment = complaint.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such document")
    audit.record_view(acting_user=request.user, obj=attachment)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    safe_name = "".join(ch for ch in attachment.filename if ch.isalnum() or ch in "._- ")
    response["Content-Disposition"] = f'attachment; filename="{safe_name or "document"}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_details_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary, the dates of the events and the decision on the 12-month limit."""
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    form = forms.CaseDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "summary": complaint.summary,
            "event_date": complaint.event_date,
            "aware_date": complaint.aware_date,
            "late_acceptance_reason": complaint.late_acceptance_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_case_details(
                acting_user=request.user, complaint=complaint, **form.cleaned_data
            )
        except ValidationError as error:
            forms.add_action_errors(form, error)
        else:
            messages.success(request, "The case details are saved")
            return redirect("complaints:detail", pk=complaint.pk)
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/person_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "title": "Case details",
            "breadcrumbs": _case_crumbs(complaint),
        },
    )
