"""Pages for the organisation: the tree, units, staff, logins and roles, CSV import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wellled.accounts import actions as account_actions
from wellled.accounts.queries import has_two_factor
from wellled.core import audit
from wellled.core.actions import start_job
from wellled.core.adapters import Crumb, crumbs, posted, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.core.uploads import size_label
from wellled.organisation import actions, csv_import, forms
from wellled.organisation.access import (
    Cap,
    can,
    can_see_people,
    forget_grants,
    may_reset_two_factor,
    require,
)
from wellled.organisation.models import (
    ALLOWED_PARENTS,
    GrantStatus,
    OrgUnit,
    RoleAssignment,
    UnitKind,
)
from wellled.organisation.queries import (
    active_staff_within,
    get_grant_for_user,
    get_login_for_user,
    get_staff_profile_for_user,
    get_unit_for_user,
    grants_of,
    logins_with_grants,
    staff_matching,
    staff_profile_of,
    staff_totals,
    unit_ancestors,
    unit_grants_for,
    units_with_staff_counts,
    units_within_scope,
)

PAGE_SIZE = 25
# Siblings are listed places first, then the management structure, then by name.
_KIND_ORDER = {kind: index for index, kind in enumerate(UnitKind.values)}


def _org_crumb() -> tuple[str, str]:
    return ("Organisation", reverse("organisation:tree"))


def _unit_crumbs(unit: OrgUnit, *, include_self: bool) -> list[Crumb]:
    ancestors = unit_ancestors(unit, include_self=include_self)
    pairs = [_org_crumb()]
    pairs += [(u.name, reverse("organisation:unit", args=[u.pk])) for u in ancestors]
    return crumbs(*pairs)


def _paginate(request: AuthenticatedHttpRequest, items: QuerySet[Any]) -> dict[str, Any]:
    """The requested page, its page links, and the filters' query string for the links."""
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    links = [
        {
            "number": number,
            "current": number == page.number,
            "ellipsis": number == Paginator.ELLIPSIS,
        }
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    kept = [(k, v) for k, v in request.GET.items() if k != "page" and v]
    return {"page": page, "page_links": links, "query": urlencode(kept)}


# The tree ------------------------------------------------------------------


@dataclass
class _Node:
    unit: OrgUnit
    staff: int
    children: list[_Node] = field(default_factory=list)


def _build_tree(units: list[OrgUnit], totals: dict[int, int]) -> list[_Node]:
    nodes = {unit.pk: _Node(unit, totals.get(unit.pk, 0)) for unit in units}
    roots: list[_Node] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: (_KIND_ORDER[n.unit.kind], n.unit.name.casefold()))
    return roots


@login_required
@require_GET
def unit_tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ORGANISATION)
    form = forms.UnitFilterForm(request.GET or None)
    # One query for every unit and its staff count; the rest is done in memory.
    units = units_with_staff_counts(request.user)
    totals = staff_totals(units)
    names = {unit.pk: unit.name for unit in units}
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if not filters.get("closed"):
        units = [unit for unit in units if unit.is_active]
    context: dict[str, Any] = {"form": form, "names": names}
    if form.is_bound and form.is_filtering():
        query = filters["q"].casefold().strip()
        matches = [
            unit
            for unit in units
            if (not filters["kind"] or unit.kind == filters["kind"])
            and (not query or query in unit.name.casefold())
        ]
        context["matches"] = [
            {"unit": u, "staff": totals.get(u.pk, 0), "parent": names.get(u.parent_id or 0, "")}
            for u in sorted(matches, key=lambda u: u.name.casefold())
        ]
    else:
        context["roots"] = _build_tree(units, totals)
    user = request.user
    context["can_view_staff"] = can(user, Cap.VIEW_STAFF)
    context["can_manage_roles"] = can(user, Cap.MANAGE_ROLES)
    context["can_manage"] = can(user, Cap.MANAGE_ORGANISATION)
    return render(request, "organisation/tree.html", context)


# Units ---------------------------------------------------------------------


@login_required
@require_GET
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    user = request.user
    children = sorted(
        unit.children.all(), key=lambda u: (not u.is_active, _KIND_ORDER[u.kind], u.name.casefold())
    )
    context = {
        "unit": unit,
        "children": children,
        "staff_count": active_staff_within(unit),
        "sites": unit.sites.order_by("name") if unit.kind in forms.DELIVERED_KINDS else None,
        "delivered": unit.delivered_services.order_by("name")
        if unit.kind == UnitKind.SITE
        else None,
        "grants": unit_grants_for(user, unit),
        "can_see_people": can_see_people(user, unit),
        "can_view_staff": can(user, Cap.VIEW_STAFF, unit),
        "can_manage": can(user, Cap.MANAGE_ORGANISATION, unit),
        "can_manage_roles": can(user, Cap.MANAGE_ROLES),
        "child_kinds": forms.child_kinds(unit),
        "breadcrumbs": _unit_crumbs(unit, include_self=False),
    }
    return render(request, "organisation/unit_detail.html", context)


