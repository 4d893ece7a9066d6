"""Use case: people find staff within their scope; administrators keep profiles up to date."""

from __future__ import annotations

import pytest

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust, make_user
from wellled.organisation.models import StaffProfile
from wellled.organisation.tests.support import add_staff, error_texts

LIST = "/organisation/staff/"
ADD = "/organisation/staff/add/"


@pytest.fixture(autouse=True)
def _second_factor_off(settings) -> None:
    settings.WELLLED_REQUIRE_2FA = False


@pytest.fixture
def staff(trust: Trust) -> dict[str, StaffProfile]:
    return {
        "team": add_staff("Tara Team", trust.team, job_title="Nurse"),
        "service": add_staff("Sam Service", trust.service),
        "other": add_staff("Olly Other", trust.other_service),
        "site": add_staff("Sid Site", trust.site),
    }


def _detail(profile: StaffProfile, action: str = "") -> str:
    return f"/organisation/staff/{profile.pk}/{action + '/' if action else ''}"


def _names(response) -> list[str]:
    return [profile.full_name for profile in response.context["page"]]


def test_a_service_lead_sees_only_the_staff_of_their_service(client_for, staff) -> None:
    response = client_for("service_lead").get(LIST)
    assert response.status_code == 200
    assert _names(response) == ["Sam Service", "Tara Team"]


def test_an_admin_sees_everyone(client_for, staff) -> None:
    names = _names(client_for("trust_admin").get(LIST))
    assert names == ["Olly Other", "Sam Service", "Sid Site", "Tara Team"]


def test_a_service_lead_cannot_open_a_profile_outside_their_service(client_for, staff) -> None:
    client = client_for("service_lead")
    assert client.get(_detail(staff["team"])).status_code == 200
    assert client.get(_detail(staff["other"])).status_code == 403
    assert client.get(_detail(staff["site"])).status_code == 403


@pytest.mark.parametrize("persona", ["staff_member", "outsider", "board_member"])
def test_people_without_the_staff_capability_are_refused(client_for, staff, persona) -> None:
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(staff["team"])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, staff) -> None:
    for url in (LIST, _detail(staff["team"]), ADD):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_search_by_name_and_filter_by_unit(trust: Trust, client_for, staff) -> None:
    client = client_for("trust_admin")
    assert _names(client.get(LIST, {"q": "sAm"})) == ["Sam Service"]
    # A unit filter includes the units below it.
    assert _names(client.get(LIST, {"unit": trust.service.pk})) == ["Sam Service", "Tara Team"]
    assert _names(client.get(LIST, {"unit": trust.hub.pk})) == ["Sid Site"]


def test_a_service_lead_cannot_filter_by_a_unit_outside_their_service(
    trust: Trust, client_for, staff
) -> None:
    response = client_for("service_lead").get(LIST, {"unit": trust.other_service.pk})
    assert "Choose a unit from the list" in error_texts(response)
    assert _names(response) == ["Sam Service", "Tara Team"]


def test_people_who_have_left_are_listed_only_when_asked(client_for, staff) -> None:
    client = client_for("trust_admin")
    client.post(_detail(staff["site"], "active"), {"active": "0"})
    assert "Sid Site" not in _names(client.get(LIST))
    assert "Sid Site" in _names(client.get(LIST, {"left": "on"}))


def test_the_list_is_paginated(trust: Trust, client_for) -> None:
    for number in range(30):
        add_staff(f"Person {number:02d}", trust.team)
    client = client_for("trust_admin")
    first = client.get(LIST, {"unit": trust.team.pk})
    assert len(first.context["page"]) == 25
    second = client.get(LIST, {"unit": trust.team.pk, "page": 2})
    assert _names(second) == [f"Person {n}" for n in range(25, 30)]
    assert f"unit={trust.team.pk}&amp;page=2" in first.content.decode()


def test_admin_adds_a_profile_linked_to_a_login(trust: Trust, client_for) -> None:
    login = make_user("new_starter")
    response = client_for("trust_admin").post(
        ADD,
        {
            "full_name": "Nia Starter",
            "job_title": "Psychologist",
            "email": "nia@example.nhs.uk",
            "staff_number": "E123",
            "unit": trust.team.pk,
            "username": "NEW_STARTER",
        },
    )
    profile = StaffProfile.objects.get(full_name="Nia Starter")
    assert response.status_code == 302
    assert response["Location"] == _detail(profile)
    assert (profile.user, profile.unit, profile.staff_number) == (login, trust.team, "E123")


