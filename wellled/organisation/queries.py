"""Reads for the organisation: every list goes through a visible_to function."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can, can_see_people, scope_paths
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


def staff_matching(
    user: AnyUser, *, name: str = "", within: OrgUnit | None = None, include_leavers: bool = False
) -> QuerySet[StaffProfile]:
    """The staff list's search: visible staff by name, at or below a unit, in name order."""
    staff = staff_visible_to(user).order_by("full_name", "pk")
    if name.strip():
        staff = staff.filter(full_name__icontains=name.strip())
    if within is not None:
        staff = staff.filter(unit__path__startswith=within.path)
    if not include_leavers:
        staff = staff.filter(is_active=True)
    return staff


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


def units_within_scope(user: AnyUser, capability: Cap) -> QuerySet[OrgUnit]:
    """Units where the user holds the capability: the choices for a parent or a grant."""
    return OrgUnit.objects.within(*scope_paths(user, capability))


def units_with_staff_counts(user: AnyUser) -> list[OrgUnit]:
    """Every visible unit with `direct_staff` (active staff placed on it) in one query.

    `staff_totals` rolls these up the tree without another query.
    """
    return list(
        units_visible_to(user).annotate(
            direct_staff=Count("staff", filter=Q(staff__is_active=True))
        )
    )


def staff_totals(units: list[OrgUnit]) -> dict[int, int]:
    """Active staff at or below each unit, from units annotated with `direct_staff`."""
    totals: dict[int, int] = {unit.pk: 0 for unit in units}
    for unit in units:
        count: int = getattr(unit, "direct_staff", 0)
        if count:
            for ancestor_id in unit.ancestor_ids():
                if ancestor_id in totals:
                    totals[ancestor_id] += count
    return totals


def logins_visible_to(user: AnyUser) -> QuerySet[User]:
    """Logins an administrator of roles may manage.

    That is everyone who holds a role or has a staff profile within the
    administrator's scope, and logins not yet placed anywhere (so that a new
    login can be given its first role). Platform operators are not the trust's
    to manage and are left out.
    """
    paths = scope_paths(user, Cap.MANAGE_ROLES)
    if not paths:
        return User.objects.none()
    placed = Q(role_assignments__isnull=True) & Q(staff_profile__isnull=True)
    for path in paths:
        placed |= Q(role_assignments__unit__path__startswith=path)
        placed |= Q(staff_profile__unit__path__startswith=path)
    ids = User.objects.filter(placed, is_superuser=False).values("pk")
    return User.objects.filter(pk__in=ids).order_by("username")


def get_login_for_user(user: AnyUser, pk: int) -> User:
    if not can(user, Cap.MANAGE_ROLES):
        raise PermissionDenied
    login = logins_visible_to(user).filter(pk=pk).first()
    if login is None:
        raise Http404("No such login")
    return login


def get_grant_for_user(user: AnyUser, pk: int) -> RoleAssignment:
    grant = RoleAssignment.objects.select_related("user", "unit").filter(pk=pk).first()
    if grant is None:
        if not can(user, Cap.MANAGE_ROLES):
            raise PermissionDenied
        raise Http404("No such role")
    if not can(user, Cap.MANAGE_ROLES, grant.unit):
        raise PermissionDenied
    return grant


def unit_ancestors(unit: OrgUnit, *, include_self: bool) -> QuerySet[OrgUnit]:
    """The units above this one, from the top of the tree down (for breadcrumbs)."""
    ids = unit.ancestor_ids() if include_self else unit.ancestor_ids()[:-1]
    return OrgUnit.objects.filter(pk__in=ids).order_by("depth")


def active_staff_within(unit: OrgUnit) -> int:
    """How many active staff work at the unit or anywhere below it."""
    return StaffProfile.objects.filter(unit__path__startswith=unit.path, is_active=True).count()


def unit_grants_for(user: AnyUser, unit: OrgUnit) -> QuerySet[RoleAssignment]:
    """The roles held at the unit, for someone who may see them (else none)."""
    if not can_see_people(user, unit):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(unit=unit).select_related("user").order_by("role")


def logins_with_grants(user: AnyUser, text: str = "") -> QuerySet[User]:
    """The logins the user may manage, each with its roles, matching the text if given."""
    logins = logins_visible_to(user).prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("unit").order_by("role"),
        )
    )
    text = text.strip()
    if text:
        logins = logins.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
    return logins


def grants_of(login: User) -> QuerySet[RoleAssignment]:
    """A login's roles (for a page already reached through `get_login_for_user`)."""
    return login.role_assignments.select_related("unit").order_by("role")


def own_grants(user: User) -> QuerySet[RoleAssignment]:
    """The roles a person holds, for their own profile page (accounts asks through
    `accounts.access`, which the organisation app fills in at start-up)."""
    return RoleAssignment.objects.filter(user=user).select_related("unit")


def staff_profile_of(login: User) -> StaffProfile | None:
    """A login's staff profile (for a page already reached through `get_login_for_user`)."""
    return StaffProfile.objects.filter(user=login).select_related("unit").first()
