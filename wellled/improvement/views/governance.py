"""Managing an action (re-plan, reassign) and closing the loop (sign off, reopen)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from wellled.core.adapters import posted
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement import access, actions
from wellled.improvement.forms import ReassignForm, ReopenForm, ReplanForm, SignOffForm
from wellled.improvement.queries import get_action_for_user
from wellled.improvement.views._common import (
    FormPage,
    executives_for,
    form_page,
    people_for,
    refuse_unless,
)
from wellled.organisation.models import OrgUnit


@login_required
@require_http_methods(["GET", "POST"])
def action_replan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    refuse_unless(access.may_manage(request.user, action))
    return form_page(
        request,
        action,
        ReplanForm(posted(request)),
        lambda data: actions.replan_action(acting_user=request.user, action=action, **data),
        FormPage(
            "Re-plan the due date",
            "Move the due date",
            "The due date has moved",
            intro=f"Due now on {action.due_on:%-d %B %Y}. The old date and the reason "
            "are kept in the action's history.",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    refuse_unless(access.may_manage(request.user, action))
    form = ReassignForm(
        posted(request),
        people=people_for(action.unit),
        executives=executives_for(action.unit),
        teams=OrgUnit.objects.within(action.unit.path).filter(is_active=True).order_by("name"),
        initial={
            "owner": action.owner_id,
            "team": action.team_id,
            "executive": action.executive_id,
        },
    )
    return form_page(
        request,
        action,
        form,
        lambda data: actions.reassign_action(acting_user=request.user, action=action, **data),
        FormPage("Change the owner", "Save", "The action's owner and executive are saved"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    refuse_unless(access.may_sign_off(request.user, action))
    return form_page(
        request,
        action,
        SignOffForm(posted(request)),
        lambda data: actions.sign_off_action(acting_user=request.user, action=action, **data),
        FormPage(
            "Sign the action off",
            "Sign it off",
            "The action is signed off",
            intro="Sign off only once you have seen its evidence and every milestone is done.",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    refuse_unless(
        access.may_manage(request.user, action) or access.may_sign_off(request.user, action)
    )
    return form_page(
        request,
        action,
        ReopenForm(posted(request)),
        lambda data: actions.reopen_action(acting_user=request.user, action=action, **data),
        FormPage(
            "Reopen the action",
            "Reopen it",
            "The action is open again",
            intro="Any sign-off is withdrawn. The reason is kept as a progress update.",
        ),
    )
