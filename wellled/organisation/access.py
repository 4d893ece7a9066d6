"""Who may do what, and where.

A role grants capabilities; a role assignment grants them on one unit of the
organisation tree and everything below it. Every module asks the same two
questions through this file:

    can(user, capability, unit=None)      -> bool
    scope_paths(user, capability)         -> tuple of tree paths, or ALL

`visible_to(user)` querysets filter on `scope_paths`; `get_<thing>_for_user`
helpers call `require(...)`. Platform operators (Django superusers) hold every
capability except those in OPERATOR_EXCLUDED: nobody administers their way into
the content of a speak-up case.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from wellled.core import access as core_access
from wellled.core.types import AnyUser
from wellled.organisation.models import GrantStatus, OrgUnit, Role, RoleAssignment


class Cap(StrEnum):
    """Capabilities. Modules add theirs here, with the roles that hold them below."""

    VIEW_HOME = core_access.VIEW_HOME
    VIEW_ORGANISATION = "organisation.view"
    MANAGE_ORGANISATION = "organisation.manage"
    VIEW_STAFF = "organisation.view_staff"
    MANAGE_ROLES = "organisation.manage_roles"
    VIEW_AUDIT = core_access.VIEW_AUDIT
    MANAGE_CALENDAR = core_access.MANAGE_CALENDAR
    # Speak-up case content: held by guardians only, never by operators.
    READ_SPEAKUP_CASES = core_access.READ_SPEAKUP_CASES
    # Complaints (see wellled/complaints/__init__.py for who holds what and why).
    VIEW_COMPLAINTS = "complaints.view"
    MANAGE_COMPLAINTS = "complaints.manage"
    SIGN_OFF_COMPLAINTS = "complaints.sign_off"
    VIEW_COMPLAINT_MEASURES = "complaints.view_measures"
    MANAGE_COMPLAINT_REFERENCE_DATA = "complaints.manage_reference"
    # Learning from complaints (wellled/learning): the library is redacted, so
    # everyone with a role may read it; recording and sharing is casework.
    VIEW_LEARNING = "learning.view"
    MANAGE_LEARNING = "learning.manage"
    VIEW_LEARNING_RATES = "learning.view_rates"
    # Making Data Count (wellled/reports): aggregate measures, no personal data.
    VIEW_METRICS = "reports.view"
    MANAGE_METRICS = "reports.manage"  # the catalogue, imported series, annotations
    APPROVE_METRIC_REBASE = "reports.approve_rebase"
    PRODUCE_BOARD_PACK = "reports.board_pack"
    # CQC assurance (wellled/assurance) and inspections (wellled/inspections).
    VIEW_ASSURANCE = "assurance.view"
    MANAGE_ASSURANCE = "assurance.manage"  # open and close rounds, assign owners
    CONTRIBUTE_EVIDENCE = "assurance.contribute_evidence"
    VIEW_INSPECTIONS = "inspections.view"
    MANAGE_INSPECTIONS = "inspections.manage"
    SIGN_OFF_ACTIONS = "inspections.sign_off"
    # Improvement actions from every source (wellled/improvement).
    VIEW_ACTIONS = "improvement.view"
    MANAGE_ACTIONS = "improvement.manage"  # raise generally, re-plan, reassign
    # Freedom to Speak Up (wellled/speakup). READ_SPEAKUP_CASES is above.
    RAISE_CONCERN = "speakup.raise"
    VIEW_SPEAKUP_MEASURES = "speakup.view_measures"  # suppressed aggregates only
    # NHS Staff Survey results (wellled/surveys): published aggregates.
    VIEW_SURVEYS = "surveys.view"
    IMPORT_SURVEYS = "surveys.import"
    # Strategy deployment (wellled/strategy): every member of staff reads their
    # unit's golden thread; a team proposes its driver metrics, the level above
    # agrees them (catchball); leaders hold reviews; the board reads the BAF.
    VIEW_STRATEGY = "strategy.view"
    PROPOSE_DRIVER_METRICS = "strategy.propose"
    AGREE_DRIVER_METRICS = "strategy.agree"
    HOLD_STRATEGY_REVIEWS = "strategy.review"
    MANAGE_STRATEGY = "strategy.manage"  # themes and breakthrough objectives
    VIEW_BAF = "strategy.view_baf"
    MANAGE_BAF = "strategy.manage_baf"
    # The governance lead records the board's risk appetite and descriptor tables.
    SET_RISK_APPETITE = "strategy.set_risk_appetite"
    # Visible leadership (wellled/leadership): the walkround rota, its coverage and
    # visits; managing is planning the programme. Leaders record their own visits.
    VIEW_WALKROUNDS = "leadership.view"
    MANAGE_WALKROUNDS = "leadership.manage"
    # Involvement and co-production (wellled/involvement): the register holds people
    # with lived experience and carers, so only the involvement lead reads it.
    MANAGE_INVOLVEMENT = "involvement.manage"
    # Workforce equality, WRES and WDES (wellled/equality): aggregate counts by group.
    VIEW_EQUALITY = "equality.view"
    IMPORT_EQUALITY = "equality.import"
    # How embedded co-production is, per care group: aggregates, no people.
    VIEW_INVOLVEMENT_MEASURES = "involvement.view_measures"


ALL: Final = (core_access.WHOLE_TREE,)  # the whole tree: every path starts with "/"

_EVERYONE = {
    Cap.VIEW_HOME,
    Cap.VIEW_ORGANISATION,
    Cap.VIEW_LEARNING,
    Cap.RAISE_CONCERN,
    Cap.VIEW_STRATEGY,
}
# Leading a part of the trust's strategy deployment: proposing, agreeing (over the
# units below the grant) and holding the monthly reviews.
_STRATEGY_LEADING = {
    Cap.PROPOSE_DRIVER_METRICS,
    Cap.AGREE_DRIVER_METRICS,
    Cap.HOLD_STRATEGY_REVIEWS,
}
_COMPLAINT_CASEWORK = {
    Cap.VIEW_COMPLAINTS,
    Cap.MANAGE_COMPLAINTS,
    Cap.VIEW_COMPLAINT_MEASURES,
    Cap.MANAGE_LEARNING,
    Cap.VIEW_LEARNING_RATES,
}
# Leaders who read the board's aggregate reports.
_LEADERSHIP_READING = {
    Cap.VIEW_METRICS,
    Cap.VIEW_ASSURANCE,
    Cap.VIEW_INSPECTIONS,
    Cap.VIEW_SPEAKUP_MEASURES,
    Cap.VIEW_SURVEYS,
    Cap.VIEW_LEARNING_RATES,
    Cap.VIEW_ACTIONS,
    Cap.VIEW_BAF,
    Cap.VIEW_WALKROUNDS,
    Cap.VIEW_EQUALITY,
    Cap.VIEW_INVOLVEMENT_MEASURES,
}

ROLE_CAPABILITIES: dict[str, frozenset[Cap]] = {
    Role.TRUST_ADMIN: frozenset(
        _EVERYONE | {Cap.MANAGE_ORGANISATION, Cap.VIEW_STAFF, Cap.MANAGE_ROLES, Cap.MANAGE_CALENDAR}
    ),
    Role.BOARD_MEMBER: frozenset(_EVERYONE | _LEADERSHIP_READING | {Cap.VIEW_COMPLAINT_MEASURES}),
    Role.EXECUTIVE: frozenset(
        _EVERYONE
        | _LEADERSHIP_READING
        | {
            Cap.VIEW_STAFF,
            Cap.SIGN_OFF_COMPLAINTS,
            Cap.VIEW_COMPLAINT_MEASURES,
            Cap.APPROVE_METRIC_REBASE,
            Cap.SIGN_OFF_ACTIONS,
            Cap.CONTRIBUTE_EVIDENCE,
            *_STRATEGY_LEADING,
            Cap.MANAGE_STRATEGY,
            Cap.MANAGE_BAF,
        }
    ),
    Role.GOVERNANCE_LEAD: frozenset(
        _EVERYONE
        | _LEADERSHIP_READING
        | {
            Cap.VIEW_STAFF,
            Cap.VIEW_AUDIT,
            Cap.VIEW_COMPLAINT_MEASURES,
            Cap.MANAGE_METRICS,
            Cap.PRODUCE_BOARD_PACK,
            Cap.MANAGE_ASSURANCE,
            Cap.CONTRIBUTE_EVIDENCE,
            Cap.MANAGE_INSPECTIONS,
            Cap.IMPORT_SURVEYS,
            Cap.MANAGE_ACTIONS,
            Cap.MANAGE_STRATEGY,
            Cap.MANAGE_BAF,
            Cap.SET_RISK_APPETITE,
            Cap.MANAGE_WALKROUNDS,
        }
    ),
    Role.COMPLAINTS_MANAGER: frozenset(
        _EVERYONE
        | _COMPLAINT_CASEWORK
        | {
            Cap.VIEW_STAFF,
            Cap.SIGN_OFF_COMPLAINTS,
            Cap.MANAGE_COMPLAINT_REFERENCE_DATA,
            Cap.VIEW_METRICS,
            Cap.CONTRIBUTE_EVIDENCE,
            Cap.VIEW_ACTIONS,
        }
    ),
    Role.COMPLAINTS_HANDLER: frozenset(_EVERYONE | _COMPLAINT_CASEWORK),
    Role.SERVICE_LEAD: frozenset(
        _EVERYONE
        | {
            Cap.VIEW_STAFF,
            Cap.VIEW_COMPLAINTS,
            Cap.VIEW_COMPLAINT_MEASURES,
            Cap.VIEW_LEARNING_RATES,
            Cap.VIEW_METRICS,
            Cap.VIEW_ASSURANCE,
            Cap.VIEW_INSPECTIONS,
            Cap.CONTRIBUTE_EVIDENCE,
            Cap.VIEW_ACTIONS,
            Cap.MANAGE_ACTIONS,
            *_STRATEGY_LEADING,
            Cap.VIEW_WALKROUNDS,
        }
    ),
    Role.FTSU_GUARDIAN: frozenset(
        _EVERYONE
        | {
            Cap.READ_SPEAKUP_CASES,
            Cap.VIEW_SPEAKUP_MEASURES,
            Cap.VIEW_SURVEYS,
            Cap.VIEW_METRICS,
            Cap.CONTRIBUTE_EVIDENCE,
        }
    ),
    # Approves the first guardian's enrolment with a second senior leader; reads
    # the board's speak-up aggregates, never case content.
    Role.FTSU_EXECUTIVE_LEAD: frozenset(
        _EVERYONE | {Cap.VIEW_SPEAKUP_MEASURES, Cap.VIEW_SURVEYS, Cap.VIEW_METRICS}
    ),
    Role.EDI_LEAD: frozenset(
        _EVERYONE
        | {
            Cap.VIEW_SURVEYS,
            Cap.IMPORT_SURVEYS,
            Cap.VIEW_METRICS,
            Cap.CONTRIBUTE_EVIDENCE,
            Cap.VIEW_EQUALITY,
            Cap.IMPORT_EQUALITY,
        }
    ),
    Role.INVOLVEMENT_LEAD: frozenset(
        _EVERYONE
        | {
            Cap.VIEW_METRICS,
            Cap.CONTRIBUTE_EVIDENCE,
            Cap.MANAGE_INVOLVEMENT,
            Cap.VIEW_INVOLVEMENT_MEASURES,
        }
    ),
    # The team proposes its own driver metrics: catchball starts with the team.
    Role.STAFF_MEMBER: frozenset(_EVERYONE | {Cap.PROPOSE_DRIVER_METRICS}),
    Role.AUDITOR: frozenset(
        _EVERYONE
        | _LEADERSHIP_READING
        | {Cap.VIEW_STAFF, Cap.VIEW_AUDIT, Cap.VIEW_COMPLAINT_MEASURES}
    ),
}

# Roles whose holders must use two-factor login in production: every role that
# reaches beyond a member of staff's own concerns.
PRIVILEGED_ROLES: frozenset[str] = frozenset(
    {
        Role.TRUST_ADMIN,
        Role.BOARD_MEMBER,
        Role.EXECUTIVE,
        Role.GOVERNANCE_LEAD,
        Role.COMPLAINTS_MANAGER,
        Role.COMPLAINTS_HANDLER,
        Role.SERVICE_LEAD,
        Role.FTSU_GUARDIAN,
        Role.FTSU_EXECUTIVE_LEAD,
        Role.EDI_LEAD,
        Role.INVOLVEMENT_LEAD,
        Role.AUDITOR,
    }
)

# Complaint case content is patients' health data: operators administer the
# platform, not the casework, so they do not read or change it either.
OPERATOR_EXCLUDED: frozenset[Cap] = frozenset(
    {
        Cap.READ_SPEAKUP_CASES,
        Cap.VIEW_COMPLAINTS,
        Cap.MANAGE_COMPLAINTS,
        Cap.SIGN_OFF_COMPLAINTS,
        # Learning actions and sharing are casework on a complaint.
        Cap.MANAGE_LEARNING,
        # The actions register holds complaint learning actions (what a service
        # will change because of a case) beside every other action: the trust's
        # leaders read it, not the people who administer the platform.
        Cap.VIEW_ACTIONS,
        Cap.MANAGE_ACTIONS,
        # Walkround visits hold what staff told leaders, and their actions are on
        # the register above: the trust's leaders plan and read them.
        Cap.VIEW_WALKROUNDS,
        Cap.MANAGE_WALKROUNDS,
        # The involvement register: members of the public who chose to take part,
        # with their contact details, access needs and payments.
        Cap.MANAGE_INVOLVEMENT,
    }
)


def _grants(user: AnyUser) -> list[tuple[str, str]]:
    """(role, unit path) pairs, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached: list[tuple[str, str]] | None = getattr(user, "_wellled_grants", None)
    if cached is None:
        cached = list(
            # A pending grant (awaiting its module's approval) grants nothing yet.
            RoleAssignment.objects.filter(
                user_id=user.pk, unit__is_active=True, status=GrantStatus.ACTIVE
            ).values_list("role", "unit__path")
        )
        user._wellled_grants = cached  # type: ignore[attr-defined]
    return cached


