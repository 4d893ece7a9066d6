"""A governance lead plans next year's walkrounds: a programme, its leaders, and a
rota generated over every site and inpatient ward; leaders move visits and every
change is kept."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.leadership import actions
from wellled.leadership.models import Session, Visit, VisitChange
from wellled.leadership.queries import coverage
from wellled.leadership.tests.support import END, START, D, first_visit, programme, rota, ward

pytestmark = pytest.mark.django_db


def test_the_rota_covers_every_site_and_ward_the_set_number_of_times(trust: Trust) -> None:
    made = rota(trust, visits_per_place=2, out_of_hours_percent=25)
    visits = list(made.visits.all())
    counts = Counter(v.place_id for v in visits)
    assert counts == {trust.site.pk: 2, trust.other_site.pk: 2, ward(trust).pk: 2}
    assert all(START <= v.planned_on <= END for v in visits)
    assert all(v.hub_id == trust.hub.pk for v in visits)
    # Every visit has an executive and, with a non-executive free, a pair.
    assert all(v.executive_id and v.non_executive_id for v in visits)
    assert sum(v.session != Session.IN_HOURS for v in visits) == len(visits) * 25 // 100
    assert AuditEvent.objects.filter(action="leadership.rota_generated").count() == 1


def test_the_rota_avoids_a_leaders_days_away(trust: Trust) -> None:
    made = programme(trust)
    leader = made.leaders.get(user=trust.people["board_member"])
    actions.add_unavailability(
        acting_user=trust.people["board_member"], leader=leader, starts_on=START, ends_on=END
    )
    actions.generate_rota(acting_user=trust.people["governance_lead"], programme=made)
    assert not made.visits.filter(non_executive=trust.people["board_member"]).exists()


def test_only_a_manager_of_walkrounds_creates_a_programme_or_generates(trust: Trust) -> None:
    for name in ("executive", "board_member", "service_lead", "staff_member", "auditor"):
        with pytest.raises(PermissionDenied):
            actions.create_programme(
                acting_user=trust.people[name],
                name="Mine",
                scope=trust.trust,
                starts_on=START,
                ends_on=END,
            )
    made = programme(trust)
    with pytest.raises(PermissionDenied):
        actions.generate_rota(acting_user=trust.people["executive"], programme=made)


def test_a_programme_with_bad_settings_is_refused_by_field(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_programme(
            acting_user=trust.people["governance_lead"],
            name=" ",
            scope=trust.site,
            starts_on=END,
            ends_on=START,
            visits_per_place=0,
            out_of_hours_percent=120,
        )
    assert set(refused.value.message_dict) == {
        "name",
        "scope",
        "ends_on",
        "visits_per_place",
        "out_of_hours_percent",
    }


def test_generating_again_is_refused_once_a_visit_was_moved(trust: Trust) -> None:
    made = rota(trust)
    visit = first_visit(made)
    actions.move_visit(
        acting_user=visit.executive,
        visit=visit,
        planned_on=D(2026, 4, 2),
        session=Session.IN_HOURS,
        executive=visit.executive,
        non_executive=visit.non_executive,
        reason="Clashes with the board",
    )
    with pytest.raises(ValidationError):
        actions.generate_rota(acting_user=trust.people["governance_lead"], programme=made)


def test_a_leader_moves_a_visit_and_the_change_is_kept(trust: Trust) -> None:
    made = rota(trust)
    visit = first_visit(made)
    old_day = visit.planned_on
    actions.move_visit(
        acting_user=visit.executive,
        visit=visit,
        planned_on=D(2026, 4, 8),
        session=Session.EVENING,
        executive=visit.executive,
        non_executive=visit.non_executive,
        reason="Meet the night staff",
    )
    change = VisitChange.objects.get(visit=visit)
    assert change.before["planned_on"] == str(old_day)
    assert change.after == change.after | {"planned_on": "2026-04-08", "session": "evening"}
    assert change.reason == "Meet the night staff"
    assert AuditEvent.objects.filter(action="leadership.visit_moved").count() == 1


def test_a_visit_moved_outside_the_programme_is_refused(trust: Trust) -> None:
    visit = first_visit(rota(trust))
    with pytest.raises(ValidationError) as refused:
        actions.move_visit(
            acting_user=visit.executive,
            visit=visit,
            planned_on=D(2027, 4, 5),
            session=Session.IN_HOURS,
            executive=visit.executive,
            non_executive=visit.non_executive,
            reason="Later",
        )
    assert "within the programme" in refused.value.message_dict["planned_on"][0]
    assert not VisitChange.objects.exists()


def test_a_leader_double_booked_is_refused(trust: Trust) -> None:
    made = rota(trust)
    first, second = list(made.visits.order_by("planned_on")[:2])
    with pytest.raises(ValidationError) as refused:
        actions.move_visit(
            acting_user=trust.people["governance_lead"],
            visit=second,
            planned_on=first.planned_on,
            session=first.session,
            executive=first.executive,
            non_executive=None,
            reason="Same day",
        )
    assert "already has a visit" in refused.value.message_dict["executive"][0]
    second.refresh_from_db()
    assert second.planned_on != first.planned_on or second.executive_id != first.executive_id


def test_a_leader_away_that_day_is_refused(trust: Trust) -> None:
    made = rota(trust)
    visit = first_visit(made)
    leader = made.leaders.get(user=visit.non_executive)
    actions.add_unavailability(
        acting_user=None, leader=leader, starts_on=D(2026, 5, 1), ends_on=D(2026, 5, 31)
    )
    with pytest.raises(ValidationError) as refused:
        actions.move_visit(
            acting_user=trust.people["governance_lead"],
            visit=visit,
            planned_on=D(2026, 5, 12),
            session=Session.IN_HOURS,
            executive=visit.executive,
            non_executive=visit.non_executive,
            reason="Later",
        )
    assert "unavailable" in refused.value.message_dict["non_executive"][0]


def test_someone_not_on_the_visit_cannot_move_it(trust: Trust) -> None:
    visit = first_visit(rota(trust))
    other = trust.people["service_lead"]
    with pytest.raises(PermissionDenied):
        actions.move_visit(
            acting_user=other,
            visit=visit,
            planned_on=D(2026, 4, 9),
            session=Session.IN_HOURS,
            executive=visit.executive,
            non_executive=None,
            reason="x",
        )


def test_coverage_counts_by_place_hub_and_leader(trust: Trust) -> None:
    made = rota(trust)
    cover = coverage(made, today=D(2026, 12, 7))
    (hub,) = cover.hubs
    assert hub.hub == trust.hub
    assert {p.place.pk: p.planned for p in hub.places} == {
        trust.site.pk: 2,
        trust.other_site.pk: 2,
        ward(trust).pk: 2,
    }
    assert hub.visited == 0
    planned = {row.leader.user_id: row.planned for row in cover.leaders}
    assert (
        planned[trust.people["board_member"].pk]
        == Visit.objects.filter(non_executive=trust.people["board_member"]).count()
    )
