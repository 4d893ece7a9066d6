"""Helpers for the strategy tests: the thread made through the real actions."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from wellled.core.testing import Trust
from wellled.reports.models import Metric
from wellled.reports.tests.support import load_values, make_metric
from wellled.strategy import actions
from wellled.strategy.models import Agreement, DriverMetric, Objective, PrincipalRisk, Review

D = datetime.date
# The month the sample reviews look at; sample series end in it.
REVIEW_MONTH = D(2026, 10, 1)


def objective(trust: Trust, **overrides: Any) -> Objective:
    existing = Objective.objects.filter(title="Cut waits for a first appointment").first()
    if existing is not None and not overrides:
        return existing
    theme = actions.create_theme(
        acting_user=None,
        title="Timely care",
        long_term_measure="Everyone seen within 4 weeks of referral",
    )
    values: dict[str, Any] = {
        "theme": theme,
        "title": "Cut waits for a first appointment",
        "target": "No one waits over 18 weeks by March 2028",
        "executive": trust.people["executive"],
        "starts_on": D(2025, 4, 1),
        "ends_on": D(2028, 3, 31),
    }
    values.update(overrides)
    return actions.create_objective(acting_user=trust.people["executive"], **values)


def team_metric(
    trust: Trust,
    name: str = "Waiting over 18 weeks",
    values: Sequence[float] | None = None,
    **overrides: Any,
) -> Metric:
    """A team-level series entered monthly, in the catalogue (lower is better)."""
    metric = make_metric(
        trust,
        name=name,
        unit="count",
        improvement="decrease",
        domain="responsive",
        service=trust.team,
        **overrides,
    )
    values = values or [30, 31, 29, 30, 32, 31, 30, 29, 31, 30, 32, 31]
    # The series ends in the review month, however long it is.
    start = REVIEW_MONTH
    for _ in range(len(values) - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    load_values(metric, list(values), start)
    return metric


def proposal(
    trust: Trust, *, metric: Metric | None = None, target: float = 20, kind: str = "driver"
) -> DriverMetric:
    """The team (its staff member) proposes a metric to the service above."""
    return actions.propose_driver_metric(
        acting_user=trust.people["staff_member"],
        unit=trust.team,
        objective=objective(trust),
        metric=metric or team_metric(trust),
        kind=kind,
        owner=trust.people["staff_member"],
        target=target,
    )


def agreed(trust: Trust, **kwargs: Any) -> DriverMetric:
    driver = proposal(trust, **kwargs)
    return actions.reply_to_proposal(
        acting_user=trust.people["service_lead"],
        driver=driver,
        decision=Agreement.AGREED,
        comment="",
    )


def review(trust: Trust, **kwargs: Any) -> Review:
    agreed(trust, **kwargs)
    return actions.open_review(
        acting_user=trust.people["service_lead"], unit=trust.team, month=REVIEW_MONTH
    )


def principal_risk(trust: Trust, **overrides: Any) -> PrincipalRisk:
    values: dict[str, Any] = {
        "reference": "SR1",
        "title": "Demand outstrips capacity",
        "cause": "Referrals up a fifth",
        "event": "Waits grow",
        "effect": "Harm while waiting",
        "objective": objective(trust),
        "owner": trust.people["executive"],
        "committee": "Quality and Safety Committee",
        "assurance_rating": "limited",
        "reviewed_on": D(2026, 11, 1),
        "inherent_likelihood": 4,
        "inherent_consequence": 4,
        "current_likelihood": 4,
        "current_consequence": 3,
        "target_likelihood": 2,
        "target_consequence": 3,
    }
    values.update(overrides)
    risk = actions.create_principal_risk(acting_user=trust.people["governance_lead"], **values)
    actions.add_control(acting_user=None, risk=risk, description="Weekly waiting list huddle")
    actions.add_assurance(acting_user=None, risk=risk, line="3", description="Internal audit 2026")
    return risk
