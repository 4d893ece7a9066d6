"""Who may do what in strategy deployment (capabilities in organisation/access.py).

Catchball runs between a unit and the level above it: a proposal is made by
someone who may propose for the unit, and answered only by someone who agrees
driver metrics over the unit's *parent* (a grant on the unit itself is not the
level above), and never by the person who proposed it.
"""

from __future__ import annotations

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit
from wellled.strategy.models import Agreement, DriverMetric, PrincipalRisk, Review


def may_view_unit(user: AnyUser, unit: OrgUnit) -> bool:
    return can(user, Cap.VIEW_STRATEGY, unit)


def may_propose(user: AnyUser, unit: OrgUnit) -> bool:
    # The trust itself has no level above to agree with: its objectives are the board's.
    return unit.parent_id is not None and can(user, Cap.PROPOSE_DRIVER_METRICS, unit)


def is_level_above(user: AnyUser, unit: OrgUnit) -> bool:
    parent = unit.parent
    return parent is not None and can(user, Cap.AGREE_DRIVER_METRICS, parent)


def may_reply(user: AnyUser, driver: DriverMetric) -> bool:
    return (
        driver.agreement == Agreement.PROPOSED
        and driver.proposed_by_id != user.pk
        and is_level_above(user, driver.unit)
    )


def may_hold_review(user: AnyUser, unit: OrgUnit) -> bool:
    return can(user, Cap.HOLD_STRATEGY_REVIEWS, unit)


def may_update_review(user: AnyUser, review: Review) -> bool:
    return not review.is_closed and may_hold_review(user, review.unit)


def may_manage_strategy(user: AnyUser) -> bool:
    return can(user, Cap.MANAGE_STRATEGY)


def may_view_baf(user: AnyUser) -> bool:
    return can(user, Cap.VIEW_BAF)


def may_manage_baf(user: AnyUser) -> bool:
    return can(user, Cap.MANAGE_BAF)


def may_edit_risk(user: AnyUser, risk: PrincipalRisk) -> bool:
    """Those who manage the BAF, and the risk's own owner (who may read the BAF)."""
    return may_manage_baf(user) or (risk.owner_id == user.pk and may_view_baf(user))


def may_set_appetite(user: AnyUser) -> bool:
    return can(user, Cap.SET_RISK_APPETITE)
