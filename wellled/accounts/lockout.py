"""django-axes hooks that keep lockouts free of personal data.

Lockout is by account name only, so axes needs no client address; these return
fixed values so that no IP address or browser string is ever stored.
"""

from __future__ import annotations

from django.http import HttpRequest


def no_client_ip(request: HttpRequest) -> str:
    return "0.0.0.0"  # noqa: S104 - a placeholder, never a listening address


def client_str(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    return "account login"
