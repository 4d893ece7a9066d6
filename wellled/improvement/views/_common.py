"""What the improvement pages share: the trail of breadcrumbs, the choices of
people and measures, and the small page each write has (access check, form,
action, redirect back to the action)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from wellled.core.adapters import Crumb, crumbs, run_action
from wellled.core.types import AnyUser, AuthenticatedHttpRequest
from wellled.improvement import access
from wellled.improvement.forms import PageForm
from wellled.improvement.models import Action
from wellled.organisation.access import Cap, can
from wellled.organisation.models import GrantStatus, OrgUnit, Role
from wellled.reports.models import Metric
from wellled.reports.sources import all_sources


def register_crumb(user: AnyUser) -> tuple[str, str]:
    """The register for those who may read it; otherwise "My work", where an owner
    or a signer came from (a crumb must never lead to a refusal)."""
    if can(user, Cap.VIEW_ACTIONS):
        return ("Actions", reverse("improvement:list"))
    return ("My work", reverse("core:home"))


def action_crumbs(user: AnyUser, action: Action) -> list[Crumb]:
    return crumbs(
        register_crumb(user), (action.title, reverse("improvement:detail", args=[action.pk]))
    )


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def executives_for(unit: OrgUnit) -> QuerySet[User]:
    """People on the unit's line holding the executive role (the action checks it)."""
    return (
        access.people_in_scope(unit)
        .filter(role_assignments__role=Role.EXECUTIVE, role_assignments__status=GrantStatus.ACTIVE)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def people_for(unit: OrgUnit) -> QuerySet[User]:
    return access.people_in_scope(unit).order_by("first_name", "last_name", "username")


def measure_choices() -> list[tuple[str, str]]:
    """Registered metric sources, then the metric catalogue's own measures."""
    registered = [(source.key, source.title) for source in all_sources()]
    catalogue = list(Metric.objects.filter(is_active=True).values_list("slug", "name"))
    return registered + [(slug, name) for slug, name in catalogue]


@dataclass(frozen=True)
class FormPage:
    """The wording of one small write page."""

    title: str
    button: str
    success: str
    intro: str = ""
    caption: str = ""  # filled with the action's title when the page is drawn


def form_page(
    request: AuthenticatedHttpRequest,
    action: Action,
    form: PageForm,
    write: Callable[[Mapping[str, Any]], object],
    page: FormPage,
) -> HttpResponse:
    """GET: the form; POST: the write, then back to the action, or the form again
    with the refusal beside its field and everything typed kept."""
    if request.method == "POST":
        done = run_action(
            request,
            form,
            write,
            success=page.success,
            then=reverse("improvement:detail", args=[action.pk]),
        )
        if done is not None:
            return done
    return render(
        request,
        "form_page.html",
        {
            "action": action,
            "form": form,
            "page": replace(page, caption=action.title),
            "cancel": reverse("improvement:detail", args=[action.pk]),
            "breadcrumbs": action_crumbs(request.user, action),
        },
    )
