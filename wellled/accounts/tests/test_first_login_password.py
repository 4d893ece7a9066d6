"""Use case: a trust administrator makes a login with a one-time password; its
owner must choose their own password before using anything else."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from wellled.accounts.actions import change_password, issue_api_token
from wellled.accounts.queries import must_change_password
from wellled.accounts.tests.support import post_password
from wellled.core.models import AuditEvent
from wellled.organisation import actions as org
from wellled.organisation.models import Role

PASSWORD_PAGE = "/account/password/"
NEW_PASSWORD = "a-much-longer-phrase-of-my-own"


def _new_login(trust_admin: User) -> tuple[User, str]:
    return org.create_login(
        acting_user=trust_admin,
        username="new.starter",
        first_name="New",
        last_name="Starter",
        email="new.starter@example.nhs.uk",
    )


def test_a_new_login_is_sent_to_change_its_password_until_it_does(client, trust_admin) -> None:
    user, one_time = _new_login(trust_admin)
    assert must_change_password(user)
    assert post_password(client, "new.starter", one_time)["Location"] == "/"

    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"{PASSWORD_PAGE}?next=%2F"
    elsewhere = client.get("/organisation/")
    assert elsewhere["Location"].startswith(PASSWORD_PAGE)
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert "one-time password that someone else set" in page.content.decode()

    changed = client.post(
        f"{PASSWORD_PAGE}?next=%2F",
        {
            "old_password": one_time,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "/",
        },
    )
    assert changed.status_code == 302
    assert changed["Location"] == "/"
    assert not must_change_password(user)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="user.password_changed").get()
    assert event.before == {"must_change_password": True}
    assert event.after == {"must_change_password": False}


def test_a_wrong_current_password_keeps_them_on_the_page(client, trust_admin) -> None:
    user, one_time = _new_login(trust_admin)
    post_password(client, "new.starter", one_time)
    response = client.post(
        PASSWORD_PAGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert must_change_password(user)
    assert client.get("/")["Location"].startswith(PASSWORD_PAGE)


def test_logging_out_is_not_blocked(client, trust_admin) -> None:
    _, one_time = _new_login(trust_admin)
    post_password(client, "new.starter", one_time)
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/account/login/")


def test_existing_logins_are_not_asked(client_for) -> None:
    assert client_for("staff_member").get("/").status_code == 200


def test_a_password_set_by_the_system_must_be_changed_again(staff_member) -> None:
    change_password(acting_user=None, user=staff_member, new_password=NEW_PASSWORD)
    assert must_change_password(staff_member)
    change_password(acting_user=staff_member, user=staff_member, new_password=NEW_PASSWORD + "2")
    assert not must_change_password(staff_member)


def test_the_api_is_not_blocked_by_the_password_step(trust_admin, trust) -> None:
    user, _ = _new_login(trust_admin)
    org.grant_role(acting_user=None, user=user, role=Role.STAFF_MEMBER, unit=trust.team)
    token, _ = issue_api_token(acting_user=None, user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/units/")
    assert response.status_code == 200
    assert response.json()["count"] > 0
    assert must_change_password(user)
