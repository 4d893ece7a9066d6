"""Reads about a person's own login: their second factor and API token."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from wellled.core.types import AnyUser

# Set in the session when an OIDC login is accepted as two-factor (OIDC_TRUSTS_IDP_MFA).
IDP_VERIFIED_SESSION_KEY = "wellled_mfa_by_idp"


def confirmed_totp_device(user: AnyUser) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-id").first()


def has_two_factor(user: AnyUser) -> bool:
    return confirmed_totp_device(user) is not None


def backup_codes_left(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def is_two_factor_verified(request: HttpRequest) -> bool:
    """Has this session passed a second factor (ours, or a trusted identity provider's)?"""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    # Read the setting on every request, so switching trust off takes effect at once.
    return bool(settings.OIDC_TRUSTS_IDP_MFA and request.session.get(IDP_VERIFIED_SESSION_KEY))


def api_token_for(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