def _sites(data: Mapping[str, Any]) -> list[OrgUnit] | None:
    """The sites chosen on a unit form, or None where the form has no sites field."""
    return list(data["sites"]) if "sites" in data else None


def _to_unit(unit: OrgUnit) -> HttpResponse:
    return redirect("organisation:unit", pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = get_unit_for_user(request.user, pk, manage=True)
    kinds = forms.child_kinds(parent)
    if not kinds:
        raise Http404("Nothing can be added under this kind of unit")
    trail = _unit_crumbs(parent, include_self=True)
    kind = request.GET.get("kind") or (kinds[0] if len(kinds) == 1 else "")
    if kind not in kinds:
        choose = forms.ChooseKindForm(request.GET if "kind" in request.GET else None, kinds=kinds)
        choose.is_valid()
        return render(
            request,
            "organisation/unit_choose_kind.html",
            {"form": choose, "parent": parent, "breadcrumbs": trail},
        )
    form = forms.UnitForm(posted(request), kind=kind)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_unit(
                acting_user=request.user,
                kind=kind,
                parent=parent,
                sites=_sites(data),
                **form.unit_fields(),
            ),
            success=lambda unit: f"{unit.name} has been added",
            then=_to_unit,
        )
        if done:
            return done
    label = UnitKind(kind).label.lower()
    return render(
        request,
        "organisation/unit_form.html",
        {
            "form": form,
            "parent": parent,
            "title": f"Add a {label} to {parent.name}",
            "button": f"Add {label}",
            "cancel": reverse("organisation:unit", args=[parent.pk]),
            "breadcrumbs": trail,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, manage=True)
    initial: dict[str, Any] = {
        name: getattr(unit, name)
        for name in ("name", "ods_code", "address", "postcode", "service_line", "setting")
    }
    initial["sites"] = list(unit.sites.all())
    form = forms.UnitForm(posted(request), kind=unit.kind, unit=unit, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.update_unit(
                acting_user=request.user, unit=unit, sites=_sites(data), **form.unit_fields()
            ),
            success=lambda changed: f"Your changes to {changed.name} have been saved",
            then=_to_unit,
        )
        if done:
            return done
    return render(
        request,
        "organisation/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "title": f"Edit {unit.name}",
            "button": "Save changes",
            "cancel": reverse("organisation:unit", args=[unit.pk]),
            "breadcrumbs": _unit_crumbs(unit, include_self=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, manage=True)
    # Every open unit the admin manages is offered; the action explains a wrong choice.
    targets = units_within_scope(request.user, Cap.MANAGE_ORGANISATION).filter(is_active=True)
    form = forms.MoveUnitForm(
        posted(request), units=targets.exclude(pk=unit.pk), initial={"parent": unit.parent}
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.update_unit(
                acting_user=request.user, unit=unit, parent=data["parent"]
            ),
            success=lambda moved: f"{moved.name} now sits under {form.cleaned_data['parent']}",
            then=_to_unit,
        )
        if done:
            return done
    return render(
        request,
        "organisation/unit_move.html",
        {
            "form": form,
            "unit": unit,
            "allowed": [UnitKind(k).label.lower() for k in ALLOWED_PARENTS[unit.kind]],
            "breadcrumbs": _unit_crumbs(unit, include_self=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, manage=True)
    form = forms.ConfirmForm(posted(request))
    # The root of the tree stays open: everything else hangs from it.
    if unit.kind != UnitKind.TRUST and request.method == "POST":
        done = run_action(
            request,
            form,
            lambda _: actions.set_unit_active(acting_user=request.user, unit=unit, active=False),
            success=f"{unit.name} has been closed",
            then=_to_unit,
        )
        if done:
            return done
    return render(
        request,
        "organisation/unit_close.html",
        {"form": form, "unit": unit, "breadcrumbs": _unit_crumbs(unit, include_self=True)},
    )


@login_required
@require_POST
def unit_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, manage=True)
    try:
        actions.set_unit_active(acting_user=request.user, unit=unit, active=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{unit.name} has been reopened")
    return redirect("organisation:unit", pk=unit.pk)


# Staff ---------------------------------------------------------------------


@login_required
@require_GET
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_STAFF)
    units = units_within_scope(request.user, Cap.VIEW_STAFF)
    form = forms.StaffFilterForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    staff = staff_matching(
        request.user,
        name=data.get("q") or "",
        within=data.get("unit"),
        include_leavers=bool(data.get("left")),
    )
    return render(
        request,
        "organisation/staff_list.html",
        {
            "form": form,
            **_paginate(request, staff),
            "can_manage": can(request.user, Cap.MANAGE_ORGANISATION),
            "breadcrumbs": crumbs(_org_crumb()),
        },
    )


@login_required
@require_GET
def staff_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = get_staff_profile_for_user(request.user, pk)
    # A staff record holds personal data: who looked is part of the audit trail.
    audit.record_view(acting_user=request.user, obj=profile)
    return render(
        request,
        "organisation/staff_detail.html",
        {
            "profile": profile,
            "can_manage": can(request.user, Cap.MANAGE_ORGANISATION, profile.unit),
            "breadcrumbs": crumbs(_org_crumb(), ("Staff", reverse("organisation:staff"))),
        },
    )


def _staff_form_page(
    request: AuthenticatedHttpRequest, form: forms.StaffProfileForm, **context: Any
) -> HttpResponse:
    trail = crumbs(_org_crumb(), ("Staff", reverse("organisation:staff")))
    return render(
        request, "organisation/staff_form.html", {"form": form, "breadcrumbs": trail, **context}
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ORGANISATION)
    units = units_within_scope(request.user, Cap.MANAGE_ORGANISATION).filter(is_active=True)
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit") else None
    form = forms.StaffProfileForm(posted(request), units=units, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda _: actions.create_staff_profile(
                acting_user=request.user, **form.profile_fields()
            ),
            success=lambda profile: f"A staff profile for {profile.full_name} has been added",
            then=lambda profile: redirect("organisation:staff_detail", pk=profile.pk),
        )
        if done:
            return done
    return _staff_form_page(
        request, form, title="Add a member of staff", button="Add member of staff"
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = get_staff_profile_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ORGANISATION, profile.unit)
    units = units_within_scope(request.user, Cap.MANAGE_ORGANISATION).filter(
        Q(is_active=True) | Q(pk=profile.unit_id)
    )
    initial = {
        "full_name": profile.full_name,
        "job_title": profile.job_title,
        "email": profile.email,
        "staff_number": profile.staff_number or "",
        "unit": profile.unit,
        "username": profile.user.get_username() if profile.user else "",
    }
    form = forms.StaffProfileForm(posted(request), units=units, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda _: actions.update_staff_profile(
                acting_user=request.user, profile=profile, **form.profile_fields()
            ),
            success=lambda _: f"Your changes to {profile.full_name} have been saved",
            then=lambda _: redirect("organisation:staff_detail", pk=profile.pk),
        )
        if done:
            return done
    return _staff_form_page(
        request, form, profile=profile, title=f"Edit {profile.full_name}", button="Save changes"
    )


@login_required
@require_POST
def staff_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = get_staff_profile_for_user(request.user, pk)
    require(request.user, Cap.MANAGE_ORGANISATION, profile.unit)
    active = request.POST.get("active") == "1"
    actions.set_staff_active(acting_user=request.user, profile=profile, active=active)
    if active:
        messages.success(request, f"{profile.full_name} is marked as working here again")
    else:
        messages.success(request, f"{profile.full_name} is marked as having left")
    return redirect("organisation:staff_detail", pk=profile.pk)


# Logins and roles ----------------------------------------------------------


def _people_crumbs() -> list[Crumb]:
    return crumbs(_org_crumb(), ("People and roles", reverse("organisation:people")))


@login_required
@require_GET
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ROLES)
    form = forms.PeopleFilterForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    logins = logins_with_grants(request.user, text or "")
    return render(
        request,
        "organisation/people.html",
        {"form": form, **_paginate(request, logins), "breadcrumbs": crumbs(_org_crumb())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def login_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ROLES)
    form = forms.LoginForm(posted(request))
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.create_login(acting_user=request.user, **data),
            then=lambda created: _login_created(request, *created),
        )
        if done:
            return done
    return render(
        request, "organisation/login_form.html", {"form": form, "breadcrumbs": _people_crumbs()}
    )


def _login_created(request: AuthenticatedHttpRequest, login: User, password: str) -> HttpResponse:
    # Shown once, in this response only: never stored, never put in a message.
    response = render(
        request,
        "organisation/login_created.html",
        {"login": login, "password": password, "breadcrumbs": _people_crumbs()},
    )
    response["Cache-Control"] = "no-store"
    return response


def _granted_message(login: User, grant: RoleAssignment) -> str:
    if grant.status == GrantStatus.PENDING:
        return (
            f"{login.get_username()} is nominated as {grant.get_role_display()} at "
            f"{grant.unit}. The role takes effect once it is approved: their home page "
            "tells them what to do next"
        )
    return f"{login.get_username()} is now {grant.get_role_display()} at {grant.unit}"


@login_required
@require_http_methods(["GET", "POST"])
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    login = get_login_for_user(request.user, pk)
    units = units_within_scope(request.user, Cap.MANAGE_ROLES).filter(is_active=True)
    form = forms.GrantRoleForm(posted(request), units=units)
    if request.method == "POST":

        def grant(data: Mapping[str, Any]) -> RoleAssignment:
            # The choices already hold only units in scope; this guards the rule itself.
            require(request.user, Cap.MANAGE_ROLES, data["unit"])
            return actions.grant_role(
                acting_user=request.user, user=login, role=data["role"], unit=data["unit"]
            )

        done = run_action(
            request,
            form,
            grant,
            success=lambda granted: _granted_message(login, granted),
            then=lambda _: redirect("organisation:person", pk=login.pk),
        )
        if done:
            return done
    grants = [
        {"grant": held, "can_revoke": can(request.user, Cap.MANAGE_ROLES, held.unit)}
        for held in grants_of(login)
    ]
    profile = staff_profile_of(login)
    return render(
        request,
        "organisation/person.html",
        {
            "form": form,
            "login": login,
            "grants": grants,
            "profile": profile,
            "can_view_profile": profile is not None
            and can(request.user, Cap.VIEW_STAFF, profile.unit),
            "has_two_factor": has_two_factor(login),
            "can_reset_two_factor": may_reset_two_factor(request.user, login),
            "is_self": login.pk == request.user.pk,
            "breadcrumbs": _people_crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    login = get_login_for_user(request.user, pk)
    is_self = login.pk == request.user.pk
    if not is_self and not may_reset_two_factor(request.user, login):
        raise PermissionDenied
    if not has_two_factor(login):
        messages.info(request, f"{login.get_username()} has no two-factor login to reset")
        return redirect("organisation:person", pk=login.pk)
    form = forms.ConfirmForm(posted(request))
    if request.method == "POST" and not is_self and form.is_valid():
        account_actions.reset_two_factor(acting_user=request.user, user=login)
        messages.success(
            request,
            f"Two-factor login for {login.get_username()} has been reset. "
            "They will set it up again when they next log in.",
        )
        return redirect("organisation:person", pk=login.pk)
    return render(
        request,
        "organisation/two_factor_reset.html",
        {"form": form, "login": login, "is_self": is_self, "breadcrumbs": _people_crumbs()},
        # Your own second factor is never yours to reset: another administrator must.
        status=403 if is_self and request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = get_grant_for_user(request.user, pk)
    holder: User = grant.user
    form = forms.ConfirmForm(posted(request))
    if request.method == "POST":
        description = f"{grant.get_role_display()} at {grant.unit}"

        def back(_: None) -> HttpResponse:
            forget_grants(request.user)
            if not can(request.user, Cap.MANAGE_ROLES):
                # They have just revoked their own way back to this page.
                return redirect("core:home")
            return redirect("organisation:person", pk=holder.pk)

        done = run_action(
            request,
            form,
            lambda _: actions.revoke_role(acting_user=request.user, grant=grant),
            success=f"{holder.get_username()} is no longer {description}",
            then=back,
        )
        if done:
            return done
    return render(
        request,
        "organisation/role_revoke.html",
        {
            "form": form,
            "grant": grant,
            "holder": holder,
            "is_self": holder.pk == request.user.pk,
            "breadcrumbs": _people_crumbs(),
        },
    )


# CSV import ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_units(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_ORGANISATION)
    form = forms.CsvImportForm(posted(request), request.FILES or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: start_job(
                acting_user=request.user,
                kind=csv_import.JOB_KIND,
                title="Import sites and services",
                payload={"text": data["file"]},
            ),
            then=lambda job: redirect("core:job", job_id=job.id),
        )
        if done:
            return done
    return render(
        request,
        "organisation/import.html",
        {
            "form": form,
            "columns": csv_import.COLUMNS,
            "required": csv_import.REQUIRED_COLUMNS,
            "limit": size_label(settings.MAX_UPLOAD_BYTES),
            "breadcrumbs": crumbs(_org_crumb()),
        },
    )


@login_required
@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can(request.user, Cap.MANAGE_ORGANISATION):
        raise PermissionDenied
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sites-and-services.csv"'
    return response
