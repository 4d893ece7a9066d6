"""The demo trust's well-led inspection: the story as the demo loads it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wellled.improvement.models import Status
from wellled.improvement.queries import improvement_work
from wellled.inspections import demo
from wellled.inspections.models import Inspection
from wellled.inspections.queries import actions_of, shown_status, statement_panel
from wellled.organisation.demo import build_demo, plan_demo


@pytest.mark.django_db
def test_the_demo_tells_the_well_led_story() -> None:
    result = build_demo(plan_demo(staff_count=30))
    line = demo.load_demo(result, seed=2025)
    assert "well-led 56%, Requires improvement" in line

    well_led = Inspection.objects.get(kind="cqc_inspection")
    assert well_led.report_published_on is not None
    assert (well_led.report_published_on.year, well_led.report_published_on.month) == (2025, 7)
    assert well_led.ratings.get().rating == "Requires improvement"
    assert well_led.statement_scores.count() == 8
    assert Inspection.objects.filter(kind="mock_inspection").count() == 1

    today = timezone.localdate()
    plans = list(actions_of(well_led))
    shown = {shown_status(plan, today) for plan in plans}
    assert {"done", "on_track", "at_risk", "overdue", "not_started"} <= shown
    assert any(plan.signed_off_on for plan in plans)
    assert any(plan.status == Status.DONE and plan.needs_sign_off for plan in plans)
    # Completion evidence sits in the library under the findings' statements.
    assert all(plan.evidence_links.exists() for plan in plans if plan.status == Status.DONE)
    kinds = set(well_led.findings.values_list("kind", flat=True))
    assert kinds == {"must_do", "should_do"}
    # Nobody signed off their own action.
    assert not any(p.signed_off_by_id == p.owner_id for p in plans if p.signed_off_on)

    # The owners and the executive find their work waiting for them.
    assert any(i.detail == "At risk" for i in improvement_work(result.users["complaints.manager"]))
    assert any(i.title.startswith("Action") for i in improvement_work(result.users["governance"]))
    assert any(i.title.startswith("Sign off") for i in improvement_work(result.users["executive"]))
    # The well-led page shows the open actions against their statements.
    panel = statement_panel(
        result.users["board"], "saf_2024_statements", "workforce-equality-diversity-and-inclusion"
    )
    assert panel is not None and len(panel.rows) == 1
    assert Status.DONE in {p.status for p in plans}
