"""Use case: scripts read and manage the organisation tree through /api/v1/units/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation.models import OrgUnit

LIST = "/api/v1/units/"


def detail(unit: OrgUnit, suffix: str = "") -> str:
    return f"/api/v1/units/{unit.pk}/{suffix}"


# --- Reading ----------------------------------------------------------------------


def test_anyone_with_a_role_lists_the_whole_tree(trust: Trust, api_for) -> None:
    response = api_for("staff_member").get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == OrgUnit.objects.count()
    names = [unit["name"] for unit in body["results"]]
    assert "Acute inpatient ward" in names and "North CMHT" in names


def test_outsider_is_refused_the_tree_as_on_the_page(trust: Trust, api_for, client_for) -> None:
    assert api_for("outsider").get(LIST).status_code == 403
    assert api_for("outsider").get(detail(trust.team)).status_code == 403
    # The same refusal as the organisation page.
    assert client_for("outsider").get(reverse("organisation:tree")).status_code == 403


def test_filter_by_kind_and_parent(trust: Trust, api_for) -> None:
    api = api_for("staff_member")
    services = api.get(LIST, {"kind": "service"}).json()["results"]
    assert {u["name"] for u in services} == {"Community mental health", "Acute inpatient ward"}
    children = api.get(LIST, {"parent": trust.hub.pk}).json()["results"]
    assert {u["id"] for u in children} == {trust.site.pk, trust.other_site.pk}


def test_filter_open_or_closed_units(trust: Trust, api_for) -> None:
    api = api_for("trust_admin")
    api.post(detail(trust.team, "close/"))
    closed = api.get(LIST, {"active": "false"}).json()["results"]
    assert [u["id"] for u in closed] == [trust.team.pk]
    open_units = api.get(LIST, {"active": "true"}).json()["results"]
    assert trust.team.pk not in {u["id"] for u in open_units}
    assert api.get(LIST, {"active": "maybe"}).status_code == 400
    # A role held on a closed unit grants nothing, here as on the pages.
    assert api_for("staff_member").get(LIST).status_code == 403


def test_bad_filters_are_400_naming_the_parameter(trust: Trust, api_for) -> None:
    api = api_for("staff_member")
    response = api.get(LIST, {"kind": "ward"})
    assert response.status_code == 400
    assert "ward" in response.json()["kind"][0]
    response = api.get(LIST, {"parent": "north"})
    assert response.status_code == 400
    assert response.json()["parent"] == ["Enter a whole number."]


def test_retrieve_a_unit_and_404_for_a_missing_one(trust: Trust, api_for) -> None:
    api = api_for("staff_member")
    body = api.get(detail(trust.service)).json()
    assert body["name"] == "Community mental health"
    assert body["parent"] == trust.care_group.pk
    assert body["path"] == trust.service.path
    missing = api.get("/api/v1/units/999999/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such unit"}
    assert api.get("/api/v1/units/abc/").status_code == 404
    assert api.get("/api/v1/units/99999999999999999999/").status_code == 404


# --- Creating -------------------------------------------------------------------


def test_trust_admin_creates_a_unit_and_it_is_audited(trust: Trust, api_for) -> None:
    admin = trust.people["trust_admin"]
    response = api_for("trust_admin").post(
        LIST,
        {"kind": "team", "name": "South CMHT", "parent": trust.service.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    unit = OrgUnit.objects.get(pk=response.json()["id"])
    assert unit.parent == trust.service
    assert unit.path == f"{trust.service.path}{unit.pk}/"
    event = AuditEvent.objects.get(action="unit.created", object_id=str(unit.pk))
    assert event.actor_id == admin.pk
    assert event.after is not None and event.after["name"] == "South CMHT"


def test_action_rules_come_back_as_400_with_field_messages(trust: Trust, api_for) -> None:
    api = api_for("trust_admin")
    before = OrgUnit.objects.count()
    # A team must sit under a service: the action's rule, word for word.
    response = api.post(
        LIST, {"kind": "team", "name": "Lost team", "parent": trust.care_group.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["A team must sit under a service"]}
    # A service needs its service line and setting.
    response = api.post(
        LIST, {"kind": "service", "name": "New", "parent": trust.care_group.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"service_line", "setting"}
    assert OrgUnit.objects.count() == before


def test_serializer_errors_are_400_too(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(LIST, {"kind": "ward", "parent": 999999}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"kind", "name", "parent"}
    assert body["parent"] == ["There is no unit with id 999999."]


@pytest.mark.parametrize("persona", ["service_lead", "executive", "outsider"])
def test_only_organisation_managers_create_units(trust: Trust, api_for, persona: str) -> None:
    api = api_for(persona)
    before = AuditEvent.objects.count()
    response = api.post(
        LIST, {"kind": "team", "name": "Rogue team", "parent": trust.service.pk}, format="json"
    )
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(name="Rogue team").exists()
    assert AuditEvent.objects.count() == before


# --- Changing, moving, closing ------------------------------------------------


def test_trust_admin_renames_a_unit(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").patch(
        detail(trust.team), {"name": "North CMHT (East)"}, format="json"
    )
    assert response.status_code == 200, response.json()
    trust.team.refresh_from_db()
    assert trust.team.name == "North CMHT (East)"
    event = AuditEvent.objects.get(action="unit.updated", object_id=str(trust.team.pk))
    assert event.before == {"name": "North CMHT"}


def test_put_is_not_offered(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").put(detail(trust.team), {"name": "x"}, format="json")
    assert response.status_code == 405


def test_service_lead_cannot_change_their_service(trust: Trust, api_for) -> None:
    api = api_for("service_lead")
    assert api.patch(detail(trust.team), {"name": "Mine"}, format="json").status_code == 403
    assert api.post(detail(trust.team, "close/")).status_code == 403
    assert (
        api.post(
            detail(trust.team, "move/"), {"parent": trust.other_service.pk}, format="json"
        ).status_code
        == 403
    )
    trust.team.refresh_from_db()
    assert trust.team.name == "North CMHT" and trust.team.is_active
    assert trust.team.parent == trust.service


def test_move_a_team_to_another_service(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        detail(trust.team, "move/"), {"parent": trust.other_service.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    trust.team.refresh_from_db()
    assert trust.team.path == f"{trust.other_service.path}{trust.team.pk}/"
    assert response.json()["path"] == trust.team.path


def test_moving_a_unit_below_itself_is_refused(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        detail(trust.care_group, "move/"), {"parent": trust.care_group.pk}, format="json"
    )
    assert response.status_code == 400
    assert "loop" in response.json()["parent"][0]


def test_close_and_reopen_a_unit(trust: Trust, api_for) -> None:
    api = api_for("trust_admin")
    response = api.post(detail(trust.team, "close/"))
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="unit.closed", object_id=str(trust.team.pk)).exists()
    response = api.post(detail(trust.team, "reopen/"))
    assert response.json()["is_active"] is True


def test_closing_a_unit_with_open_units_below_is_400(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(detail(trust.service, "close/"))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Close the units under Community mental health before closing it"]
    }
    trust.service.refresh_from_db()
    assert trust.service.is_active
