"""The thread through the pages, as each persona uses it: the team's nurse proposes,
her service lead answers in the catchball inbox, the team page shows the agreed
metric's SPC chart and its line to true north, and the service lead holds the
month's review with a countermeasure. Each refusal is tested beside its use."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.improvement.models import Action
from wellled.strategy.models import Agreement, DriverMetric, Review
from wellled.strategy.tests.support import (
    REVIEW_MONTH,
    agreed,
    objective,
    principal_risk,
    proposal,
    review,
    team_metric,
)

pytestmark = pytest.mark.django_db


def test_the_nurse_proposes_and_a_missing_owner_is_named_with_nothing_lost(
    trust: Trust, client_for: Any
) -> None:
    client = client_for("staff_member")
    metric = team_metric(trust)
    url = reverse("strategy:propose", args=[trust.team.pk])
    data = {"objective": objective(trust).pk, "metric": metric.pk, "kind": "driver", "target": "20"}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "a driver metric needs an owner" in page.content.decode()
    assert 'value="20"' in page.content.decode()  # the target typed is still there
    assert not DriverMetric.objects.exists()
    done = client.post(url, {**data, "owner": trust.people["staff_member"].pk})
    assert done.status_code == 302
    assert DriverMetric.objects.get().agreement == Agreement.PROPOSED


def test_only_those_who_may_propose_for_the_team_open_the_form(
    trust: Trust, client_for: Any
) -> None:
    url = reverse("strategy:propose", args=[trust.team.pk])
    assert client_for("complaints_handler").get(url).status_code == 403
    assert client_for("staff_member").get(url).status_code == 200


def test_the_service_lead_answers_in_the_inbox_and_a_return_needs_a_comment(
    trust: Trust, client_for: Any
) -> None:
    driver = proposal(trust)
    lead = client_for("service_lead")
    inbox = lead.get(reverse("strategy:inbox")).content.decode()
    assert driver.metric.name in inbox
    url = reverse("strategy:reply", args=[driver.pk])
    refused = lead.post(url, {"decision": "returned", "comment": ""})
    assert "Say why you are returning it" in refused.content.decode()
    assert lead.post(url, {"decision": "agreed", "comment": ""}).status_code == 302
    assert DriverMetric.objects.get(pk=driver.pk).agreement == Agreement.AGREED


def test_the_team_and_a_board_member_may_not_answer_a_proposal(
    trust: Trust, client_for: Any
) -> None:
    driver = proposal(trust)
    for persona in ("staff_member", "board_member"):
        url = reverse("strategy:reply", args=[driver.pk])
        assert client_for(persona).post(url, {"decision": "agreed"}).status_code == 403
    assert client_for("staff_member").get(reverse("strategy:inbox")).status_code == 403
    assert DriverMetric.objects.get(pk=driver.pk).agreement == Agreement.PROPOSED


def test_the_team_page_shows_the_chart_and_the_line_to_true_north(
    trust: Trust, client_for: Any
) -> None:
    agreed(trust)
    page = client_for("staff_member").get(reverse("strategy:unit", args=[trust.team.pk]))
    html = page.content.decode()
    assert "<svg" in html
    assert "Waiting over 18 weeks → Cut waits for a first appointment" in html
    assert "→ Timely care" in html


def test_a_team_page_outside_your_part_of_the_trust_is_refused(
    trust: Trust, client_for: Any
) -> None:
    url = reverse("strategy:unit", args=[trust.other_service.pk])
    assert client_for("staff_member").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 403


def test_the_service_lead_holds_a_review_with_a_countermeasure_then_closes_it(
    trust: Trust, client_for: Any
) -> None:
    agreed(trust, target=20)
    lead = client_for("service_lead")
    month = {
        "month_day": "1",
        "month_month": str(REVIEW_MONTH.month),
        "month_year": str(REVIEW_MONTH.year),
    }
    opened = lead.post(reverse("strategy:review_new", args=[trust.team.pk]), month)
    held = Review.objects.get()
    assert opened.headers["Location"] == reverse("strategy:review", args=[held.pk])
    close = reverse("strategy:review_close", args=[held.pk])
    refused = lead.post(close, {"notes": ""})
    assert "Record a countermeasure" in refused.content.decode()
    item = held.items.get()
    lead.post(
        reverse("strategy:countermeasure", args=[item.pk]),
        {
            "problem": "Flat at 31",
            "root_cause": "Vacancies",
            "countermeasure": "Saturday clinics",
            "owner": trust.people["staff_member"].pk,
            "due_on_day": "31",
            "due_on_month": "1",
            "due_on_year": "2027",
        },
    )
    assert Action.objects.get().title == "Saturday clinics"
    assert lead.post(close, {"notes": "Agreed"}).status_code == 302
    assert Review.objects.get().is_closed
    page = client_for("staff_member").get(reverse("strategy:review", args=[held.pk]))
    assert "Saturday clinics" in page.content.decode()


def test_staff_may_read_a_review_but_not_close_it(trust: Trust, client_for: Any) -> None:
    held = review(trust, target=40)
    staff = client_for("staff_member")
    assert staff.get(reverse("strategy:review", args=[held.pk])).status_code == 200
    assert staff.post(reverse("strategy:review_close", args=[held.pk]), {}).status_code == 403
    assert not Review.objects.get().is_closed


def test_the_board_reads_the_baf_and_staff_may_not(trust: Trust, client_for: Any) -> None:
    principal_risk(trust)
    page = client_for("board_member").get(reverse("strategy:baf")).content.decode()
    assert "SR1 Demand outstrips capacity" in page and "12 High" in page
    assert client_for("staff_member").get(reverse("strategy:baf")).status_code == 403


def test_the_api_lists_what_the_pages_show(trust: Trust, api_for: Any) -> None:
    agreed(trust)
    principal_risk(trust)
    drivers = api_for("staff_member").get("/api/v1/strategy/driver-metrics/").json()
    assert [d["metric_name"] for d in drivers["results"]] == ["Waiting over 18 weeks"]
    assert api_for("outsider").get("/api/v1/strategy/driver-metrics/").status_code == 403
    risks = api_for("board_member").get("/api/v1/strategy/risks/").json()
    assert risks["results"][0]["current_score"] == 12
    assert api_for("staff_member").get("/api/v1/strategy/risks/").status_code == 403


def test_a_returned_proposal_is_amended_and_sent_again_from_the_team_page(
    trust: Trust, client_for: Any
) -> None:
    from wellled.strategy import actions

    driver = proposal(trust, target=5)
    actions.reply_to_proposal(
        acting_user=trust.people["service_lead"],
        driver=driver,
        decision="returned",
        comment="Not credible",
    )
    staff = client_for("staff_member")
    team_page = staff.get(reverse("strategy:unit", args=[trust.team.pk])).content.decode()
    again = reverse("strategy:propose_again", args=[driver.pk])
    assert again in team_page
    form = staff.get(again).content.decode()
    assert 'value="5.0"' in form  # the returned values are there to amend
    data = {
        "objective": driver.objective_id,
        "metric": driver.metric_id,
        "kind": "driver",
        "owner": trust.people["staff_member"].pk,
        "target": "15",
    }
    assert staff.post(again, data).status_code == 302
    driver.refresh_from_db()
    assert (driver.agreement, driver.target) == (Agreement.PROPOSED, 15)
    assert client_for("complaints_handler").get(again).status_code == 403
    assert staff.get(again).status_code == 403  # no longer returned
