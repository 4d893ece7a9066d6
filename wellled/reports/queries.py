"""Reads of the reports app.

Metrics are aggregates with no personal data. Anyone who holds VIEW_METRICS sees
the trust-wide metrics (no service); a metric of one service is seen by those who
hold VIEW_METRICS over it. A metric's owner always sees their own metric. A
metric's annotations, recalculations and narratives are read through the metric,
so whoever sees the metric sees them. Board packs: see `board_packs_visible_to`.
The rules themselves are in access.py.
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
from wellled.organisation.models import OrgUnit, OrgUnitQuerySet, UnitKind
from wellled.reports.access import can_manage, can_read_board_packs
from wellled.reports.models import Annotation, BoardPack, Metric, Narrative, Rebase
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
    # A read always has a person (or an anonymous visitor) behind it, never the system.
    if manage and not (user.is_authenticated and can_manage(user, metric)):
        raise PermissionDenied
    return metric


def get_rebase_for_user(user: AnyUser, slug: str, pk: int) -> Rebase:
    metric = get_metric_for_user(user, slug)
    rebase = Rebase.objects.filter(metric=metric, pk=pk).select_related("requested_by").first()
    if rebase is None:
        raise Http404("No such recalculation")
    return rebase


def rebases_of(metric: Metric) -> QuerySet[Rebase]:
    """A visible metric's recalculations (the metric comes from get_metric_for_user)."""
    return metric.rebases.select_related("requested_by", "approver")


def annotations_of(metric: Metric) -> QuerySet[Annotation]:
    """A visible metric's annotations (the metric comes from get_metric_for_user)."""
    return metric.annotations.select_related("author")


def latest_narrative(metric: Metric) -> Narrative | None:
    """A visible metric's most recent narrative."""
    return metric.narratives.select_related("author").order_by("-month").first()


def narrative_for_month(metric: Metric, month: datetime.date) -> Narrative | None:
    """A visible metric's narrative of one month, if written."""
    return Narrative.objects.filter(metric=metric, month=month).first()


def latest_narratives(metrics: list[Metric]) -> dict[int, Narrative]:
    """The most recent narrative of each of these visible metrics, by metric id."""
    latest: dict[int, Narrative] = {}
    for item in Narrative.objects.filter(metric__in=metrics).order_by("metric_id", "month"):
        latest[item.metric_id] = item  # the latest wins
    return latest


def narratives_of_month(metrics: list[Metric], month: datetime.date) -> dict[int, Narrative]:
    """The narratives of one month for these metrics, by metric id."""
    found = Narrative.objects.filter(metric__in=[m.pk for m in metrics], month=month)
    return {n.metric_id: n for n in found}


def reportable_units() -> OrgUnitQuerySet:
    """The units a metric may be about, and the IPR filtered by: care groups and services."""
    return OrgUnit.objects.active().of_kind(UnitKind.CARE_GROUP, UnitKind.SERVICE)


def reportable_units_for(user: AnyUser) -> OrgUnitQuerySet:
    """The reportable units within the user's VIEW_METRICS scope."""
    return reportable_units().within(*scope_paths(user, Cap.VIEW_METRICS))


def board_packs_visible_to(user: AnyUser) -> QuerySet[BoardPack]:
    if not can_read_board_packs(user):
        return BoardPack.objects.none()
    return BoardPack.objects.select_related("requested_by").defer("pdf")


def get_board_pack_for_user(user: AnyUser, pk: int) -> BoardPack:
    if not can_read_board_packs(user):
        raise PermissionDenied
    pack = BoardPack.objects.select_related("requested_by").filter(pk=pk).first()
    if pack is None:
        raise Http404("No such board pack")
    return pack


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
                group="Recalculations to approve",
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
                group="Narratives to write",
            )
        )
    return items
