"""Who may see, raise, update, re-plan and sign off improvement actions.

- Seeing: the owner, anyone who may sign it off, anyone holding
  `Cap.VIEW_ACTIONS` over the action's unit (leaders, governance, auditors), and
  whoever holds the source's own `viewers` or `managers` capability there.
- Raising: whoever the source says may raise actions on it (its own managers).
- Updating (progress, milestones, evidence, completion): the owner, anyone
  holding `Cap.MANAGE_ACTIONS` over the unit, or the source's `managers` there.
- Re-planning and reassigning: `Cap.MANAGE_ACTIONS` over the unit.
- Signing off: a holder of the action's sign-off role over its unit, never its
  owner.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from wellled.core.types import Actor, AnyUser
from wellled.improvement import sources
from wellled.improvement.models import Action
from wellled.organisation.access import Cap, can, holds_role
from wellled.organisation.models import GrantStatus, OrgUnit


def _source_cap(user: AnyUser, action: Action, *, manage: bool) -> bool:
    """Whether the source's own capability (its managers', or its readers') covers it."""
    source_type = sources.get(action.source_kind)
    if source_type is None:
        return False
    caps = [source_type.managers] if manage else [source_type.viewers, source_type.managers]
    return any(cap and can(user, Cap(cap), action.unit) for cap in caps)


def may_view(user: AnyUser, action: Action) -> bool:
    if not user.is_authenticated:
        return False
    return (
        action.owner_id == user.pk
        or can(user, Cap.VIEW_ACTIONS, action.unit)
        or may_sign_off(user, action)
        or _source_cap(user, action, manage=False)
    )


def may_raise(user: Actor, source_kind: str, source_id: str) -> bool:
    if user is None:
        return True  # the system: demo data, data migrations
    source_type = sources.get(source_kind)
    return source_type is not None and source_type.may_raise(user, source_id)


def may_update(user: Actor, action: Action) -> bool:
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return (
        action.owner_id == user.pk
        or can(user, Cap.MANAGE_ACTIONS, action.unit)
        or _source_cap(user, action, manage=True)
    )


def may_manage(user: Actor, action: Action) -> bool:
    if user is None:
        return True
    return can(user, Cap.MANAGE_ACTIONS, action.unit)


def may_sign_off(user: AnyUser, action: Action) -> bool:
    """Holds the named role over the action's unit, and is not its owner."""
    if not user.is_authenticated or not action.sign_off_role:
        return False
    return action.owner_id != user.pk and holds_role(user, action.sign_off_role, action.unit)


def people_in_scope(unit: OrgUnit) -> QuerySet[User]:
    """Who may own an action on this unit: an active login with a role, or a staff
    profile, on the unit's line (the unit, a unit above it, or one within it)."""
    ids = unit.ancestor_ids()
    ancestors = ["/" + "/".join(str(i) for i in ids[:n]) + "/" for n in range(1, len(ids) + 1)]
    on_line = Q(role_assignments__unit__path__startswith=unit.path) | Q(
        role_assignments__unit__path__in=ancestors or [unit.path]
    )
    granted = on_line & Q(role_assignments__status=GrantStatus.ACTIVE)
    placed = Q(staff_profile__unit__path__startswith=unit.path) | Q(
        staff_profile__unit__path__in=ancestors or [unit.path]
    )
    return User.objects.filter(is_active=True).filter(granted | placed).distinct()


def owner_in_scope(owner: User, unit: OrgUnit) -> bool:
    return people_in_scope(unit).filter(pk=owner.pk).exists()
