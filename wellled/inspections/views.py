"""Pages for inspections: the register, an inspection and its findings with the
actions that answer them, the progress report and the board summary. The actions
themselves are improvement actions, on their own pages (wellled.improvement); the
old action plan addresses forward there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.engines.ratings import get_methodology
from wellled.improvement.models import Action
from wellled.improvement.queries import (
    action_href,
    get_action_by_legacy_ref,
    get_evidence_by_legacy_ref,
    overdue_q,
)
from wellled.inspections import actions, forms, report
from wellled.inspections.access import may_manage
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import SHOWN_STATUSES, Inspection
from wellled.inspections.queries import (
    actions_of,
    finding_actions,
    get_finding_for_user,
    get_inspection_for_user,
    inspection_of_findings,
    inspections_visible_to,
    inspections_with_counts,
    key_question_rows,
    shown_status,
    status_counts,
    status_counts_by_inspection,
)
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit
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


def _action_rows(user: Any, found: list[Action]) -> list[dict[str, Any]]:
    """Each action with its shown status, and a link only where the reader may open it."""
    today = timezone.localdate()
    return [
        {
            "action": action,
            "status": shown_status(action, today),
            "status_label": SHOWN_STATUSES[shown_status(action, today)],
            "href": action_href(user, action),
        }
        for action in found
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
        {
            "rows": rows,
            "can_record": can(request.user, Cap.MANAGE_INSPECTIONS),
            "can_see_register": can(request.user, Cap.VIEW_ACTIONS),
        },
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
    all_findings = list(inspection.findings.prefetch_related("statements"))
    by_finding = finding_actions([finding.pk for finding in all_findings])
    findings = []
    for finding in all_findings:
        raised = by_finding.get(finding.pk, [])
        findings.append(
            {
                "finding": finding,
                "statements": [
                    names.get(s.statement_id, s.statement_id) for s in finding.statements.all()
                ],
                "actions": _action_rows(request.user, raised),
                "signed_off": any(a.signed_off_on is not None for a in raised),
                "raise_href": reverse("improvement:new")
                + f"?source_kind={KIND}&source_id={finding.pk}",
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
            "counts": status_counts(actions_of(inspection), today),
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
    if any(a.signed_off_on is not None for a in finding_actions([finding.pk]).get(finding.pk, [])):
        messages.info(
            request,
            "Its action has been signed off, so the finding cannot change: an executive "
            "reopens the action first",
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


@login_required
@require_GET
def plan_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The old "plan the action" page: actions are raised on the finding with the
    improvement action form."""
    finding = get_finding_for_user(request.user, pk)
    _require_manage(request.user, finding.inspection)
    return redirect(reverse("improvement:new") + f"?source_kind={KIND}&source_id={finding.pk}")


# The old addresses of inspection action plans --------------------------------
# Plans moved onto the action loop (wellled.improvement); an old id forwards to
# its action's page, for whoever may see that action.

_MOVED_PAGES = {
    "detail": "improvement:detail",
    "edit": "improvement:reassign",
    "progress": "improvement:progress",
    "evidence": "improvement:evidence",
    "milestone": "improvement:milestone_new",
    "sign_off": "improvement:sign_off",
    "reopen": "improvement:reopen",
}


def _moved(page: str) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    @login_required
    @require_GET
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        moved = get_action_by_legacy_ref(request.user, f"inspections.actionplan:{pk}")
        return redirect(_MOVED_PAGES[page], pk=moved.pk, permanent=True)

    view.__name__ = f"action_{page}"
    view.__doc__ = f"An inspection action plan's old {page} page: its improvement action's."
    return view


action_detail = _moved("detail")
action_edit = _moved("edit")
action_progress = _moved("progress")
action_evidence = _moved("evidence")
action_milestone = _moved("milestone")
action_sign_off = _moved("sign_off")
action_reopen = _moved("reopen")


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The old list of inspection actions: the register, showing those actions."""
    return redirect(reverse("improvement:list") + f"?source_kind={KIND}", permanent=True)


@login_required
@require_GET
def evidence_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Old evidence downloads: the document now lives in the evidence library."""
    link = get_evidence_by_legacy_ref(request.user, f"inspections.completionevidence:{pk}")
    return redirect("assurance:evidence_download", pk=link.item_id, permanent=True)


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
    overdue = list(actions_of(inspections).filter(overdue_q(today)).order_by("due_on", "pk"))
    inspection_ids = inspection_of_findings([action.source_id for action in overdue])
    titles = {inspection.pk: inspection.title for inspection in inspections}
    overdue_rows = [
        {
            **row,
            "owner": report.person(row["action"].owner),
            "days": (today - row["action"].due_on).days,
            "inspection": titles.get(inspection_ids.get(row["action"].source_id, 0), ""),
        }
        for row in _action_rows(request.user, overdue)
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
