"""Helpers for the accounts tests: real devices, real codes, real logins."""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from wellled.accounts import actions
from wellled.core.testing import PASSWORD

LOGIN = "/account/login/"


def totp_code(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding this key shows now (or a step later)."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-factor login for user through the real action."""
    key = random_hex(20)
    # Earlier steps count as used, so the current code is still good for a login.
    current_t = int(time.time()) // 30
    return actions.enable_two_factor(acting_user=user, key=key, last_t=current_t - 2)


def post_password(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def verify_url() -> str:
    return reverse("accounts:two_factor_verify")
