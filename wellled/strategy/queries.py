"""Every read of strategy deployment, filtered by who reads (access.py decides)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, scope_paths
from wellled.organisation.models import OrgUnit
from wellled.reports.chartdata import ChartData
from wellled.reports.charting import charts_for_metrics
from wellled.strategy import access
from wellled.strategy.models import (
    Agreement,
    CatchballStep,
    DriverMetric,
    Objective,
    PrincipalRisk,
    Review,
    ReviewItem,
    Theme,
)


def _within(paths: tuple[str, ...], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def units_visible_to(user: AnyUser) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.active().within(*scope_paths(user, Cap.VIEW_STRATEGY))


def themes_with_objectives() -> QuerySet[Theme]:
    """The trust's true north: the same for every reader (it names no one's work)."""
    return Theme.objects.prefetch_related(
        Prefetch("objectives", queryset=Objective.objects.select_related("executive"))
    )


def drivers_visible_to(user: AnyUser) -> QuerySet[DriverMetric]:
    paths = scope_paths(user, Cap.VIEW_STRATEGY)
    return DriverMetric.objects.filter(_within(paths, "unit__path")).select_related(
        "unit", "metric", "owner", "objective__theme"
    )


def get_unit_for_user(user: AnyUser, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.active().select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404("No such unit")
    if not access.may_view_unit(user, unit):
        raise PermissionDenied
    return unit


def get_driver_for_user(user: AnyUser, pk: int) -> DriverMetric:
    driver = drivers_visible_to(user).select_related("unit__parent").filter(pk=pk).first()
    if driver is None:
        raise Http404("No such driver metric")
    return driver


def get_review_for_user(user: AnyUser, pk: int) -> Review:
    review = Review.objects.select_related("unit", "opened_by").filter(pk=pk).first()
    if review is None or not access.may_view_unit(user, review.unit):
        raise Http404("No such review")
    return review


def get_review_item_for_user(user: AnyUser, pk: int) -> ReviewItem:
    item = (
        ReviewItem.objects.select_related("review__unit", "driver__metric", "driver__unit")
        .filter(pk=pk)
        .first()
    )
    if item is None or not access.may_view_unit(user, item.review.unit):
        raise Http404("No such review item")
    return item


def inbox_for(user: AnyUser) -> list[DriverMetric]:
    """Proposals awaiting this reader as the level above: proposed below a unit where
    they agree driver metrics, not proposed by them, and not at the unit of the grant."""
    paths = scope_paths(user, Cap.AGREE_DRIVER_METRICS)
    if not paths:
        return []
    candidates = (
        DriverMetric.objects.filter(agreement=Agreement.PROPOSED)
        .filter(_within(paths, "unit__parent__path"))
        .exclude(proposed_by_id=user.pk)
        .select_related("unit", "metric", "owner", "proposed_by", "objective__theme")
        .order_by("created_at", "pk")
    )
    return list(candidates)


@dataclass
class DriverCard:
    driver: DriverMetric
    chart: ChartData | None  # None until the metric is agreed
    steps: list[CatchballStep]

    @property
    def chart_id(self) -> str:
        return f"driver-chart-{self.driver.pk}"


def thread_for_unit(unit: OrgUnit) -> list[DriverCard]:
    """The unit's driver and watch metrics with their charts and catchball history:
    one engine call for all the agreed ones."""
    drivers = list(
        DriverMetric.objects.filter(unit=unit)
        .select_related("metric", "owner", "objective__theme", "objective__executive")
        .prefetch_related(Prefetch("steps", queryset=CatchballStep.objects.select_related("by")))
    )
    agreed = [d for d in drivers if d.agreement == Agreement.AGREED]
    charts = charts_for_metrics([d.metric for d in agreed], unit=unit)
    by_driver = {d.pk: chart for d, chart in zip(agreed, charts, strict=True)}
    return [
        DriverCard(driver=d, chart=by_driver.get(d.pk), steps=list(d.steps.all())) for d in drivers
    ]


def reviews_for_unit(unit: OrgUnit) -> QuerySet[Review]:
    return Review.objects.filter(unit=unit).order_by("-month")


def review_items(review: Review) -> list[ReviewItem]:
    return list(review.items.select_related("driver__metric", "driver__owner", "action__owner"))


def risks_visible_to(user: AnyUser) -> QuerySet[PrincipalRisk]:
    if not access.may_view_baf(user):
        return PrincipalRisk.objects.none()
    return PrincipalRisk.objects.select_related("objective__theme", "owner").prefetch_related(
        "controls", "assurances", "metrics", "scores"
    )


def get_risk_for_user(user: AnyUser, pk: int) -> PrincipalRisk:
    risk = risks_visible_to(user).filter(pk=pk).first()
    if risk is None:
        if not access.may_view_baf(user):
            raise PermissionDenied
        raise Http404("No such principal risk")
    return risk


def coverage(units: QuerySet[OrgUnit]) -> dict[str, int]:
    """How far the thread reaches: teams with agreed driver metrics, of all teams."""
    teams = units.filter(kind="team")
    total = teams.count()
    agreed = (
        teams.filter(driver_metrics__agreement=Agreement.AGREED).distinct().count() if total else 0
    )
    return {"teams": total, "teams_agreed": agreed}
