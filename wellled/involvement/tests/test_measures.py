"""The monthly measures registered for the IPR: co-design share and payment days."""

from __future__ import annotations

import datetime

import pytest

from wellled.core.testing import Trust
from wellled.involvement import actions, measures
from wellled.involvement.models import OpportunityKind, Rung
from wellled.involvement.tests.support import activity, opportunity
from wellled.reports.sources import get_source

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def test_co_design_share_and_payment_days_by_month(trust: Trust) -> None:
    today = datetime.date(2026, 4, 30)
    co_designed = activity(trust, held_on=datetime.date(2026, 3, 5), today=today)
    survey = opportunity(
        trust, kind=OpportunityKind.CONSULTATION_EVENT, rung_aimed=Rung.CONSULTATION
    )
    activity(
        trust,
        opportunity=survey,
        held_on=datetime.date(2026, 3, 9),
        rung_reached=Rung.CONSULTATION,
        today=today,
    )
    claim = actions.submit_claim(
        acting_user=None,
        participation=co_designed.participants.get(),
        received_on=datetime.date(2026, 3, 6),
        today=today,
    )
    actions.approve_claim(acting_user=None, claim=claim, today=today)
    actions.mark_paid(acting_user=None, claim=claim, paid_on=datetime.date(2026, 4, 2), today=today)
    assert measures.co_design_share(MARCH, APRIL, None) == [(MARCH, 50.0), (APRIL, None)]
    assert measures.payment_days(MARCH, APRIL, None) == [(MARCH, None), (APRIL, 27.0)]
    # Narrowed to another service: nothing there.
    assert measures.co_design_share(MARCH, MARCH, trust.other_service) == [(MARCH, None)]
    assert get_source("involvement.payment_days") is not None
