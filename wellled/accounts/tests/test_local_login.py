"""Logging in and out with a username and password, and changing the password."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import User
from django.test import override_settings

import wellled.settings as production_settings
from wellled.accounts.hashers import OwaspArgon2PasswordHasher
from wellled.accounts.tests.support import LOGIN, post_password
from wellled.core.models import AuditEvent
from wellled.core.testing import PASSWORD, Trust

NEW_PASSWORD = "lantern-orchard-pebble-violin"


def test_production_hashes_passwords_with_argon2id_at_owasps_parameters() -> None:
    """OWASP Password Storage Cheat Sheet: Argon2id, m=19 MiB, t=2, p=1 (decision 0009)."""
    # conftest swaps in MD5 for speed; the module itself says what production uses.
    assert production_settings.PASSWORD_HASHERS[0] == (
        "wellled.accounts.hashers.OwaspArgon2PasswordHasher"
    )
    hasher = OwaspArgon2PasswordHasher()
    encoded = hasher.encode("a password", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("a password", encoded)


def test_a_hash_at_djangos_old_parameters_still_verifies_and_is_upgraded(db) -> None:
    old = Argon2PasswordHasher()
    user = User.objects.create(username="kept", password=old.encode("a password", old.salt()))
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        assert user.check_password("a password")  # check_password saves the new hash
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_the_login_page_has_labelled_fields_and_no_sso_button(client, db) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label class="nhsuk-label" for="id_username">Username</label>' in body
    assert 'for="id_password">Password</label>' in body
    assert "Log in with your NHS account" not in body
    assert "autofocus" not in body


def test_the_right_password_logs_in_and_goes_home(client, staff_member) -> None:
    response = post_password(client, "staff_member")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(staff_member.pk)


def test_a_safe_next_page_is_followed_and_another_site_is_not(client, staff_member) -> None:
    response = post_password(client, "staff_member", next="/account/")
    assert response["Location"] == "/account/"
    client.logout()
    response = post_password(client, "staff_member", next="https://evil.example/steal")
    assert response["Location"] == "/"


def test_empty_fields_say_what_to_enter(client, db) -> None:
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter your username" in body
    assert "Enter your password" in body
    assert 'href="#id_username"' in body
    assert "nhsuk-input--error" in body
    assert SESSION_KEY not in client.session


def test_a_wrong_password_and_an_unknown_user_get_the_same_words(client, trust: Trust) -> None:
    wrong_password = post_password(client, "staff_member", "not-the-password")
    unknown_user = post_password(client, "nobody_at_all", "not-the-password")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        body = response.content.decode()
        assert "The username or password is not right" in body
        assert "nobody_at_all" not in body.split("<form")[0]
    assert SESSION_KEY not in client.session


def test_a_deactivated_account_cannot_log_in(client, staff_member) -> None:
    staff_member.is_active = False
    staff_member.save()
    response = post_password(client, "staff_member")
    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logging_out_needs_a_post(client_for) -> None:
    client = client_for("staff_member")
    assert client.get("/account/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert client.get("/account/")["Location"].startswith(LOGIN)


def test_changing_the_password_needs_a_login(client, db) -> None:
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_wrong_current_password_changes_nothing(client_for, staff_member) -> None:
    client = client_for("staff_member")
    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your current password is not right" in response.content.decode()
    staff_member.refresh_from_db()
    assert staff_member.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("", "", "Enter a new password"),
        (NEW_PASSWORD, "something-else-entirely", "The new passwords do not match"),
        ("short", "short", "too short"),
    ],
)
def test_a_bad_new_password_is_explained(client_for, staff_member, new1, new2, message) -> None:
    client = client_for("staff_member")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    staff_member.refresh_from_db()
    assert staff_member.check_password(PASSWORD)


def test_changing_the_password_keeps_this_session_and_is_audited(client_for, staff_member) -> None:
    client = client_for("staff_member")
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    staff_member.refresh_from_db()
    assert staff_member.check_password(NEW_PASSWORD)
    # Still logged in here, with the new password's session hash.
    assert client.get("/account/").status_code == 200
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor_id == staff_member.pk
    assert event.object_id == str(staff_member.pk)
    stored = json.dumps([event.before, event.after, event.object_repr])
    assert NEW_PASSWORD not in stored and PASSWORD not in stored


def test_a_single_sign_on_account_has_no_password_to_change(client, staff_member) -> None:
    staff_member.set_unusable_password()
    staff_member.save()
    client.force_login(staff_member)
    response = client.get("/account/password/")
    assert response.status_code == 200
    assert "you have no wellled password" in response.content.decode()
    assert 'name="old_password"' not in response.content.decode()


def test_nobody_can_change_someone_elses_password(staff_member, trust_admin) -> None:
    from django.core.exceptions import PermissionDenied

    from wellled.accounts.actions import change_password

    with pytest.raises(PermissionDenied):
        change_password(acting_user=staff_member, user=trust_admin, new_password=NEW_PASSWORD)
    assert User.objects.get(pk=trust_admin.pk).check_password(PASSWORD)
