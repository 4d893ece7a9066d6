"""Two-factor login: enrolling an app, backup codes, and the code step of a login."""

from __future__ import annotations

import json
import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellled.accounts import views
from wellled.accounts.tests.support import LOGIN, enrol, post_password, totp_code, verify_url
from wellled.core.models import AuditEvent

SETUP = "/account/two-factor/setup/"
BACKUP = "/account/two-factor/backup-codes/"


def _setup_key(client) -> str:
    return str(client.session[views.SETUP_KEY_SESSION_KEY])


# --- Enrolling ---------------------------------------------------------------


def test_setting_up_needs_a_login(client, db) -> None:
    assert client.get(SETUP)["Location"].startswith(LOGIN)


def test_the_setup_page_shows_the_key_for_typing_and_an_inline_svg_qr_code(client_for) -> None:
    client = client_for("staff_member")
    response = client.get(SETUP)
    assert response.status_code == 200
    body = response.content.decode()
    key = _setup_key(client)
    grouped = re.search(r'id="setup-key"><strong>([A-Z2-7 ]+)</strong>', body)
    assert grouped is not None
    groups = grouped.group(1).split(" ")
    assert all(len(group) == 4 for group in groups)
    assert b32decode("".join(groups)).hex() == key
    svg = body[body.index("<svg", body.index('class="wellled-qr"')) :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "aria-label=" in svg
    # A viewBox, so the stylesheet can shrink it without cropping the code.
    assert "viewBox=" in svg
    # The CSP allows no inline style, and nothing is loaded from a data: URL.
    assert "style=" not in body
    assert "data:" not in body
    # The same key is offered again on reload, until it is confirmed.
    client.get(SETUP)
    assert _setup_key(client) == key


def test_the_right_code_turns_two_factor_on_and_shows_backup_codes_once(
    client_for, staff_member
) -> None:
    client = client_for("staff_member")
    client.get(SETUP)
    key = _setup_key(client)
    response = client.post(SETUP, {"code": totp_code(key)})
    assert response.status_code == 302
    assert response["Location"] == BACKUP
    device = TOTPDevice.objects.get(user=staff_member)
    assert device.confirmed and device.key == key
    # This session counts as verified straight away.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert views.SETUP_KEY_SESSION_KEY not in client.session

    codes = list(
        StaticToken.objects.filter(device__user=staff_member).values_list("token", flat=True)
    )
    assert len(codes) == 10
    first = client.get(BACKUP).content.decode()
    assert all(code in first for code in codes)
    assert "You will not see these codes again" in first
    second = client.get(BACKUP).content.decode()
    assert not any(code in second for code in codes)
    assert "You have 10 backup codes left" in second

    event = AuditEvent.objects.get(action="two_factor.enabled")
    assert event.actor_id == staff_member.pk
    stored = json.dumps([event.before, event.after, event.object_repr, event.object_id])
    assert key not in stored
    assert not any(code in stored for code in codes)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab", "Enter the code as 6 digits"),
        ("000000", "The code is not right"),
    ],
)
def test_a_wrong_setup_code_turns_nothing_on(client_for, staff_member, code, message) -> None:
    client = client_for("staff_member")
    client.get(SETUP)
    key = _setup_key(client)
    if code == "000000" and totp_code(key) == "000000":
        pytest.skip("one in a million: the real code is 000000")
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_member).exists()
    # The key is kept, so the person can try again without rescanning.
    assert _setup_key(client) == key


def test_replacing_the_app_needs_the_old_one_first(client, staff_member) -> None:
    enrol(staff_member)
    client.force_login(staff_member)  # logged in, but no code entered this session
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(verify_url())


def test_replacing_the_app_retires_the_old_key_and_codes(client, staff_member) -> None:
    old_device, old_codes = enrol(staff_member)
    post_password(client, "staff_member")
    client.post(verify_url(), {"code": totp_code(old_device.key)})
    client.get(SETUP)
    key = _setup_key(client)
    assert client.post(SETUP, {"code": totp_code(key)}).status_code == 302
    devices = TOTPDevice.objects.filter(user=staff_member)
    assert [d.key for d in devices] == [key]
    remaining = set(
        StaticToken.objects.filter(device__user=staff_member).values_list("token", flat=True)
    )
    assert not remaining & set(old_codes)


# --- Logging in with a code --------------------------------------------------


