"""Use case: scripts grant and revoke roles through /api/v1/role-assignments/."""

from __future__ import annotations

import pytest

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust, make_user
from wellled.organisation.models import Role, RoleAssignment

LIST = "/api/v1/role-assignments/"


def test_trust_admin_lists_every_grant(trust: Trust, api_for) -> None:
    body = api_for("trust_admin").get(LIST).json()
    assert body["count"] == RoleAssignment.objects.count()
    lead = api_for("trust_admin").get(LIST, {"role": "service_lead"}).json()["results"]
    assert [(g["username"], g["unit"]) for g in lead] == [("service_lead", trust.service.pk)]


def test_bad_role_filter_is_400(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").get(LIST, {"role": "king"})
    assert response.status_code == 400
    assert "role" in response.json()


@pytest.mark.parametrize("persona", ["service_lead", "governance_lead", "outsider"])
def test_people_who_do_not_manage_roles_are_refused(trust: Trust, api_for, persona) -> None:
    api = api_for(persona)
    grant = RoleAssignment.objects.get(user__username="staff_member")
    assert api.get(LIST).status_code == 403
    assert api.get(f"{LIST}{grant.pk}/").status_code == 403
    assert api.delete(f"{LIST}{grant.pk}/").status_code == 403
    response = api.post(
        LIST,
        {"user": trust.people["outsider"].pk, "role": "trust_admin", "unit": trust.trust.pk},
        format="json",
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert not RoleAssignment.objects.filter(user=trust.people["outsider"]).exists()


def test_trust_admin_grants_a_role_and_it_is_audited(trust: Trust, api_for) -> None:
    newcomer = make_user("newcomer")
    response = api_for("trust_admin").post(
        LIST,
        {"user": newcomer.pk, "role": "service_lead", "unit": trust.other_service.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    grant = RoleAssignment.objects.get(pk=response.json()["id"])
    assert (grant.user, grant.role, grant.unit) == (
        newcomer,
        Role.SERVICE_LEAD,
        trust.other_service,
    )
    event = AuditEvent.objects.get(action="role.granted", object_id=str(grant.pk))
    assert event.actor_id == trust.people["trust_admin"].pk


def test_granting_a_role_twice_is_400(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        LIST,
        {"user": trust.people["service_lead"].pk, "role": "service_lead", "unit": trust.service.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "already" in response.json()["role"][0]


def test_unknown_user_and_role_are_400(trust: Trust, api_for) -> None:
    response = api_for("trust_admin").post(
        LIST, {"user": 999999, "role": "king", "unit": trust.service.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"user", "role"}


def test_trust_admin_revokes_a_role_and_it_is_audited(trust: Trust, api_for) -> None:
    grant = RoleAssignment.objects.get(user__username="staff_member")
    api = api_for("trust_admin")
    assert api.get(f"{LIST}{grant.pk}/").json()["role"] == "staff_member"
    response = api.delete(f"{LIST}{grant.pk}/")
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked", object_id=str(grant.pk)).exists()
    assert api.get(f"{LIST}{grant.pk}/").status_code == 404


def test_revoking_the_last_trust_admin_is_400(trust: Trust, api_for) -> None:
    grant = RoleAssignment.objects.get(user__username="trust_admin")
    response = api_for("trust_admin").delete(f"{LIST}{grant.pk}/")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_operators_are_not_the_trusts_to_grant_roles_to(trust: Trust, api_for) -> None:
    # The people page does not list platform operators; the API does not accept them.
    response = api_for("trust_admin").post(
        LIST,
        {"user": trust.people["operator"].pk, "role": "auditor", "unit": trust.trust.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "among those you manage" in response.json()["user"][0]
    assert not RoleAssignment.objects.filter(user=trust.people["operator"]).exists()
