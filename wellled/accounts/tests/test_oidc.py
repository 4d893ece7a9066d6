"""Optional single sign-on: matching people by email, and when it counts as two-factor.

No network: the identity provider's answer is a claims dict.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse

import wellled.settings as production_settings
from wellled.accounts.oidc import WellledOIDCBackend, WellledOIDCCallbackView
from wellled.accounts.queries import IDP_VERIFIED_SESSION_KEY
from wellled.accounts.tests import oidc_urls  # noqa: F401 - loaded before ROOT_URLCONF swaps
from wellled.core.models import AuditEvent
from wellled.organisation.models import RoleAssignment

TENANT = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000"
OIDC = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "test-client-id",
    "OIDC_RP_CLIENT_SECRET": "test-secret",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{TENANT}/oauth2/v2.0/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{TENANT}/oauth2/v2.0/token",
    "OIDC_OP_USER_ENDPOINT": "https://graph.microsoft.com/oidc/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{TENANT}/discovery/v2.0/keys",
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_authentication_callback",
    "OIDC_USE_PKCE": True,
    "OIDC_CREATE_USER": True,
}
with_oidc = override_settings(**OIDC, ROOT_URLCONF="wellled.accounts.tests.oidc_urls")


class ClaimsBackend(WellledOIDCBackend):
    """The real backend, with the identity provider's userinfo answer given."""

    def __init__(self, claims: dict[str, Any]) -> None:
        super().__init__()
        self.claims = claims

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return self.claims


def sign_in(claims: dict[str, Any], **settings: Any) -> User | None:
    with override_settings(**{**OIDC, **settings}):
        return ClaimsBackend(claims).get_or_create_user("access", "id", {})


def test_sso_is_off_unless_a_client_id_is_set(client, db) -> None:
    assert production_settings.OIDC_TRUSTS_IDP_MFA is False
    with pytest.raises(NoReverseMatch):
        reverse("accounts:oidc_authentication_init")
    assert "Log in with your NHS account" not in client.get("/account/login/").content.decode()


def test_someone_known_by_email_is_matched_and_their_names_kept_current(trust_admin) -> None:
    claims = {"email": "TRUST_ADMIN@example.nhs.uk", "given_name": "Priya", "family_name": "Shah"}
    user = sign_in(claims)
    assert user is not None and user.pk == trust_admin.pk
    trust_admin.refresh_from_db()
    assert (trust_admin.first_name, trust_admin.last_name) == ("Priya", "Shah")
    assert User.objects.filter(email__iexact="trust_admin@example.nhs.uk").count() == 1
    event = AuditEvent.objects.get(action="user.names_updated_by_sso")
    assert event.after == {"first_name": "Priya", "last_name": "Shah"}
    # Signing in again with the same names writes nothing new.
    sign_in(claims)
    assert AuditEvent.objects.filter(action="user.names_updated_by_sso").count() == 1


def test_someone_new_gets_an_account_with_no_roles_and_no_password(db) -> None:
    user = sign_in({"email": "Sam.Jones@trust.nhs.uk", "given_name": "Sam", "family_name": "Jones"})
    assert user is not None
    assert user.username == "sam.jones@trust.nhs.uk"
    assert user.email == "Sam.Jones@trust.nhs.uk"
    assert (user.first_name, user.last_name) == ("Sam", "Jones")
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    assert not RoleAssignment.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="user.created_by_sso")
    assert event.object_id == str(user.pk)


def test_a_display_name_fills_in_when_there_are_no_name_parts(db) -> None:
    user = sign_in({"email": "ada@trust.nhs.uk", "name": "Ada King Lovelace"})
    assert user is not None
    assert (user.first_name, user.last_name) == ("Ada", "King Lovelace")


def test_a_taken_username_gets_a_suffix(db) -> None:
    User.objects.create_user("kim@trust.nhs.uk", email="someone-else@trust.nhs.uk")
    user = sign_in({"email": "kim@trust.nhs.uk"})
    assert user is not None
    assert user.username == "kim@trust.nhs.uk-2"


