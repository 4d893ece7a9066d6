"""The demo's walkrounds show the pattern the issue asks for: every site and ward on
a year's rota, two hubs well covered, one rarely visited out of hours, and visits
with feedback and actions at every stage."""

from __future__ import annotations

import pytest
from django.db.models import Max

from wellled.improvement.models import Action, Status
from wellled.leadership.demo import load_demo
from wellled.leadership.improvement_source import KIND
from wellled.leadership.models import OUT_OF_HOURS, Programme, VisitStatus
from wellled.leadership.queries import coverage, programme_places
from wellled.organisation.demo import build_demo, plan_demo
from wellled.organisation.models import UnitKind

pytestmark = pytest.mark.django_db


def test_the_demo_rota_covers_the_trust_with_a_visible_pattern() -> None:
    result = build_demo(plan_demo(staff_count=30))
    line = load_demo(result, seed=3)
    assert line.startswith("Walkrounds: ")
    programme = Programme.objects.get()
    places = programme_places(programme)
    assert sum(1 for place, _ in places if place.kind == UnitKind.SITE) == 56
    assert any(place.kind == UnitKind.TEAM for place, _ in places)  # inpatient wards
    assert programme.visits.values("place").distinct().count() == len(places)
    hubs = {hub.hub.name.removesuffix(" hub"): hub for hub in coverage(programme).hubs}
    assert set(hubs) == {"Wellford", "Caldermoor", "Fennmere", "Ravensholt"}
    last_held = programme.visits.aggregate(last=Max("held_on"))["last"]
    past = programme.visits.filter(planned_on__lt=last_held)

    def held_share(hub: str, out_of_hours: bool) -> float:
        rows = past.filter(hub__name=f"{hub} hub")
        rows = rows.filter(session__in=OUT_OF_HOURS) if out_of_hours else rows
        return rows.filter(status=VisitStatus.HELD).count() / max(rows.count(), 1)

    assert held_share("Wellford", False) == held_share("Caldermoor", False) == 1.0
    assert held_share("Ravensholt", True) < 0.5 < held_share("Wellford", True)
    held = programme.visits.filter(status=VisitStatus.HELD)
    assert held.filter(receipt_confirmed_on__isnull=False).exists()
    states = set(Action.objects.filter(source_kind=KIND).values_list("status", flat=True))
    assert Status.DONE in states and len(states) >= 2
    assert Action.objects.filter(source_kind=KIND, signed_off_on__isnull=False).exists()
