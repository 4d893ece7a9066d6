from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from wellled.accounts.access import is_privileged
from wellled.accounts.queries import has_two_factor, is_two_factor_verified, must_change_password

# Paths anyone may reach before their second factor: logging in and out, the
# two-factor pages themselves, assets, the health check, and the API (which
# authenticates each call with a token, not a session).
_ALWAYS_EXEMPT = ("/static/", "/healthz", "/api/")


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        *_ALWAYS_EXEMPT,
        reverse("accounts:login"),
        reverse("accounts:logout"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:profile") + "oidc/",
    )


class TwoFactorRequiredMiddleware:
    """Sends privileged users without a verified second factor to verify or enrol."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._redirect_for(request)
        if redirect is not None:
            return redirect
        return self.get_response(request)

    def _redirect_for(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.WELLLED_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or request.path.startswith(_exempt_prefixes()):
            return None
        # Staff members and people with no role are not forced: their pages hold
        # nothing beyond their own submissions.
        if not is_privileged(user) or is_two_factor_verified(request):
            return None
        target = (
            "accounts:two_factor_verify" if has_two_factor(user) else "accounts:two_factor_setup"
        )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")


class PasswordChangeRequiredMiddleware:
    """Sends someone still on a password another person chose (a new login's one-time
    password) to the change-password page until they choose their own.

    Runs after TwoFactorRequiredMiddleware, so a privileged newcomer enrols first.
    The API is exempt: a token is made by its owner for scripts, not a password.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(
                (
                    *_exempt_prefixes(),
                    reverse("accounts:password_change"),
                    # Fresh backup codes are shown once, straight after enrolment.
                    reverse("accounts:backup_codes"),
                )
            )
            and must_change_password(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:password_change')}?{query}")
        return self.get_response(request)
