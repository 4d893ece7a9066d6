"""django-axes hooks that keep lockouts free of personal data.

Lockout is by account name only, so axes needs no client address; these return
fixed values so that no IP address or browser string is ever stored.

axes 8 has a setting for the client address (AXES_CLIENT_IP_CALLABLE) but none
for the user agent or Accept header: it reads them straight from request.META
and writes them to every AccessAttempt row. `AccountOnlyDatabaseHandler`
(AXES_HANDLER) overwrites them with placeholders before any row is written.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.http import HttpRequest

PLACEHOLDER_IP = "0.0.0.0"  # noqa: S104 - a placeholder, never a listening address
PLACEHOLDER_USER_AGENT = "not recorded"
PLACEHOLDER_HTTP_ACCEPT = "not recorded"


def no_client_ip(request: HttpRequest) -> str:
    return PLACEHOLDER_IP


def client_str(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    # This string goes into axes' log lines: no username either.
    return "account login"


def _scrub(request: HttpRequest | None) -> None:
    if request is None:
        return
    request.axes_ip_address = PLACEHOLDER_IP  # type: ignore[attr-defined]
    request.axes_user_agent = PLACEHOLDER_USER_AGENT  # type: ignore[attr-defined]
    request.axes_http_accept = PLACEHOLDER_HTTP_ACCEPT  # type: ignore[attr-defined]


class AccountOnlyDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler, with the client's details replaced before every use."""

    def is_allowed(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        _scrub(request)
        return bool(super().is_allowed(request, credentials))

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        _scrub(request)
        return bool(super().is_locked(request, credentials))

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        _scrub(request)
        return int(super().get_failures(request, credentials))

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        _scrub(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        _scrub(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        _scrub(request)
        super().user_logged_out(sender, request, user, **kwargs)


def cool_off_minutes() -> int:
    """The lockout period as whole minutes, for the page that explains it."""
    cool_off: datetime.timedelta | None = get_cool_off()
    if cool_off is None:
        return 0
    return max(1, round(cool_off.total_seconds() / 60))
