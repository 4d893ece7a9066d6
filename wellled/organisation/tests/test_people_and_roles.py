"""Use case: a trust administrator creates logins and grants and revokes roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust, make_user
from wellled.organisation import actions
from wellled.organisation.models import Role, RoleAssignment
from wellled.organisation.tests.support import error_texts

PEOPLE = "/organisation/people/"
ADD_LOGIN = "/organisation/people/add/"
DENIED = ["service_lead", "staff_member", "outsider"]


@pytest.fixture(autouse=True)
def _second_factor_off(settings) -> None:
    settings.WELLLED_REQUIRE_2FA = False


def _person(user: User) -> str:
    return f"/organisation/people/{user.pk}/"


def _revoke(grant: RoleAssignment) -> str:
    return f"/organisation/roles/{grant.pk}/revoke/"


def _admin_grant(trust: Trust) -> RoleAssignment:
    return RoleAssignment.objects.get(user=trust.people["trust_admin"], role=Role.TRUST_ADMIN)


def test_admins_see_every_login_with_their_roles(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").get(PEOPLE)
    assert response.status_code == 200
    usernames = [login.username for login in response.context["page"]]
    assert "service_lead" in usernames and "outsider" in usernames
    # Platform operators are not the trust's to manage.
    assert "operator" not in usernames
    assert "Service lead at Community mental health" in response.content.decode()


def test_search_finds_logins_by_name(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").get(PEOPLE, {"q": "guardian"})
    assert [login.username for login in response.context["page"]] == ["guardian"]


@pytest.mark.parametrize("persona", DENIED)
def test_others_cannot_see_or_change_people(trust: Trust, client_for, persona: str) -> None:
    client = client_for(persona)
    target = trust.people["outsider"]
    assert client.get(PEOPLE).status_code == 403
    assert client.get(ADD_LOGIN).status_code == 403
    assert (
        client.post(
            ADD_LOGIN, {"username": "sneaky", "first_name": "S", "last_name": "S"}
        ).status_code
        == 403
    )
    assert client.get(_person(target)).status_code == 403
    grant = client.post(_person(target), {"role": Role.TRUST_ADMIN, "unit": trust.trust.pk})
    assert grant.status_code == 403
    assert client.post(_revoke(_admin_grant(trust))).status_code == 403
    assert not User.objects.filter(username="sneaky").exists()
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert RoleAssignment.objects.filter(pk=_admin_grant(trust).pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(trust: Trust, client) -> None:
    for url in (PEOPLE, ADD_LOGIN, _person(trust.people["outsider"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_admin_creates_a_login_and_sees_its_password_once(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        ADD_LOGIN,
        {"username": "nia.starter", "first_name": "Nia", "last_name": "Starter", "email": ""},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    login = User.objects.get(username="nia.starter")
    assert login.check_password(password)
    assert (login.first_name, login.last_name, login.is_staff) == ("Nia", "Starter", False)
    event = AuditEvent.objects.get(action="login.created", object_id=str(login.pk))
    assert password not in str(event.after)
    # The next page never shows it again.
    assert password not in client_for("trust_admin").get(_person(login)).content.decode()


def test_a_taken_username_is_refused_whatever_its_case(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        ADD_LOGIN, {"username": "Guardian", "first_name": "G", "last_name": "H"}
    )
    assert response.context["form"].errors["username"] == ["The username Guardian is already taken"]


def test_admin_grants_a_role_on_a_unit(trust: Trust, client_for) -> None:
    newcomer = make_user("newcomer")
    response = client_for("trust_admin").post(
        _person(newcomer), {"role": Role.SERVICE_LEAD, "unit": trust.other_service.pk}
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=newcomer)
    assert (grant.role, grant.unit) == (Role.SERVICE_LEAD, trust.other_service)
    assert AuditEvent.objects.filter(action="role.granted", object_id=str(grant.pk)).exists()


def test_the_same_grant_twice_is_explained(trust: Trust, client_for) -> None:
    response = client_for("trust_admin").post(
        _person(trust.people["service_lead"]), {"role": Role.SERVICE_LEAD, "unit": trust.service.pk}
    )
    assert "is already Service lead at Community mental health" in error_texts(response)


@pytest.fixture
def hub_admin(trust: Trust) -> User:
    """An administrator whose scope is the north hub only."""
    user = make_user("hub_admin")
    actions.grant_role(acting_user=None, user=user, role=Role.TRUST_ADMIN, unit=trust.hub)
    trust.people["hub_admin"] = user
    return user


def test_an_admin_cannot_grant_roles_outside_their_scope(
    trust: Trust, hub_admin, client_for
) -> None:
    newcomer = make_user("newcomer")
    actions.grant_role(acting_user=None, user=newcomer, role=Role.STAFF_MEMBER, unit=trust.site)
    client = client_for("hub_admin")
    page = client.get(_person(newcomer))
    assert set(page.context["form"].fields["unit"].queryset) == {
        trust.hub,
        trust.site,
        trust.other_site,
    }
    response = client.post(_person(newcomer), {"role": Role.SERVICE_LEAD, "unit": trust.service.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["Choose a unit you manage roles for"]
    assert not RoleAssignment.objects.filter(user=newcomer, unit=trust.service).exists()
    # Within scope is fine.
    client.post(_person(newcomer), {"role": Role.SERVICE_LEAD, "unit": trust.site.pk})
    assert RoleAssignment.objects.filter(
        user=newcomer, unit=trust.site, role=Role.SERVICE_LEAD
    ).exists()


def test_an_admin_cannot_revoke_a_role_outside_their_scope(
    trust: Trust, hub_admin, client_for
) -> None:
    grant = RoleAssignment.objects.get(user=trust.people["service_lead"])
    assert client_for("hub_admin").post(_revoke(grant)).status_code == 403
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_admin_revokes_a_role(trust: Trust, client_for) -> None:
    grant = RoleAssignment.objects.get(user=trust.people["service_lead"])
    client = client_for("trust_admin")
    assert (
        "Revoke service lead at Community mental health"
        in client.get(_revoke(grant)).content.decode()
    )
    response = client.post(_revoke(grant))
    assert response.status_code == 302
    assert response["Location"] == _person(trust.people["service_lead"])
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked", object_id=str(grant.pk)).exists()


def test_the_last_trust_admin_cannot_revoke_their_own_role(trust: Trust, client_for) -> None:
    grant = _admin_grant(trust)
    response = client_for("trust_admin").post(_revoke(grant))
    assert response.status_code == 200
    assert "you are the last trust administrator" in error_texts(response)
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_an_admin_may_step_down_once_there_is_another(trust: Trust, client_for) -> None:
    actions.grant_role(
        acting_user=None, user=trust.people["executive"], role=Role.TRUST_ADMIN, unit=trust.trust
    )
    grant = _admin_grant(trust)
    response = client_for("trust_admin").post(_revoke(grant))
    # They can no longer manage roles, so they go home rather than to a page they cannot see.
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_a_disabled_admin_does_not_count_as_another_admin(trust: Trust, client_for) -> None:
    executive = trust.people["executive"]
    actions.grant_role(acting_user=None, user=executive, role=Role.TRUST_ADMIN, unit=trust.trust)
    User.objects.filter(pk=executive.pk).update(is_active=False)
    response = client_for("trust_admin").post(_revoke(_admin_grant(trust)))
    assert "last trust administrator" in error_texts(response)
