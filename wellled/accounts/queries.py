"""Reads about a person's own login: their second factor and API token."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from wellled.accounts.access import people_rules
from wellled.accounts.models import LoginState
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


def must_change_password(user: AnyUser) -> bool:
    """Must this person replace a password someone else chose before anything else?"""
    if not user.is_authenticated:
        return False
    return LoginState.objects.filter(user_id=user.pk, must_change_password=True).exists()


def pending_login(user_id: int) -> User | None:
    """The active login whose password was just accepted and who must now enter a code."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def own_grants(user: User) -> Iterable[Any]:
    """The roles a person holds, for their own profile page (the organisation's records)."""
    return people_rules().grants_of(user)


def confirmed_devices_for_code(user: User, code: str) -> list[Device]:
    """The devices a code could have come from: a 6-digit code is from the
    authenticator app; anything else may be a backup code."""
    if code.isdigit() and len(code) == 6:
        return list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return list(StaticDevice.objects.filter(user=user, confirmed=True))