def forget_grants(user: AnyUser) -> None:
    """Call after changing a user's roles within the same request."""
    if hasattr(user, "_wellled_grants"):
        delattr(user, "_wellled_grants")


def is_operator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def roles_of(user: AnyUser) -> set[str]:
    return {role for role, _ in _grants(user)}


def is_privileged(user: AnyUser) -> bool:
    return is_operator(user) or bool(roles_of(user) & PRIVILEGED_ROLES)


def scope_paths(user: AnyUser, capability: Cap) -> tuple[str, ...]:
    """The tree paths where the user holds the capability (empty: nowhere)."""
    if is_operator(user) and capability not in OPERATOR_EXCLUDED:
        return ALL
    paths = sorted(
        {path for role, path in _grants(user) if capability in ROLE_CAPABILITIES.get(role, ())}
    )
    # Drop paths already covered by a shorter one, so queries stay small.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(kept)


def covers_everything(paths: tuple[str, ...]) -> bool:
    """Whether the paths hold every root of the tree: a trust-wide grant.

    Lists can then skip the path filter and its joins, which on a large table is
    most of their cost.
    """
    if ALL[0] in paths:
        return True
    if not paths:
        return False
    roots = OrgUnit.objects.filter(parent__isnull=True).values_list("path", flat=True)
    return all(any(root.startswith(path) for path in paths) for root in roots)


