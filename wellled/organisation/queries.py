"""Reads for the organisation: every list goes through a visible_to function."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can, scope_paths
from wellled.organisation.models import OrgUnit, RoleAssignment, StaffProfile, UnitKind


def units_visible_to(user: AnyUser) -> QuerySet[OrgUnit]:
    # The shape of the trust is not confidential: anyone with a role sees all of it.
    if not can(user, Cap.VIEW_ORGANISATION):
        return OrgUnit.objects.none()
    return OrgUnit.objects.all()


def staff_visible_to(user: AnyUser) -> QuerySet[StaffProfile]:
    paths = scope_paths(user, Cap.VIEW_STAFF)
    if not paths:
        return StaffProfile.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return StaffProfile.objects.filter(condition).select_related("unit")


def role_assignments_visible_to(user: AnyUser) -> QuerySet[RoleAssignment]:
    paths = scope_paths(user, Cap.MANAGE_ROLES)
    if not paths:
        return RoleAssignment.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path)
    return RoleAssignment.objects.filter(condition).select_related("user", "unit")


def get_unit_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> OrgUnit:
    unit = units_visible_to(user).filter(pk=pk).first()
    if unit is None:
        if not can(user, Cap.VIEW_ORGANISATION):
            raise PermissionDenied
        raise Http404("No such unit")
    if manage and not can(user, Cap.MANAGE_ORGANISATION, unit):
        raise PermissionDenied
    return unit


def get_staff_profile_for_user(user: AnyUser, pk: int) -> StaffProfile:
    profile = StaffProfile.objects.select_related("unit").filter(pk=pk).first()
    if profile is None:
        raise Http404("No such staff profile")
    if not can(user, Cap.VIEW_STAFF, profile.unit):
        raise PermissionDenied
    return profile


def get_trust() -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=UnitKind.TRUST).first()
