# ruff: noqa: F811 - the fixtures imported from test_measures are named as parameters
"""Use case: the board, governance and service leads read the measures page.

No name, summary or reference of any complaint may reach it; members of staff
without the measures capability are refused.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from wellled.complaints.models import Complaint
from wellled.complaints.tests.test_measures import history, routes  # noqa: F401 - fixtures
from wellled.core.testing import Trust

D = datetime.date


def _page(client_for: Any, persona: str, **params: str) -> Any:
    return client_for(persona).get(reverse("complaints:measures"), params)


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
@pytest.mark.parametrize("persona", ["board_member", "governance_lead", "auditor", "executive"])
def test_board_and_governance_see_figures_without_any_personal_data(
    client_for: Any, history: dict[str, Complaint], persona: str
) -> None:
    response = _page(client_for, persona, months="12", breakdown="subject")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Complaints measures</h1>" in html
    assert "Complaints acknowledged within 3 working days" in html
    assert "Communications" in html  # a theme
    for case in history.values():
        assert case.reference not in html
        assert f"/complaints/{case.pk}/" not in html
    assert "Alex Rivera" not in html
    assert "call back" not in html  # the summaries and issue descriptions


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
@pytest.mark.parametrize("persona", ["staff_member", "guardian", "trust_admin", "outsider"])
def test_people_without_the_measures_capability_are_refused(client_for: Any, persona: str) -> None:
    assert _page(client_for, persona).status_code == 403
    assert client_for(persona).get(reverse("complaints:exports")).status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_a_service_lead_sees_only_their_services(
    client_for: Any, trust: Trust, history: dict[str, Complaint]
) -> None:
    html = _page(client_for, "service_lead", breakdown="service", months="12").content.decode()
    assert trust.service.name in html
    assert trust.other_service.name not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_the_page_shows_the_timeliness_chart_and_each_breakdown(
    client_for: Any, trust: Trust, history: dict[str, Complaint]
) -> None:
    response = _page(client_for, "board_member", breakdown="site", months="12")
    assert response.status_code == 200
    assert response.context["chart"] is not None
    # April 2026: 1 of 2; then September 2026, when the six months of the complaint
    # never answered ended (received 2 March, due by 1 September): 0 of 1.
    assert response.context["chart"].values[-2:] == [50.0, 0.0]
    html = response.content.decode()
    assert trust.site.name in html and trust.other_site.name in html
    one = _page(client_for, "board_member", measure="phso_referrals")
    assert [t["table"].measure.key for t in one.context["tables"]] == ["phso_referrals"]


@pytest.mark.django_db
@pytest.mark.usefixtures("routes")
def test_a_bad_filter_is_reported_not_crashed(client_for: Any) -> None:
    response = _page(client_for, "board_member", breakdown="patients")
    assert response.status_code == 200
    assert response.context["form"].errors["breakdown"]
