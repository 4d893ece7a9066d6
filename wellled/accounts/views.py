from __future__ import annotations

import math
import time
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from wellled.accounts import actions, login_delay
from wellled.accounts.access import is_privileged
from wellled.accounts.forms import ConfirmAppForm, LoginForm, PasswordChangeForm, TwoFactorCodeForm
from wellled.accounts.lockout import cool_off_minutes
from wellled.accounts.queries import (
    IDP_VERIFIED_SESSION_KEY,
    api_token_for,
    backup_codes_left,
    has_two_factor,
    is_two_factor_verified,
    must_change_password,
    own_grants,
    pending_login,
)
from wellled.core.adapters import crumbs
from wellled.core.types import AuthenticatedHttpRequest

# A correct password for an account with two-factor login waits here, in the
# anonymous session, until the code is entered. It is not a login.
PENDING_SESSION_KEY = "wellled_2fa_pending"
PENDING_SECONDS = 5 * 60
# The new app's secret lives only in the enrolling session until its first code
# proves the app has it; then it becomes a device.
SETUP_KEY_SESSION_KEY = "wellled_2fa_setup_key"
# Shown once, on the next page, then gone.
NEW_BACKUP_CODES_SESSION_KEY = "wellled_new_backup_codes"
NEW_API_TOKEN_SESSION_KEY = "wellled_new_api_token"  # noqa: S105 - a session key name


def _account_crumbs() -> list[dict[str, str]]:
    return crumbs(("Your account", reverse("accounts:profile")))


def _next_param(request: HttpRequest) -> str:
    """The page to go to after this one, if it is a safe one on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request: HttpRequest) -> str:
    return _next_param(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_param: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_param})}" if next_param else url


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if has_two_factor(user):
            # A fresh session key, so a key planted before the password is worthless.
            request.session.cycle_key()
            request.session[PENDING_SESSION_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", ""),
                "started": time.time(),
            }
            return HttpResponseRedirect(
                _with_next("accounts:two_factor_verify", _next_param(request))
            )
        auth_login(request, user)
        request.session.pop(IDP_VERIFIED_SESSION_KEY, None)
        return HttpResponseRedirect(_next_url(request))
    wait = getattr(request, login_delay.WAIT_ATTRIBUTE, 0)
    if wait:
        return wait_before_trying(request, wait)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_param(request), "oidc_enabled": settings.OIDC_ENABLED},
    )


def wait_before_trying(request: HttpRequest, seconds: int) -> HttpResponse:
    """Too many wrong passwords, for this account or from here: the same page
    whatever the account, so it reveals nothing about whether the account exists."""
    minutes = math.ceil(seconds / 60)
    wait = f"{seconds} second{pluralize(seconds)}" if seconds < 60 else f"{minutes} minutes"
    response = render(
        request,
        "accounts/wait_before_trying.html",
        {"wait": wait, "next": _next_param(request)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the same page whatever the account, so it
    reveals nothing about whether the account exists."""
    return render(
        request,
        "accounts/locked_out.html",
        {"cool_off_minutes": cool_off_minutes()},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


def _awaiting_code(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    """Who must enter a code here: a logged-in person not yet verified, or the
    person whose password was just accepted."""
    if request.user.is_authenticated:
        current: User = request.user
        if has_two_factor(current) and not is_two_factor_verified(request):
            return current, None
        return None, None
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("started", 0)) > PENDING_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        messages.info(request, "You took too long to enter the code. Log in again.")
        return None, None
    user = pending_login(int(pending.get("user_id", 0)))
    if user is None or not has_two_factor(user):
        return None, None
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user, pending = _awaiting_code(request)
    if user is None:
        if request.user.is_authenticated:
            return HttpResponseRedirect(_next_url(request))
        return HttpResponseRedirect(_with_next("accounts:login", _next_param(request)))
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid() and form.device is not None:
        if pending is not None:
            del request.session[PENDING_SESSION_KEY]
            auth_login(request, user, backend=pending["backend"] or None)
            request.session.pop(IDP_VERIFIED_SESSION_KEY, None)
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = backup_codes_left(user)
            messages.warning(
                request,
                f"You used a backup code. You have {left} left. "
                "If you have lost your phone, set up two-factor login again.",
            )
        return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_param(request)},
    )


_QR_MAX_PIXELS = 240


