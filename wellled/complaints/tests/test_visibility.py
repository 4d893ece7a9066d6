"""Who sees which complaints, and "my work" for handlers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.queries import (
    complaints_visible_to,
    complaints_work,
    get_complaint_for_user,
)
from wellled.complaints.tests.support import record
from wellled.core.navigation import work_for
from wellled.organisation.access import Cap, can

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(trust):
    return {
        "mine": record(trust, service=trust.service),
        "team": record(trust, service=trust.service, team=trust.team),
        "other": record(trust, service=trust.other_service),
    }


def visible(trust, persona) -> set[int]:
    return set(complaints_visible_to(trust.people[persona]).values_list("pk", flat=True))


def test_complaints_staff_see_every_complaint(trust, cases) -> None:
    everything = {case.pk for case in cases.values()}
    assert visible(trust, "complaints_manager") == everything
    assert visible(trust, "complaints_handler") == everything


def test_a_service_lead_sees_complaints_about_their_service_and_its_teams(trust, cases) -> None:
    assert visible(trust, "service_lead") == {cases["mine"].pk, cases["team"].pk}


def test_a_site_in_scope_brings_its_complaints(trust, cases) -> None:
    from wellled.organisation import actions as org
    from wellled.organisation.models import Role

    at_site = record(trust, service=trust.other_service, site=trust.site)
    lead = trust.people["staff_member"]
    org.grant_role(acting_user=None, user=lead, role=Role.SERVICE_LEAD, unit=trust.site)
    assert set(complaints_visible_to(lead).values_list("pk", flat=True)) == {at_site.pk}


@pytest.mark.parametrize(
    "persona",
    [
        "board_member",
        "governance_lead",
        "auditor",
        "trust_admin",
        "guardian",
        "staff_member",
        "outsider",
        "operator",
        "edi_lead",
        "involvement_lead",
    ],
)
def test_nobody_else_sees_complaint_content(trust, cases, persona) -> None:
    assert visible(trust, persona) == set()
    with pytest.raises(PermissionDenied):
        get_complaint_for_user(trust.people[persona], cases["mine"].pk)


def test_the_responsible_person_sees_only_drafts_awaiting_signature(trust, cases) -> None:
    assert visible(trust, "executive") == set()
    manager = trust.people["complaints_manager"]
    from wellled.complaints.tests.support import to_responded

    case = to_responded(trust, record(trust))
    case = actions.reopen(acting_user=manager, complaint=case, reason="More")
    case = actions.start_investigation(acting_user=manager, complaint=case)
    case = actions.submit_draft(acting_user=manager, complaint=case)
    assert visible(trust, "executive") == {case.pk}


def test_get_complaint_for_user_answers_404_403_and_the_case(trust, cases) -> None:
    lead = trust.people["service_lead"]
    assert get_complaint_for_user(lead, cases["mine"].pk) == cases["mine"]
    with pytest.raises(PermissionDenied):
        get_complaint_for_user(lead, cases["other"].pk)
    with pytest.raises(Http404):
        get_complaint_for_user(lead, 999_999)
    with pytest.raises(PermissionDenied):
        get_complaint_for_user(lead, cases["mine"].pk, manage=True)
    handler = trust.people["complaints_handler"]
    assert get_complaint_for_user(handler, cases["other"].pk, manage=True) == cases["other"]


def test_measures_are_for_the_board_and_governance_without_case_content(trust) -> None:
    holders = {
        name for name, user in trust.people.items() if can(user, Cap.VIEW_COMPLAINT_MEASURES)
    }
    assert holders == {
        "board_member",
        "executive",
        "governance_lead",
        "auditor",
        "complaints_manager",
        "complaints_handler",
        "service_lead",
        "operator",
    }
    for name in ("board_member", "governance_lead", "auditor"):
        assert not can(trust.people[name], Cap.VIEW_COMPLAINTS)
    assert {n for n, u in trust.people.items() if can(u, Cap.MANAGE_COMPLAINT_REFERENCE_DATA)} == {
        "complaints_manager",
        "operator",
    }


def test_my_work_lists_the_handlers_cases_overdue_first(trust) -> None:
    handler = trust.people["complaints_handler"]
    today = timezone.localdate()
    old = record(trust, received_on=today - datetime.timedelta(days=30))
    new = record(trust, received_on=today)
    record(trust, handler=trust.people["complaints_manager"])
    items = complaints_work(handler)
    assert [item.title for item in items] == [
        f"Complaint {old.reference}",
        f"Complaint {new.reference}",
    ]
    assert items[0].detail == "Acknowledge: overdue"
    assert items[0].due == old.acknowledgement_due
    assert items[1].due is not None and items[1].due >= today
    assert items[1].due == new.acknowledgement_due
    # On the home page too, each linking to its case page.
    assert {item.title for item in items} <= {item.title for item in work_for(handler)}
    assert items[0].href == f"/complaints/{old.pk}/"


def test_my_work_moves_on_to_the_response_date(trust) -> None:
    handler = trust.people["complaints_handler"]
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=5))
    actions.acknowledge(
        acting_user=handler, complaint=case, acknowledged_on=today, discussion_offered_on=today
    )
    actions.agree_response_date(
        acting_user=handler,
        complaint=case,
        response_due=today + datetime.timedelta(days=30),
        agreed_on=today,
        how_agreed="phone",
    )
    [item] = complaints_work(handler)
    assert item.detail == "Respond" and item.due == today + datetime.timedelta(days=30)


@pytest.mark.parametrize("persona", ["service_lead", "board_member", "outsider"])
def test_my_work_is_empty_for_people_who_do_not_handle_complaints(trust, persona) -> None:
    record(trust)
    assert complaints_work(trust.people[persona]) == []
