"""The demo loads through the real actions: a register, activities mostly at
consultation, payments whose turnaround improves, and "You said, we did"."""

from __future__ import annotations

import datetime
from statistics import median

import pytest
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.involvement import demo
from wellled.involvement.models import Activity, Claim, ClaimStatus, Feedback, Person, Rung
from wellled.organisation.demo import DemoResult

pytestmark = pytest.mark.django_db


def test_the_demo_register_activities_and_improving_turnaround(trust: Trust) -> None:
    summary = demo.load_demo(
        DemoResult(trust=trust.trust, users={"involvement": trust.people["involvement_lead"]}),
        seed=3,
    )
    assert summary.startswith("Involvement: 150 people, 110 activities")
    assert Person.objects.count() == 150
    rungs = list(Activity.objects.values_list("rung_reached", flat=True))
    assert sum(r == Rung.CONSULTATION for r in rungs) > len(rungs) / 3
    assert Feedback.objects.exists()
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    paid = Claim.objects.filter(status=ClaimStatus.PAID)
    older = [
        (c.paid_on - c.received_on).days for c in paid.filter(received_on__lt=year_ago) if c.paid_on
    ]
    newer = [
        (c.paid_on - c.received_on).days
        for c in paid.filter(received_on__gte=year_ago)
        if c.paid_on
    ]
    assert median(newer) < median(older)
