"""The demo: the way back from CQC's July 2025 well-led inspection (44%, Requires
improvement, wellled/inspections/demo.py): two well-led rounds since, each better, with
evidence; stale evidence; a service round."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from wellled.assurance.demo import load_demo
from wellled.assurance.models import AssessmentRound, EvidenceItem, RoundStatus
from wellled.assurance.queries import assurance_work, outcome_for
from wellled.organisation.demo import build_demo, plan_demo
from wellled.organisation.models import UnitKind
from wellled.speakup.demo import enrol_demo_guardian


@pytest.mark.django_db
def test_the_demo_tells_the_story() -> None:
    result = build_demo(plan_demo(staff_count=30))
    # The guardian's role is active once the speak-up demo (loaded before this
    # one) has enrolled them; they own the speak-up evidence.
    enrol_demo_guardian(result)
    line = load_demo(result, seed=7)
    assert line.startswith("CQC assurance: 2 well-led rounds")
    trust_rounds = list(AssessmentRound.objects.filter(scope=result.trust).order_by("opened_on"))
    assert len(trust_rounds) == 2
    first, second = (outcome_for(r).for_key_question("well-led") for r in trust_rounds)
    assert first is not None and first.result is not None
    assert second is not None and second.result is not None
    assert str(first.result.rating) == "Requires improvement"
    assert trust_rounds[0].status == RoundStatus.CLOSED
    assert second.result.raw_percentage > first.result.raw_percentage
    assert (first.result.published_percentage, second.result.published_percentage) == (53, 63)
    # Better than the inspection's 44%, and the statements CQC scored 1 say why they rose.
    assert first.result.published_percentage > 44
    assert trust_rounds[0].opened_on > datetime.date(2025, 7, 16)
    w1 = trust_rounds[0].statements.get(statement_id="shared-direction-and-culture")
    assert w1.score == 2 and w1.rationale.startswith("Scored 1 by CQC in July 2025")
    assert w1.evidence.exists()
    assert second.result.boundary_case
    assert "environmental-sustainability" in second.result.carried_forward
    service_rounds = AssessmentRound.objects.filter(scope__kind=UnitKind.SERVICE)
    assert service_rounds.count() == 1
    assert len(service_rounds.get().key_questions) == 5
    today = timezone.localdate()
    current = EvidenceItem.objects.filter(retired_on__isnull=True)
    # The action loop's headline measure is live evidence for W7 on the well-led page.
    loop = current.get(measure_key="improvement.closed_on_time")
    assert loop.statement_ids == ["learning-improvement-and-innovation"]
    assert current.filter(review_date__lt=today).count() >= 3
    retired = EvidenceItem.objects.get(retired_on__isnull=False)
    assert retired.retire_reason.startswith("Superseded")
    assert not any(w.title.endswith(retired.title) for w in assurance_work(retired.owner))
    guardian = result.users["guardian"]
    assert any(w.title.startswith("Review evidence") for w in assurance_work(guardian))
