"""Optional single sign-on through OpenID Connect (Microsoft Entra ID is documented).

On only when OIDC_RP_CLIENT_ID is set. People are matched to accounts by email
address; someone new gets an account with no roles, which a trust administrator
then grants. See docs/sso-entra-id.md.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from wellled.accounts import actions
from wellled.accounts.queries import IDP_VERIFIED_SESSION_KEY

_CLOCK_SKEW_SECONDS = 120
logger = logging.getLogger(__name__)


def _names(claims: dict[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not (first or last):
        # Some directories send only a display name.
        first, _, last = str(claims.get("name") or "").strip().partition(" ")
    return first, last


class WellledOIDCBackend(OIDCAuthenticationBackend):
    """Matches people by email, creates them with no roles, keeps names current."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any] | None:
        """The ID token's claims, or None (a failed login, with its message) if refused.

        mozilla-django-oidc lets PyJWT's errors (an expired token, a bad signature)
        and a token header without `kid` escape as server errors; they are the
        provider's or an attacker's doing, so the person is sent back to log in.
        """
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
            self.check_id_token_claims(payload)
        except (jwt.PyJWTError, KeyError, SuspiciousOperation) as error:
            # The kind of error only: the token carries personal data.
            logger.warning(
                "Refused an ID token from the identity provider (%s)", type(error).__name__
            )
            return None
        return payload

    def check_id_token_claims(self, payload: dict[str, Any]) -> None:
        """mozilla-django-oidc checks the signature and nonce only: also check the
        ID token was issued to us and has not expired."""
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another application")
        expires = payload.get("exp")
        if not isinstance(expires, int | float) or expires < time.time() - _CLOCK_SKEW_SECONDS:
            raise SuspiciousOperation("The ID token has expired")

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # Without an email address there is nobody to match.
        return bool(str(claims.get("email") or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = str(claims.get("email") or "").strip()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email)

    def create_user(self, claims: dict[str, Any]) -> User:
        first, last = _names(claims)
        return actions.create_sso_user(
            acting_user=None, email=str(claims["email"]), first_name=first, last_name=last
        )

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        first, last = _names(claims)
        return actions.update_sso_user_names(
            acting_user=None, user=user, first_name=first, last_name=last
        )


class WellledOIDCCallbackView(OIDCAuthenticationCallbackView):
    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        # Only when the trust has said the identity provider enforces MFA (for
        # example Entra ID Conditional Access) does this login count as two-factor.
        if settings.OIDC_TRUSTS_IDP_MFA:
            self.request.session[IDP_VERIFIED_SESSION_KEY] = True
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            "We could not log you in with your NHS account. Try again, or log in with "
            "your username and password.",
        )
        return HttpResponseRedirect(reverse("accounts:login"))


def oidc_urlpatterns() -> list[URLPattern]:
    """The two OIDC views, for wellled/accounts/urls.py to include when enabled."""
    return [
        path(
            "oidc/authenticate/",
            OIDCAuthenticationRequestView.as_view(),
            name="oidc_authentication_init",
        ),
        path(
            "oidc/callback/",
            WellledOIDCCallbackView.as_view(),
            name="oidc_authentication_callback",
        ),
    ]
