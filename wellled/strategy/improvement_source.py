"""Two sources of improvement actions (docs/improvement.md, "Adding a new source of
actions"): a driver metric, for the countermeasures of the monthly deployment
reviews; and a principal risk on the BAF, for the actions that close its gaps."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.organisation.access import Cap, can
from wellled.organisation.queries import get_trust
from wellled.strategy import access
from wellled.strategy.models import DriverMetric, PrincipalRisk

KIND = "strategy_driver_metric"
RISK_KIND = "strategy_principal_risk"


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    drivers = DriverMetric.objects.filter(pk__in=_ids(source_ids)).select_related("metric", "unit")
    return {
        str(d.pk): sources.SourceInfo(
            label=f"Driver metric: {d.metric.name} ({d.unit.name})",
            href=reverse("strategy:unit", args=[d.unit_id]),
            unit_id=d.unit_id,
        )
        for d in drivers
    }


def may_raise(user: AnyUser, source_id: str) -> bool:
    driver = DriverMetric.objects.filter(pk__in=_ids([source_id])).select_related("unit").first()
    return driver is not None and access.may_hold_review(user, driver.unit)


def describe_risks(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    # A principal risk is the board's, so its actions belong to the whole trust.
    trust = get_trust()
    risks = PrincipalRisk.objects.filter(pk__in=_ids(source_ids))
    return {
        str(r.pk): sources.SourceInfo(
            label=f"Principal risk {r.reference}: {r.title}",
            href=reverse("strategy:risk", args=[r.pk]),
            unit_id=trust.pk if trust else 0,
        )
        for r in risks
    }


def may_raise_on_risk(user: AnyUser, source_id: str) -> bool:
    risk = PrincipalRisk.objects.filter(pk__in=_ids([source_id])).first()
    return risk is not None and access.may_edit_risk(user, risk)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Driver metric countermeasure",
            describe=describe,
            may_raise=may_raise,
            # The evidence that a countermeasure worked is the metric's own chart.
            evidence_required=False,
            opens_for=lambda user: can(user, Cap.VIEW_STRATEGY),
            # The team sees its countermeasures; those who hold its reviews update them.
            viewers=Cap.VIEW_STRATEGY,
            managers=Cap.HOLD_STRATEGY_REVIEWS,
        )
    )
    sources.register(
        sources.SourceType(
            kind=RISK_KIND,
            label="Principal risk action",
            describe=describe_risks,
            may_raise=may_raise_on_risk,
            opens_for=access.may_view_baf,
            viewers=Cap.VIEW_BAF,
            managers=Cap.MANAGE_BAF,
        )
    )
