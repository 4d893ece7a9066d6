"""Use case: a platform operator (superuser) uses /django-admin/ to look, and cannot
become anyone: no password, authenticator app, API token or role can be set there,
and no secret is shown."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from rest_framework.authtoken.models import Token

from wellled.accounts.actions import issue_api_token
from wellled.accounts.tests.support import enrol
from wellled.core.testing import PASSWORD
from wellled.organisation.models import Role, RoleAssignment

NEW_PASSWORD = "an-operator-chose-this-1"


@pytest.fixture
def operator_admin(client: Client, operator: User) -> Client:
    client.force_login(operator)
    return client


def test_every_admin_screen_is_read_only_for_a_superuser(operator: User) -> None:
    request = RequestFactory().get("/django-admin/")
    request.user = operator
    assert admin.site._registry, "the admin has no screens at all"
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        assert not model_admin.has_add_permission(request), f"{name} can be added"
        assert not model_admin.has_change_permission(request), f"{name} can be changed"
        assert not model_admin.has_delete_permission(request), f"{name} can be deleted"
        assert not model_admin.get_actions(request), f"{name} has bulk actions"
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), f"{name} inline can add"
            assert not inline.has_change_permission(request), f"{name} inline can change"


def test_the_operator_cannot_set_a_guardians_password(operator_admin, guardian) -> None:
    url = f"/django-admin/auth/user/{guardian.pk}/password/"
    operator_admin.post(
        url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    guardian.refresh_from_db()
    assert guardian.check_password(PASSWORD)
    assert not guardian.check_password(NEW_PASSWORD)
    page = operator_admin.get(url, follow=True)
    assert 'name="password1"' not in page.content.decode()


def test_the_user_page_shows_no_password_hash(operator_admin, guardian) -> None:
    page = operator_admin.get(f"/django-admin/auth/user/{guardian.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert guardian.username in text
    # auth's own widget shows the algorithm and the first characters of salt and hash.
    _algorithm, salt, digest = guardian.password.split("$")
    assert salt[:6] not in text and digest[:6] not in text
    assert "Raw passwords are not stored" not in text  # auth's password widget


def test_the_operator_cannot_make_someone_a_superuser_or_give_them_a_group_or_role(
    operator_admin, trust, guardian, staff_member
) -> None:
    group = Group.objects.create(name="Helpers")
    now = timezone.now()
    response = operator_admin.post(
        f"/django-admin/auth/user/{staff_member.pk}/change/",
        {
            "username": staff_member.username,
            "first_name": staff_member.first_name,
            "last_name": staff_member.last_name,
            "email": staff_member.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [str(group.pk)],
            "last_login_0": now.strftime("%Y-%m-%d"),
            "last_login_1": now.strftime("%H:%M:%S"),
            "date_joined_0": now.strftime("%Y-%m-%d"),
            "date_joined_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 403
    staff_member.refresh_from_db()
    assert not staff_member.is_superuser and not staff_member.is_staff
    assert not staff_member.groups.exists()

    assert (
        operator_admin.post("/django-admin/auth/group/add/", {"name": "Admins"}).status_code == 403
    )
    assert not Group.objects.filter(name="Admins").exists()
    added = operator_admin.post(
        "/django-admin/organisation/roleassignment/add/",
        {"user": staff_member.pk, "role": Role.FTSU_GUARDIAN, "unit": trust.trust.pk},
    )
    assert added.status_code == 403
    assert not RoleAssignment.objects.filter(user=staff_member, role=Role.FTSU_GUARDIAN).exists()


def test_the_operator_cannot_add_an_authenticator_app_for_a_guardian(
    operator_admin, guardian
) -> None:
    response = operator_admin.post(
        "/django-admin/otp_totp/totpdevice/add/",
        {
            "user": guardian.pk,
            "name": "Operator's phone",
            "confirmed": "on",
            "key": random_hex(20),
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=guardian).exists()
    static = operator_admin.post(
        "/django-admin/otp_static/staticdevice/add/",
        {
            "user": guardian.pk,
            "name": "Operator's codes",
            "confirmed": "on",
            "throttling_failure_count": 0,
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-0-token": "opcode01",
        },
    )
    assert static.status_code == 403
    assert not StaticToken.objects.filter(device__user=guardian).exists()


def test_the_authenticator_pages_show_no_key_or_backup_code(operator_admin, guardian) -> None:
    device, codes = enrol(guardian)
    totp_page = operator_admin.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/change/")
    assert totp_page.status_code == 200
    assert device.key not in totp_page.content.decode()
    qrcode = operator_admin.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qrcode.status_code != 200 or qrcode["Content-Type"].startswith("text/html")
    config = operator_admin.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/config/")
    assert device.key not in config.content.decode()
    static = guardian.staticdevice_set.get()
    static_page = operator_admin.get(f"/django-admin/otp_static/staticdevice/{static.pk}/change/")
    assert static_page.status_code == 200
    assert not any(code in static_page.content.decode() for code in codes)


def test_the_operator_cannot_mint_or_read_a_guardians_token(operator_admin, guardian) -> None:
    added = operator_admin.post("/django-admin/authtoken/tokenproxy/add/", {"user": guardian.pk})
    assert added.status_code == 403
    assert not Token.objects.filter(user=guardian).exists()

    token, _ = issue_api_token(acting_user=guardian, user=guardian)
    listing = operator_admin.get("/django-admin/authtoken/tokenproxy/")
    assert listing.status_code == 200
    assert guardian.username in listing.content.decode()
    assert token.key not in listing.content.decode()
