from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# Where other modules have long found them.
from wellled.core.actions import record_operator_access
from wellled.core.request_id import current_request_id as current_request_id
from wellled.core.request_id import reset_request_id
from wellled.core.request_id import set_request_id as set_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


_NO_TRACE = "wellled_leaves_no_trace"


def leaves_no_trace(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page whose moment of use must not be stored (a member of staff raising
    a concern): the session is not saved, so its expiry, which slides forward on
    every other request, does not date the visit; and an operator's visit is not
    written to the operator-access audit. Anything the page itself put in the
    session is dropped, so such a page must not rely on the session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, _NO_TRACE, True)
        return view(request, *args, **kwargs)

    return wrapper


def leaves_no_trace_on(request: HttpRequest) -> bool:
    return bool(getattr(request, _NO_TRACE, False))


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a `leaves_no_trace` page never saves the session."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if leaves_no_trace_on(request):
            # The page differs by who is logged in, as Django would have said.
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class RequestIdMiddleware:
    """Gives every request an id that its audit events and log lines carry.

    A well-formed X-Request-ID from the load balancer is kept so that logs join up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SuperuserAccessAuditMiddleware:
    """Platform operators can reach everything, so every page they open is audited."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._is_exempt(request.path) or leaves_no_trace_on(request):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_superuser:
            match = request.resolver_match
            record_operator_access(
                acting_user=user,
                method=request.method or "",
                path=request.path,
                view=match.view_name if match else "",
                status=response.status_code,
            )
        return response

    @staticmethod
    def _is_exempt(path: str) -> bool:
        # Stylesheets and probes reveal nothing; auditing them would bury the trail.
        static = settings.STATIC_URL or ""
        return path == "/healthz" or bool(static and path.startswith(static))
