"""Correcting a case: its people, its details and its issues; and its documents."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from wellled.complaints import actions, forms
from wellled.complaints.models import Complaint
from wellled.complaints.queries import (
    get_attachment_for_user,
    get_complaint_for_user,
    get_issue_for_user,
)
from wellled.complaints.views._common import case_crumbs
from wellled.core import audit
from wellled.core.adapters import run_action
from wellled.core.nhsforms import NHSForm
from wellled.core.types import AuthenticatedHttpRequest

_COMPLAINANT_FIELDS = (
    "title",
    "full_name",
    "email",
    "phone",
    "address",
    "relationship",
    "representative_basis",
    "consent_status",
    "consent_evidence",
)

_ISSUE_CODING = (
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
)


def _edit_page(
    request: AuthenticatedHttpRequest,
    complaint: Complaint,
    form: NHSForm,
    title: str,
) -> HttpResponse:
    # The page shows what the complainant told us: the look is on the audit trail.
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/person_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "title": title,
            "breadcrumbs": case_crumbs(complaint),
        },
    )


def _to_case(complaint: Complaint) -> Any:
    return lambda _: redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_http_methods(["GET", "POST"])
def complainant_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request.user, pk, manage=True)
    person = complaint.complainant
    form = forms.ComplainantForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(person, name) for name in _COMPLAINANT_FIELDS},
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.update_complainant(
                acting_user=request.user,
                complaint=complaint,
                details=actions.ComplainantDetails(**data),
            ),
            aliases=forms.action_aliases(form),
            success="The complainant's details are saved",
            then=_to_case(complaint),
        )
        if done:
            return done
    return _edit_page(request, complaint, form, "Complainant's details")


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
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.update_patient(
                acting_user=request.user,
                complaint=complaint,
                details=actions.PatientDetails(**data),
            ),
            aliases=forms.action_aliases(form),
            success="The patient's details are saved",
            then=_to_case(complaint),
        )
        if done:
            return done
    return _edit_page(request, complaint, form, "Patient's details")


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
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.update_case_details(
                acting_user=request.user, complaint=complaint, **data
            ),
            aliases=forms.action_aliases(form),
            success="The case details are saved",
            then=_to_case(complaint),
        )
        if done:
            return done
    return _edit_page(request, complaint, form, "Case details")


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request: AuthenticatedHttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    issue = get_issue_for_user(request.user, pk, issue_pk, manage=True)
    complaint = issue.complaint
    initial: dict[str, Any] = {"description": issue.description}
    initial.update({name: getattr(issue, f"{name}_id") for name in _ISSUE_CODING})
    form = forms.IssueForm(
        request.POST if request.method == "POST" else None, initial=initial, complaint=complaint
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            # The page edits the KO41a coding; the HCAT coding is kept as it is.
            lambda data: actions.update_issue(
                acting_user=request.user,
                issue=issue,
                hcat_domain=issue.hcat_domain,
                hcat_category=issue.hcat_category,
                hcat_severity=issue.hcat_severity,
                hcat_stage=issue.hcat_stage,
                harm=issue.harm,
                **data,
            ),
            aliases=forms.action_aliases(form),
            success="The issue is saved",
            then=_to_case(complaint),
        )
        if done:
            return done
    # The issue's description comes from the complainant: the look is audited.
    audit.record_view(acting_user=request.user, obj=complaint)
    return render(
        request,
        "complaints/issue_edit.html",
        {
            "form": form,
            "complaint": complaint,
            "issue": issue,
            "breadcrumbs": case_crumbs(complaint),
        },
    )


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    audit.record_view(acting_user=request.user, obj=attachment)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    safe_name = "".join(ch for ch in attachment.filename if ch.isalnum() or ch in "._- ")
    response["Content-Disposition"] = f'attachment; filename="{safe_name or "document"}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
