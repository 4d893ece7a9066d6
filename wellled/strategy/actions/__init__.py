"""Every write of strategy deployment: one function each, in one transaction, with
its audit event (docs/strategy.md). Countermeasures are improvement actions raised
on a driver metric (`improvement_source.KIND`). The BAF's writes are in `baf.py`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.improvement.actions import raise_action
from wellled.organisation.models import OrgUnit
from wellled.reports.charting import charts_for_metrics
from wellled.reports.models import Metric
from wellled.strategy import access
from wellled.strategy.actions.baf import (
    add_assurance,
    add_control,
    adopt_descriptors,
    create_principal_risk,
    edit_principal_risk,
    rescore_risk,
    set_risk_appetite,
)
from wellled.strategy.improvement_source import KIND
from wellled.strategy.models import (
    Agreement,
    CatchballStep,
    DriverMetric,
    MetricKind,
    Objective,
    Review,
    ReviewItem,
    Theme,
)

__all__ = [
    "add_assurance",
    "add_control",
    "adopt_descriptors",
    "create_principal_risk",
    "edit_principal_risk",
    "rescore_risk",
    "set_risk_appetite",
]

# A unit drives a few things well rather than many badly (reference §3.2: "a few
# measures per team"; the issue asks for 2-3 driver metrics per unit).
MAX_DRIVERS = 3


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# The thread: themes and breakthrough objectives --------------------------------------


@transaction.atomic
def create_theme(
    *,
    acting_user: User | None,
    title: str,
    long_term_measure: str,
    description: str = "",
    position: int = 0,
) -> Theme:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the theme"
    if not long_term_measure.strip():
        errors["long_term_measure"] = "Enter the long-term measure that shows progress"
    _refuse(errors)
    theme = Theme.objects.create(
        title=title.strip(),
        long_term_measure=long_term_measure.strip(),
        description=description,
        position=position,
    )
    audit.record(acting_user=acting_user, action="strategy.theme_created", obj=theme)
    return theme


@transaction.atomic
def create_objective(
    *,
    acting_user: User | None,
    theme: Theme | None,
    title: str,
    target: str,
    executive: User | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> Objective:
    errors: dict[str, str] = {}
    if theme is None:
        errors["theme"] = "Choose the true-north theme this objective moves"
    if not title.strip():
        errors["title"] = "Enter the breakthrough objective"
    if not target.strip():
        errors["target"] = (
            "Enter the target, for example 'Waits over 18 weeks halved by March 2028'"
        )
    if executive is None:
        errors["executive"] = "Choose the executive who owns the objective"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the objective starts"
    if ends_on is None:
        errors["ends_on"] = "Enter the date the objective ends"
    elif starts_on is not None and ends_on <= starts_on:
        errors["ends_on"] = "The end date must be after the start date"
    _refuse(errors)
    assert theme is not None and executive is not None  # checked above
    assert starts_on is not None and ends_on is not None
    objective = Objective.objects.create(
        theme=theme,
        title=title.strip(),
        target=target.strip(),
        executive=executive,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit.record(
        acting_user=acting_user,
        action="strategy.objective_created",
        obj=objective,
        after={"theme": theme.pk, "executive": executive.pk, "target": objective.target},
    )
    return objective


# Catchball ------------------------------------------------------------------------------


def _check_proposal(
    *,
    unit: OrgUnit,
    objective: Objective | None,
    metric: Metric | None,
    kind: str,
    owner: User | None,
    target: float | None,
    existing: DriverMetric | None,
) -> None:
    errors: dict[str, str] = {}
    if objective is None:
        errors["objective"] = "Choose the breakthrough objective this metric drives"
    if metric is None:
        errors["metric"] = "Choose the metric from the catalogue"
    elif not metric.is_active:
        errors["metric"] = "Choose a metric that is still reported"
    if kind not in MetricKind.values:
        errors["kind"] = "Choose whether this is a driver or a watch metric"
    if owner is None:
        errors["owner"] = "Choose who owns the metric: a driver metric needs an owner"
    elif not owner.is_active:
        errors["owner"] = "Choose an owner whose login is active"
    if target is None:
        errors["target"] = "Enter the target the unit proposes"
    taken = DriverMetric.objects.filter(unit=unit, metric=metric)
    if metric is not None and existing is None and taken.exists():
        errors["metric"] = f"{unit.name} already has {metric.name}: answer or amend that one"
    _check_driver_count(unit, kind, existing, errors)
    _refuse(errors)


def _check_driver_count(
    unit: OrgUnit, kind: str, existing: DriverMetric | None, errors: dict[str, str]
) -> None:
    if kind != MetricKind.DRIVER:
        return
    drivers = DriverMetric.objects.filter(unit=unit, kind=MetricKind.DRIVER)
    if existing is not None:
        drivers = drivers.exclude(pk=existing.pk)
    if drivers.count() >= MAX_DRIVERS:
        errors["kind"] = (
            f"{unit.name} already has {MAX_DRIVERS} driver metrics: "
            "propose this one as a watch metric"
        )


def _returned(driver: DriverMetric | None, unit: OrgUnit) -> DriverMetric | None:
    """A proposal to make again, read afresh and locked (the caller's copy may predate
    the answer): only a returned one of this unit."""
    if driver is None:
        return None
    driver = DriverMetric.objects.select_for_update(of=("self",)).get(pk=driver.pk)
    if driver.unit_id != unit.pk or driver.agreement != Agreement.RETURNED:
        raise ValidationError("Only a returned proposal can be proposed again")
    return driver


@transaction.atomic
def propose_driver_metric(
    *,
    acting_user: User,
    unit: OrgUnit,
    objective: Objective | None,
    metric: Metric | None,
    kind: str,
    owner: User | None,
    target: float | None,
    comment: str = "",
    driver: DriverMetric | None = None,
) -> DriverMetric:
    """A unit proposes a metric and target to the level above (or proposes again,
    amended, one that was returned)."""
    if not access.may_propose(acting_user, unit):
        raise ValidationError(f"You may not propose driver metrics for {unit.name}")
    driver = _returned(driver, unit)
    _check_proposal(
        unit=unit,
        objective=objective,
        metric=metric,
        kind=kind,
        owner=owner,
        target=target,
        existing=driver,
    )
    assert objective is not None and metric is not None and owner is not None
    assert target is not None
    values: dict[str, Any] = {
        "objective": objective,
        "metric": metric,
        "kind": kind,
        "owner": owner,
        "target": target,
        "agreement": Agreement.PROPOSED,
        "proposed_by": acting_user,
    }
    if driver is None:
        driver = DriverMetric.objects.create(unit=unit, **values)
    else:
        for name, value in values.items():
            setattr(driver, name, value)
        driver.save()
    CatchballStep.objects.create(
        driver=driver,
        step=CatchballStep.Step.PROPOSED,
        by=acting_user,
        target=target,
        comment=comment.strip(),
    )
    audit.record(
        acting_user=acting_user,
        action="strategy.driver_proposed",
        obj=driver,
        after={"unit": unit.pk, "metric": metric.pk, "kind": kind, "target": target},
    )
    return driver


@transaction.atomic
def reply_to_proposal(
    *, acting_user: User, driver: DriverMetric, decision: str, comment: str
) -> DriverMetric:
    """The level above accepts a proposal, or returns it with a comment."""
    driver = (
        DriverMetric.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .get(pk=driver.pk)
    )
    if driver.agreement != Agreement.PROPOSED:
        raise ValidationError("This proposal has already been answered")
    if driver.proposed_by_id == acting_user.pk:
        raise ValidationError("Someone at the level above must answer your own proposal")
    if not access.is_level_above(acting_user, driver.unit):
        parent = driver.unit.parent.name if driver.unit.parent else "the level above"
        raise ValidationError(
            f"Only someone who agrees driver metrics for {parent} may answer this proposal"
        )
    errors: dict[str, str] = {}
    if decision not in (Agreement.AGREED, Agreement.RETURNED):
        errors["decision"] = "Choose whether to accept or return the proposal"
    if decision == Agreement.RETURNED and not comment.strip():
        errors["comment"] = "Say why you are returning it, so the team can propose again"
    _refuse(errors)
    driver.agreement = decision
    driver.save(update_fields=["agreement"])
    CatchballStep.objects.create(
        driver=driver,
        step=decision,
        by=acting_user,
        target=driver.target,
        comment=comment.strip(),
    )
    audit.record(
        acting_user=acting_user,
        action=f"strategy.driver_{decision}",
        obj=driver,
        after={"agreement": decision},
    )
    return driver


# Monthly deployment reviews ----------------------------------------------------------


def off_target(value: float | None, target: float, improvement: str) -> bool:
    """Whether the latest value misses the target in the metric's better direction."""
    if value is None:
        return False
    if improvement == "increase":
        return value < target
    if improvement == "decrease":
        return value > target
    return False


