"""Opportunities and activities on the ladder of co-production: the lead advertises
an opportunity, records who came, and the rung reached; bad input is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.involvement import actions, rules
from wellled.involvement.models import Activity, Opportunity, OpportunityKind, Rung
from wellled.involvement.tests.support import DAY, opportunity, person, policy

pytestmark = pytest.mark.django_db


def test_the_ladder_has_the_seven_tlap_rungs_in_order() -> None:
    """Think Local Act Personal's ladder of co-production (reference §4.2)."""
    assert [label for _, label in Rung.choices] == [
        "Coercion",
        "Educating",
        "Informing",
        "Consultation",
        "Engagement",
        "Co-design",
        "Co-production",
    ]


def test_the_lead_advertises_an_opportunity_and_records_who_came(
    trust: Trust, client_for: Any
) -> None:
    policy()
    day = timezone.localdate() - datetime.timedelta(days=1)
    joined = day - datetime.timedelta(days=30)
    ada, ben = person(trust, today=joined), person(trust, today=joined)
    client = client_for("involvement_lead")
    response = client.post(
        "/involvement/opportunities/new/",
        {
            "title": "Crisis line redesign group",
            "kind": OpportunityKind.SERVICE_REDESIGN,
            "service": trust.service.pk,
            "rung_aimed": Rung.CO_PRODUCTION,
            "role_level": 4,
            "description": "Six workshops to redesign the crisis line",
        },
    )
    found = Opportunity.objects.get()
    assert response["Location"] == f"/involvement/opportunities/{found.pk}/"
    response = client.post(
        f"/involvement/opportunities/{found.pk}/activity/",
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "hours": "2.5",
            "rung_reached": Rung.CO_DESIGN,
            "participants": [ada.pk, ben.pk],
            "attended": [ada.pk],
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == f"/involvement/activities/{activity.pk}/"
    assert {(p.person_id, p.attended) for p in activity.participants.all()} == {
        (ada.pk, True),
        (ben.pk, False),
    }
    ada.refresh_from_db()
    ben.refresh_from_db()
    # Attending counts as being active (the retention clock restarts); being invited does not.
    assert (ada.last_active_on, ben.last_active_on) == (day, joined)
    page = client.get(response["Location"]).content.decode()
    assert "Co-design" in page and "Record a claim" in page


def test_no_one_can_have_attended_an_activity_dated_in_the_future(trust: Trust) -> None:
    ada = person(trust)
    with pytest.raises(ValidationError) as refused:
        actions.record_activity(
            acting_user=None,
            opportunity=opportunity(trust),
            held_on=DAY + datetime.timedelta(days=7),
            hours=Decimal(2),
            participants=[ada],
            attended=[ada],
            today=DAY,
        )
    assert "dated in the future" in refused.value.message_dict["attended"][0]
    # Inviting people to a future session is fine.
    future = actions.record_activity(
        acting_user=None,
        opportunity=opportunity(trust),
        held_on=DAY + datetime.timedelta(days=7),
        hours=Decimal(2),
        participants=[ada],
        today=DAY,
    )
    assert not future.participants.get().attended


def test_the_page_shows_the_future_attendance_error_by_the_field(
    trust: Trust, client_for: Any
) -> None:
    ada = person(trust)
    found = opportunity(trust)
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for("involvement_lead").post(
        f"/involvement/opportunities/{found.pk}/activity/",
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "hours": "2",
            "participants": [ada.pk],
            "attended": [ada.pk],
            "notes": "Kept after the error",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "No one can have attended an activity dated in the future" in page
    assert "Kept after the error" in page
    assert not Activity.objects.exists()


def test_a_rung_above_what_the_kind_of_activity_allows_is_refused(trust: Trust) -> None:
    survey = opportunity(
        trust, kind=OpportunityKind.CONSULTATION_EVENT, rung_aimed=Rung.CONSULTATION
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_activity(
            acting_user=None,
            opportunity=survey,
            held_on=DAY,
            hours=Decimal(1),
            participants=[],
            rung_reached=Rung.CO_DESIGN,
            today=DAY,
        )
    assert refused.value.message_dict["rung_reached"] == [
        "A survey, focus group or listening event can reach consultation at most, not co-design"
    ]
    with pytest.raises(ValidationError) as aimed:
        opportunity(trust, kind=OpportunityKind.RECRUITMENT_PANEL, rung_aimed=Rung.CO_PRODUCTION)
    assert "engagement at most" in aimed.value.message_dict["rung_aimed"][0]
    assert rules.max_rung(OpportunityKind.PROJECT) == Rung.CO_PRODUCTION


@pytest.mark.parametrize("persona", ["service_lead", "executive", "board_member", "staff_member"])
def test_only_the_involvement_lead_runs_opportunities(
    trust: Trust, client_for: Any, persona: str
) -> None:
    policy()
    with pytest.raises(PermissionDenied):
        actions.create_opportunity(
            acting_user=trust.people[persona],
            title="Panel",
            kind=OpportunityKind.RECRUITMENT_PANEL,
            service=trust.service,
            rung_aimed=Rung.ENGAGEMENT,
            role_level=3,
        )
    found = opportunity(trust)
    client = client_for(persona)
    assert client.get("/involvement/opportunities/").status_code == 403
    assert client.get(f"/involvement/opportunities/{found.pk}/").status_code == 403
