"""Who may do what in the reports app: the one place for its permission rules.

Actions check them before a write, queries before a read, and views use them to
decide which links to show.

- MANAGE_METRICS (governance lead): the catalogue, imported series, annotations,
  asking for a rebase, and any narrative;
- the metric's owner: its narrative;
- APPROVE_METRIC_REBASE (executive): approving a rebase someone else asked for;
- PRODUCE_BOARD_PACK (governance lead): a month's board pack;
- VIEW_METRICS over the whole trust: reading the board packs.

`None` as the user is the system itself (the demo loader, management commands),
which the actions let through. A read always has a request's user: an anonymous
one is refused, never taken for the system.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from wellled.core.types import Actor, AnyUser
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit
from wellled.organisation.queries import get_trust
from wellled.reports.models import Metric


def require_system_or(acting_user: Actor, cap: Cap, unit: OrgUnit | None = None) -> None:
    """The system itself (None) may; anyone else needs the capability."""
    if acting_user is not None and not can(acting_user, cap, unit):
        raise PermissionDenied


def can_manage(user: Actor, metric: Metric | None = None) -> bool:
    """May the user manage the catalogue (or this metric, over its service)?"""
    if user is None:
        return True
    unit = metric.service if metric is not None else None
    return can(user, Cap.MANAGE_METRICS, unit)


def can_write_narrative(user: Actor, metric: Metric) -> bool:
    if user is None:
        return True
    return (user.is_authenticated and user.pk == metric.owner_id) or can_manage(user, metric)


def can_approve_rebases(user: AnyUser, metric: Metric) -> bool:
    """May the user approve recalculations of this metric (ones they did not ask for)?"""
    return can(user, Cap.APPROVE_METRIC_REBASE, metric.service)


def can_request_board_packs(user: AnyUser) -> bool:
    return can(user, Cap.PRODUCE_BOARD_PACK)


def can_read_board_packs(user: AnyUser) -> bool:
    """A pack covers every service's metrics: it needs VIEW_METRICS over the whole trust."""
    if not user.is_authenticated:
        return False
    trust = get_trust()
    if trust is None:
        return False
    return can(user, Cap.VIEW_METRICS, trust)
