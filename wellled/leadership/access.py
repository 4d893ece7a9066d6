"""Who may do what with walkrounds: the one place the rules live.

* Planning a programme (its leaders, their unavailability, generating the rota,
  moving visits) needs MANAGE_WALKROUNDS over the programme's scope (governance leads).
* Reading the rota and coverage needs VIEW_WALKROUNDS over the scope (the board,
  executives, governance leads, auditors; service leads over their part), or
  being one of the programme's leaders.
* A visit is recorded, and feedback sent, by the leaders named on it (or a
  manager entering it for them); leaders may also move their own visit.
* The visited team confirms it received the feedback: someone holding a role on
  the visited unit or below it, or on a team delivered at the visited site;
  never one of the visit's leaders, and never a trust-wide grant (that is not
  the team).

`None` as the user is the system (demo data).
"""

from __future__ import annotations

from wellled.core.types import Actor, AnyUser
from wellled.leadership.models import Programme, Visit
from wellled.organisation.access import Cap, can, role_paths
from wellled.organisation.models import OrgUnit


def may_manage(user: Actor, programme: Programme) -> bool:
    return user is None or can(user, Cap.MANAGE_WALKROUNDS, programme.scope)


def is_leader(user: AnyUser, programme: Programme) -> bool:
    return user.is_authenticated and programme.leaders.filter(user_id=user.pk).exists()


def may_view_programme(user: AnyUser, programme: Programme) -> bool:
    return can(user, Cap.VIEW_WALKROUNDS, programme.scope) or is_leader(user, programme)


def may_record(user: Actor, visit: Visit) -> bool:
    if user is None:
        return True
    if user.is_authenticated and user.pk in visit.leader_ids():
        return True
    return may_manage(user, visit.programme)


def may_confirm(user: AnyUser, visit: Visit) -> bool:
    if not user.is_authenticated or user.pk in visit.leader_ids():
        return False
    place_path = visit.place.path
    # Grants below the trust only: a trust-wide role is not the visited team.
    paths = [path for _, path in role_paths(user) if path.count("/") > 2]
    if any(path.startswith(place_path) or place_path.startswith(path) for path in paths):
        return True
    return OrgUnit.objects.filter(path__in=paths, sites=visit.place).exists()


def may_view_visit(user: AnyUser, visit: Visit) -> bool:
    return (
        can(user, Cap.VIEW_WALKROUNDS, visit.place)
        or (user.is_authenticated and user.pk in visit.leader_ids())
        or may_manage(user, visit.programme)
        or may_confirm(user, visit)
    )
