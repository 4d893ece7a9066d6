"""The walkround pages, as the governance lead, a leader and the visited team use
them: generating next year's rota, coverage, recording a visit, feedback and its
confirmation; bad input comes back beside its field with nothing lost."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from wellled.core.testing import Trust
from wellled.leadership.models import Programme, VisitChange, VisitStatus
from wellled.leadership.tests.support import D, first_visit, programme, rota, sample_visit

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_a_governance_lead_creates_a_programme_and_generates_the_rota(
    trust: Trust, client_for: Any
) -> None:
    client = client_for("governance_lead")
    response = client.post(
        reverse("leadership:programme_new"),
        {
            "name": "Walkrounds 2027/28",
            "kind": "walkround",
            "scope": trust.trust.pk,
            **_date("starts_on", D(2027, 4, 1)),
            **_date("ends_on", D(2028, 3, 31)),
            "visits_per_place": "2",
            "out_of_hours_percent": "20",
            "include_wards": "on",
            "feedback_days": "5",
        },
    )
    made = Programme.objects.get(name="Walkrounds 2027/28")
    assert response.status_code == 302
    assert response["Location"] == reverse("leadership:programme", args=[made.pk])
    client.post(
        reverse("leadership:leader_new", args=[made.pk]),
        {"user": trust.people["executive"].pk, "kind": "executive"},
    )
    response = client.post(reverse("leadership:generate", args=[made.pk]), follow=True)
    assert made.visits.count() == 4  # two sites, twice each (no wards in this trust yet)
    page = response.content.decode()
    assert "The rota has 4 visits" in page
    assert "Coverage by hub" in page and "Coverage by leader" in page


def test_a_programme_ending_before_it_starts_is_refused_beside_the_field(
    trust: Trust, client_for: Any
) -> None:
    response = client_for("governance_lead").post(
        reverse("leadership:programme_new"),
        {
            "name": "Backwards",
            "kind": "walkround",
            "scope": trust.trust.pk,
            **_date("starts_on", D(2027, 4, 1)),
            **_date("ends_on", D(2027, 3, 1)),
            "visits_per_place": "1",
            "out_of_hours_percent": "20",
            "feedback_days": "5",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ends_on"] == ["The end date must be on or after the start date"]
    assert 'value="Backwards"' in response.content.decode()  # nothing lost
    assert not Programme.objects.exists()


def test_coverage_shows_every_place_in_its_hub(trust: Trust, client_for: Any) -> None:
    made = rota(trust)
    page = client_for("board_member").get(reverse("leadership:programme", args=[made.pk]))
    text = page.content.decode()
    for name in ("North hub", "Riverside Centre", "Hilltop Clinic", "Willow Ward"):
        assert name in text
    assert "0 of 3 places visited" in text


def test_a_member_of_staff_cannot_open_the_programme(trust: Trust, client_for: Any) -> None:
    made = rota(trust)
    assert (
        client_for("staff_member").get(reverse("leadership:programme", args=[made.pk])).status_code
        == 403
    )
    assert client_for("staff_member").get(reverse("leadership:programmes")).status_code == 403


def test_a_double_booking_comes_back_beside_the_executive(trust: Trust, client_for: Any) -> None:
    made = rota(trust, second=False)
    first, second = list(made.visits.order_by("planned_on")[:2])
    response = client_for("executive").post(
        reverse("leadership:visit_move", args=[second.pk]),
        {
            **_date("planned_on", first.planned_on),
            "session": first.session,
            "executive": first.executive_id,
            "non_executive": "",
            "reason": "Both on one day",
        },
    )
    assert response.status_code == 200
    assert "already has a visit" in response.context["form"].errors["executive"][0]
    assert not VisitChange.objects.exists()


def test_a_leader_records_a_visit_and_sends_feedback_the_team_confirms(
    trust: Trust, client_for: Any
) -> None:
    visit = sample_visit(trust)
    client = client_for("executive")
    response = client.post(
        reverse("leadership:visit_record", args=[visit.pk]),
        {
            **_date("held_on", visit.planned_on),
            "themes": "Night staffing",
            "good_practice": "Safety huddle",
            "concerns": "Two staff said they were afraid to report incidents",
            "check_welcome_greeted": "yes",
        },
        follow=True,
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.HELD and visit.checklist == {"welcome_greeted": "yes"}
    page = response.content.decode()
    assert "This may be a speaking-up matter" in page
    assert reverse("speakup:index") in page
    assert "source_kind=walkround_visit" in page  # raise an action on the loop
    bad = client.post(
        reverse("leadership:visit_feedback", args=[visit.pk]),
        {**_date("sent_on", visit.planned_on - datetime.timedelta(days=1)), "feedback": "Thanks"},
    )
    assert "before the visit" in bad.context["form"].errors["sent_on"][0]
    client.post(
        reverse("leadership:visit_feedback", args=[visit.pk]),
        {**_date("sent_on", visit.planned_on), "feedback": "Estates will look at the room"},
    )
    team = client_for("staff_member")
    page = team.get(reverse("leadership:visit", args=[visit.pk])).content.decode()
    assert "Confirm we received it" in page
    team.post(reverse("leadership:visit_confirm", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.receipt_confirmed_by == trust.people["staff_member"]


def test_a_leaders_calendar_lists_their_visits(trust: Trust, client_for: Any) -> None:
    made = rota(trust, second=False)
    response = client_for("board_member").get(reverse("leadership:my_calendar"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert (
        body.count("BEGIN:VEVENT")
        == made.visits.filter(non_executive=trust.people["board_member"]).count()
    )
    visit = first_visit(made)
    # 10:00 in London on 1 April 2026 is 09:00 UTC (British Summer Time).
    assert f"DTSTART:{visit.planned_on:%Y%m%d}T090000Z" in body
    empty = client_for("staff_member").get(reverse("leadership:my_calendar")).content.decode()
    assert "BEGIN:VEVENT" not in empty


def test_the_api_lists_visits_with_the_pages_permissions(trust: Trust, api_for: Any) -> None:
    made = rota(trust)
    listed = api_for("governance_lead").get("/api/v1/leadership/visits/").json()
    assert listed["count"] == made.visits.count()
    assert api_for("staff_member").get("/api/v1/leadership/visits/").json()["count"] == 0
    visit = first_visit(made)
    assert api_for("staff_member").get(f"/api/v1/leadership/visits/{visit.pk}/").status_code == 403
    detail = api_for("board_member").get(f"/api/v1/leadership/visits/{visit.pk}/").json()
    assert detail["place"] == visit.place.name and detail["status"] == "planned"
    bad = api_for("governance_lead").get("/api/v1/leadership/visits/?status=maybe")
    assert bad.status_code == 400


def test_generating_again_after_a_move_is_refused_with_a_message(
    trust: Trust, client_for: Any
) -> None:
    made = programme(trust)
    client = client_for("governance_lead")
    client.post(reverse("leadership:generate", args=[made.pk]))
    visit = first_visit(made)
    client.post(
        reverse("leadership:visit_move", args=[visit.pk]),
        {
            **_date("planned_on", D(2026, 4, 2)),
            "session": "in_hours",
            "executive": visit.executive_id,
            "non_executive": visit.non_executive_id or "",
            "reason": "Board day",
        },
    )
    assert VisitChange.objects.count() == 1
    page = client.post(reverse("leadership:generate", args=[made.pk]), follow=True)
    assert "move visits one by one" in page.content.decode()
