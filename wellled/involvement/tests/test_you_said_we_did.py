"""Closing the loop: what people said, what changed, actions on the shared loop,
participants told and the days to feedback measured."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wellled.core.testing import Trust
from wellled.improvement import actions as improvement
from wellled.improvement.models import Action
from wellled.involvement import actions, queries
from wellled.involvement.improvement_source import KIND
from wellled.involvement.tests.support import DAY, activity

pytestmark = pytest.mark.django_db


def test_the_lead_records_you_said_we_did_and_when_people_were_told(
    trust: Trust, client_for: Any
) -> None:
    held = timezone.localdate() - datetime.timedelta(days=12)
    session = activity(trust, held_on=held, today=timezone.localdate())
    told = held + datetime.timedelta(days=9)
    client = client_for("involvement_lead")
    response = client.post(
        f"/involvement/activities/{session.pk}/feedback/",
        {
            "you_said": "The crisis line kept people waiting without saying how long",
            "we_did": "The line now says where you are in the queue",
            "participants_told_on_day": told.day,
            "participants_told_on_month": told.month,
            "participants_told_on_year": told.year,
        },
    )
    assert response["Location"] == f"/involvement/activities/{session.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "where you are in the queue" in page and "9 days after the activity" in page
    lead = trust.people["involvement_lead"]
    assert queries.feedback_measures(lead) == {"held": 1, "told": 1, "median_days": 9}
    assert "a median of 9 days after the activity" in client.get("/involvement/").content.decode()


def test_people_cannot_be_told_before_the_activity_or_in_the_future(trust: Trust) -> None:
    session = activity(trust)
    for told in (DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            actions.record_feedback(
                acting_user=None,
                activity=session,
                you_said="Said",
                we_did="Did",
                participants_told_on=told,
                today=DAY,
            )
        assert "participants_told_on" in refused.value.message_dict


def test_an_action_on_the_shared_loop_answers_the_activity(trust: Trust, client_for: Any) -> None:
    session = activity(trust)
    lead = trust.people["involvement_lead"]
    action = improvement.raise_action(
        acting_user=lead,
        source_kind=KIND,
        source_id=str(session.pk),
        title="Add queue position messages to the crisis line",
        owner=lead,
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    assert action.unit_id == trust.service.pk  # the opportunity's service
    page = client_for("involvement_lead").get(f"/involvement/activities/{session.pk}/")
    assert "Add queue position messages" in page.content.decode()
    assert Action.objects.filter(source_kind=KIND).count() == 1


def test_no_one_else_raises_actions_on_an_activity_or_records_feedback(trust: Trust) -> None:
    session = activity(trust)
    user = trust.people["service_lead"]
    with pytest.raises(PermissionDenied):
        improvement.raise_action(
            acting_user=user,
            source_kind=KIND,
            source_id=str(session.pk),
            title="Anything",
            owner=user,
            due_on=DAY,
        )
    with pytest.raises(PermissionDenied):
        actions.record_feedback(acting_user=user, activity=session, you_said="a", we_did="b")
