"""Pages for inspections: the register, an inspection and its findings, action plans,
sign-off, the progress report and the board summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import get_methodology
from wellled.inspections import actions, forms, report
from wellled.inspections.access import (
    holds_sign_off,
    may_manage,
    may_reopen,
    may_sign_off,
    may_update_plan,
)
from wellled.inspections.models import SHOWN_STATUSES, ActionPlan, Inspection
from wellled.inspections.queries import (
    filter_plans,
    get_completion_evidence_for_user,
    get_finding_for_user,
    get_inspection_for_user,
    get_milestone_for_user,
    get_plan_for_user,
    inspections_visible_to,
    inspections_with_counts,
    key_question_rows,
    overdue_condition,
    plan_of,
    plans_of,
    plans_visible_to,
    status_counts,
    status_counts_by_inspection,
)
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit, RoleAssignment
from wellled.organisation.queries import units_within_scope

# An action's `statement_ids` is the finding form's `statements`.
FINDING_FIELDS = {"statement_ids": "statements"}


def _home() -> tuple[str, str]:
    return ("Inspections", reverse("inspections:list"))


def _inspection_crumb(inspection: Inspection) -> tuple[str, str]:
    return (inspection.title, reverse("inspections:detail", args=[inspection.pk]))


def _require_manage(user: Any, inspection: Inspection) -> None:
    if not may_manage(user, inspection):
        raise PermissionDenied


def _require_update(user: Any, plan: ActionPlan) -> None:
    if not may_update_plan(user, plan):
        raise PermissionDenied


def _plan_rows(plans: QuerySet[ActionPlan]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "plan": plan,
            "status": plan.shown_status(today),
            "status_label": plan.shown_status_label(today),
        }
        for plan in plans
    ]


# The register ----------------------------------------------------------------


@login_required
@require_GET
def inspection_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_INSPECTIONS)
    rows = [
        {
            "inspection": inspection,
            # Annotated by the query, so the register costs the same for any number of rows.
            "findings": getattr(inspection, "finding_count", 0),
            "overdue": getattr(inspection, "overdue_count", 0),
        }
        for inspection in inspections_with_counts(request.user, timezone.localdate())
    ]
    return render(
        request,
        "inspections/list.html",
        {"rows": rows, "can_record": can(request.user, Cap.MANAGE_INSPECTIONS)},
    )


def _units_for(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    return (
        units_within_scope(request.user, Cap.MANAGE_INSPECTIONS)
        .filter(kind__in=actions.SCOPE_KINDS, is_active=True)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_INSPECTIONS)
    form = forms.InspectionForm(
        request.POST if request.method == "POST" else None,
        units=_units_for(request),
        initial={"methodology": "saf_2024_statements"},
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.record_inspection(acting_user=request.user, **data),
            success="The inspection has been recorded",
            then=lambda inspection: redirect("inspections:detail", pk=inspection.pk),
        )
        if done:
            return done
    return render(request, "inspections/new.html", {"form": form, "breadcrumbs": crumbs(_home())})


@login_required
@require_GET
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    names = report.statement_names(inspection.methodology)
    today = timezone.localdate()
    findings = []
    for finding in inspection.findings.select_related("plan__owner").prefetch_related("statements"):
        plan = plan_of(finding)
        findings.append(
            {
                "finding": finding,
                "statements": [
                    names.get(s.statement_id, s.statement_id) for s in finding.statements.all()
                ],
                "plan": plan,
                "status": plan.shown_status(today) if plan else "",
                "status_label": plan.shown_status_label(today) if plan else "",
            }
        )
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "kq_rows": key_question_rows(inspection),
            "methodology": get_methodology(inspection.methodology),
            "findings": findings,
            "counts": status_counts(plans_of(inspection), today),
            "can_manage": may_manage(request.user, inspection),
            "breadcrumbs": crumbs(_home()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_ratings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    _require_manage(request.user, inspection)
    methodology = get_methodology(inspection.methodology)
    initial: dict[str, Any] = {"overall_rating": inspection.overall_rating}
    initial.update({f"rating_{r.key_question}": r.rating for r in inspection.ratings.all()})
    initial.update({f"score_{s.statement_id}": s.score for s in inspection.statement_scores.all()})
    form = forms.RatingsForm(
        request.POST if request.method == "POST" else None,
        methodology=methodology,
        initial=initial,
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.set_ratings(
                acting_user=request.user,
                inspection=inspection,
                key_question_ratings=form.key_question_ratings(),
                statement_scores=form.statement_scores(),
                overall_rating=data["overall_rating"],
            ),
            success="The ratings and scores have been saved",
            then=reverse("inspections:detail", args=[inspection.pk]),
        )
        if done:
            return done
    sections = [
        {
            "name": section["name"],
            "rating": form[section["rating"]],
            "scores": [form[name] for name in section["scores"]],
        }
        for section in form.sections
    ]
    return render(
        request,
        "inspections/ratings.html",
        {
            "form": form,
            "sections": sections,
            "inspection": inspection,
            "methodology": methodology,
            "breadcrumbs": crumbs(_home(), _inspection_crumb(inspection)),
        },
    )


def _finding_arguments(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "text": data["text"],
        "regulation": data["regulation"],
        "reference": data["reference"],
        "statement_ids": data["statements"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    _require_manage(request.user, inspection)
    form = forms.FindingForm(
        request.POST if request.method == "POST" else None,
        methodology=get_methodology(inspection.methodology),
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.add_finding(
                acting_user=request.user, inspection=inspection, **_finding_arguments(data)
            ),
            success="The finding has been added",
            then=reverse("inspections:detail", args=[inspection.pk]),
            aliases=FINDING_FIELDS,
        )
        if done:
            return done
    return render(
        request,
        "inspections/finding_new.html",
        {
            "form": form,
            "inspection": inspection,
            "breadcrumbs": crumbs(_home(), _inspection_crumb(inspection)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request.user, pk)
    inspection = finding.inspection
    _require_manage(request.user, inspection)
    plan = plan_of(finding)
    if plan is not None and plan.is_signed_off:
        messages.info(
            request,
            "Its action plan has been signed off, so the finding cannot change: an executive "
            "reopens the plan first",
        )
        return redirect("inspections:detail", pk=inspection.pk)
    form = forms.FindingForm(
        request.POST if request.method == "POST" else None,
        methodology=get_methodology(inspection.methodology),
        initial={
            "kind": finding.kind,
            "reference": finding.reference,
            "regulation": finding.regulation,
            "text": finding.text,
            "statements": finding.statement_ids,
        },
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.change_finding(
                acting_user=request.user, finding=finding, **_finding_arguments(data)
            ),
            success="The finding has been changed",
            then=reverse("inspections:detail", args=[inspection.pk]),
            aliases=FINDING_FIELDS,
        )
        if done:
            return done
    return render(
        request,
        "inspections/finding_edit.html",
        {
            "form": form,
            "finding": finding,
            "inspection": inspection,
            "breadcrumbs": crumbs(_home(), _inspection_crumb(inspection)),
        },
    )


def _owners() -> QuerySet[User]:
    """People who can own an action: active logins with a role somewhere."""
    with_roles = RoleAssignment.objects.values("user_id")
    return User.objects.filter(is_active=True, pk__in=with_roles).order_by(
        "first_name", "last_name", "username"
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for_user(request.user, pk)
    _require_manage(request.user, finding.inspection)
    existing = plan_of(finding)
    if existing is not None:
        messages.info(request, "This finding already has an action plan")
        return redirect("inspections:action", pk=existing.pk)
    form = forms.PlanForm(request.POST if request.method == "POST" else None, owners=_owners())
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_action_plan(
                acting_user=request.user, finding=finding, **data
            ),
            success="The action plan has been created",
            then=lambda plan: redirect("inspections:action", pk=plan.pk),
        )
        if done:
            return done
    return render(
        request,
        "inspections/plan_form.html",
        {
            "form": form,
            "finding": finding,
            "heading": "Plan the action",
            "button": "Create the action plan",
            "breadcrumbs": crumbs(_home(), _inspection_crumb(finding.inspection)),
        },
    )


# Action plans ----------------------------------------------------------------


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = plans_visible_to(request.user)
    if not can(request.user, Cap.VIEW_INSPECTIONS) and not plans.exists():
        raise PermissionDenied
    form = forms.ActionFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        plans = filter_plans(
            plans,
            status=form.cleaned_data["status"] or None,
            owner_id=request.user.pk if form.cleaned_data["mine"] else None,
        )
    return render(
        request,
        "inspections/actions.html",
        {
            "form": form,
            "rows": _plan_rows(plans.order_by("due_date", "pk")),
            "breadcrumbs": crumbs(_home()),
        },
    )


def _plan_context(request: AuthenticatedHttpRequest, plan: ActionPlan) -> dict[str, Any]:
    today = timezone.localdate()
    inspection = plan.finding.inspection
    names = report.statement_names(inspection.methodology)
    milestones = [{"milestone": m, "overdue": m.is_overdue(today)} for m in plan.milestones.all()]
    trail = [_home()]
    if can(request.user, Cap.VIEW_INSPECTIONS):
        trail = [_home(), _inspection_crumb(inspection)]
    return {
        "plan": plan,
        "inspection": inspection,
        "finding": plan.finding,
        "statements": [
            names.get(s.statement_id, s.statement_id) for s in plan.finding.statements.all()
        ],
        "status": plan.shown_status(today),
        "status_label": plan.shown_status_label(today),
        "milestones": milestones,
        "updates": plan.updates.select_related("author"),
        "evidence": plan.evidence.all(),
        "can_update": may_update_plan(request.user, plan) and not plan.is_signed_off,
        "can_manage": may_manage(request.user, inspection) and not plan.is_signed_off,
        "can_sign_off": may_sign_off(request.user, plan) and plan.awaiting_sign_off,
        "can_reopen": may_reopen(request.user, plan),
        "person": report.person,
        "breadcrumbs": crumbs(*trail),
    }


@login_required
@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    context = _plan_context(request, plan)
    context["owner_name"] = report.person(plan.owner)
    context["signer_name"] = report.person(plan.signed_off_by)
    return render(request, "inspections/action.html", context)


def _step(
    request: AuthenticatedHttpRequest,
    plan: ActionPlan,
    form: Any,
    template: str,
    run: Callable[[Mapping[str, Any]], object],
    success: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A step on a plan: its form, the action, then back to the plan."""
    if request.method == "POST":
        done = run_action(
            request, form, run, success=success, then=reverse("inspections:action", args=[plan.pk])
        )
        if done:
            return done
    context = {
        "form": form,
        "plan": plan,
        "breadcrumbs": crumbs(_home(), (plan.title, reverse("inspections:action", args=[plan.pk]))),
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def action_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    _require_update(request.user, plan)
    form = forms.ProgressForm(
        request.POST if request.method == "POST" else None, initial={"status": plan.status}
    )
    return _step(
        request,
        plan,
        form,
        "inspections/progress.html",
        lambda data: actions.record_progress(
            acting_user=request.user,
            plan=plan,
            note=data["note"],
            status=data["status"],
            written_on=data["written_on"],
        ),
        "Your update has been recorded",
        {"has_evidence": plan.evidence.exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    _require_update(request.user, plan)
    form = forms.EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    return _step(
        request,
        plan,
        form,
        "inspections/evidence.html",
        lambda data: actions.add_evidence(
            acting_user=request.user,
            plan=plan,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            url=data["url"] or "",
            note=data["note"],
        ),
        "The evidence has been added",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_milestone(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    _require_update(request.user, plan)
    form = forms.MilestoneForm(request.POST if request.method == "POST" else None)
    return _step(
        request,
        plan,
        form,
        "inspections/milestone.html",
        lambda data: actions.add_milestone(acting_user=request.user, plan=plan, **data),
        "The milestone has been added",
    )


@login_required
@require_POST
def milestone_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_user(request.user, pk)
    plan = milestone.plan
    _require_update(request.user, plan)
    try:
        actions.complete_milestone(acting_user=request.user, milestone=milestone)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The milestone '{milestone.title}' is marked as met")
    return redirect("inspections:action", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    _require_manage(request.user, plan.finding.inspection)
    form = forms.PlanForm(
        request.POST if request.method == "POST" else None,
        owners=_owners(),
        initial={"title": plan.title, "owner": plan.owner_id, "due_date": plan.due_date},
    )
    return _step(
        request,
        plan,
        form,
        "inspections/plan_form.html",
        lambda data: actions.change_plan(acting_user=request.user, plan=plan, **data),
        "The action plan has been changed",
        {
            "finding": plan.finding,
            "heading": "Change the action plan",
            "button": "Save the changes",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    if not may_sign_off(request.user, plan):
        raise PermissionDenied
    form = forms.SignOffForm(request.POST if request.method == "POST" else None)
    return _step(
        request,
        plan,
        form,
        "inspections/sign_off.html",
        lambda data: actions.sign_off(acting_user=request.user, plan=plan, note=data["note"]),
        "The action has been signed off as done",
        {"evidence": plan.evidence.all(), "owner_name": report.person(plan.owner)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    if not holds_sign_off(request.user, plan):
        raise PermissionDenied
    if not plan.is_signed_off:
        messages.info(request, "This action has not been signed off, so there is nothing to reopen")
        return redirect("inspections:action", pk=plan.pk)
    form = forms.ReopenForm(request.POST if request.method == "POST" else None)
    return _step(
        request,
        plan,
        form,
        "inspections/reopen.html",
        lambda data: actions.reopen_plan(
            acting_user=request.user, plan=plan, reason=data["reason"]
        ),
        "The sign-off has been withdrawn and the action is open again",
        {"signer_name": report.person(plan.signed_off_by)},
    )


@login_required
@require_GET
def evidence_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = get_completion_evidence_for_user(request.user, pk)
    if not evidence.file:
        raise Http404("This evidence has no document")
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )


# The progress report and the board summary ----------------------------------

REPORT_TYPES = {
    "pdf": ("application/pdf", report.report_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        report.report_docx,
    ),
}


@login_required
@require_GET
def progress_report(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    if fmt not in REPORT_TYPES:
        raise Http404("Choose pdf or docx")
    content_type, render_report = REPORT_TYPES[fmt]
    data = report.build_report(inspection, today=timezone.localdate())
    response = HttpResponse(render_report(data), content_type=content_type)
    name = f"action-plan-progress-{inspection.pk}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def board_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_INSPECTIONS)
    today = timezone.localdate()
    inspections = list(inspections_visible_to(request.user))
    counts = status_counts_by_inspection(inspections, today)
    rows = [
        {"inspection": inspection, "counts": counts[inspection.pk]} for inspection in inspections
    ]
    overdue = (
        plans_of(inspections)
        .filter(overdue_condition(today))
        .select_related("owner", "finding__inspection")
        .order_by("due_date", "pk")
    )
    overdue_rows = [
        {
            "plan": plan,
            "owner": report.person(plan.owner),
            "days": (today - plan.due_date).days,
        }
        for plan in overdue
    ]
    return render(
        request,
        "inspections/board.html",
        {
            "rows": rows,
            "overdue": overdue_rows,
            "statuses": SHOWN_STATUSES,
            "breadcrumbs": crumbs(_home()),
        },
    )
