"""The demo trust's strategy: cascaded to most teams of two care groups, none in the
others (the board sees where the thread is broken), with catchball history, the
persona team's reviews and a BAF."""

from __future__ import annotations

import pytest

from wellled.organisation.demo import build_demo, plan_demo
from wellled.organisation.models import OrgUnit
from wellled.strategy import demo
from wellled.strategy.models import (
    Agreement,
    CatchballStep,
    Descriptor,
    DriverMetric,
    PrincipalRisk,
    Review,
    RiskAppetite,
    Theme,
)
from wellled.strategy.queries import inbox_for
from wellled.strategy.register import baf_work, risk_rows


@pytest.mark.django_db
def test_the_demo_tells_the_cascade_story() -> None:
    result = build_demo(plan_demo(staff_count=30))
    line = demo.load_demo(result, seed=2025)
    assert "4 true-north themes" in line
    assert Theme.objects.count() == 4
    agreed_units = OrgUnit.objects.filter(driver_metrics__agreement=Agreement.AGREED).distinct()
    care_groups = set(
        OrgUnit.objects.filter(kind="care_group")
        .filter(children__in=agreed_units.filter(kind="service"))
        .values_list("name", flat=True)
    )
    assert care_groups == set(demo.CASCADED)
    assert CatchballStep.objects.filter(step="returned").exists()
    staff_team = OrgUnit.objects.get(pk=result.users["staff"].role_assignments.get().unit_id)
    assert inbox_for(result.users["service.lead"]) == list(
        DriverMetric.objects.filter(unit=staff_team, agreement=Agreement.PROPOSED)
    )
    reviews = Review.objects.filter(unit=staff_team)
    assert reviews.count() == 6 and reviews.filter(closed_on__isnull=True).count() == 1
    assert PrincipalRisk.objects.count() == 5
    # The BAF: appetite and descriptors as data, a history, and a review due soon.
    assert RiskAppetite.objects.count() == 5 and Descriptor.objects.count() == 10
    sr1 = next(r for r in risk_rows(result.users["board"]) if r.risk.reference == "SR1")
    assert sr1.above_appetite and sr1.movement == "up"
    assert [i.title[:30] for i in baf_work(result.users["executive"])] == [
        "Review principal risk SR1: Dem"
    ]
