"""The board sees which care groups are embedding co-production: aggregates only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.involvement import actions, queries
from wellled.involvement.models import OpportunityKind, Rung
from wellled.involvement.tests.support import activity, opportunity, person

pytestmark = pytest.mark.django_db


def test_the_board_sees_co_design_feedback_and_payment_by_care_group_with_no_names(
    trust: Trust, client_for: Any
) -> None:
    today = timezone.localdate()
    held = today - datetime.timedelta(days=30)
    ada = person(trust, full_name="Ada Okafor")
    co_designed = activity(trust, ada, held_on=held, today=today)  # co-design
    survey = opportunity(
        trust, kind=OpportunityKind.CONSULTATION_EVENT, rung_aimed=Rung.CONSULTATION
    )
    activity(trust, opportunity=survey, held_on=held, rung_reached=Rung.CONSULTATION, today=today)
    actions.record_feedback(
        acting_user=None,
        activity=co_designed,
        you_said="Said",
        we_did="Did",
        participants_told_on=held + datetime.timedelta(days=14),
        today=today,
    )
    claim = actions.submit_claim(
        acting_user=None,
        participation=co_designed.participants.get(),
        received_on=held,
        today=today,
    )
    actions.approve_claim(acting_user=None, claim=claim)
    actions.mark_paid(acting_user=None, claim=claim, paid_on=held + datetime.timedelta(days=8))

    [group] = queries.embeddedness(
        trust.people["board_member"], today - datetime.timedelta(days=365)
    )
    assert group.unit == trust.care_group
    assert (group.activities, group.co_design_pct, group.told_pct) == (2, 50, 50)
    assert group.median_days_to_feedback == 14 and group.median_days_to_pay == 8
    page = client_for("board_member").get("/involvement/embeddedness/").content.decode()
    assert "Adult mental health" in page and "50% (1 of 2)" in page
    assert "Ada" not in page


@pytest.mark.parametrize("persona", ["staff_member", "service_lead", "complaints_manager"])
def test_others_do_not_see_the_measures(trust: Trust, client_for: Any, persona: str) -> None:
    assert client_for(persona).get("/involvement/embeddedness/").status_code == 403