def test_a_correct_password_with_two_factor_asks_for_a_code_first(client, staff_member) -> None:
    enrol(staff_member)
    response = post_password(client, "staff_member", next="/account/")
    assert response.status_code == 302
    assert response["Location"] == f"{verify_url()}?next=%2Faccount%2F"
    # Not logged in yet: the password alone opens nothing.
    assert SESSION_KEY not in client.session
    assert client.get("/account/")["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Enter your security code" in page.content.decode()


def test_the_right_code_completes_the_login(client, staff_member) -> None:
    device, _ = enrol(staff_member)
    post_password(client, "staff_member")
    response = client.post(verify_url(), {"code": totp_code(device.key), "next": "/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.session[SESSION_KEY] == str(staff_member.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert views.PENDING_SESSION_KEY not in client.session


def test_a_wrong_code_does_not_log_in(client, staff_member) -> None:
    device, _ = enrol(staff_member)
    post_password(client, "staff_member")
    wrong = "000000" if totp_code(device.key) != "000000" else "111111"
    response = client.post(verify_url(), {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_empty_code_says_what_to_enter(client, staff_member) -> None:
    enrol(staff_member)
    post_password(client, "staff_member")
    response = client.post(verify_url(), {"code": "  "})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_repeated_wrong_codes_are_slowed_down(client, staff_member) -> None:
    device, _ = enrol(staff_member)
    post_password(client, "staff_member")
    wrong = "000000" if totp_code(device.key) != "000000" else "111111"
    client.post(verify_url(), {"code": wrong})
    # Within the throttle's wait even the right code is refused, and said so.
    response = client.post(verify_url(), {"code": totp_code(device.key)})
    assert "too many wrong codes" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_code_cannot_be_used_twice(client, staff_member) -> None:
    device, _ = enrol(staff_member)
    code = totp_code(device.key)
    post_password(client, "staff_member")
    assert client.post(verify_url(), {"code": code}).status_code == 302
    client.post("/account/logout/")
    post_password(client, "staff_member")
    response = client.post(verify_url(), {"code": code})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_backup_code_works_once(client, staff_member) -> None:
    _, codes = enrol(staff_member)
    post_password(client, "staff_member")
    response = client.post(verify_url(), {"code": codes[0].upper()}, follow=True)
    assert client.session[SESSION_KEY] == str(staff_member.pk)
    assert "You have 9 left" in response.content.decode()
    client.post("/account/logout/")
    post_password(client, "staff_member")
    response = client.post(verify_url(), {"code": codes[0]})
    assert response.status_code == 200
    assert "backup code exactly as it was shown" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_code_page_without_a_password_first_goes_to_login(client, db) -> None:
    response = client.get(verify_url())
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_password_left_waiting_too_long_must_be_entered_again(client, staff_member) -> None:
    device, _ = enrol(staff_member)
    post_password(client, "staff_member")
    session = client.session
    session[views.PENDING_SESSION_KEY]["started"] = time.time() - views.PENDING_SECONDS - 1
    session.save()
    response = client.post(verify_url(), {"code": totp_code(device.key)})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_making_new_backup_codes_retires_the_old_ones(client, staff_member) -> None:
    device, old_codes = enrol(staff_member)
    post_password(client, "staff_member")
    client.post(verify_url(), {"code": totp_code(device.key)})
    response = client.post(BACKUP)
    assert response.status_code == 302
    new_codes = set(
        StaticToken.objects.filter(device__user=staff_member).values_list("token", flat=True)
    )
    assert len(new_codes) == 10 and not new_codes & set(old_codes)
    page = client.get(BACKUP).content.decode()
    assert all(code in page for code in new_codes)
    assert AuditEvent.objects.filter(action="two_factor.backup_codes_replaced").count() == 1


def test_new_backup_codes_need_a_verified_session(client, staff_member) -> None:
    _, old_codes = enrol(staff_member)
    client.force_login(staff_member)
    response = client.post(BACKUP)
    assert response["Location"].startswith(verify_url())
    remaining = set(
        StaticToken.objects.filter(device__user=staff_member).values_list("token", flat=True)
    )
    assert remaining == set(old_codes)


# --- Who must use two-factor login ---------------------------------------------


@override_settings(WELLLED_REQUIRE_2FA=True)
def test_a_privileged_user_without_an_app_is_sent_to_set_one_up(client_for) -> None:
    client = client_for("trust_admin")
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccount%2F"
    assert client.get(SETUP).status_code == 200


@override_settings(WELLLED_REQUIRE_2FA=True)
def test_a_privileged_user_with_an_app_is_sent_to_enter_a_code(client, trust_admin) -> None:
    device, _ = enrol(trust_admin)
    client.force_login(trust_admin)  # e.g. single sign-on that is not trusted for MFA
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{verify_url()}?next=%2F"
    response = client.post(verify_url(), {"code": totp_code(device.key), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(WELLLED_REQUIRE_2FA=True)
def test_a_verified_privileged_user_goes_where_they_asked(client, trust_admin) -> None:
    device, _ = enrol(trust_admin)
    post_password(client, "trust_admin")
    client.post(verify_url(), {"code": totp_code(device.key)})
    assert client.get("/account/").status_code == 200


@override_settings(WELLLED_REQUIRE_2FA=True)
@pytest.mark.parametrize("persona", ["staff_member", "outsider"])
def test_staff_members_and_people_without_roles_are_not_forced(client_for, persona) -> None:
    assert client_for(persona).get("/account/").status_code == 200


@override_settings(WELLLED_REQUIRE_2FA=True)
def test_login_logout_assets_health_and_api_are_exempt(client_for) -> None:
    client = client_for("trust_admin")
    setup = SETUP
    for path in ["/static/wellled/wellled.css", "/healthz", "/api/v1/schema/"]:
        response = client.get(path)
        assert not (response.status_code == 302 and response["Location"].startswith(setup)), path
    assert client.get(LOGIN).status_code == 302  # already logged in: sent on, not to setup
    assert client.get(LOGIN)["Location"] == "/"
    assert client.post("/account/logout/")["Location"] == LOGIN


@override_settings(WELLLED_REQUIRE_2FA=False)
def test_with_the_setting_off_nobody_is_forced_and_a_banner_says_so(client_for) -> None:
    response = client_for("trust_admin").get("/account/")
    assert response.status_code == 200
    assert "two-factor login is switched off" in response.content.decode()
