"""Types shared across apps."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

# Anyone a request or an action may be acting for: a login, the anonymous
# public, or None for the system itself (migrations, scheduled jobs).
AnyUser = User | AnonymousUser
Actor = User | AnonymousUser | None


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind @login_required, whose user is a real account."""

    user: User
