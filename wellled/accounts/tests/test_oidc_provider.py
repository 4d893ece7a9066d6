"""Single sign-on end to end, against a real OpenID Connect provider started locally.

The provider is oidc-provider-mock (from PyPI; a Flask app built on Authlib), run on
a free port of this machine for each test. It publishes its endpoints and signing
keys, asks on its authorization page who is signing in (where a real provider asks
for a password), and issues real signed ID tokens. Nothing of wellled's login is
replaced: mozilla-django-oidc sends the authorization request with state, nonce and
PKCE, exchanges the code at the provider's token endpoint over HTTP, checks the ID
token's signature against the provider's published keys, and reads userinfo; then
wellled's backend matches the person by email (docs/sso-entra-id.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client, override_settings
from oidc_provider_mock import run_server_in_thread

from wellled.accounts.tests import oidc_urls  # noqa: F401 - loaded before ROOT_URLCONF swaps
from wellled.core.testing import Trust
from wellled.organisation.models import RoleAssignment

TIMEOUT = 10


@pytest.fixture
def _provider_names_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name the signing key in the ID token's header, as Entra ID and other providers do.

    With the Authlib release in the lock, oidc-provider-mock 0.3.4 signs its ID tokens
    without the `kid` header (Authlib takes it from a config key the mock does not
    set), and mozilla-django-oidc, rightly, picks the provider's key by `kid`. The
    provider is given its own key's id; wellled's side is unchanged.
    """
    from oidc_provider_mock import _app

    original = _app.OpenIDCode.get_jwt_config

    def with_kid(self: Any, grant: Any, client: object = None) -> dict[str, Any]:
        config = dict(original(self, grant, client))
        config["kid"] = _app.storage.jwk.as_dict()["kid"]
        return config

    monkeypatch.setattr(_app.OpenIDCode, "get_jwt_config", with_kid)


def _settings_for(provider: str) -> dict[str, Any]:
    """wellled's OIDC settings, filled in from the provider's discovery document."""
    found = requests.get(f"{provider}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    from django.conf import settings

    return {
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": "wellled-test",
        "OIDC_RP_CLIENT_SECRET": "wellled-test-secret",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": found["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": found["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": found["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": found["jwks_uri"],
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_authentication_callback",
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": True,
        # The trust's provider enforces MFA here, so the tests reach role pages at once.
        "OIDC_TRUSTS_IDP_MFA": True,
        "AUTHENTICATION_BACKENDS": [
            *settings.AUTHENTICATION_BACKENDS,
            "wellled.accounts.oidc.WellledOIDCBackend",
        ],
        "ROOT_URLCONF": "wellled.accounts.tests.oidc_urls",
    }


@pytest.fixture
def provider(_provider_names_its_key: None) -> Iterator[str]:
    with run_server_in_thread(require_nonce=True) as server:
        provider = f"http://localhost:{server.server_port}"
        with override_settings(**_settings_for(provider)):
            yield provider


def _sign_in(client: Client, provider: str, email: str, **claims: str) -> Any:
    """Press "Log in with your NHS account", sign in at the provider, come back."""
    requests.put(
        f"{provider}/users/{email}", json={"email": email, **claims}, timeout=TIMEOUT
    ).raise_for_status()
    start = client.get("/account/oidc/authenticate/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    # The provider's own page: who is signing in.
    answered = requests.post(authorize, data={"sub": email}, allow_redirects=False, timeout=TIMEOUT)
    assert answered.status_code == 302, answered.text[:500]
    back = urlsplit(answered.headers["Location"])
    assert back.path == "/account/oidc/callback/"
    # The callback exchanges the code with the provider over HTTP.
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.django_db
def test_a_member_of_staff_signs_in_with_the_trust_provider(
    client: Client, trust: Trust, provider: str
) -> None:
    """Harriet, a complaints handler, signs in with her NHS account and opens her caseload."""
    harriet = trust.people["complaints_handler"]
    assert harriet.email

    response = _sign_in(client, provider, harriet.email.upper(), given_name="Harriet")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(harriet.pk)
    assert client.get("/complaints/").status_code == 200
    harriet.refresh_from_db()
    assert harriet.first_name == "Harriet"


@pytest.mark.django_db
def test_someone_with_no_staff_record_gets_an_account_with_no_roles(
    client: Client, trust: Trust, provider: str
) -> None:
    response = _sign_in(
        client, provider, "new.starter@example.nhs.uk", given_name="New", family_name="Starter"
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.starter@example.nhs.uk")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not user.has_usable_password()
    assert not RoleAssignment.objects.filter(user=user).exists()
    # Signed in, but the casework is not theirs to see until a role is granted.
    assert client.get("/complaints/").status_code == 403


@pytest.mark.django_db
def test_a_disabled_account_cannot_sign_in_with_the_provider(
    client: Client, trust: Trust, provider: str
) -> None:
    leaver = trust.people["complaints_handler"]
    User.objects.filter(pk=leaver.pk).update(is_active=False)

    response = _sign_in(client, provider, leaver.email)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert SESSION_KEY not in client.session
    page = client.get("/account/login/").content.decode()
    assert "We could not log you in with your NHS account" in page


@pytest.mark.django_db
def test_an_expired_session_asks_again_and_the_provider_signs_in_again(
    client: Client, trust: Trust, provider: str
) -> None:
    harriet = trust.people["complaints_handler"]
    _sign_in(client, provider, harriet.email)
    assert client.get("/complaints/").status_code == 200

    # The idle limit passes (SESSION_IDLE_MINUTES): the stored session has expired.
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/complaints/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")

    again = _sign_in(client, provider, harriet.email)
    assert again.status_code == 302
    assert client.session[SESSION_KEY] == str(harriet.pk)
    assert client.get("/complaints/").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("_provider_names_its_key")
def test_an_expired_id_token_from_the_provider_is_refused(client: Client, trust: Trust) -> None:
    """A token that expired before it arrived (a replay, or a clock far out) logs nobody in."""
    with run_server_in_thread(require_nonce=True, access_token_max_age=timedelta(minutes=-10)) as s:
        provider = f"http://localhost:{s.server_port}"
        with override_settings(**_settings_for(provider)):
            response = _sign_in(client, provider, trust.people["complaints_handler"].email)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_token_that_does_not_name_its_key_is_a_failed_login_not_a_server_error(
    client: Client, trust: Trust
) -> None:
    """The provider as shipped leaves `kid` out: wellled cannot pick the key, so refuses."""
    with run_server_in_thread(require_nonce=True) as server:
        provider = f"http://localhost:{server.server_port}"
        with override_settings(**_settings_for(provider)):
            response = _sign_in(client, provider, trust.people["complaints_handler"].email)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    assert SESSION_KEY not in client.session