def _qr_svg(data: str) -> SafeString:
    """The QR code as inline SVG: no image request, no data: URL, no style attribute."""
    qr = segno.make(data, error="m")
    # Whole pixels per module keep the edges sharp for phone cameras; the viewBox
    # lets the stylesheet shrink it on narrow screens without cropping.
    scale = max(3, _QR_MAX_PIXELS // qr.symbol_size(scale=1)[0])
    size = qr.symbol_size(scale=scale)[0]
    svg = qr.svg_inline(
        scale=scale,
        omitsize=True,
        title="QR code",
        svgclass=None,
        lineclass=None,
        light="#fff",
        dark="#000",
    )
    if "style=" in svg:  # segno emits none today; the CSP forbids any
        raise ValueError("segno produced an inline style")
    svg = svg.replace(
        "<svg ",
        f'<svg width="{size}" height="{size}" role="img" '
        'aria-label="QR code to scan with your authenticator app" focusable="false" ',
        1,
    )
    # segno builds this from our own otpauth:// address, which is URL-quoted.
    return mark_safe(svg)  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@sensitive_post_parameters("code")
@never_cache
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    next_param = _next_param(request)
    replacing = has_two_factor(request.user)
    if replacing and not is_two_factor_verified(request):
        # Replacing the app needs the old one first, or a stolen session could swap it.
        return HttpResponseRedirect(
            _with_next("accounts:two_factor_verify", request.get_full_path())
        )
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not isinstance(key, str):
        key = random_hex(20)
        request.session[SETUP_KEY_SESSION_KEY] = key
    form = ConfirmAppForm(request.POST if request.method == "POST" else None, key=key)
    if request.method == "POST" and form.is_valid():
        device, codes = actions.enable_two_factor(
            acting_user=request.user, key=key, last_t=form.matched_t, drift=form.matched_drift
        )
        del request.session[SETUP_KEY_SESSION_KEY]
        otp_login(request, device)
        request.session[NEW_BACKUP_CODES_SESSION_KEY] = codes
        return HttpResponseRedirect(_with_next("accounts:backup_codes", next_param))
    # An unsaved device, only to build the otpauth:// address that apps understand.
    draft = TOTPDevice(user=request.user, key=key)
    secret = b32encode(draft.bin_key).decode("ascii")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_param,
            "replacing": replacing,
            "secret_grouped": _grouped(secret),
            "qr_svg": _qr_svg(draft.config_url),
            "breadcrumbs": _account_crumbs(),
        },
    )


@login_required
@never_cache
def backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if has_two_factor(user) and not is_two_factor_verified(request):
        return HttpResponseRedirect(
            _with_next("accounts:two_factor_verify", request.get_full_path())
        )
    if request.method == "POST":
        try:
            codes = actions.regenerate_backup_codes(acting_user=user)
        except ValidationError:
            return HttpResponseRedirect(reverse("accounts:two_factor_setup"))
        request.session[NEW_BACKUP_CODES_SESSION_KEY] = codes
        return HttpResponseRedirect(reverse("accounts:backup_codes"))
    new_codes = request.session.pop(NEW_BACKUP_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "new_codes": new_codes,
            "left": backup_codes_left(user),
            "has_two_factor": has_two_factor(user),
            "continue_url": _next_url(request),
            "breadcrumbs": _account_crumbs(),
        },
    )


@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_usable_password():
        return render(
            request,
            "accounts/password_change.html",
            {"form": None, "breadcrumbs": _account_crumbs()},
        )
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(
                acting_user=user, user=user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            # Keep this session; every other session of the account ends.
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed")
            return HttpResponseRedirect(_next_param(request) or reverse("accounts:profile"))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "next": _next_param(request),
            "must_change": must_change_password(user),
            "breadcrumbs": _account_crumbs(),
        },
    )


@login_required
@require_POST
def api_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    token, _ = actions.issue_api_token(acting_user=request.user, user=request.user, rotate=True)
    request.session[NEW_API_TOKEN_SESSION_KEY] = token.key
    return HttpResponseRedirect(reverse("accounts:profile") + "#api-token")


@login_required
@never_cache
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    grants = own_grants(user)
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": grants,
            "has_two_factor": has_two_factor(user),
            "two_factor_verified": is_two_factor_verified(request),
            "backup_codes_left": backup_codes_left(user),
            "two_factor_required": settings.WELLLED_REQUIRE_2FA and is_privileged(user),
            "uses_password": user.has_usable_password(),
            "api_token": api_token_for(user),
            "new_api_token": request.session.pop(NEW_API_TOKEN_SESSION_KEY, None),
            "breadcrumbs": crumbs(("Home", reverse("core:home"))),
        },
    )
