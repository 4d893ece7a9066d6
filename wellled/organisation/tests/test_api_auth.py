"""Use case: a script or a browser authenticates to the API, or fails to.

Tokens (`Authorization: Token <key>`) and login sessions both work; a session
only once it has passed the same second factor the pages require. Failures are
JSON, never a redirect to the login page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.util import random_hex
from rest_framework.test import APIClient

from wellled.accounts.actions import enable_two_factor, issue_api_token
from wellled.core.models import AuditEvent
from wellled.core.testing import Trust

STAFF = "/api/v1/staff/"
UNITS = "/api/v1/units/"


def _assert_json_401(response, phrase: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"
    assert "Location" not in response
    assert phrase in response.json()["detail"]


def test_token_authenticates_the_persona(trust: Trust) -> None:
    token, _ = issue_api_token(acting_user=None, user=trust.people["service_lead"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(STAFF)
    assert response.status_code == 200
    # A token is a complete login for scripts: no session is started.
    assert "sessionid" not in response.cookies


def test_unknown_token_is_401_with_a_clear_message(trust: Trust) -> None:
    response = APIClient().get(STAFF, HTTP_AUTHORIZATION="Token xyz")
    _assert_json_401(response, "This API token is not valid")


def test_a_revoked_token_stops_working(trust: Trust) -> None:
    user = trust.people["service_lead"]
    old, _ = issue_api_token(acting_user=None, user=user)
    issue_api_token(acting_user=None, user=user, rotate=True)
    response = APIClient().get(STAFF, HTTP_AUTHORIZATION=f"Token {old.key}")
    _assert_json_401(response, "not valid")


@pytest.mark.parametrize("header", ["Token", "Token a b", "token  "])
def test_malformed_token_header_is_401(trust: Trust, header: str) -> None:
    response = APIClient().get(STAFF, HTTP_AUTHORIZATION=header)
    _assert_json_401(response, "must be 'Token <key>'")


def test_token_of_a_deactivated_account_is_401(trust: Trust) -> None:
    user = trust.people["service_lead"]
    token, _ = issue_api_token(acting_user=None, user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = APIClient().get(STAFF, HTTP_AUTHORIZATION=f"Token {token.key}")
    _assert_json_401(response, "deactivated")


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", UNITS), ("get", STAFF), ("post", UNITS), ("get", "/api/v1/role-assignments/1/")],
)
def test_anonymous_requests_get_json_401_not_a_login_redirect(
    trust: Trust, method: str, url: str
) -> None:
    response = getattr(APIClient(), method)(url)
    _assert_json_401(response, "credentials were not provided")


@pytest.fixture
def two_factor_on(settings) -> None:
    # conftest turns enforcement off for page tests; here it is the subject.
    settings.WELLLED_REQUIRE_2FA = True


def test_non_privileged_session_works_without_two_factor(
    trust: Trust, client_for, two_factor_on
) -> None:
    response = client_for("staff_member").get(UNITS)
    assert response.status_code == 200


def test_privileged_session_without_second_factor_is_refused(
    trust: Trust, client_for, two_factor_on
) -> None:
    # The two-factor middleware leaves /api/ alone; the API must not be the way round it.
    response = client_for("service_lead").get(STAFF)
    _assert_json_401(response, "second factor")


def test_privileged_session_after_second_factor_works(
    trust: Trust, client: Client, two_factor_on
) -> None:
    user = trust.people["service_lead"]
    device, _ = enable_two_factor(acting_user=user, key=random_hex(20), last_t=0)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(STAFF).status_code == 200


def test_privileged_session_is_accepted_where_two_factor_is_off(trust: Trust, client_for) -> None:
    # Only the demo switches it off (production refuses to start without it).
    assert client_for("service_lead").get(STAFF).status_code == 200


def test_operator_api_calls_are_audited_like_their_page_views(trust: Trust, api_for) -> None:
    response = api_for("operator").get(STAFF)
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="operator.access").latest("seq")
    assert event.actor_id == trust.people["operator"].pk
    assert event.object_repr == STAFF


def test_session_writes_need_the_csrf_token(trust: Trust) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(trust.people["staff_member"])
    response = client.post(UNITS, {"kind": "team", "name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_writes_need_no_csrf_token(trust: Trust, api_for) -> None:
    api = api_for("trust_admin")
    api.handler.enforce_csrf_checks = True
    response = api.post(
        UNITS, {"kind": "team", "name": "API team", "parent": trust.service.pk}, format="json"
    )
    assert response.status_code == 201
