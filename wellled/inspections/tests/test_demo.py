"""The demo trust's well-led inspection: the story as the demo loads it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wellled.engines.ratings import score_key_question
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
    assert "well-led 44%, Requires improvement" in line

    well_led = Inspection.objects.get(kind="cqc_inspection")
    assert well_led.report_published_on is not None
    assert (well_led.report_published_on.year, well_led.report_published_on.month) == (2025, 7)
    assert well_led.ratings.get().rating == "Requires improvement"
    assert well_led.statement_scores.count() == 8
    scores = dict(well_led.statement_scores.values_list("statement_id", "score"))
    assert scores["shared-direction-and-culture"] == 1
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


def test_the_july_2025_well_led_scores_give_44_percent_requires_improvement() -> None:
    """The July 2025 report's well-led scores, checked with the ratings engine.

    The percentage is the sum of statement scores over 4 x 8 statements, and 39-62% is
    Requires improvement (docs/engines/ratings.md, "Bands", sources thornbury and
    matar): 14 of 32 is 43.75%, published as 44% whichever way a half would round. A
    statement scored 1 is commonly reported to limit the key question to Requires
    improvement at best (UNCERTAIN, source ridouts-limiters); here it caps nothing
    because the band is already Requires improvement.
    """
    result = score_key_question(
        demo.WELL_LED_SCORES, methodology=demo.METHODOLOGY, limiters=demo.WELL_LED_LIMITERS
    )
    assert (result.percentage.total, result.percentage.maximum) == (14, 32)
    assert result.published_percentage == 44
    assert not result.boundary_case
    assert str(result.band_rating) == str(result.rating) == "Requires improvement"
    [limiter] = result.limiters_applied
    assert limiter.name == "statement_scored_1" and not limiter.changed_rating
    assert "shared-direction-and-culture" in limiter.reason
