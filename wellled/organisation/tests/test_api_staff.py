"""Use case: scripts read and add staff profiles through /api/v1/staff/.

Who sees whom is exactly what the pages allow: staff_visible_to for lists and
get_staff_profile_for_user for one profile.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation import actions
from wellled.organisation.models import StaffProfile
from wellled.organisation.queries import get_staff_profile_for_user

LIST = "/api/v1/staff/"


@pytest.fixture
def staff(trust: Trust) -> dict[str, StaffProfile]:
    def add(name: str, unit, number: str) -> StaffProfile:
        return actions.create_staff_profile(
            acting_user=None, full_name=name, unit=unit, staff_number=number
        )

    return {
        "in_service": add("Asha Patel", trust.service, "1001"),
        "in_team": add("Ben Okafor", trust.team, "1002"),
        "elsewhere": add("Cara Jones", trust.other_service, "1003"),
    }


def test_service_lead_lists_only_their_services_staff(trust: Trust, staff, api_for) -> None:
    response = api_for("service_lead").get(LIST)
    assert response.status_code == 200
    names = {p["full_name"] for p in response.json()["results"]}
    # Their service and the team under it; not the other service.
    assert names == {"Asha Patel", "Ben Okafor"}


def test_trust_wide_roles_list_everyone(trust: Trust, staff, api_for) -> None:
    body = api_for("executive").get(LIST).json()
    assert body["count"] == 3


def test_filter_by_unit_stays_within_scope(trust: Trust, staff, api_for) -> None:
    api = api_for("service_lead")
    in_team = api.get(LIST, {"unit": trust.team.pk}).json()["results"]
    assert [p["full_name"] for p in in_team] == ["Ben Okafor"]
    elsewhere = api.get(LIST, {"unit": trust.other_service.pk}).json()["results"]
    assert elsewhere == []


def test_service_lead_reads_a_profile_in_scope(trust: Trust, staff, api_for) -> None:
    profile = staff["in_team"]
    response = api_for("service_lead").get(f"{LIST}{profile.pk}/")
    assert response.status_code == 200
    assert response.json()["unit_name"] == "North CMHT"


def test_profile_outside_scope_is_403_as_on_the_page(trust: Trust, staff, api_for) -> None:
    profile = staff["elsewhere"]
    response = api_for("service_lead").get(f"{LIST}{profile.pk}/")
    assert response.status_code == 403
    assert "Cara" not in response.content.decode()
    # The page's helper refuses the same person the same way.
    with pytest.raises(PermissionDenied):
        get_staff_profile_for_user(trust.people["service_lead"], profile.pk)


def test_missing_profile_is_404(trust: Trust, staff, api_for) -> None:
    assert api_for("service_lead").get(f"{LIST}999999/").status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "complaints_handler", "staff_member"])
def test_people_without_view_staff_are_refused(trust: Trust, staff, api_for, persona) -> None:
    api = api_for(persona)
    assert api.get(LIST).status_code == 403
    assert api.get(f"{LIST}{staff['in_team'].pk}/").status_code == 403


def test_trust_admin_adds_a_profile_and_it_is_audited(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        LIST,
        {
            "full_name": "Dev Singh",
            "unit": trust.team.pk,
            "job_title": "Nurse",
            "staff_number": "2001",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    profile = StaffProfile.objects.get(pk=response.json()["id"])
    assert profile.unit == trust.team
    event = AuditEvent.objects.get(action="staff.created", object_id=str(profile.pk))
    assert event.actor_id == trust.people["trust_admin"].pk


def test_duplicate_staff_number_is_400_on_that_field(trust: Trust, staff, api_for) -> None:
    response = api_for("trust_admin").post(
        LIST,
        {"full_name": "Eve Clone", "unit": trust.team.pk, "staff_number": "1001"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"staff_number": ["Staff number 1001 is already in use"]}


def test_blank_name_is_400(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        LIST, {"full_name": " ", "unit": trust.team.pk}, format="json"
    )
    assert response.status_code == 400
    assert "full_name" in response.json()


@pytest.mark.parametrize("persona", ["service_lead", "outsider"])
def test_only_organisation_managers_add_profiles(trust: Trust, api_for, persona) -> None:
    response = api_for(persona).post(
        LIST, {"full_name": "Sneaky", "unit": trust.team.pk}, format="json"
    )
    assert response.status_code == 403
    assert not StaffProfile.objects.filter(full_name="Sneaky").exists()


def test_a_closed_unit_takes_no_new_staff(trust: Trust, api_for) -> None:
    api = api_for("trust_admin")
    api.post(f"/api/v1/units/{trust.team.pk}/close/")
    response = api.post(LIST, {"full_name": "Late Arrival", "unit": trust.team.pk}, format="json")
    assert response.status_code == 400
    assert "closed" in response.json()["unit"][0]
