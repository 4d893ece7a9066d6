"""Every write to the organisation tree, staff and roles."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from wellled.accounts.actions import require_password_change
from wellled.core import audit
from wellled.core.csv_import import Steps, no_progress
from wellled.core.jobs import Progress
from wellled.core.types import Actor
from wellled.organisation import role_policies
from wellled.organisation.access import forget_grants
from wellled.organisation.models import (
    ALLOWED_PARENTS,
    ROLES_NEEDING_APPROVAL,
    GrantStatus,
    OrgUnit,
    Role,
    RoleAssignment,
    StaffProfile,
    UnitKind,
)

_UNIT_FIELDS = ("kind", "name", "ods_code", "address", "postcode", "service_line", "setting")


def unit_snapshot(unit: OrgUnit) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(unit, name) for name in _UNIT_FIELDS}
    data["parent_id"] = unit.parent_id
    data["is_active"] = unit.is_active
    return data


def _parent_problem(kind: str, parent: OrgUnit | None, unit: OrgUnit | None) -> str | None:
    """What is wrong with where the unit sits in the tree, if anything (a loop first)."""
    if unit is not None and parent is not None and parent.path.startswith(unit.path):
        return f"{parent} is {unit} itself or sits below it: that would make a loop"
    if kind == UnitKind.TRUST:
        return "The trust is the top of the tree and has no parent" if parent else None
    if parent is None:
        return "Choose where this unit sits in the organisation"
    allowed = ALLOWED_PARENTS.get(kind, ())
    if parent.kind not in allowed:
        names = " or ".join(str(UnitKind(k).label).lower() for k in allowed)
        return f"A {UnitKind(kind).label.lower()} must sit under a {names}"
    if not parent.is_active and (unit is None or unit.parent_id != parent.pk):
        return f"{parent} is closed: reopen it or choose another unit"
    return None


def _others(queryset: QuerySet[OrgUnit], unit: OrgUnit | None) -> QuerySet[OrgUnit]:
    return queryset.exclude(pk=unit.pk) if unit is not None else queryset


def validate_unit(
    *,
    kind: str,
    name: str,
    parent: OrgUnit | None,
    ods_code: str | None,
    service_line: str,
    setting: str,
    unit: OrgUnit | None = None,
) -> None:
    """Raise ValidationError with a message per field for anything wrong."""
    errors: dict[str, str] = {}
    if kind not in UnitKind.values:
        errors["kind"] = f"{kind!r} is not a kind of unit"
    if not name.strip():
        errors["name"] = "Enter a name"
    if (
        kind == UnitKind.TRUST
        and _others(OrgUnit.objects.filter(kind=UnitKind.TRUST), unit).exists()
    ):
        errors["kind"] = "There is already a trust: wellled holds one trust"
    problem = _parent_problem(kind, parent, unit)
    if problem:
        errors["parent"] = problem
    if kind == UnitKind.SERVICE and not service_line:
        errors["service_line"] = "Choose the service line"
    if kind == UnitKind.SERVICE and not setting:
        errors["setting"] = "Choose community or inpatient"
    if ods_code:
        clash = _others(OrgUnit.objects.filter(ods_code=ods_code), unit)
        if clash.exists():
            errors["ods_code"] = f"ODS code {ods_code} is already used by {clash.first()}"
    if errors:
        raise ValidationError(errors)


def _set_path(unit: OrgUnit) -> None:
    parent_path = unit.parent.path if unit.parent is not None else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = unit.path.count("/") - 2


@transaction.atomic
def create_unit(
    *,
    acting_user: Actor,
    kind: str,
    name: str,
    parent: OrgUnit | None = None,
    ods_code: str | None = None,
    address: str = "",
    postcode: str = "",
    service_line: str = "",
    setting: str = "",
    sites: Sequence[OrgUnit] | None = None,
) -> OrgUnit:
    """Add a unit; `sites` (for a service or team) are where it is delivered."""
    ods_code = (ods_code or "").strip().upper() or None
    name = name.strip()
    validate_unit(
        kind=kind,
        name=name,
        parent=parent,
        ods_code=ods_code,
        service_line=service_line,
        setting=setting,
    )
    if OrgUnit.objects.filter(parent=parent, kind=kind, name=name).exists():
        raise ValidationError(
            {"name": f"{parent or 'The trust'} already has a {kind} called {name}"}
        )
    unit = _insert_unit(
        NewUnit(
            kind=kind,
            name=name,
            parent=parent,
            ods_code=ods_code,
            address=address.strip(),
            postcode=postcode.strip().upper(),
            service_line=service_line,
            setting=setting,
        )
    )
    audit.record(
        acting_user=acting_user, action="unit.created", obj=unit, after=unit_snapshot(unit)
    )
    if sites is not None:
        set_unit_sites(acting_user=acting_user, unit=unit, sites=list(sites))
    return unit


@dataclass(frozen=True)
class NewUnit:
    """A unit to add, already checked (by `validate_unit` or the CSV import's checker)."""

    kind: str
    name: str
    parent: OrgUnit | None
    ods_code: str | None = None
    address: str = ""
    postcode: str = ""
    service_line: str = ""
    setting: str = ""
    # ODS codes of the sites a service is delivered at: earlier units of the same
    # import, or sites already in wellled.
    site_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedUnits:
    sites: int
    services: int
    site_links: int


def _insert_unit(new: NewUnit) -> OrgUnit:
    """The one place a unit row is created: its materialised path needs its own pk."""
    unit = OrgUnit.objects.create(
        kind=new.kind,
        name=new.name,
        parent=new.parent,
        ods_code=new.ods_code,
        address=new.address,
        postcode=new.postcode,
        service_line=new.service_line,
        setting=new.setting,
        path="",
    )
    _set_path(unit)
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def import_units(
    *,
    acting_user: Actor,
    units: Sequence[NewUnit],
    known_sites: Mapping[str, OrgUnit],
    progress: Progress = no_progress,
) -> ImportedUnits:
    """Add checked sites and services in bulk, with one audit event for the import.

    Sites go first, so that services in the same import can be delivered at them.
    The caller (the CSV import) has checked every unit against the tree already.
    """
    sites = [new for new in units if new.kind == UnitKind.SITE]
    services = [new for new in units if new.kind != UnitKind.SITE]
    created: dict[str, OrgUnit] = {}
    steps = Steps(progress, total=len(units), start=50, span=45, every=200)
    for done, new in enumerate([*sites, *services], start=1):
        unit = _insert_unit(new)
        if new.ods_code:
            created[new.ods_code] = unit
        links = [created.get(code) or known_sites[code] for code in new.site_codes]
        if links:
            unit.sites.add(*links)
        steps.at(done, lambda count, total: f"Added {count} of {total} units")
    result = ImportedUnits(
        sites=len(sites),
        services=len(services),
        site_links=sum(len(new.site_codes) for new in services),
    )
    audit.record(
        acting_user=acting_user,
        action="units.imported",
        object_type="organisation.orgunit",
        object_repr=f"{result.sites} sites and {result.services} services from a CSV file",
        after={"sites": result.sites, "services": result.services, "site_links": result.site_links},
    )
    return result


@transaction.atomic
def update_unit(
    *, acting_user: Actor, unit: OrgUnit, sites: Sequence[OrgUnit] | None = None, **changes: Any
) -> OrgUnit:
    """Change a unit's fields, including moving it under another parent, and (if given)
    the sites where it is delivered."""
    unit = _change_unit(acting_user=acting_user, unit=unit, changes=changes)
    if sites is not None:
        set_unit_sites(acting_user=acting_user, unit=unit, sites=list(sites))
    return unit


def _change_unit(*, acting_user: Actor, unit: OrgUnit, changes: dict[str, Any]) -> OrgUnit:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = unit_snapshot(unit)
    unknown = set(changes) - set(_UNIT_FIELDS) - {"parent"}
    if unknown:
        raise TypeError(f"update_unit cannot change {', '.join(sorted(unknown))}")
    if "ods_code" in changes:
        changes["ods_code"] = (changes["ods_code"] or "").strip().upper() or None
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    # The same tidying as create_unit, so an edit stores what a create would.
    if "postcode" in changes:
        changes["postcode"] = (changes["postcode"] or "").strip().upper()
    if "address" in changes:
        changes["address"] = (changes["address"] or "").strip()
    parent = changes.get("parent", unit.parent)
    validate_unit(
        kind=changes.get("kind", unit.kind),
        name=changes.get("name", unit.name),
        parent=parent,
        ods_code=changes.get("ods_code", unit.ods_code),
        service_line=changes.get("service_line", unit.service_line),
        setting=changes.get("setting", unit.setting),
        unit=unit,
    )
    name, kind = changes.get("name", unit.name), changes.get("kind", unit.kind)
    if OrgUnit.objects.filter(parent=parent, kind=kind, name=name).exclude(pk=unit.pk).exists():
        raise ValidationError(
            {"name": f"{parent or 'The trust'} already has a {kind} called {name}"}
        )
    old_path = unit.path
    for field, value in changes.items():
        setattr(unit, field, value)
    _set_path(unit)
    unit.save()
    if unit.path != old_path:
        # Re-root every descendant's path under the new one.
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 2
            child.save(update_fields=["path", "depth"])
    old, new = audit.diff(before, unit_snapshot(unit))
    if new:
        audit.record(
            acting_user=acting_user, action="unit.updated", obj=unit, before=old, after=new
        )
    return unit


@transaction.atomic
def set_unit_active(*, acting_user: Actor, unit: OrgUnit, active: bool) -> OrgUnit:
    if unit.is_active == active:
        return unit
    if not active and unit.children.filter(is_active=True).exists():
        raise ValidationError(f"Close the units under {unit} before closing it")
    if active and unit.parent is not None and not unit.parent.is_active:
        raise ValidationError(f"Reopen {unit.parent} before reopening {unit}")
    unit.is_active = active
    unit.save(update_fields=["is_active", "updated_at"])
    audit.record(
        acting_user=acting_user,
        action="unit.reopened" if active else "unit.closed",
        obj=unit,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return unit


@transaction.atomic
def set_unit_sites(*, acting_user: Actor, unit: OrgUnit, sites: list[OrgUnit]) -> None:
    if unit.kind not in (UnitKind.SERVICE, UnitKind.TEAM):
        raise ValidationError("Only services and teams are delivered at sites")
    bad = [site for site in sites if site.kind != UnitKind.SITE]
    if bad:
        raise ValidationError(f"{bad[0]} is not a site")
    before = sorted(unit.sites.values_list("pk", flat=True))
    unit.sites.set(sites)
    after = sorted(site.pk for site in sites)
    if before != after:
        audit.record(
            acting_user=acting_user,
            action="unit.sites_changed",
            obj=unit,
            before={"site_ids": before},
            after={"site_ids": after},
        )


def _staff_snapshot(profile: StaffProfile) -> dict[str, Any]:
    return {
        "full_name": profile.full_name,
        "job_title": profile.job_title,
        "staff_number": profile.staff_number,
        "unit_id": profile.unit_id,
        "user_id": profile.user_id,
        "is_active": profile.is_active,
    }


@transaction.atomic
def create_staff_profile(
    *,
    acting_user: Actor,
    full_name: str,
    unit: OrgUnit,
    job_title: str = "",
    email: str = "",
    staff_number: str | None = None,
    user: User | None = None,
) -> StaffProfile:
    staff_number = (staff_number or "").strip() or None
    if not full_name.strip():
        raise ValidationError({"full_name": "Enter the person's name"})
    if not unit.is_active:
        raise ValidationError({"unit": f"{unit} is closed: choose an open unit"})
    if staff_number and StaffProfile.objects.filter(staff_number=staff_number).exists():
        raise ValidationError({"staff_number": f"Staff number {staff_number} is already in use"})
    if user is not None and StaffProfile.objects.filter(user=user).exists():
        raise ValidationError(
            {"user": f"The login {user.get_username()} is already linked to another staff profile"}
        )
    profile = StaffProfile.objects.create(
        full_name=full_name.strip(),
        unit=unit,
        job_title=job_title.strip(),
        email=email.strip(),
        staff_number=staff_number,
        user=user,
    )
    audit.record(
        acting_user=acting_user, action="staff.created", obj=profile, after=_staff_snapshot(profile)
    )
    return profile


_STAFF_FIELDS = ("full_name", "job_title", "email", "staff_number", "unit", "user")


@transaction.atomic
def update_staff_profile(
    *, acting_user: Actor, profile: StaffProfile, **changes: Any
) -> StaffProfile:
    """Change a staff profile's details, its unit, or the login linked to it."""
    unknown = set(changes) - set(_STAFF_FIELDS)
    if unknown:
        raise TypeError(f"update_staff_profile cannot change {', '.join(sorted(unknown))}")
    profile = StaffProfile.objects.select_for_update().get(pk=profile.pk)
    before = _staff_snapshot(profile)
    for name in ("full_name", "job_title", "email"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "staff_number" in changes:
        changes["staff_number"] = (changes["staff_number"] or "").strip() or None
    errors: dict[str, str] = {}
    if "full_name" in changes and not changes["full_name"]:
        errors["full_name"] = "Enter the person's name"
    number = changes.get("staff_number")
    if number and StaffProfile.objects.filter(staff_number=number).exclude(pk=profile.pk).exists():
        errors["staff_number"] = f"Staff number {number} is already in use"
    user = changes.get("user")
    if user is not None and StaffProfile.objects.filter(user=user).exclude(pk=profile.pk).exists():
        errors["user"] = (
            f"The login {user.get_username()} is already linked to another staff profile"
        )
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.save()
    old, new = audit.diff(before, _staff_snapshot(profile))
    if new:
        audit.record(
            acting_user=acting_user, action="staff.updated", obj=profile, before=old, after=new
        )
    return profile


@transaction.atomic
def set_staff_active(*, acting_user: Actor, profile: StaffProfile, active: bool) -> StaffProfile:
    """Mark someone as having left (or returned). Profiles are kept, never deleted."""
    if profile.is_active == active:
        return profile
    profile.is_active = active
    profile.save(update_fields=["is_active"])
    audit.record(
        acting_user=acting_user,
        action="staff.reactivated" if active else "staff.deactivated",
        obj=profile,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return profile


def temporary_password() -> str:
    # 4 groups of 5 letters and digits: long enough for the validators, easy to read out.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


@transaction.atomic
def create_login(
    *, acting_user: Actor, username: str, first_name: str, last_name: str, email: str
) -> tuple[User, str]:
    """A new login with a one-time password, returned here and stored only as a hash.

    The caller shows the password once to the administrator, who passes it on.
    """
    username = username.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Enter a username"
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = (
                "A username can only contain letters, numbers and the characters @ . + - _"
            )
        if len(username) > 150:
            errors["username"] = "A username must be 150 characters or fewer"
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = f"The username {username} is already taken"
    if not first_name.strip():
        errors["first_name"] = "Enter the person's first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the person's last name"
    if errors:
        raise ValidationError(errors)
    password = temporary_password()
    user = User.objects.create_user(
        username,
        email.strip(),
        password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    audit.record(
        acting_user=acting_user,
        action="login.created",
        obj=user,
        after={"username": user.username, "is_active": user.is_active},
    )
    # The administrator saw this password too: the owner replaces it at first login.
    require_password_change(acting_user=acting_user, user=user)
    return user, password


@transaction.atomic
def import_staff_profiles(*, acting_user: Actor, rows: list[dict[str, Any]], source: str) -> int:
    """Bulk load from a workforce system extract: one audit event for the batch."""
    profiles = [
        StaffProfile(
            full_name=row["full_name"],
            unit=row["unit"],
            job_title=row.get("job_title", ""),
            email=row.get("email", ""),
            staff_number=row.get("staff_number") or None,
        )
        for row in rows
    ]
    StaffProfile.objects.bulk_create(profiles, batch_size=1000)
    audit.record(
        acting_user=acting_user,
        action="staff.imported",
        object_type="organisation.staffprofile",
        object_repr=f"{len(profiles)} staff profiles",
        after={"count": len(profiles), "source": source},
    )
    return len(profiles)


@transaction.atomic
def grant_role(*, acting_user: Actor, user: User, role: str, unit: OrgUnit) -> RoleAssignment:
    """Grant a role on a unit. A role in ROLES_NEEDING_APPROVAL starts pending: it
    grants nothing until its module approves it (see role_policies)."""
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role"})
    if not unit.is_active:
        raise ValidationError({"unit": f"{unit} is closed: roles cannot be granted there"})
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(
            {"role": f"{user.get_username()} is already {Role(role).label} at {unit}"}
        )
    status = GrantStatus.PENDING if role in ROLES_NEEDING_APPROVAL else GrantStatus.ACTIVE
    grant = RoleAssignment.objects.create(user=user, role=role, unit=unit, status=status)
    audit.record(
        acting_user=acting_user,
        action="role.granted",
        obj=grant,
        after={"user_id": user.pk, "role": role, "unit_id": unit.pk, "status": status},
    )
    policy = role_policies.policy_for(role)
    if status == GrantStatus.PENDING and policy is not None and policy.on_pending is not None:
        policy.on_pending(grant)
    forget_grants(user)
    return grant


@transaction.atomic
def revoke_role(*, acting_user: Actor, grant: RoleAssignment) -> None:
    if grant.role == Role.TRUST_ADMIN and grant.unit.kind == UnitKind.TRUST:
        # Lock the trust-wide admin grants so two admins cannot revoke each other at once.
        others = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .filter(role=Role.TRUST_ADMIN, unit__kind=UnitKind.TRUST, user__is_active=True)
            .exclude(pk=grant.pk)
        )
        if not list(others):
            who = "you are" if acting_user == grant.user else f"{grant.user.get_username()} is"
            raise ValidationError(
                f"You cannot revoke this trust administrator role: {who} the last trust "
                "administrator. Grant the role to someone else first."
            )
    policy = role_policies.policy_for(grant.role)
    if policy is not None and policy.before_revoke is not None:
        policy.before_revoke(grant)
    audit.record(
        acting_user=acting_user,
        action="role.revoked",
        obj=grant,
        before={"user_id": grant.user_id, "role": grant.role, "unit_id": grant.unit_id},
    )
    user = grant.user
    grant.delete()
    forget_grants(user)