def can(user: AnyUser, capability: Cap, unit: OrgUnit | None = None) -> bool:
    """Does the user hold the capability anywhere (unit=None), or over this unit?"""
    paths = scope_paths(user, capability)
    if unit is None:
        return bool(paths)
    return any(unit.path.startswith(path) for path in paths)


def role_paths(user: AnyUser) -> list[tuple[str, str]]:
    """(role, unit path) for each of the user's active grants."""
    return list(_grants(user))


def holds_role(user: AnyUser, role: str, unit: OrgUnit) -> bool:
    """Does the user hold this role (an active grant) over the unit?"""
    return any(r == role and unit.path.startswith(path) for r, path in _grants(user))


def can_any(user: AnyUser, capability: Cap, units: Iterable[OrgUnit]) -> bool:
    paths = scope_paths(user, capability)
    return any(unit.path.startswith(path) for unit in units for path in paths)


def require(user: AnyUser, capability: Cap, unit: OrgUnit | None = None) -> None:
    if not can(user, capability, unit):
        raise PermissionDenied


def can_see_people(user: AnyUser, unit: OrgUnit) -> bool:
    """Who holds which role at a unit is shown to those who see its staff or manage roles."""
    return can(user, Cap.VIEW_STAFF, unit) or can(user, Cap.MANAGE_ROLES, unit)


def may_reset_two_factor(acting_user: AnyUser, user: User) -> bool:
    """May acting_user remove user's second factor? Administrators of roles may, over
    a unit where the person holds a role, or trust-wide; never their own, nor an
    operator's (operators are not the trust's to manage)."""
    if not acting_user.is_authenticated or acting_user.pk == user.pk:
        return False
    if user.is_superuser and not is_operator(acting_user):
        return False
    if any(can(acting_user, Cap.MANAGE_ROLES, root) for root in OrgUnit.objects.filter(depth=0)):
        return True
    units = OrgUnit.objects.filter(role_assignments__user=user).distinct()
    return any(can(acting_user, Cap.MANAGE_ROLES, unit) for unit in units)
