"""Reads of the reports app.

Metrics are aggregates with no personal data. Anyone who holds VIEW_METRICS sees
the trust-wide metrics (no service); a metric of one service is seen by those who
hold VIEW_METRICS over it. A metric's owner always sees their own metric.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can, scope_paths
from wellled.reports.actions import can_manage
from wellled.reports.models import Metric, Narrative, Rebase
from wellled.reports.periods import previous_period


def metrics_visible_to(user: AnyUser) -> QuerySet[Metric]:
    if not user.is_authenticated:
        return Metric.objects.none()
    paths = scope_paths(user, Cap.VIEW_METRICS)
    own = Q(owner_id=user.pk)
    if not paths:
        return Metric.objects.filter(own)
    within = Q(service__isnull=True)
    for path in paths:
        within |= Q(service__path__startswith=path)
    return Metric.objects.filter(within | own)


def get_metric_for_user(user: AnyUser, slug: str, *, manage: bool = False) -> Metric:
    metric = metrics_visible_to(user).select_related("owner", "service").filter(slug=slug).first()
    if metric is None:
        if user.is_authenticated and not can(user, Cap.VIEW_METRICS):
            raise PermissionDenied
        raise Http404("No such metric")
    if manage and not can_manage(user if user.is_authenticated else None, metric):
        raise PermissionDenied
    return metric


def get_rebase_for_user(user: AnyUser, slug: str, pk: int) -> Rebase:
    metric = get_metric_for_user(user, slug)
    rebase = Rebase.objects.filter(metric=metric, pk=pk).select_related("requested_by").first()
    if rebase is None:
        raise Http404("No such recalculation")
    return rebase


def rebases_awaiting(user: AnyUser) -> QuerySet[Rebase]:
    """Recalculations the user could approve: asked for by someone else, not yet approved."""
    if not user.is_authenticated:
        return Rebase.objects.none()
    paths = scope_paths(user, Cap.APPROVE_METRIC_REBASE)
    if not paths:
        return Rebase.objects.none()
    within = Q(metric__service__isnull=True)
    for path in paths:
        within |= Q(metric__service__path__startswith=path)
    return (
        Rebase.objects.filter(within, approved_at__isnull=True, metric__is_active=True)
        .exclude(requested_by_id=user.pk)
        .select_related("metric")
    )


def last_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return previous_period(today.replace(day=1), "monthly")


def narratives_due(user: AnyUser, month: datetime.date | None = None) -> QuerySet[Metric]:
    """The user's own active metrics with no narrative yet for last month."""
    if not user.is_authenticated:
        return Metric.objects.none()
    month = month or last_month()
    written = Narrative.objects.filter(month=month).values("metric_id")
    return Metric.objects.filter(owner_id=user.pk, is_active=True).exclude(pk__in=written)


def reports_work(user: AnyUser) -> list[WorkItem]:
    """ "My work": recalculations awaiting my approval; narratives due on my metrics."""
    if not user.is_authenticated:
        return []
    items: list[WorkItem] = []
    for rebase in rebases_awaiting(user).order_by("requested_at"):
        items.append(
            WorkItem(
                title=f"Approve recalculating {rebase.metric.name}",
                href=reverse("reports:metric", args=[rebase.metric.slug]) + "#rebases",
                module="Performance report",
                detail=f"From {rebase.period:%-d %B %Y}: {rebase.reason[:80]}",
            )
        )
    month = last_month()
    # The board reads last month's report in the middle of this month.
    due = timezone.localdate().replace(day=10)
    for metric in narratives_due(user, month):
        items.append(
            WorkItem(
                title=f"Write the {month:%B %Y} narrative for {metric.name}",
                href=reverse("reports:narrative", args=[metric.slug]),
                module="Performance report",
                due=due,
                detail="What the chart shows, so what, and what next",
            )
        )
    return items