def test_an_unknown_login_is_refused_on_that_field(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        ADD, {"full_name": "Nia Starter", "unit": trust.team.pk, "username": "nobody"}
    )
    assert response.context["form"].errors["username"] == [
        "There is no login with the username nobody"
    ]
    assert not StaffProfile.objects.filter(full_name="Nia Starter").exists()


def test_a_login_linked_elsewhere_is_refused(trust: Trust, client_for) -> None:
    add_staff("First Profile", trust.team, user=trust.people["staff_member"])
    response = client_for("trust_admin").post(
        ADD, {"full_name": "Second Profile", "unit": trust.team.pk, "username": "staff_member"}
    )
    assert "already linked to another staff profile" in error_texts(response)


def test_admin_edits_a_profile_and_moves_them(trust: Trust, client_for, staff) -> None:
    client = client_for("trust_admin")
    assert (
        client.get(_detail(staff["team"], "edit")).context["form"].initial["job_title"] == "Nurse"
    )
    response = client.post(
        _detail(staff["team"], "edit"),
        {"full_name": "Tara Team", "job_title": "Ward manager", "unit": trust.other_service.pk},
    )
    assert response.status_code == 302
    staff["team"].refresh_from_db()
    assert (staff["team"].job_title, staff["team"].unit) == ("Ward manager", trust.other_service)
    event = AuditEvent.objects.get(action="staff.updated", object_id=str(staff["team"].pk))
    assert event.after == {"job_title": "Ward manager", "unit_id": trust.other_service.pk}


def test_a_staff_number_in_use_is_refused_on_edit(trust: Trust, client_for, staff) -> None:
    add_staff("Numbered", trust.team, staff_number="E1")
    response = client_for("trust_admin").post(
        _detail(staff["team"], "edit"),
        {"full_name": "Tara Team", "staff_number": "E1", "unit": trust.team.pk},
    )
    assert response.context["form"].errors["staff_number"] == ["Staff number E1 is already in use"]


def test_admin_marks_someone_as_left_and_back(client_for, staff) -> None:
    client = client_for("trust_admin")
    client.post(_detail(staff["team"], "active"), {"active": "0"})
    staff["team"].refresh_from_db()
    assert not staff["team"].is_active
    client.post(_detail(staff["team"], "active"), {"active": "1"})
    staff["team"].refresh_from_db()
    assert staff["team"].is_active


@pytest.mark.parametrize("persona", ["service_lead", "staff_member", "outsider"])
def test_only_admins_add_edit_or_deactivate_staff(trust: Trust, client_for, staff, persona) -> None:
    client = client_for(persona)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"full_name": "X", "unit": trust.team.pk}).status_code == 403
    assert client.get(_detail(staff["team"], "edit")).status_code == 403
    edit = client.post(_detail(staff["team"], "edit"), {"full_name": "X", "unit": trust.team.pk})
    assert edit.status_code == 403
    assert client.post(_detail(staff["team"], "active"), {"active": "0"}).status_code == 403
    staff["team"].refresh_from_db()
    assert (staff["team"].full_name, staff["team"].is_active) == ("Tara Team", True)
    assert not StaffProfile.objects.filter(full_name="X").exists()


@pytest.mark.django_db
def test_no_staff_profile_can_be_created_in_a_closed_unit(trust) -> None:
    from django.core.exceptions import ValidationError

    from wellled.organisation import actions

    actions.set_unit_active(acting_user=None, unit=trust.team, active=False)
    with pytest.raises(ValidationError) as error:
        actions.create_staff_profile(acting_user=None, full_name="Pat Example", unit=trust.team)
    assert "closed" in str(error.value)


@pytest.mark.django_db
def test_opening_a_staff_record_is_audited_on_the_page_and_in_the_api(trust, client_for) -> None:
    from wellled.organisation import actions

    profile = actions.create_staff_profile(
        acting_user=None, full_name="Pat Example", unit=trust.team
    )
    client = client_for("service_lead")
    assert client.get(f"/organisation/staff/{profile.pk}/").status_code == 200
    assert client.get(f"/api/v1/staff/{profile.pk}/").status_code == 200
    views = AuditEvent.objects.filter(action="record.viewed", object_id=str(profile.pk))
    assert views.count() == 2
    assert {event.actor_label for event in views} == {"service_lead"}


@pytest.mark.django_db
def test_a_refused_look_at_a_staff_record_is_not_recorded_as_a_view(trust, client_for) -> None:
    from wellled.organisation import actions

    profile = actions.create_staff_profile(
        acting_user=None, full_name="Pat Example", unit=trust.other_service
    )
    assert client_for("service_lead").get(f"/organisation/staff/{profile.pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action="record.viewed").exists()
