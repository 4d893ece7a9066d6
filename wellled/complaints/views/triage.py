"""The triage queue of new cases nobody handles, and the rules that assign new cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.complaints import actions
from wellled.complaints.casework_forms import AssignmentRuleForm
from wellled.complaints.queries import (
    assignment_rules_visible_to,
    get_assignment_rule_for_user,
    triage_queue,
)
from wellled.complaints.views._common import list_crumb, settings_crumbs
from wellled.core.adapters import crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import UnitKind
from wellled.organisation.queries import units_within_scope

PAGE_SIZE = 25


@login_required
@require_GET
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New cases with no handler, oldest first, each to take or to assign."""
    require(request.user, Cap.MANAGE_COMPLAINTS)
    paginator = Paginator(triage_queue(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    links = [
        {"number": n, "current": n == page.number, "ellipsis": n == Paginator.ELLIPSIS}
        for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return render(
        request,
        "complaints/triage.html",
        {
            "page": page,
            "page_links": links,
            "can_set_rules": can(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA),
            "breadcrumbs": crumbs(list_crumb()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who handles new cases about each service; a new rule for a service replaces its old one."""
    require(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)
    services = units_within_scope(request.user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA).filter(
        kind=UnitKind.SERVICE, is_active=True
    )
    form = AssignmentRuleForm(posted(request), services=services.order_by("name"))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.set_assignment_rule(
                acting_user=request.user, service=data["service"], handler=data["handler"]
            ),
            success=lambda rule: (
                f"New cases about {rule.service.name} now go to "
                f"{rule.handler.get_full_name() or rule.handler.get_username()}"
            ),
            then="complaints:assignment_rules",
        )
        if done:
            return done
    return render(
        request,
        "complaints/assignment_rules.html",
        {
            "form": form,
            "rules": assignment_rules_visible_to(request.user),
            "can_triage": can(request.user, Cap.MANAGE_COMPLAINTS),
            "breadcrumbs": crumbs(*settings_crumbs(request.user)),
        },
    )


@login_required
@require_POST
def assignment_rule_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_assignment_rule_for_user(request.user, pk)
    name = rule.service.name
    actions.remove_assignment_rule(acting_user=request.user, rule=rule)
    messages.success(request, f"New cases about {name} now wait in the triage queue")
    return redirect("complaints:assignment_rules")