def test_no_email_means_no_login(db) -> None:
    with pytest.raises(SuspiciousOperation):
        sign_in({"given_name": "No", "family_name": "Email", "email": ""})
    assert not User.objects.exists()


def test_two_accounts_with_one_email_means_no_login(db) -> None:
    User.objects.create_user("one", email="shared@trust.nhs.uk")
    User.objects.create_user("two", email="Shared@trust.nhs.uk")
    with pytest.raises(SuspiciousOperation):
        sign_in({"email": "shared@trust.nhs.uk"})


def test_with_creation_off_a_stranger_is_refused(db) -> None:
    assert sign_in({"email": "stranger@trust.nhs.uk"}, OIDC_CREATE_USER=False) is None
    assert not User.objects.exists()


# --- Pages, when switched on ------------------------------------------------------


@with_oidc
def test_the_login_page_offers_the_nhs_account_button(client, db) -> None:
    body = client.get("/account/login/?next=/account/").content.decode()
    assert "Log in with your NHS account" in body
    assert 'href="/account/oidc/authenticate/?next=/account/"' in body


@with_oidc
def test_the_button_sends_people_to_the_tenant_with_our_callback(client, db) -> None:
    response = client.get("/account/oidc/authenticate/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == OIDC["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    )
    query = parse_qs(target.query)
    assert query["client_id"] == ["test-client-id"]
    assert query["redirect_uri"] == ["http://testserver/account/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]


@with_oidc
def test_a_refused_sign_in_returns_to_the_login_page_with_a_message(client, db) -> None:
    response = client.get("/account/oidc/callback/?error=access_denied", follow=True)
    assert response.redirect_chain[-1][0] == "/account/login/"
    assert "We could not log you in with your NHS account" in response.content.decode()
    assert SESSION_KEY not in client.session


def _callback_success(user: User) -> Any:
    request = RequestFactory().get("/account/oidc/callback/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user
    user.backend = "wellled.accounts.oidc.WellledOIDCBackend"  # type: ignore[attr-defined]
    view = WellledOIDCCallbackView()
    view.request = request
    view.user = user
    with override_settings(**OIDC):
        view.login_success()
    return request


@pytest.mark.parametrize("trusted", [True, False])
def test_sso_counts_as_two_factor_only_when_the_trust_says_so(trust_admin, trusted) -> None:
    with override_settings(OIDC_TRUSTS_IDP_MFA=trusted):
        request = _callback_success(trust_admin)
    assert bool(request.session.get(IDP_VERIFIED_SESSION_KEY)) is trusted


def _sso_session(client, user: User) -> None:
    client.force_login(user, backend="wellled.accounts.login_delay.DelayedModelBackend")
    session = client.session
    session[IDP_VERIFIED_SESSION_KEY] = True
    session.save()


@override_settings(WELLLED_REQUIRE_2FA=True, OIDC_TRUSTS_IDP_MFA=True)
def test_a_trusted_sso_session_is_not_asked_for_a_second_factor(client, trust_admin) -> None:
    _sso_session(client, trust_admin)
    assert client.get("/account/").status_code == 200


@override_settings(WELLLED_REQUIRE_2FA=True, OIDC_TRUSTS_IDP_MFA=False)
def test_without_trust_an_sso_session_must_still_enrol(client, trust_admin) -> None:
    _sso_session(client, trust_admin)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/setup/")


@pytest.mark.parametrize(
    ("payload", "accepted"),
    [
        ({"aud": "test-client-id", "exp": time.time() + 300}, True),
        ({"aud": ["other", "test-client-id"], "exp": time.time() + 300}, True),
        ({"aud": "another-app", "exp": time.time() + 300}, False),
        ({"aud": "test-client-id", "exp": time.time() - 3600}, False),
        ({"aud": "test-client-id"}, False),
    ],
)
def test_an_id_token_must_be_ours_and_current(db, payload, accepted) -> None:
    with override_settings(**OIDC):
        backend = WellledOIDCBackend()
    if accepted:
        backend.check_id_token_claims(payload)
    else:
        with pytest.raises(SuspiciousOperation):
            backend.check_id_token_claims(payload)
