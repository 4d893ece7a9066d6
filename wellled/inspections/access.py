"""Who may do what in inspections: the one place its permission rules live.

Actions, queries, views and the API all ask here.
"""

from __future__ import annotations

from wellled.core.types import AnyUser
from wellled.inspections.models import ActionPlan, Inspection
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def may_record(user: AnyUser, scope: OrgUnit) -> bool:
    """Record an inspection of this scope (governance leads)."""
    return can(user, Cap.MANAGE_INSPECTIONS, scope)


def may_manage(user: AnyUser, inspection: Inspection) -> bool:
    """Record and change the inspection, its findings and plans (governance leads)."""
    return can(user, Cap.MANAGE_INSPECTIONS, inspection.scope)


def may_update_plan(user: AnyUser, plan: ActionPlan) -> bool:
    """Progress, status, milestones and evidence: the owner, or a manager."""
    if not user.is_authenticated:
        return False
    return plan.owner_id == user.pk or may_manage(user, plan.finding.inspection)


def may_sign_off(user: AnyUser, plan: ActionPlan) -> bool:
    """Holders of SIGN_OFF_ACTIONS over the inspection's scope, except the owner."""
    if not user.is_authenticated or plan.owner_id == user.pk:
        return False
    return can(user, Cap.SIGN_OFF_ACTIONS, plan.finding.inspection.scope)


def holds_sign_off(user: AnyUser, plan: ActionPlan) -> bool:
    """Holds SIGN_OFF_ACTIONS over the inspection's scope, the owner included: enough to
    withdraw a sign-off, and the first check before signing off (which then refuses
    the owner with a reason)."""
    return can(user, Cap.SIGN_OFF_ACTIONS, plan.finding.inspection.scope)


def may_reopen(user: AnyUser, plan: ActionPlan) -> bool:
    """Reopen this plan now: it is signed off and the user may withdraw sign-offs."""
    return plan.is_signed_off and holds_sign_off(user, plan)
