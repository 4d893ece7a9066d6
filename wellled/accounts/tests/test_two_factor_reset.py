"""Use case: someone lost their phone, and a trust administrator resets their
two-factor login so that they can set it up again."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellled.accounts.actions import reset_two_factor
from wellled.accounts.tests.support import enrol, post_password
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.organisation import actions as org
from wellled.organisation.models import Role


def _reset_url(user: User) -> str:
    return f"/organisation/people/{user.pk}/two-factor/reset/"


def _person_url(user: User) -> str:
    return f"/organisation/people/{user.pk}/"


def _devices(user: User) -> int:
    return (
        TOTPDevice.objects.filter(user=user).count()
        + StaticDevice.objects.filter(user=user).count()
    )


def test_admin_resets_a_guardians_two_factor_from_the_person_page(client_for, guardian) -> None:
    device, codes = enrol(guardian)
    client = client_for("trust_admin")
    page = client.get(_person_url(guardian)).content.decode()
    assert _reset_url(guardian) in page

    confirm = client.get(_reset_url(guardian))
    assert confirm.status_code == 200
    assert "Reset two-factor login for" in confirm.content.decode()
    assert _devices(guardian) == 2  # looking at the confirmation changes nothing

    response = client.post(_reset_url(guardian))
    assert response.status_code == 302
    assert response["Location"] == _person_url(guardian)
    assert _devices(guardian) == 0
    assert not StaticToken.objects.filter(device__user=guardian).exists()
    event = AuditEvent.objects.filter(action="two_factor.reset").get()
    assert event.object_id == str(guardian.pk)
    assert event.before == {"authenticator_apps": 1, "backup_code_sets": 1}
    assert event.after is not None and event.after["authenticator_apps"] == 0
    stored = json.dumps([event.before, event.after, event.object_repr])
    assert device.key not in stored
    assert not any(code in stored for code in codes)
    # Nothing left to reset: the button goes.
    assert _reset_url(guardian) not in client.get(_person_url(guardian)).content.decode()


def test_the_button_is_not_shown_to_someone_without_two_factor(client_for, guardian) -> None:
    client = client_for("trust_admin")
    assert _reset_url(guardian) not in client.get(_person_url(guardian)).content.decode()
    # A hand-typed address just leads back to the person page.
    response = client.get(_reset_url(guardian))
    assert response["Location"] == _person_url(guardian)


def test_the_reset_logs_the_person_out_everywhere(client_for, guardian) -> None:
    enrol(guardian)
    theirs = Client()
    theirs.force_login(guardian)
    assert theirs.get("/account/").status_code == 200
    client_for("trust_admin").post(_reset_url(guardian))
    assert theirs.get("/account/")["Location"].startswith("/account/login/")
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.after is not None and event.after["sessions_ended"] == 1


@override_settings(WELLLED_REQUIRE_2FA=True)
def test_after_a_reset_the_next_login_enrols_again(client, client_for, guardian) -> None:
    enrol(guardian)
    client_for("trust_admin").post(_reset_url(guardian))
    response = post_password(client, "guardian")
    # No code step: the password logs them in, and the middleware sends them to enrol.
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")


@pytest.mark.parametrize("persona", ["service_lead", "staff_member"])
def test_people_who_do_not_manage_roles_are_refused(client_for, guardian, persona) -> None:
    enrol(guardian)
    client = client_for(persona)
    assert client.post(_reset_url(guardian)).status_code == 403
    assert _devices(guardian) == 2
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_an_administrator_cannot_reset_their_own(client_for, trust_admin) -> None:
    enrol(trust_admin)
    client = client_for("trust_admin")
    page = client.get(_person_url(trust_admin)).content.decode()
    assert _reset_url(trust_admin) not in page
    assert "ask another administrator" in page
    response = client.post(_reset_url(trust_admin))
    assert response.status_code == 403
    assert "Ask another administrator" in response.content.decode()
    assert _devices(trust_admin) == 2
    with pytest.raises(PermissionDenied, match="Ask another administrator"):
        reset_two_factor(acting_user=trust_admin, user=trust_admin)
    assert _devices(trust_admin) == 2


def test_an_administrator_of_one_service_resets_only_within_it(trust: Trust) -> None:
    local_admin = trust.people["outsider"]
    org.grant_role(acting_user=None, user=local_admin, role=Role.TRUST_ADMIN, unit=trust.service)
    inside, elsewhere = trust.people["staff_member"], trust.people["guardian"]
    enrol(inside)
    enrol(elsewhere)
    with pytest.raises(PermissionDenied):
        reset_two_factor(acting_user=local_admin, user=elsewhere)
    assert _devices(elsewhere) == 2
    reset_two_factor(acting_user=local_admin, user=inside)
    assert _devices(inside) == 0


def test_a_trust_administrator_cannot_reset_an_operators(trust_admin, operator) -> None:
    enrol(operator)
    with pytest.raises(PermissionDenied):
        reset_two_factor(acting_user=trust_admin, user=operator)
    assert _devices(operator) == 2