@transaction.atomic
def open_review(*, acting_user: User, unit: OrgUnit, month: datetime.date | None) -> Review:
    """Open a unit's review for a month, with each agreed driver metric as it stood."""
    if not access.may_hold_review(acting_user, unit):
        raise ValidationError(f"You may not hold reviews for {unit.name}")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if month is None:
        errors["month"] = "Enter the month reviewed"
    elif month.replace(day=1) > today.replace(day=1):
        errors["month"] = "The month reviewed cannot be in the future"
    elif Review.objects.filter(unit=unit, month=month.replace(day=1)).exists():
        errors["month"] = f"{unit.name} already has a review for that month"
    _refuse(errors)
    assert month is not None
    month = month.replace(day=1)
    review = Review.objects.create(unit=unit, month=month, opened_by=acting_user)
    drivers = list(
        DriverMetric.objects.filter(unit=unit, agreement=Agreement.AGREED).select_related("metric")
    )
    charts = charts_for_metrics([d.metric for d in drivers], up_to=month, unit=unit)
    for driver, chart in zip(drivers, charts, strict=True):
        latest = next((v for v in reversed(chart.values) if v is not None), None)
        missed = off_target(latest, driver.target, driver.metric.improvement)
        concerning = chart.variation.startswith("concern")
        ReviewItem.objects.create(
            review=review,
            driver=driver,
            latest_value=latest,
            target=driver.target,
            variation=chart.variation,
            # Watch metrics are monitored, not driven: only driver metrics need one.
            needs_countermeasure=driver.kind == MetricKind.DRIVER and (missed or concerning),
        )
    audit.record(
        acting_user=acting_user,
        action="strategy.review_opened",
        obj=review,
        after={"unit": unit.pk, "month": month.isoformat(), "metrics": len(drivers)},
    )
    return review


