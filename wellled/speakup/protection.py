"""What keeps anonymous routes anonymous, and slows down code guessing.

* `anonymous_route` (a view decorator) and `AnonymousRouteMiddleware` (for the
  top of MIDDLEWARE, so nothing earlier can log the address): compute a keyed,
  daily-rotated tag of the client address for the rate-limit buckets, then remove
  the address, user agent, forwarding headers, referrer and cookies from the
  request, so no later code, log record or error report can see them. The view
  runs as the anonymous public (no session user), sets no cookie and no CSRF
  cookie (there is no ambient authority to forge: every reporter request carries
  its code), and answers with no-store, no-referrer and noindex headers.
* Rate limits: counters in the shared throttle cache (Redis in production),
  keyed by that tag; they expire within the hour and the tag's key changes every
  day, so nothing that outlives the day can be tied back to an address. A client
  over a limit is refused at once (429 with Retry-After): no request waits.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from wellled.core import throttle
from wellled.core.middleware import set_request_id
from wellled.speakup import crypto

TAG_ATTRIBUTE = "speakup_client_tag"
ANONYMOUS_PREFIXES = ("/speak-up/anonymous/", "/api/v1/speak-up/anonymous/")

# Request headers that could identify the sender. REMOTE_ADDR is replaced rather
# than removed, because some libraries expect it to exist.
_IDENTIFYING_META = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_X_REQUEST_ID",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
    "REMOTE_HOST",
)
_PLACEHOLDER_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address


def _address_of(request: HttpRequest) -> str:
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if getattr(settings, "WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR", False) and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def scrub(request: HttpRequest) -> str:
    """Tag the request for rate limiting, then remove what could identify the sender."""
    tag = getattr(request, TAG_ATTRIBUTE, None)
    if tag is None:
        tag = crypto.daily_tag(_address_of(request), timezone.localdate().isoformat())
        setattr(request, TAG_ATTRIBUTE, tag)
    for name in _IDENTIFYING_META:
        request.META.pop(name, None)
    request.META["REMOTE_ADDR"] = _PLACEHOLDER_ADDRESS
    request.COOKIES = {}
    return str(tag)


class AnonymousRouteMiddleware:
    """Put first in MIDDLEWARE: scrubs anonymous routes before anything else runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ANONYMOUS_PREFIXES):
            scrub(request)
        return self.get_response(request)


def harden(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, max-age=0"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    for name in list(response.cookies):
        del response.cookies[name]
    return response


V = TypeVar("V", bound=Callable[..., Any])


def anonymous_route(view: V) -> V:
    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        scrub(request)
        # A fresh request id: one sent by the browser or a proxy could join logs up.
        set_request_id(uuid.uuid4().hex)
        request.user = AnonymousUser()
        if request.method == "POST":
            # Before the body is read: a refused client costs no parsing.
            refusal = request_refused(request)
            if refusal is not None:
                return harden(too_many(request, refusal))
        return harden(view(request, *args, **kwargs))

    return wrapper  # type: ignore[return-value]


def too_many(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """429 with the reason and Retry-After: JSON for the API, else a page."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": refusal.message}, status=429)
    else:
        response = render(
            request, "speakup/too_many.html", {"message": refusal.message}, status=429
        )
    response["Retry-After"] = str(refusal.retry_after)
    return response


BAD_CODE = (
    "Enter the 25-character code you were given, like ABCDE-12345-FGHJK-67890-MNPQR. "
    "Spaces and dashes do not matter."
)


def code_malformed(code: str) -> bool:
    """Empty, or not the shape of a code: a typing slip to correct, not a guess."""
    return crypto.normalise_code(code) is None


def client_tag(request: HttpRequest) -> str:
    return str(getattr(request, TAG_ATTRIBUTE, "") or scrub(request))


# --- Buckets ---
#
# Counted by `core.throttle` in the shared throttle cache (Redis in production,
# shared by every process; see checks.py), in fixed windows of an hour. Its cache
# keys are a SHA-256 of the group, the window and the client's daily tag, never
# the address.

THROTTLED = (
    "There have been too many attempts from here. Wait {minutes} and try again, "
    "or speak to a guardian in person."
)


@dataclass(frozen=True)
class Refusal(throttle.Refusal):
    """A request refused for now: say so, and when to come back."""

    @property
    def message(self) -> str:
        return THROTTLED.format(minutes=self.minutes)


def _said(refusal: throttle.Refusal | None) -> Refusal | None:
    return None if refusal is None else Refusal(retry_after=refusal.retry_after)


def _tag_key(group: str, request: HttpRequest) -> str:
    return client_tag(request)


REQUESTS = throttle.Bucket(
    "speakup.requests",
    rate=throttle.setting_rate("WELLLED_SPEAKUP_REQUESTS_PER_HOUR", 120),
    key=_tag_key,
)
CODE_FAILURES = throttle.Bucket(
    "speakup.code-failures",
    rate=throttle.setting_rate("WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR", 10),
    key=_tag_key,
)
SUBMISSIONS = throttle.Bucket(
    "speakup.submissions",
    rate=throttle.setting_rate("WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR", 10),
    key=_tag_key,
)


def request_refused(request: HttpRequest) -> Refusal | None:
    """Count this request (every POST on an anonymous route, whatever becomes of
    it) and refuse it once the client has sent too many this hour."""
    return _said(REQUESTS.spend(request))


def code_refused(request: HttpRequest) -> Refusal | None:
    """Refused: this client has had its allowance of wrong codes this hour."""
    return _said(CODE_FAILURES.refused(request))


def record_code_failure(request: HttpRequest) -> None:
    """A well-formed code that opened nothing."""
    CODE_FAILURES.count(request)


def submission_refused(request: HttpRequest) -> Refusal | None:
    return _said(SUBMISSIONS.refused(request))


def record_submission(request: HttpRequest) -> None:
    """A concern or files sent, accepted or refused: both cost the server."""
    SUBMISSIONS.count(request)
