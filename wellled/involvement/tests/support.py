"""Involvement test data, made through the real actions."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from wellled.core.testing import Trust
from wellled.involvement import actions
from wellled.involvement.models import (
    Activity,
    Claim,
    ConsentScope,
    ContactBy,
    Experience,
    Opportunity,
    OpportunityKind,
    PaymentPolicy,
    Person,
    Rung,
)

DAY = datetime.date(2026, 3, 2)
_numbers = itertools.count(1)


def policy(in_force_from: datetime.date = datetime.date(2025, 4, 1)) -> PaymentPolicy:
    """A policy like the NHS England PPV one (£75 up to 4 hours, £150 a day at level
    3 and above; reference §4.3, to be confirmed), with a 10-day target."""
    existing = PaymentPolicy.objects.filter(in_force_from=in_force_from).first()
    if existing:
        return existing
    return actions.add_payment_policy(
        acting_user=None,
        version=f"test-{in_force_from:%Y%m%d}",
        in_force_from=in_force_from,
        target_days=10,
        levels=[
            (1, "Giving feedback", 0, 0),
            (2, "Taking part in a group", 0, 0),
            (3, "Panel or committee member", 7500, 15000),
            (4, "Co-producing a project", 7500, 15000),
        ],
    )


def person(trust: Trust, **overrides: Any) -> Person:
    n = next(_numbers)
    answers: dict[str, Any] = {
        "full_name": f"Sam Rivers {n}",
        "contact_by": ContactBy.EMAIL,
        "email": f"sam{n}@example.org",
        "experience": Experience.LIVED,
        "consent_scope": [ConsentScope.CONTACT],
        "services": [trust.service],
        **overrides,
    }
    return actions.register_person(acting_user=None, **answers)


def opportunity(trust: Trust, **overrides: Any) -> Opportunity:
    policy()
    answers: dict[str, Any] = {
        "title": f"Redesigning the crisis line {next(_numbers)}",
        "kind": OpportunityKind.SERVICE_REDESIGN,
        "service": trust.service,
        "rung_aimed": Rung.CO_DESIGN,
        "role_level": 3,
        **overrides,
    }
    return actions.create_opportunity(acting_user=None, **answers)


def activity(trust: Trust, *people: Person, hours: str = "3", **overrides: Any) -> Activity:
    chosen = list(people) or [person(trust)]
    answers: dict[str, Any] = {
        "opportunity": opportunity(trust),
        "held_on": DAY,
        "hours": Decimal(hours),
        "participants": chosen,
        "attended": chosen,
        "rung_reached": Rung.CO_DESIGN,
        "today": DAY,
        **overrides,
    }
    return actions.record_activity(acting_user=None, **answers)


def claim(trust: Trust, **overrides: Any) -> Claim:
    part = activity(trust).participants.get()
    return actions.submit_claim(
        acting_user=None,
        participation=part,
        received_on=DAY + datetime.timedelta(days=1),
        expenses_pence=820,
        today=DAY + datetime.timedelta(days=1),
        **overrides,
    )