@transaction.atomic
def record_countermeasure(
    *,
    acting_user: User,
    item: ReviewItem,
    problem: str,
    root_cause: str,
    countermeasure: str,
    owner: User | None,
    due_on: datetime.date | None,
    raised_on: datetime.date | None = None,
) -> ReviewItem:
    """The countermeasure summary for an off-target metric: problem and root cause
    here, the countermeasure itself an improvement action with owner and date."""
    review = item.review
    if not access.may_update_review(acting_user, review):
        raise ValidationError("This review is closed, or not yours to update")
    if item.action_id is not None:
        raise ValidationError("This metric already has a countermeasure")
    errors: dict[str, str] = {}
    if not problem.strip():
        errors["problem"] = "Describe the problem the chart shows"
    if not root_cause.strip():
        errors["root_cause"] = "Describe the root cause you found"
    if not countermeasure.strip():
        errors["countermeasure"] = "Describe the countermeasure"
    _refuse(errors)
    try:
        action = raise_action(
            acting_user=acting_user,
            source_kind=KIND,
            source_id=str(item.driver_id),
            title=countermeasure.strip(),
            owner=owner,
            due_on=due_on,
            unit=review.unit,
            description=f"Problem: {problem.strip()}\n\nRoot cause: {root_cause.strip()}",
            measure=item.driver.metric.slug,
            raised_on=raised_on,  # the demo's past reviews raise on their own dates
        )
    except ValidationError as error:
        # The action names its due date "due_on" and its title "title": the form's too.
        if hasattr(error, "error_dict") and "title" in error.error_dict:
            error.error_dict["countermeasure"] = error.error_dict.pop("title")
        raise
    item.problem = problem.strip()
    item.root_cause = root_cause.strip()
    item.action = action
    item.save(update_fields=["problem", "root_cause", "action"])
    audit.record(
        acting_user=acting_user,
        action="strategy.countermeasure_recorded",
        obj=review,
        after={"item": item.pk, "action": action.pk},
    )
    return item


@transaction.atomic
def close_review(*, acting_user: User, review: Review, notes: str = "") -> Review:
    """Close a review: refused while an off-target driver metric has no countermeasure."""
    review = Review.objects.select_for_update(of=("self",)).select_related("unit").get(pk=review.pk)
    if not access.may_update_review(acting_user, review):
        raise ValidationError("This review is closed, or not yours to close")
    missing = [
        item.driver.metric.name
        for item in review.items.select_related("driver__metric")
        if item.needs_countermeasure and item.action_id is None
    ]
    if missing:
        raise ValidationError(
            "Record a countermeasure for each metric off target or showing concerning "
            "variation before closing the review: " + ", ".join(missing)
        )
    review.closed_on = timezone.localdate()
    review.notes = notes.strip()
    review.save(update_fields=["closed_on", "notes"])
    audit.record(acting_user=acting_user, action="strategy.review_closed", obj=review)
    return review
