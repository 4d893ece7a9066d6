"""Catchball: the team proposes a driver metric and target; the level above (the
service) accepts or returns it with a comment; the history of the exchange is kept.

Vocabulary and method: /work/shared/reference/governance-and-involvement.md §3.2-3.3
(catchball as "a two-way negotiation of targets and plans between levels")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.strategy import access, actions
from wellled.strategy.models import Agreement, CatchballStep, DriverMetric
from wellled.strategy.queries import inbox_for
from wellled.strategy.tests.support import objective, proposal, team_metric

pytestmark = pytest.mark.django_db


def test_the_team_proposes_and_the_service_lead_accepts(trust: Trust) -> None:
    driver = proposal(trust)
    assert driver.agreement == Agreement.PROPOSED
    assert inbox_for(trust.people["service_lead"]) == [driver]
    actions.reply_to_proposal(
        acting_user=trust.people["service_lead"], driver=driver, decision="agreed", comment=""
    )
    driver.refresh_from_db()
    assert driver.agreement == Agreement.AGREED
    assert [s.step for s in CatchballStep.objects.filter(driver=driver)] == ["proposed", "agreed"]
    assert AuditEvent.objects.filter(action="strategy.driver_agreed").count() == 1
    assert inbox_for(trust.people["service_lead"]) == []


def test_a_return_needs_a_comment_and_the_team_proposes_again(trust: Trust) -> None:
    driver = proposal(trust, target=5)
    lead = trust.people["service_lead"]
    with pytest.raises(ValidationError) as refused:
        actions.reply_to_proposal(acting_user=lead, driver=driver, decision="returned", comment=" ")
    assert "comment" in refused.value.message_dict
    assert DriverMetric.objects.get(pk=driver.pk).agreement == Agreement.PROPOSED
    actions.reply_to_proposal(
        acting_user=lead, driver=driver, decision="returned", comment="5 is not credible in a year"
    )
    again = actions.propose_driver_metric(
        acting_user=trust.people["staff_member"],
        unit=trust.team,
        objective=objective(trust),
        metric=driver.metric,
        kind="driver",
        owner=trust.people["staff_member"],
        target=15,
        driver=DriverMetric.objects.get(pk=driver.pk),
    )
    assert again.agreement == Agreement.PROPOSED and again.target == 15
    history = list(
        CatchballStep.objects.filter(driver=driver).values_list("step", "target", "comment")
    )
    assert history == [
        ("proposed", 5.0, ""),
        ("returned", 5.0, "5 is not credible in a year"),
        ("proposed", 15.0, ""),
    ]


def test_no_one_outside_the_level_above_may_reply(trust: Trust) -> None:
    """The executive is above the service, not a peer; but the team's own staff member
    (the proposer) and a complaints manager are refused, with a clear message."""
    driver = proposal(trust)
    for persona in ("staff_member", "complaints_manager"):
        with pytest.raises(ValidationError):
            actions.reply_to_proposal(
                acting_user=trust.people[persona], driver=driver, decision="agreed", comment=""
            )
    assert DriverMetric.objects.get(pk=driver.pk).agreement == Agreement.PROPOSED
    assert CatchballStep.objects.filter(driver=driver).count() == 1


def test_a_service_lead_may_not_agree_their_own_services_metrics(trust: Trust) -> None:
    """A grant on the service is not the level above the service: the care group's is."""
    metric = team_metric(trust, name="Service waits")
    driver = actions.propose_driver_metric(
        acting_user=trust.people["service_lead"],
        unit=trust.service,
        objective=objective(trust),
        metric=metric,
        kind="driver",
        owner=trust.people["service_lead"],
        target=10,
    )
    lead = trust.people["service_lead"]
    assert inbox_for(lead) == []
    assert not access.is_level_above(lead, trust.service)
    assert access.is_level_above(lead, trust.team)
    with pytest.raises(ValidationError, match="level above"):
        actions.reply_to_proposal(acting_user=lead, driver=driver, decision="agreed", comment="")
    assert inbox_for(trust.people["executive"]) == [driver]


def test_a_driver_metric_needs_an_owner_and_a_target(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.propose_driver_metric(
            acting_user=trust.people["staff_member"],
            unit=trust.team,
            objective=objective(trust),
            metric=team_metric(trust),
            kind="driver",
            owner=None,
            target=None,
        )
    assert set(refused.value.message_dict) == {"owner", "target"}
    assert "needs an owner" in refused.value.message_dict["owner"][0]
    assert not DriverMetric.objects.exists()


def test_no_more_than_three_driver_metrics_but_watch_metrics_are_free(trust: Trust) -> None:
    for number in range(3):
        proposal(trust, metric=team_metric(trust, name=f"Driver {number}"))
    with pytest.raises(ValidationError) as refused:
        proposal(trust, metric=team_metric(trust, name="Driver 4"))
    assert "watch metric" in refused.value.message_dict["kind"][0]
    assert proposal(trust, metric=team_metric(trust, name="Watch 1"), kind="watch").kind == "watch"


def test_someone_outside_the_team_may_not_propose_for_it(trust: Trust) -> None:
    with pytest.raises(ValidationError, match="may not propose"):
        actions.propose_driver_metric(
            acting_user=trust.people["complaints_handler"],
            unit=trust.team,
            objective=objective(trust),
            metric=team_metric(trust),
            kind="driver",
            owner=trust.people["staff_member"],
            target=3,
        )
