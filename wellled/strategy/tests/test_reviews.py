"""Monthly strategy deployment reviews: each agreed metric as it stood; an
off-target or concerning driver metric needs a countermeasure summary (problem,
root cause, countermeasure with owner and date on the shared action loop) before
the review can close (reference §3.2, "strategy deployment reviews; countermeasure
summaries; A3")."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.improvement.queries import actions_for_sources
from wellled.strategy import actions
from wellled.strategy.improvement_source import KIND
from wellled.strategy.models import Review
from wellled.strategy.tests.support import REVIEW_MONTH, review, team_metric

pytestmark = pytest.mark.django_db


def test_an_off_target_metric_blocks_closing_until_it_has_a_countermeasure(trust: Trust) -> None:
    held = review(trust, target=20)  # the team waits ~31 against a target of 20
    (item,) = held.items.all()
    assert item.latest_value == 31 and item.needs_countermeasure
    lead = trust.people["service_lead"]
    with pytest.raises(ValidationError, match="Waiting over 18 weeks"):
        actions.close_review(acting_user=lead, review=held)
    assert not Review.objects.get(pk=held.pk).is_closed

    actions.record_countermeasure(
        acting_user=lead,
        item=item,
        problem="Waits flat at 31 against 20",
        root_cause="Two clinician vacancies since spring",
        countermeasure="Run Saturday clinics",
        owner=trust.people["staff_member"],
        due_on=datetime.date(2027, 1, 31),
    )
    (action,) = actions_for_sources(KIND, [item.driver_id])
    assert action.title == "Run Saturday clinics" and action.unit == trust.team
    assert "Two clinician vacancies" in action.description
    actions.close_review(acting_user=lead, review=held, notes="Agreed Saturday clinics")
    assert Review.objects.get(pk=held.pk).closed_on is not None


def test_a_metric_on_target_needs_no_countermeasure(trust: Trust) -> None:
    held = review(trust, target=40)
    assert not held.items.get().needs_countermeasure
    actions.close_review(acting_user=trust.people["service_lead"], review=held)


def test_a_watch_metric_never_blocks_a_review(trust: Trust) -> None:
    held = review(trust, target=1, kind="watch")
    assert not held.items.get().needs_countermeasure


def test_concerning_special_cause_needs_a_countermeasure_even_on_target(trust: Trust) -> None:
    rising = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 14, 15, 16, 17, 18, 19]
    held = review(trust, metric=team_metric(trust, values=rising), target=40)
    item = held.items.get()
    assert item.variation.startswith("concern") and item.needs_countermeasure


def test_a_countermeasure_needs_its_summary_and_nothing_is_saved_half(trust: Trust) -> None:
    held = review(trust, target=20)
    item = held.items.get()
    with pytest.raises(ValidationError) as refused:
        actions.record_countermeasure(
            acting_user=trust.people["service_lead"],
            item=item,
            problem="",
            root_cause="",
            countermeasure="Saturday clinics",
            owner=None,
            due_on=None,
        )
    assert {"problem", "root_cause"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        actions.record_countermeasure(
            acting_user=trust.people["service_lead"],
            item=item,
            problem="p",
            root_cause="r",
            countermeasure="Saturday clinics",
            owner=None,
            due_on=None,
        )
    assert "owner" in refused.value.message_dict
    assert not Action.objects.exists()
    item.refresh_from_db()
    assert item.action_id is None and item.problem == ""


def test_one_review_a_month_and_never_for_the_future(trust: Trust) -> None:
    review(trust)
    lead = trust.people["service_lead"]
    with pytest.raises(ValidationError, match="already has a review"):
        actions.open_review(acting_user=lead, unit=trust.team, month=REVIEW_MONTH)
    with pytest.raises(ValidationError, match="future"):
        actions.open_review(acting_user=lead, unit=trust.team, month=datetime.date(2999, 1, 1))


def test_a_member_of_staff_may_not_hold_or_close_a_review(trust: Trust) -> None:
    held = review(trust, target=40)
    staff = trust.people["staff_member"]
    with pytest.raises(ValidationError):
        actions.open_review(acting_user=staff, unit=trust.team, month=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        actions.close_review(acting_user=staff, review=held)
    assert not Review.objects.get(pk=held.pk).is_closed
